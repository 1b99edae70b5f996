"""How far a numeric target has come, and whether that is enough: the 判定 the committee reads.

- 達成 (achieved): the actual has reached the target, in the target's direction: a target
  below the plan figure is reached by going down, one equal to it by staying at or above
  it; with no plan figure, by going up, unless the target is written as a ceiling (20件以下,
  20件未満). A target written 以上 or 超 is a floor, 未満 and 超 strict.
- 順調 (on track): the share of the way from the plan figure to the target is at least the
  share of the plan period gone by the actual's year.
- 遅れ (behind): less than that.
- 判定不可 (undetermined), with exactly what is missing: no figures at all, no target figure,
  no actual, no plan-start figure (and the target not reached), a figure the tool could not
  place, no plan period in the packet, or years it cannot place in the plan period.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from extractor.i18n import N_
from extractor.models import Number, Target

Verdict = Literal["achieved", "on_track", "behind", "undetermined"]
Reason = Literal[
    "no_figures", "no_plan", "no_target", "no_actual", "unplaced", "no_period", "no_years"
]
Direction = Literal["up", "down", "keep"]
TOLERANCE = 1e-9
# A target written with these is a ceiling (reached by staying at or under it).
CEILINGS = ("以下", "未満")

VERDICT_WORDS: dict[Verdict, str] = {
    "achieved": N_("achieved"),
    "on_track": N_("on track"),
    "behind": N_("behind"),
    "undetermined": N_("undetermined"),
}
REASON_WORDS: dict[Reason, str] = {
    "no_figures": N_("no figures"),
    "no_plan": N_("no plan-start figure"),
    "no_target": N_("no target figure"),
    "no_actual": N_("no actual figure"),
    "unplaced": N_("a figure the tool could not place; check the packet"),
    "no_period": N_("the packet states no plan period"),
    "no_years": N_("the plan years are not known"),
}


class Judgement(BaseModel):
    """Where a target stands at one actual figure."""

    verdict: Verdict
    reason: Reason | None = Field(default=None, description="Why no verdict could be given")
    direction: Direction | None = None
    share: float | None = Field(
        default=None, description="(actual − plan) / (target − plan): the way come"
    )
    expected: float | None = Field(
        default=None, description="Share of the plan period gone by the actual's fiscal year"
    )


def unplaced(target: Target) -> bool:
    """Given a target, return whether one of its figures could not be placed for certain."""
    slots = (target.plan, target.target, target.actual)
    conflict = any(len(slot.readings) > 1 for slot in (*slots, *target.actuals))
    placed = any(slot.raw is not None for slot in slots)
    figures = any(re.search(r"\d", raw) for raw in target.raw)
    return conflict or (target.kind == "numeric" and not placed and figures)


def _direction(target: Target) -> Direction:
    """Which way the target runs: from the plan figure to the target, else up unless the
    target is written as a ceiling (20件以下)."""
    plan, goal = target.plan.value, target.target.value
    if plan is not None and goal is not None and goal != plan:
        return "up" if goal > plan else "down"
    if target.target.qualifier in CEILINGS:
        return "down"
    return "keep" if plan is not None else "up"


def _reached(actual: Number, goal: Number, direction: Direction, qualifier: str | None) -> bool:
    if direction == "down":
        return actual < goal if qualifier == "未満" else actual <= goal
    return actual > goal if qualifier == "超" else actual >= goal


def _missing(target: Target, actual: Number | None) -> Reason | None:
    """What keeps a target from being judged at all, if anything."""
    plan, goal = target.plan.value, target.target.value
    if unplaced(target) and (actual is None or plan is None or goal is None):
        return "unplaced"
    if plan is None and goal is None and actual is None:
        return "no_figures"
    if goal is None:
        return "no_target"
    if actual is None:
        return "no_actual"
    return None


def judge(target: Target, actual: Number | None = None, year: int | None = None) -> Judgement:
    """Given a numeric target and an actual figure with its fiscal year (the target's own
    actual by default), return the 判定."""
    if actual is None and year is None:
        actual, year = target.actual.value, target.actual.fiscal_year
    missing = _missing(target, actual)
    if missing is not None:
        return Judgement(verdict="undetermined", reason=missing)
    plan, goal = target.plan.value, target.target.value
    assert goal is not None and actual is not None
    direction = _direction(target)
    start, end = target.plan.fiscal_year, target.target.fiscal_year
    expected = None
    if start is not None and end is not None and year is not None and end > start:
        expected = round(min(max((year - start) / (end - start), 0.0), 1.0), 3)
    if _reached(actual, goal, direction, target.target.qualifier):
        share = None if plan is None or goal == plan else round((actual - plan) / (goal - plan), 3)
        return Judgement(verdict="achieved", direction=direction, share=share, expected=expected)
    if plan is None:
        return Judgement(verdict="undetermined", reason="no_plan", direction=direction)
    if direction == "keep":
        return Judgement(verdict="behind", direction=direction)
    share = round((actual - plan) / (goal - plan), 3)
    if start is None and end is None:
        return Judgement(
            verdict="undetermined", reason="no_period", direction=direction, share=share
        )
    if start is None or end is None or year is None or end <= start:
        return Judgement(
            verdict="undetermined", reason="no_years", direction=direction, share=share
        )
    expected = round(min(max((year - start) / (end - start), 0.0), 1.0), 3)
    verdict: Verdict = "on_track" if share + TOLERANCE >= expected else "behind"
    return Judgement(verdict=verdict, direction=direction, share=share, expected=expected)
