"""Stage 3: turn each activity record's cells into a normalized Activity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.models import (
    Activity,
    CellBox,
    CityWork,
    DateMention,
    ExtractionWarning,
    Goal,
    Provenance,
    Roles,
    Schedule,
    Target,
    Work,
)
from extractor.normalize.dates import WEEKDAYS, DateContext, FoundDate, find_dates, parse_schedule
from extractor.normalize.targets import SlotYears, TargetCell, build_targets
from extractor.normalize.text import (
    clean,
    is_dash,
    parse_name,
    remove_wrap_spaces,
    split_bullets,
    split_departments,
    unique,
)
from extractor.settings import ExtractSettings
from extractor.structure.layout import (
    CITY_ROLES,
    COUNCIL_ROLES,
    TARGET_ROLES,
    ActivityRecord,
    Cell,
    GoalRef,
    Layout,
    Role,
    TableLayout,
)

ITEM_FIELDS = {
    Role.ROLES: "roles",
    Role.COUNCIL_EFFORTS: "council.efforts",
    Role.COUNCIL_RESULTS: "council.results",
    Role.COUNCIL_PLANS: "council.plans",
    Role.CITY_EFFORTS: "city.efforts",
    Role.CITY_RESULTS: "city.results",
    Role.CITY_PLANS: "city.plans",
}
DATED_ROLES = {
    Role.NAME: "name",
    Role.DESCRIPTION: "description",
    **ITEM_FIELDS,
    Role.PLAN: "targets",
    Role.TARGET: "targets",
    Role.ACTUAL: "targets",
    Role.EXTRA: "targets",
}


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


def _goal(ref: GoalRef | None) -> Goal:
    if ref is None:
        return Goal(number=0, title="")
    return Goal(number=ref.number, title=ref.title, raw=ref.raw, line=ref.line, page=ref.page)


def _extend(target: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _city(record: ActivityRecord) -> list[CityWork]:
    """Given a record, return its city entries: one per department cell, rows below it joined."""
    entries: list[_CityEntry] = []
    for row in record.rows:
        department = row.first(Role.DEPARTMENT)
        content = [(role, cell) for role, cell in row.cells if role in CITY_ROLES]
        meaningful = [(r, c) for r, c in content if not is_dash(c.text)]
        if department is not None and not is_dash(department.text):
            text = remove_wrap_spaces(clean(department.text))
            entry = next((e for e in entries if e.department == text), None)
            if entry is None:
                entry = _CityEntry(text, split_departments(department.text))
                entries.append(entry)
        elif meaningful:
            entry = entries[-1] if entries else None
            if entry is None:
                entry = _CityEntry(None, [])
                entries.append(entry)
        else:
            continue
        for role, cell in content:
            _extend(entry.lists[role], split_bullets(cell.text))
    return [entry.model() for entry in entries]


def _work(record: ActivityRecord) -> Work | None:
    if not set(COUNCIL_ROLES) & record.table.has:
        return None
    lists: dict[Role, list[str]] = {role: [] for role in COUNCIL_ROLES}
    for row in record.rows:
        for role, cell in row.cells:
            if role in lists:
                _extend(lists[role], split_bullets(cell.text))
    return Work(
        efforts=lists[Role.COUNCIL_EFFORTS],
        results=lists[Role.COUNCIL_RESULTS],
        plans=lists[Role.COUNCIL_PLANS],
    )


def _date_context(role: Role, table: TableLayout, era: str | None) -> DateContext:
    if role in (Role.COUNCIL_RESULTS, Role.CITY_RESULTS):
        return DateContext(table.results_fiscal_year, era)
    if role in (Role.COUNCIL_PLANS, Role.CITY_PLANS):
        return DateContext(table.plans_fiscal_year, era)
    if role == Role.ACTUAL:
        return DateContext(table.actual_fiscal_year, era)
    return DateContext(None, era)


def _weekday_hint(month: int, day: int, weekday: str, around: int) -> str:
    for year in (around - 1, around + 1, around - 2, around + 2):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if WEEKDAYS[candidate.weekday()] == weekday:
            return f"; the weekday fits {candidate.isoformat()}"
    return ""


class _Builder:
    """Builds one Activity, collecting warnings as it goes."""

    def __init__(
        self, record: ActivityRecord, layout: Layout, settings: ExtractSettings, ident: str
    ):
        self.record = record
        self.layout = layout
        self.settings = settings
        self.id = ident
        self.warnings: list[ExtractionWarning] = []

    def warn(self, code: str, message: str, cell: Cell | None) -> None:
        self.warnings.append(
            ExtractionWarning(
                code=code,
                message=message,
                line=cell.line if cell else self.record.rows[0].line,
                page=cell.page if cell else self.record.rows[0].page,
                activity=self.id,
            )
        )

    def cells(self, *roles: Role) -> list[Cell]:
        return [cell for row in self.record.rows for role, cell in row.cells if role in roles]

    def build(self) -> Activity:
        record, table = self.record, self.record.table
        name_raw = record.name_cells[0].text if record.name_cells else None
        name, status = parse_name(name_raw) if name_raw else (None, None)
        statuses = {parse_name(cell.text)[1] for cell in record.name_cells}
        if len(statuses) > 1:
            self.warn(
                "status_conflict",
                f"repeated rows disagree on status: {sorted(map(str, statuses))}",
                record.name_cells[1],
            )
        if name is None:
            self.warn(
                "activity_without_name",
                "activity has no 活動名 (the table has no such column or the cell is empty)",
                None,
            )
        descriptions = unique(
            clean(c.text) for c in self.cells(Role.DESCRIPTION) if not is_dash(c.text)
        )
        roles: list[str] = []
        for cell in self.cells(Role.ROLES):
            _extend(roles, split_bullets(cell.text))
        city = _city(record)
        return Activity(
            id=self.id,
            basic_goal=_goal(table.basic_goal),
            activity_goal=_goal(table.activity_goal),
            name=name,
            name_raw=name_raw,
            status=status,
            description="\n".join(descriptions) or None,
            roles=Roles(
                heading=remove_wrap_spaces(table.role_heading) if table.role_heading else None,
                items=roles,
            ),
            council=_work(record),
            city=city,
            departments=unique(d for entry in city for d in entry.departments),
            schedule=self.schedule(),
            targets=self.targets(),
            dates=self.dates(),
            source=self.provenance(),
        )

    def schedule(self) -> Schedule:
        cells = [c for c in self.cells(Role.SCHEDULE) if not is_dash(c.text)]
        if not cells:
            return Schedule(raw=None, start_fiscal_year=None, end_fiscal_year=None)
        raws = unique(clean(c.text) for c in cells)
        if len(raws) > 1:
            self.warn(
                "schedule_conflict",
                f"rows give different 年次計画: {raws}; the first is used",
                cells[1],
            )
        start, end = parse_schedule(raws[0], self.layout.era)
        if start is None:
            self.warn(
                "schedule_unreadable",
                f"年次計画 {raws[0]!r} is not a year range like 21~25",
                cells[0],
            )
        return Schedule(raw=raws[0], start_fiscal_year=start, end_fiscal_year=end)

    def targets(self) -> list[Target]:
        table = self.record.table
        years = SlotYears(
            table.plan_fiscal_year, table.target_fiscal_year, table.actual_fiscal_year
        )
        targets: list[Target] = []
        for part in self.record.parts:
            cells = [
                TargetCell(cell.text, TARGET_ROLES[role], row_index, cell.line, cell.column)
                for row_index, row in enumerate(part)
                for role, cell in row.cells
                if role in TARGET_ROLES and not cell.spanned
            ]
            if not cells:
                continue
            part_targets, warnings = build_targets(cells, years, self.settings)
            targets.extend(part_targets)
            for warning in warnings:
                self.warnings.append(
                    warning.model_copy(update={"activity": self.id, "page": part[0].page})
                )
        return targets

    def dates(self) -> list[DateMention]:
        table = self.record.table
        mentions: list[DateMention] = []
        seen: set[tuple[str, str]] = set()
        for row in self.record.rows:
            for role, cell in row.cells:
                field_name = DATED_ROLES.get(role)
                if field_name is None or (field_name, cell.text) in seen:
                    continue
                seen.add((field_name, cell.text))
                context = _date_context(role, table, self.layout.era)
                for found in find_dates(cell.text, context):
                    mentions.append(
                        DateMention(
                            raw=found.raw,
                            kind=found.kind,
                            date=found.date,
                            end=found.end,
                            precision=found.precision,
                            fiscal_year=found.fiscal_year,
                            era=found.era,
                            year_inferred=found.year_inferred,
                            weekday=found.weekday,
                            weekday_matches=found.weekday_matches,
                            field=field_name,
                            line=cell.line,
                            page=cell.page,
                        )
                    )
                    self.check_date(found, field_name, cell)
        return mentions

    def check_date(self, found: FoundDate, field_name: str, cell: Cell) -> None:
        if found.date is None and found.precision in ("day", "month"):
            self.warn(
                "date_year_unknown",
                f"{found.raw!r} in {field_name} has no year and its column names no fiscal year",
                cell,
            )
        if found.weekday_matches is False and found.date is not None:
            hint = ""
            if found.month and found.day and found.weekday:
                hint = _weekday_hint(found.month, found.day, found.weekday, found.date.year)
            inferred = (
                " (year inferred from the column's fiscal year)" if found.year_inferred else ""
            )
            self.warn(
                "weekday_mismatch",
                f"{found.raw!r} in {field_name}: {found.date.isoformat()}{inferred} is a "
                f"{WEEKDAYS[found.date.weekday()]}曜日, not {found.weekday}{hint}",
                cell,
            )

    def provenance(self) -> Provenance:
        rows = self.record.rows
        boxes = [
            CellBox(page=c.box.page, x0=c.box.x0, top=c.box.top, x1=c.box.x1, bottom=c.box.bottom)
            for row in rows
            for _, c in row.cells
            if c.box is not None
        ]
        return Provenance(
            lines=sorted({row.line for row in rows}),
            pages=sorted({row.page for row in rows if row.page is not None}),
            boxes=boxes,
        )


def build_activities(
    layout: Layout, settings: ExtractSettings
) -> tuple[list[Activity], list[ExtractionWarning]]:
    """Given the reconstructed layout, return its normalized activities and their warnings."""
    activities: list[Activity] = []
    warnings: list[ExtractionWarning] = []
    positions: dict[tuple[int, int], int] = {}
    for record in layout.records:
        table = record.table
        goal_key = (
            table.basic_goal.number if table.basic_goal else 0,
            table.activity_goal.number if table.activity_goal else 0,
        )
        positions[goal_key] = positions.get(goal_key, 0) + 1
        ident = f"{goal_key[0]}.{goal_key[1]}.{positions[goal_key]}"
        builder = _Builder(record, layout, settings, ident)
        activities.append(builder.build())
        warnings.extend(builder.warnings)
    return activities, warnings
