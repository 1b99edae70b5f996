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
from extractor.years.history import slot_text
from extractor.years.inline import Run, pair_lines, runs
from extractor.years.link import Band, Linkage
from extractor.years.progress import Judgement, judge, unplaced
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
    plan_text: str = Field(description="The plan figure as shown (as written when unplaced)")
    target_text: str
    actual_text: str
    actual_check: bool = Field(description="The actual could not be placed for certain")


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


TargetPart = Literal["unit", "kind", "plan", "target", "plan_year", "target_year"]


class TargetChanged(BaseModel):
    kind: Literal["target_changed"] = "target_changed"
    parts: list[TargetPart] = Field(description="What changed; never a change that prints the same")
    old: Figures
    new: Figures


class ActualMoved(BaseModel):
    kind: Literal["actual"] = "actual"
    old: Figures
    new: Figures
    judgement: Judgement = Field(description="The 判定 at the newer actual")


class ActualToCheck(BaseModel):
    """An actual that moved from or to a figure the tool could not place: 要確認."""

    kind: Literal["actual_check"] = "actual_check"
    old: Figures
    new: Figures


class ActualCorrected(BaseModel):
    """A year's actual the newer packet gives again, and differently: a correction."""

    kind: Literal["actual_corrected"] = "actual_corrected"
    label: str | None
    fiscal_year: int
    old: str = Field(description="The figure as the older packet gives it")
    new: str = Field(description="The figure as the newer packet gives it")


class Edit(BaseModel):
    """An item edited between the years: both texts and the runs that changed."""

    old: str
    new: str
    runs: list[Run]


class WorkChanged(BaseModel):
    kind: Literal["work"] = "work"
    part: Role = Field(description="Which part of the work: council.results, city.plans, …")
    department: str | None = Field(default=None, description="For the city's work: 担当課")
    added: list[str] = Field(description="Items new in the newer packet")
    removed: list[str] = Field(description="Items not in the newer packet")
    edited: list[Edit] = Field(
        default_factory=list, description="Items edited: the older and newer text, and what changed"
    )


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
    | ActualToCheck
    | ActualCorrected
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
    """How many entries each part of the diff lists (the same count its section shows)."""

    matched: int
    review: int
    renamed: int
    spelling: int = Field(description="Renamed only in spelling (表記ゆれ)")
    moved: int
    status_changed: int
    targets_changed: int = Field(description="Targets changed, added or removed")
    actuals_moved: int
    to_check: int = Field(description="Actuals that moved from or to a figure to check")
    corrected: int = Field(description="Earlier years' actuals the newer packet gives otherwise")
    work_changed: int = Field(description="Parts of the work (results, plans…) that changed")
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
    """Given a target, return its figures, with how each shows."""
    actual_text, actual_check = slot_text(target.actual, target.unit)
    if unplaced(target) and target.actual.value is None and not target.actual.readings:
        actual_text, actual_check = " / ".join(target.raw), True
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
        plan_text=slot_text(target.plan, target.unit)[0],
        target_text=slot_text(target.target, target.unit)[0],
        actual_text=actual_text,
        actual_check=actual_check or bool(target.actual.readings),
    )


def _target_parts(before: Figures, after: Figures) -> list[TargetPart]:
    """What changed in a target, by what prints: never a change whose sides print the same."""
    parts: list[TargetPart] = []
    if before.unit != after.unit:
        parts.append("unit")
    if before.kind != after.kind and (before.text, before.label) != (after.text, after.label):
        parts.append("kind")
    slots: tuple[tuple[TargetPart, TargetPart, str], ...] = (
        ("plan", "plan_year", "plan"),
        ("target", "target_year", "target"),
    )
    for figure_part, year_part, slot in slots:
        if getattr(before, f"{slot}_text") != getattr(after, f"{slot}_text"):
            parts.append(figure_part)
        elif getattr(before, f"{slot}_fiscal_year") != getattr(after, f"{slot}_fiscal_year"):
            parts.append(year_part)
    return parts


def _corrections(before: Target, after: Target) -> list[Change]:
    """Years whose actual both packets give, differently: the newer corrected the older."""
    old_years = {s.fiscal_year: s for s in before.actuals if s.fiscal_year is not None}
    found: list[Change] = []
    for slot in after.actuals:
        earlier = old_years.get(slot.fiscal_year) if slot.fiscal_year is not None else None
        if earlier is None or slot.fiscal_year is None:
            continue
        old, new = slot_text(earlier, before.unit)[0], slot_text(slot, after.unit)[0]
        if old != new:
            label, year = after.label or after.text, slot.fiscal_year
            found.append(ActualCorrected(label=label, fiscal_year=year, old=old, new=new))
    return found


def _target_changes(old: list[Target], new: list[Target]) -> list[Change]:
    changes: list[Change] = []
    paired, added, removed = pair_targets(old, new)
    for before, after in paired:
        a, b = figures(before), figures(after)
        parts = _target_parts(a, b)
        if parts:
            changes.append(TargetChanged(parts=parts, old=a, new=b))
        if after.kind == "numeric" and a.actual_text != b.actual_text:
            if a.actual_check or b.actual_check:
                changes.append(ActualToCheck(old=a, new=b))
            else:
                changes.append(ActualMoved(old=a, new=b, judgement=judge(after)))
        changes += _corrections(before, after)
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


def _edits(added: list[str], removed: list[str]) -> tuple[list[str], list[str], list[Edit]]:
    """Given the items taken out and put in, return those left after pairing the ones that
    are one item edited, and the edits (with what changed inside them)."""
    pairs, left_removed, left_added = pair_lines(removed, added)
    return left_added, left_removed, [Edit(old=a, new=b, runs=runs(a, b)) for a, b in pairs]


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
                added, removed, edited = _edits(added, removed)
                changes.append(
                    WorkChanged(
                        part=role,
                        department=department,
                        added=added,
                        removed=removed,
                        edited=edited,
                    )
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
        """How many changes pass `test`: entries, as each section lists them."""
        return sum(1 for m in matched for c in m.changes if test(c))

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
            to_check=count(lambda c: isinstance(c, ActualToCheck)),
            corrected=count(lambda c: isinstance(c, ActualCorrected)),
            work_changed=count(lambda c: isinstance(c, WorkChanged)),
            added=len(linkage.added),
            removed=len(linkage.removed),
        ),
        matched=matched,
        added=[_ref(new.activities[j]) for j in linkage.added],
        removed=[_ref(old.activities[i]) for i in linkage.removed],
    )
