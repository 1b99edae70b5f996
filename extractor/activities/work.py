"""Who does what in an activity: the council's and each department's efforts, results and
plans, one item per ・ bullet, rows below a department cell joined to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.models import CityWork, Work
from extractor.normalize.matching import read_again
from extractor.normalize.text import is_dash, split_bullets, split_departments
from extractor.structure.layout import ActivityRecord
from extractor.vocabulary import CITY_ROLES, COUNCIL_ROLES, Role


@dataclass
class _CityEntry:
    department: str | None
    departments: list[str]
    lists: dict[Role, list[str]] = field(default_factory=lambda: {r: [] for r in CITY_ROLES})

    def model(self) -> CityWork:
        return CityWork(
            department=self.department,
            departments=self.departments,
            efforts=self.lists[Role.CITY_EFFORTS],
            results=self.lists[Role.CITY_RESULTS],
            plans=self.lists[Role.CITY_PLANS],
        )


def extend(target: list[str], items: Iterable[str], scanned: bool = False) -> None:
    """Add each item to the list unless the list holds it: the same row printed twice
    (h24's 2.4.2) gives its items twice. `scanned`: the items were read from a scan, where
    the two copies are read with different misreadings (設置 and 殺置): an item so near
    one held is held (`read_again`)."""
    for item in items:
        if item in target or (scanned and any(read_again(item, held) for held in target)):
            continue
        target.append(item)


def city_work(record: ActivityRecord) -> list[CityWork]:
    """Given a record, return its city entries: one per department cell, rows below it joined."""
    entries: list[_CityEntry] = []
    for row in record.rows:
        department = row.first(Role.DEPARTMENT)
        content = [(role, cell) for role, cell in row.cells if role in CITY_ROLES]
        meaningful = [(r, c) for r, c in content if not is_dash(c.text)]
        if department is not None and not is_dash(department.text):
            names = split_departments(department.text)
            text = "、".join(names)
            entry = next((e for e in entries if e.department == text), None)
            if entry is None:
                entry = _CityEntry(text, names)
                entries.append(entry)
        elif meaningful:
            entry = entries[-1] if entries else None
            if entry is None:
                entry = _CityEntry(None, [])
                entries.append(entry)
        else:
            continue
        for role, cell in content:
            extend(entry.lists[role], split_bullets(cell.text), cell.read is not None)
    return [entry.model() for entry in entries]


def council_work(record: ActivityRecord) -> Work | None:
    if not set(COUNCIL_ROLES) & record.table.has:
        return None
    lists: dict[Role, list[str]] = {role: [] for role in COUNCIL_ROLES}
    for row in record.rows:
        for role, cell in row.cells:
            if role in lists:
                extend(lists[role], split_bullets(cell.text), cell.read is not None)
    return Work(
        efforts=lists[Role.COUNCIL_EFFORTS],
        results=lists[Role.COUNCIL_RESULTS],
        plans=lists[Role.COUNCIL_PLANS],
    )
