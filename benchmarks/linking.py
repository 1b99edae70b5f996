"""Synthetic years for the linking benchmark: many activities, a few renamed, moved, added and
dropped each year. Names and descriptions are random runs of the characters h24 uses."""

from __future__ import annotations

import random
import time
from pathlib import Path

from extractor.models import Activity, Dataset, Goal
from extractor.pipeline import extract
from extractor.years.link import link_years as link_all

ROOT = Path(__file__).resolve().parent.parent
RENAMED, MOVED, DROPPED, ADDED = 0.03, 0.01, 0.01, 0.01


def make_years(years: int, per_year: int, seed: int = 7) -> list[Dataset]:
    """Return `years` datasets of `per_year` activities, each year drifting from the last."""
    rng = random.Random(seed)
    base = extract(ROOT / "raw" / "h24.txt")
    template = base.activities[1]
    alphabet = sorted({c for a in base.activities for c in (a.name or "") + (a.description or "")})

    def text(low: int, high: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))

    def new_activity(index: int) -> Activity:
        goal = (rng.randint(1, 3), rng.randint(1, 7))
        return template.model_copy(
            update={
                "id": f"{goal[0]}.{goal[1]}.{index}",
                "key": None,
                "name": text(8, 24),
                "description": text(20, 60),
                "basic_goal": Goal(number=goal[0], title=""),
                "activity_goal": Goal(number=goal[1], title=""),
            }
        )

    current = [new_activity(i) for i in range(per_year)]
    datasets = []
    for _ in range(years):
        datasets.append(base.model_copy(update={"activities": list(current)}))
        following = []
        for activity in current:
            roll = rng.random()
            if roll < DROPPED:
                continue
            if roll < DROPPED + RENAMED:
                name = list(activity.name or "")
                for _ in range(rng.randint(2, 5)):
                    name[rng.randrange(len(name))] = rng.choice(alphabet)
                activity = activity.model_copy(update={"name": "".join(name)})
            elif roll < DROPPED + RENAMED + MOVED:
                moved = Goal(number=activity.activity_goal.number % 7 + 1, title="")
                activity = activity.model_copy(update={"activity_goal": moved})
            following.append(activity)
        following += [new_activity(per_year + i) for i in range(int(per_year * ADDED))]
        current = following
    return datasets


def link_years(years: int, per_year: int) -> float:
    """Link `years` synthetic years of `per_year` activities; return the seconds linking took."""
    datasets = make_years(years, per_year)
    start = time.perf_counter()
    link_all(datasets)
    return time.perf_counter() - start
