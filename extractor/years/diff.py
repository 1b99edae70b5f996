"""Compare two years' datasets: added, removed, renamed, moved activities, and how the actual
figures moved toward their targets."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from extractor.models import Activity, Dataset, Number, Target
from extractor.years.link import Linkage, LinkSettings, Overrides, link, match_form

ON_TRACK_TOLERANCE = 1e-9
OTHER_FIELDS = ("description", "departments", "schedule")


class ActivityRef(BaseModel):
    id: str
    key: str | None
    name: str | None
    basic_goal: int
    activity_goal: int
    goal_title: str


class Progress(BaseModel):
    """How far an actual has come from the plan-start figure toward the target."""

    plan: Number
    target: Number
    plan_fiscal_year: int | None
    target_fiscal_year: int | None
    old_share: float | None = Field(description="(old actual - plan) / (target - plan)")
    new_share: float | None = Field(description="(new actual - plan) / (target - plan)")
    expected_share: float | None = Field(
        description="Share of the plan period elapsed at the new actual's fiscal year"
    )
    on_track: bool | None = Field(description="new_share reaches expected_share")


class Change(BaseModel):
    """One difference between the two years' records of an activity."""

    field: str = Field(
        description="name, status, goal, description, departments, schedule, target or actual"
    )
    label: str | None = Field(
        default=None, description="Target label, for target and actual changes"
    )
    old: Any = None
    new: Any = None
    progress: Progress | None = None


class Match(BaseModel):
    old: ActivityRef
    new: ActivityRef
    score: float
    band: str
    changes: list[Change]


class PacketRef(BaseModel):
    path: str
    fiscal_year: int | None
    report_fiscal_year: int | None


class Summary(BaseModel):
    matched: int
    review: int
    renamed: int
    moved: int
    status_changed: int
    targets_changed: int
    actuals_moved: int
    added: int
    removed: int


class Diff(BaseModel):
    old: PacketRef
    new: PacketRef
    summary: Summary
    matched: list[Match]
    added: list[ActivityRef]
    removed: list[ActivityRef]

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


def _figure(value: Number | None, unit: str | None) -> str | None:
    if value is None:
        return None
    return f"{value:g}{unit or ''}" if isinstance(value, float) else f"{value}{unit or ''}"


def _share(actual: Number | None, plan: Number, target: Number) -> float | None:
    if actual is None or target == plan:
        return None
    return round((actual - plan) / (target - plan), 3)


def progress(old: Target | None, new: Target) -> Progress | None:
    """Given a target in both years, return how the actual moved from plan toward target."""
    plan, goal = new.plan.value, new.target.value
    if plan is None or goal is None:
        return None
    expected = None
    start, end, year = new.plan.fiscal_year, new.target.fiscal_year, new.actual.fiscal_year
    if start is not None and end is not None and year is not None and end != start:
        expected = round(min(max((year - start) / (end - start), 0.0), 1.0), 3)
    new_share = _share(new.actual.value, plan, goal)
    on_track = None
    if new_share is not None and expected is not None:
        on_track = new_share + ON_TRACK_TOLERANCE >= expected
    return Progress(
        plan=plan,
        target=goal,
        plan_fiscal_year=start,
        target_fiscal_year=end,
        old_share=_share(old.actual.value if old else None, plan, goal),
        new_share=new_share,
        expected_share=expected,
        on_track=on_track,
    )


def _target_key(target: Target) -> str:
    return match_form(target.label or target.text or "")


def _target_changes(old: list[Target], new: list[Target]) -> list[Change]:
    changes: list[Change] = []
    # A target that is only dashes (kind "none") has nothing to compare.
    unmatched_old = [t for t in old if t.kind != "none"]
    for target in (t for t in new if t.kind != "none"):
        partner = next((t for t in unmatched_old if _target_key(t) == _target_key(target)), None)
        label = target.label or target.text
        if partner is None:
            changes.append(Change(field="target", label=label, old=None, new=_describe(target)))
            continue
        unmatched_old.remove(partner)
        for part in ("unit", "kind"):
            if getattr(partner, part) != getattr(target, part):
                changes.append(
                    Change(
                        field="target",
                        label=label,
                        old={part: getattr(partner, part)},
                        new={part: getattr(target, part)},
                    )
                )
        for slot in ("plan", "target"):
            before, after = getattr(partner, slot), getattr(target, slot)
            if (before.value, before.fiscal_year) != (after.value, after.fiscal_year):
                changes.append(
                    Change(
                        field="target",
                        label=label,
                        old={slot: before.value, "fiscal_year": before.fiscal_year},
                        new={slot: after.value, "fiscal_year": after.fiscal_year},
                    )
                )
        if partner.actual.value != target.actual.value:
            changes.append(
                Change(
                    field="actual",
                    label=label,
                    old={
                        "value": partner.actual.value,
                        "fiscal_year": partner.actual.fiscal_year,
                        "unit": partner.unit,
                    },
                    new={
                        "value": target.actual.value,
                        "fiscal_year": target.actual.fiscal_year,
                        "unit": target.unit,
                    },
                    progress=progress(partner, target),
                )
            )
    for target in unmatched_old:
        changes.append(
            Change(
                field="target", label=target.label or target.text, old=_describe(target), new=None
            )
        )
    return changes


def _describe(target: Target) -> dict[str, Any]:
    return {
        "kind": target.kind,
        "label": target.label,
        "text": target.text,
        "plan": target.plan.value,
        "target": target.target.value,
        "actual": target.actual.value,
        "unit": target.unit,
    }


def compare(old: Activity, new: Activity) -> list[Change]:
    """Given one activity in two years, return what changed."""
    changes: list[Change] = []
    if old.name != new.name:
        changes.append(Change(field="name", old=old.name, new=new.name))
    if old.status != new.status:
        changes.append(Change(field="status", old=old.status, new=new.status))
    before = (old.basic_goal.number, old.activity_goal.number)
    after = (new.basic_goal.number, new.activity_goal.number)
    if before != after:
        changes.append(
            Change(
                field="goal",
                old={
                    "basic_goal": before[0],
                    "activity_goal": before[1],
                    "title": old.activity_goal.title,
                },
                new={
                    "basic_goal": after[0],
                    "activity_goal": after[1],
                    "title": new.activity_goal.title,
                },
            )
        )
    if old.description != new.description:
        changes.append(Change(field="description", old=old.description, new=new.description))
    if old.departments != new.departments:
        changes.append(Change(field="departments", old=old.departments, new=new.departments))
    if old.schedule.raw != new.schedule.raw:
        changes.append(
            Change(field="schedule", old=old.schedule.model_dump(), new=new.schedule.model_dump())
        )
    changes.extend(_target_changes(old.targets, new.targets))
    return changes


def diff_datasets(
    old: Dataset,
    new: Dataset,
    overrides: Overrides | None = None,
    settings: LinkSettings | None = None,
    linkage: Linkage | None = None,
) -> Diff:
    """Given two years' datasets, return what was added, removed and changed between them."""
    linkage = linkage or link(old, new, overrides, settings)
    matched = []
    for item in linkage.links:
        a, b = old.activities[item.old], new.activities[item.new]
        matched.append(
            Match(old=_ref(a), new=_ref(b), score=item.score, band=item.band, changes=compare(a, b))
        )
    fields = [{c.field for c in m.changes} for m in matched]
    return Diff(
        old=PacketRef(
            path=old.source.path,
            fiscal_year=old.packet.fiscal_year,
            report_fiscal_year=old.packet.report_fiscal_year,
        ),
        new=PacketRef(
            path=new.source.path,
            fiscal_year=new.packet.fiscal_year,
            report_fiscal_year=new.packet.report_fiscal_year,
        ),
        summary=Summary(
            matched=len(matched),
            review=sum(1 for m in matched if m.band == "review"),
            renamed=sum(1 for f in fields if "name" in f),
            moved=sum(1 for f in fields if "goal" in f),
            status_changed=sum(1 for f in fields if "status" in f),
            targets_changed=sum(1 for f in fields if "target" in f),
            actuals_moved=sum(1 for f in fields if "actual" in f),
            added=len(linkage.added),
            removed=len(linkage.removed),
        ),
        matched=matched,
        added=[_ref(new.activities[j]) for j in linkage.added],
        removed=[_ref(old.activities[i]) for i in linkage.removed],
    )


# --- the report for people -------------------------------------------------------------------


def _name(ref: ActivityRef) -> str:
    return ref.name or f"(unnamed, {ref.basic_goal}.{ref.activity_goal} {ref.goal_title})"


def _fy(year: int | None) -> str:
    return f"FY{year}" if year else "FY?"


def _actual_line(match: Match, change: Change) -> str:
    old, new = change.old or {}, change.new or {}
    unit = new.get("unit") or old.get("unit")
    line = (
        f"  {change.label} ({_name(match.new)}): {_figure(old.get('value'), unit) or '—'} "
        f"({_fy(old.get('fiscal_year'))}) → {_figure(new.get('value'), unit) or '—'} "
        f"({_fy(new.get('fiscal_year'))})"
    )
    p = change.progress
    if p is not None:
        line += (
            f"; target {_figure(p.target, unit)} ({_fy(p.target_fiscal_year)}) from "
            f"{_figure(p.plan, unit)} ({_fy(p.plan_fiscal_year)})"
        )
        if p.new_share is not None:
            line += f": {p.new_share:.0%} of the way"
            if p.on_track is not None and p.expected_share is not None:
                verdict = "on track" if p.on_track else "behind"
                line += f", {verdict} ({p.expected_share:.0%} of the plan period gone)"
    return line


def render_text(result: Diff) -> str:
    """Given a diff, return the report a committee member can read."""
    s = result.summary
    old, new = result.old, result.new
    lines = [
        f"{old.path} ({_fy(old.fiscal_year)}, results {_fy(old.report_fiscal_year)}) → "
        f"{new.path} ({_fy(new.fiscal_year)}, results {_fy(new.report_fiscal_year)})",
        f"{s.matched} matched ({s.review} to review), {s.renamed} renamed, {s.moved} moved, "
        f"{s.status_changed} status changes, {s.targets_changed} with target changes, "
        f"{s.actuals_moved} actuals moved, {s.added} added, {s.removed} removed",
    ]

    def section(title: str, body: list[str]) -> None:
        if body:
            lines.extend(["", f"{title} ({len(body)})", *body])

    def each(field: str) -> list[tuple[Match, Change]]:
        return [(m, c) for m in result.matched for c in m.changes if c.field == field]

    section(
        "Renamed",
        [
            f"  {m.old.name} → {m.new.name}  [score {m.score:.1f}, {m.band}]"
            for m, _ in each("name")
        ],
    )
    section(
        "Needs review (linked, but not sure)",
        [
            f"  {_name(m.old)} ↔ {_name(m.new)}  [score {m.score:.1f}]"
            for m in result.matched
            if m.band == "review"
        ],
    )
    section(
        "Added",
        [
            f"  + {_name(r)}  ({r.basic_goal}.{r.activity_goal} {r.goal_title})"
            for r in result.added
        ],
    )
    section(
        "Removed",
        [
            f"  - {_name(r)}  ({r.basic_goal}.{r.activity_goal} {r.goal_title})"
            for r in result.removed
        ],
    )
    section(
        "Moved to another goal",
        [
            f"  {_name(m.new)}: {c.old['basic_goal']}.{c.old['activity_goal']} {c.old['title']} → "
            f"{c.new['basic_goal']}.{c.new['activity_goal']} {c.new['title']}"
            for m, c in each("goal")
        ],
    )
    words = {"new": "新規", "continuing": "継続", None: "—"}
    section(
        "Status changed",
        [
            f"  {_name(m.new)}: {words.get(c.old, c.old)} → {words.get(c.new, c.new)}"
            for m, c in each("status")
        ],
    )
    section(
        "Targets changed",
        [f"  {c.label} ({_name(m.new)}): {c.old} → {c.new}" for m, c in each("target")],
    )
    section(
        "Other changes",
        [
            f"  {_name(m.new)}: {', '.join(fields)}"
            for m in result.matched
            if (fields := [c.field for c in m.changes if c.field in OTHER_FIELDS])
        ],
    )
    section("Actuals", [_actual_line(m, c) for m, c in each("actual")])
    return "\n".join(lines) + "\n"
