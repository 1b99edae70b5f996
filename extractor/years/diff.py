"""Compare two years' datasets: what was renamed (or only spelled otherwise), added, not
found, moved, how targets and actual figures moved (with the 判定), and how the results and
plans texts changed. The pairs come from the crosswalk, as for the report and the exports.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from extractor.models import Activity, Dataset, Number, Schedule, Target, Work
from extractor.normalize.matching import match_form
from extractor.vocabulary import CITY_ROLES, COUNCIL_ROLES, Role, Status
from extractor.years.link import Band, Linkage
from extractor.years.progress import Judgement, judge
from extractor.years.targets import pair_targets


class ActivityRef(BaseModel):
    id: str
    key: str | None
    name: str | None
    basic_goal: int
    activity_goal: int
    goal_title: str


class GoalPosition(BaseModel):
    basic_goal: int
    activity_goal: int
    title: str


class Figures(BaseModel):
    """A target's figures in one year."""

    label: str | None
    kind: str
    text: str | None
    unit: str | None
    plan: Number | None
    plan_fiscal_year: int | None
    target: Number | None
    target_fiscal_year: int | None
    actual: Number | None
    actual_fiscal_year: int | None


class Renamed(BaseModel):
    kind: Literal["renamed"] = "renamed"
    old: str | None
    new: str | None
    spelling_only: bool = Field(description="The names are equal once normalized (表記ゆれ)")


class StatusChanged(BaseModel):
    kind: Literal["status"] = "status"
    old: Status | None
    new: Status | None


class Moved(BaseModel):
    kind: Literal["moved"] = "moved"
    old: GoalPosition
    new: GoalPosition


class DescriptionChanged(BaseModel):
    kind: Literal["description"] = "description"
    old: str | None
    new: str | None


class DepartmentsChanged(BaseModel):
    kind: Literal["departments"] = "departments"
    old: list[str]
    new: list[str]


class ScheduleChanged(BaseModel):
    kind: Literal["schedule"] = "schedule"
    old: Schedule
    new: Schedule


class TargetAdded(BaseModel):
    kind: Literal["target_added"] = "target_added"
    new: Figures


class TargetRemoved(BaseModel):
    kind: Literal["target_removed"] = "target_removed"
    old: Figures


class TargetChanged(BaseModel):
    kind: Literal["target_changed"] = "target_changed"
    parts: list[Literal["unit", "kind", "plan", "target"]]
    old: Figures
    new: Figures


class ActualMoved(BaseModel):
    kind: Literal["actual"] = "actual"
    old: Figures
    new: Figures
    judgement: Judgement = Field(description="The 判定 at the newer actual")


class WorkChanged(BaseModel):
    kind: Literal["work"] = "work"
    part: Role = Field(description="Which part of the work: council.results, city.plans, …")
    department: str | None = Field(default=None, description="For the city's work: 担当課")
    added: list[str]
    removed: list[str]


Change = Annotated[
    Renamed
    | StatusChanged
    | Moved
    | DescriptionChanged
    | DepartmentsChanged
    | ScheduleChanged
    | TargetAdded
    | TargetRemoved
    | TargetChanged
    | ActualMoved
    | WorkChanged,
    Field(discriminator="kind"),
]


class Match(BaseModel):
    old: ActivityRef
    new: ActivityRef
    score: float
    band: Band
    changes: list[Change]


class PacketRef(BaseModel):
    path: str
    fiscal_year: int | None
    report_fiscal_year: int | None


class Summary(BaseModel):
    matched: int
    review: int
    renamed: int
    spelling: int = Field(description="Renamed only in spelling (表記ゆれ)")
    moved: int
    status_changed: int
    targets_changed: int
    actuals_moved: int
    work_changed: int = Field(description="Activities whose results or plans texts changed")
    added: int
    removed: int = Field(description="Activities not found in the newer packet")


class Diff(BaseModel):
    old: PacketRef
    new: PacketRef
    summary: Summary
    matched: list[Match]
    added: list[ActivityRef]
    removed: list[ActivityRef] = Field(description="Not found in the newer packet")

    def has_differences(self) -> bool:
        return bool(self.added or self.removed or any(m.changes for m in self.matched))


def _ref(activity: Activity) -> ActivityRef:
    return ActivityRef(
        id=activity.id,
        key=activity.key,
        name=activity.name,
        basic_goal=activity.basic_goal.number,
        activity_goal=activity.activity_goal.number,
        goal_title=activity.activity_goal.title,
    )


def figures(target: Target) -> Figures:
    """Given a target, return its figures."""
    return Figures(
        label=target.label,
        kind=target.kind,
        text=target.text,
        unit=target.unit,
        plan=target.plan.value,
        plan_fiscal_year=target.plan.fiscal_year,
        target=target.target.value,
        target_fiscal_year=target.target.fiscal_year,
        actual=target.actual.value,
        actual_fiscal_year=target.actual.fiscal_year,
    )


def _target_changes(old: list[Target], new: list[Target]) -> list[Change]:
    changes: list[Change] = []
    paired, added, removed = pair_targets(old, new)
    for before, after in paired:
        parts: list[Literal["unit", "kind", "plan", "target"]] = []
        if before.unit != after.unit:
            parts.append("unit")
        if before.kind != after.kind:
            parts.append("kind")
        for slot in ("plan", "target"):
            a, b = getattr(before, slot), getattr(after, slot)
            if (a.value, a.fiscal_year) != (b.value, b.fiscal_year):
                parts.append(slot)
        if parts:
            changes.append(TargetChanged(parts=parts, old=figures(before), new=figures(after)))
        if before.actual.value != after.actual.value and after.kind == "numeric":
            changes.append(
                ActualMoved(old=figures(before), new=figures(after), judgement=judge(after))
            )
    changes += [TargetAdded(new=figures(t)) for t in added]
    changes += [TargetRemoved(old=figures(t)) for t in removed]
    return changes


def _lines_changed(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Given two lists of items, return the items added and removed (a line diff)."""
    added: list[str] = []
    removed: list[str] = []
    for line in difflib.ndiff(old, new):
        if line.startswith("+ "):
            added.append(line[2:])
        elif line.startswith("- "):
            removed.append(line[2:])
    return added, removed


def _work_changes(old: Activity, new: Activity) -> list[Change]:
    """Given an activity in two years, return how each actor's efforts, results and plans
    changed: the council's, then each department's of the city."""
    old_city = {c.department: c for c in old.city}
    sides: list[tuple[tuple[Role, ...], Work | None, Work | None, str | None]] = [
        (COUNCIL_ROLES, old.council, new.council, None)
    ]
    sides += [(CITY_ROLES, old_city.get(e.department), e, e.department) for e in new.city]
    changes: list[Change] = []
    for roles, before, after, department in sides:
        for role in roles:
            part = role.value.split(".")[1]
            added, removed = _lines_changed(
                getattr(before, part) if before else [], getattr(after, part) if after else []
            )
            if added or removed:
                changes.append(
                    WorkChanged(part=role, department=department, added=added, removed=removed)
                )
    return changes


def _position(activity: Activity) -> GoalPosition:
    return GoalPosition(
        basic_goal=activity.basic_goal.number,
        activity_goal=activity.activity_goal.number,
        title=activity.activity_goal.title,
    )


def _packet_ref(dataset: Dataset) -> PacketRef:
    return PacketRef(
        path=dataset.source.path,
        fiscal_year=dataset.packet.fiscal_year,
        report_fiscal_year=dataset.packet.report_fiscal_year,
    )


def compare(old: Activity, new: Activity) -> list[Change]:
    """Given one activity in two years, return what changed."""
    changes: list[Change] = []
    if old.name != new.name:
        spelling = match_form(old.name or "") == match_form(new.name or "")
        changes.append(Renamed(old=old.name, new=new.name, spelling_only=spelling))
    if old.status != new.status:
        changes.append(StatusChanged(old=old.status, new=new.status))
    before, after = _position(old), _position(new)
    if (before.basic_goal, before.activity_goal) != (after.basic_goal, after.activity_goal):
        changes.append(Moved(old=before, new=after))
    if old.description != new.description:
        changes.append(DescriptionChanged(old=old.description, new=new.description))
    if old.departments != new.departments:
        changes.append(DepartmentsChanged(old=old.departments, new=new.departments))
    if old.schedule.raw != new.schedule.raw:
        changes.append(ScheduleChanged(old=old.schedule, new=new.schedule))
    changes += _target_changes(old.targets, new.targets)
    changes += _work_changes(old, new)
    return changes


def diff_datasets(old: Dataset, new: Dataset, linkage: Linkage) -> Diff:
    """Given two years' datasets and their pairs (from the crosswalk), return what differs."""
    matched = []
    for item in linkage.links:
        a, b = old.activities[item.old], new.activities[item.new]
        matched.append(
            Match(old=_ref(a), new=_ref(b), score=item.score, band=item.band, changes=compare(a, b))
        )

    def count(test: Callable[[Change], bool]) -> int:
        """How many matched activities have a change that passes `test`."""
        return sum(1 for m in matched if any(test(c) for c in m.changes))

    return Diff(
        old=_packet_ref(old),
        new=_packet_ref(new),
        summary=Summary(
            matched=len(matched),
            review=sum(1 for m in matched if m.band == "review"),
            renamed=count(lambda c: isinstance(c, Renamed) and not c.spelling_only),
            spelling=count(lambda c: isinstance(c, Renamed) and c.spelling_only),
            moved=count(lambda c: isinstance(c, Moved)),
            status_changed=count(lambda c: isinstance(c, StatusChanged)),
            targets_changed=count(
                lambda c: isinstance(c, TargetChanged | TargetAdded | TargetRemoved)
            ),
            actuals_moved=count(lambda c: isinstance(c, ActualMoved)),
            work_changed=count(lambda c: isinstance(c, WorkChanged)),
            added=len(linkage.added),
            removed=len(linkage.removed),
        ),
        matched=matched,
        added=[_ref(new.activities[j]) for j in linkage.added],
        removed=[_ref(old.activities[i]) for i in linkage.removed],
    )
