"""How far a numeric target has come, and whether that is enough: the 判定 the committee reads.

- 達成 (achieved): the actual has reached the target, in the target's direction (a target
  below the plan figure is reached by going down; one equal to it by staying at or above it).
- 順調 (on track): the share of the way from the plan figure to the target is at least the
  share of the plan period gone by the actual's year.
- 遅れ (behind): less than that.
- 判定不可 (undetermined), with the reason: no plan figure, no target, no actual, a value
  the tool could not place, or years it cannot place in the plan period.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from extractor.i18n import N_
from extractor.models import Number, Target

Verdict = Literal["achieved", "on_track", "behind", "undetermined"]
Reason = Literal["no_plan", "no_target", "no_actual", "unplaced", "no_years"]
Direction = Literal["up", "down", "keep"]
TOLERANCE = 1e-9

VERDICT_WORDS: dict[Verdict, str] = {
    "achieved": N_("achieved"),
    "on_track": N_("on track"),
    "behind": N_("behind"),
    "undetermined": N_("undetermined"),
}
REASON_WORDS: dict[Reason, str] = {
    "no_plan": N_("no plan-start figure"),
    "no_target": N_("no target figure"),
    "no_actual": N_("no actual figure"),
    "unplaced": N_("a figure the tool could not place; check the packet"),
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


def judge(target: Target, actual: Number | None = None, year: int | None = None) -> Judgement:
    """Given a numeric target and an actual figure with its fiscal year (the target's own
    actual by default), return the 判定."""
    if actual is None and year is None:
        actual, year = target.actual.value, target.actual.fiscal_year
    plan, goal = target.plan.value, target.target.value
    if unplaced(target) and (actual is None or plan is None or goal is None):
        return Judgement(verdict="undetermined", reason="unplaced")
    if plan is None:
        return Judgement(verdict="undetermined", reason="no_plan")
    if goal is None:
        return Judgement(verdict="undetermined", reason="no_target")
    if actual is None:
        return Judgement(verdict="undetermined", reason="no_actual")
    direction: Direction = "up" if goal > plan else "down" if goal < plan else "keep"
    reached = actual <= goal if direction == "down" else actual >= goal
    share = None if direction == "keep" else round((actual - plan) / (goal - plan), 3)
    start, end = target.plan.fiscal_year, target.target.fiscal_year
    expected = None
    if start is not None and end is not None and year is not None and end > start:
        expected = round(min(max((year - start) / (end - start), 0.0), 1.0), 3)
    if reached:
        verdict: Verdict = "achieved"
    elif direction == "keep":
        verdict = "behind"
    elif expected is None or share is None:
        return Judgement(
            verdict="undetermined", reason="no_years", direction=direction, share=share
        )
    else:
        verdict = "on_track" if share + TOLERANCE >= expected else "behind"
    return Judgement(verdict=verdict, direction=direction, share=share, expected=expected)
