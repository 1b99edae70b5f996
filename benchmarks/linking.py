"""Synthetic years for the linking benchmarks.

- `make_years`: many activities, a few renamed, moved, added and dropped each year; names
  and descriptions are random runs of the characters h24 uses.
- `look_alike_packets`: two text packets of h24's activities copied k times, copy k named
  …（第k地区） one year and …（地区k） the next, so that no name is shared exactly and only
  the number tells the copies apart.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

from extractor.models import Activity, Dataset, Goal
from extractor.pipeline import extract
from extractor.years.crosswalk import Year, build, digest
from extractor.years.overrides import Overrides

ROOT = Path(__file__).resolve().parent.parent
H24 = ROOT / "raw" / "h24.txt"
COVER_LINES = 12  # h24's cover ends here; the body (page titles, goals, tables) follows
RENAMED, MOVED, DROPPED, ADDED = 0.03, 0.01, 0.01, 0.01
STATUS = re.compile(r"\s*[(（](継続|新規)活動[)）]?\s*$")


def make_years(years: int, per_year: int, seed: int = 7) -> list[Dataset]:
    """Return `years` datasets of `per_year` activities, each year drifting from the last."""
    rng = random.Random(seed)
    base = extract(H24)
    template = base.activities[1]
    alphabet = sorted({c for a in base.activities for c in (a.name or "") + (a.description or "")})

    def text(low: int, high: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))

    def new_activity(index: int) -> Activity:
        goal = (rng.randint(1, 3), rng.randint(1, 7))
        return template.model_copy(
            update={
                "id": f"{goal[0]}.{goal[1]}.{index}",
                "key": f"k{index}",
                "name": text(8, 24),
                "description": text(20, 60),
                "basic_goal": Goal(number=goal[0], title=""),
                "activity_goal": Goal(number=goal[1], title=""),
            }
        )

    current = [new_activity(i) for i in range(per_year)]
    datasets = []
    for number in range(years):
        packet = base.packet.model_copy(update={"fiscal_year": 2012 + number})
        datasets.append(base.model_copy(update={"activities": list(current), "packet": packet}))
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
        following += [
            new_activity(per_year * (number + 1) + i) for i in range(int(per_year * ADDED))
        ]
        current = following
    return datasets


def link_years(years: int, per_year: int) -> float:
    """Link `years` synthetic years of `per_year` activities; return the seconds it took."""
    datasets = make_years(years, per_year)
    start = time.perf_counter()
    build(
        [Year(d, Path(f"{n}.json"), digest(str(n))) for n, d in enumerate(datasets)],
        Overrides(),
        ROOT,
    )
    return time.perf_counter() - start


def look_alike_packets(copies: int, folder: Path) -> tuple[Path, Path]:
    """Write two years of h24 copied `copies` times (about 54 activities a copy); copy k is
    named …（第k地区） in the first and …（地区k） in the second. Return their paths."""
    lines = H24.read_text(encoding="utf-8").split("\n")
    cover, body = lines[:COVER_LINES], lines[COVER_LINES:]

    def packet(suffix: str) -> str:
        rows = []
        for k in range(1, copies + 1):
            for line in body:
                cells = line.split("\t")
                named = len(cells) > 3 and cells[0].strip() and cells[0].strip() != "活動名"
                if named:
                    cells[0] = STATUS.sub("", cells[0]) + suffix.format(k=k)
                rows.append("\t".join(cells))
        return "\n".join(cover + rows)

    first, second = folder / "first.txt", folder / "second.txt"
    first.write_text(packet("（第{k}地区）"), encoding="utf-8")
    later = packet("（地区{k}）").replace("平成 2 4 年度", "平成 2 5 年度", 1)
    second.write_text(later, encoding="utf-8")
    return first, second


def right_copies(crosswalk_path: Path) -> tuple[int, int]:
    """Given the crosswalk of two look-alike years, return how many activities of the later
    year were linked to their own copy (the same position in the same copy), and how many
    activities it has."""
    from extractor.years.crosswalk import load

    crosswalk = load(crosswalk_path)
    first, second = sorted({m.fiscal_year for m in crosswalk.members})
    ids = {m.key: m.id for m in crosswalk.members if m.fiscal_year == first}
    later = [m for m in crosswalk.members if m.fiscal_year == second]
    right = sum(1 for m in later if m.previous is not None and ids.get(m.previous) == m.id)
    return right, len(later)


def link_look_alikes(first: Path, second: Path) -> tuple[float, int, int]:
    """Extract and link two look-alike years in this process; return the seconds linking
    took (after extraction), the activities linked to their own copy, and all of them."""
    from extractor.years.link import link

    old, new = extract(first), extract(second)
    start = time.perf_counter()
    linkage = link(old, new)
    seconds = time.perf_counter() - start
    right = sum(1 for x in linkage.links if old.activities[x.old].id == new.activities[x.new].id)
    return seconds, right, len(new.activities)
