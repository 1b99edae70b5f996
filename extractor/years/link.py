"""Link the activities of two years: which activity of year A is which of year B.

Each activity is compared on its name normalized for matching (NFKC, wrap spaces and
status removed, sudachipy's normalized forms: 障がい→障害, 取組→取り組み, こども→子供), its
description, departments, goal position and target labels. rapidfuzz scores every pair of
the two years at once (`process.cdist`), and an optimal one-to-one assignment over the whole
year (scipy's `linear_sum_assignment`) picks the pairs. Each pair has a score and a band:
sure, needs review, or no match. A small overrides file (links.toml) forces or forbids pairs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.errors import DatasetError
from extractor.models import Activity, Dataset
from extractor.normalize.text import nfkc, parse_name
from extractor.years.keys import MATCH_NOISE, unique_keys, with_keys

if TYPE_CHECKING:
    import numpy as np

Band = Literal["sure", "review", "forced"]
# A name contained whole in the other (at least this long) scores CONTAINED_SCORE at least.
MIN_CONTAINED_CHARS = 6
CONTAINED_SCORE = 95.0


class LinkSettings(BaseModel):
    """How much each part of an activity counts, and where the bands start (scores 0–100)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name_weight: float = 0.40
    description_weight: float = 0.40
    goal_weight: float = 0.10
    department_weight: float = 0.05
    target_weight: float = 0.05
    sure: float = Field(default=80.0, description="Pairs scoring at least this are sure")
    review: float = Field(default=60.0, description="Pairs from here up to `sure` need review")


class Pair(BaseModel):
    """One override: `old` and `new` name an activity by its name, key or id."""

    model_config = ConfigDict(extra="forbid")

    old: str
    new: str


class Overrides(BaseModel):
    """Pairs a person settled: forced ones are linked, forbidden ones never are."""

    model_config = ConfigDict(extra="forbid")

    force: list[Pair] = Field(default_factory=list)
    forbid: list[Pair] = Field(default_factory=list)


class Link(BaseModel):
    old: int = Field(description="Index in the old year's activities")
    new: int = Field(description="Index in the new year's activities")
    score: float
    band: Band


class Linkage(BaseModel):
    """The pairs between two years, and what exists in only one of them."""

    links: list[Link]
    added: list[int] = Field(description="Indexes of new-year activities with no match")
    removed: list[int] = Field(description="Indexes of old-year activities with no match")


def load_overrides(path: Path) -> Overrides:
    """Given a links.toml, return its overrides, or say what is wrong with the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Overrides.model_validate(data)
    except FileNotFoundError as exc:
        raise DatasetError(f"{path}: no such overrides file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DatasetError(f"{path}: not valid TOML ({exc}); fix the file") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DatasetError(
            f'{path}: {where}: {first["msg"]}; entries look like [[force]] old = "…" new = "…"'
        ) from exc


@lru_cache(maxsize=1)
def _tokenizer():  # type: ignore[no-untyped-def]
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@lru_cache(maxsize=65536)
def match_form(text: str) -> str:
    """Given a name or description, return the form it is compared in: NFKC, sudachipy's
    normalized form of each word, without spaces, symbols or the status mark."""
    name, _ = parse_name(nfkc(text))
    plain = MATCH_NOISE.sub("", name or "")
    if not plain:
        return ""
    return "".join(m.normalized_form() for m in _tokenizer().tokenize(plain))


@dataclass
class _Features:
    names: list[str]
    descriptions: list[str]
    goals: list[tuple[int, int]]
    departments: list[frozenset[str]]
    labels: list[str]


def _features(activities: list[Activity]) -> _Features:
    return _Features(
        names=[match_form(a.name or "") for a in activities],
        descriptions=[match_form(a.description or "") for a in activities],
        goals=[(a.basic_goal.number, a.activity_goal.number) for a in activities],
        departments=[frozenset(a.departments) for a in activities],
        labels=[
            match_form(" ".join(t.label or t.text or "" for t in a.targets)) for a in activities
        ],
    )


def _text_matrix(old: list[str], new: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Given two lists of strings, return every pair's similarity (0–100) and where it means
    anything: two empty strings say nothing, so their weight goes to the other parts."""
    import numpy as np
    from rapidfuzz import fuzz, process

    scores = process.cdist(old, new, scorer=fuzz.ratio, dtype=np.float32, workers=1)
    # One name inside the other (地域福祉活動(…研修会の開催) ⊃ …研修会の開催) is nearly a match.
    partial = process.cdist(
        old, new, scorer=fuzz.partial_ratio, dtype=np.float32, workers=1, score_cutoff=100
    )
    shorter = np.minimum.outer(np.array([len(s) for s in old]), np.array([len(s) for s in new]))
    contained = (partial >= 100) & (shorter >= MIN_CONTAINED_CHARS)
    scores = np.where(contained, np.maximum(scores, CONTAINED_SCORE), scores)
    empty_old = np.array([not s for s in old])
    empty_new = np.array([not s for s in new])
    return scores, ~np.logical_and.outer(empty_old, empty_new)


def _text_pairs(old: list[str], new: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Like _text_matrix, for old[k] against new[k] only."""
    import numpy as np
    from rapidfuzz import fuzz

    scores = []
    for a, b in zip(old, new, strict=True):
        score = fuzz.ratio(a, b)
        if min(len(a), len(b)) >= MIN_CONTAINED_CHARS and (a in b or b in a):
            score = max(score, CONTAINED_SCORE)
        scores.append(score)
    known = np.array([bool(a or b) for a, b in zip(old, new, strict=True)])
    return np.array(scores, dtype=np.float32), known


def _department_score(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return 100.0 * len(a & b) / len(union) if union else 0.0


def _combine(parts: list[tuple[float, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Given (weight, scores, known) parts, return the weighted mean of the known ones."""
    import numpy as np

    total = sum(weight * np.where(known, score, 0.0) for weight, score, known in parts)
    weights = sum(weight * known for weight, _, known in parts)
    return np.asarray(np.round(total / np.maximum(weights, 1e-9), 1), dtype=np.float64)


def _parts(
    settings: LinkSettings,
    a: _Features,
    b: _Features,
    text: Callable[[list[str], list[str]], tuple[np.ndarray, np.ndarray]],
    goals: np.ndarray,
    departments: np.ndarray,
    has_departments: np.ndarray,
) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """The weighted parts of a score: (weight, scores, where the scores mean anything)."""
    import numpy as np

    return [
        (settings.name_weight, *text(a.names, b.names)),
        (settings.description_weight, *text(a.descriptions, b.descriptions)),
        (settings.target_weight, *text(a.labels, b.labels)),
        (settings.goal_weight, goals, np.ones_like(goals, dtype=bool)),
        (settings.department_weight, departments, has_departments),
    ]


def _goal_score(a: tuple[int, int], b: tuple[int, int]) -> float:
    return 100.0 if a == b else 50.0 if a[0] == b[0] else 0.0


def score_matrix(a: _Features, b: _Features, settings: LinkSettings) -> np.ndarray:
    """Given two years' features, return every pair's score, 0–100: the weighted mean of
    the parts both records have (name, description, target labels, goal, departments)."""
    import numpy as np

    def matrix(score: Callable[[Any, Any], float], left: list[Any], right: list[Any]) -> np.ndarray:
        return np.array([[score(x, y) for y in right] for x in left], dtype=np.float32).reshape(
            len(left), len(right)
        )

    has_departments = np.logical_or.outer(
        np.array([bool(d) for d in a.departments]), np.array([bool(d) for d in b.departments])
    )
    return _combine(
        _parts(
            settings,
            a,
            b,
            _text_matrix,
            matrix(_goal_score, a.goals, b.goals),
            matrix(_department_score, a.departments, b.departments),
            has_departments,
        )
    )


def pair_scores(a: _Features, b: _Features, settings: LinkSettings) -> np.ndarray:
    """Given two years' features aligned pair by pair (a[k] with b[k]), return their scores."""
    import numpy as np

    pairs = (
        list(zip(a.goals, b.goals, strict=True)),
        list(zip(a.departments, b.departments, strict=True)),
    )
    return _combine(
        _parts(
            settings,
            a,
            b,
            _text_pairs,
            np.array([_goal_score(x, y) for x, y in pairs[0]]),
            np.array([_department_score(x, y) for x, y in pairs[1]]),
            np.array([bool(x or y) for x, y in pairs[1]]),
        )
    )


def _find(activities: list[Activity], reference: str) -> list[int]:
    """Given an override's reference (key, id or name), return the activities it names."""
    exact = [i for i, a in enumerate(activities) if reference in (a.key, a.id)]
    if exact:
        return exact
    wanted = match_form(reference)
    return [i for i, a in enumerate(activities) if a.name and match_form(a.name) == wanted]


def _subset(features: _Features, indexes: list[int]) -> _Features:
    return _Features(
        names=[features.names[i] for i in indexes],
        descriptions=[features.descriptions[i] for i in indexes],
        goals=[features.goals[i] for i in indexes],
        departments=[features.departments[i] for i in indexes],
        labels=[features.labels[i] for i in indexes],
    )


def _same_names(
    a: _Features, b: _Features, excluded: tuple[set[int], set[int]]
) -> list[tuple[int, int]]:
    """Pairs whose names match exactly and occur once in each year."""
    counts_a: dict[str, list[int]] = {}
    counts_b: dict[str, list[int]] = {}
    for i, name in enumerate(a.names):
        counts_a.setdefault(name, []).append(i)
    for j, name in enumerate(b.names):
        counts_b.setdefault(name, []).append(j)
    return [
        (olds[0], counts_b[name][0])
        for name, olds in counts_a.items()
        if name
        and len(olds) == 1
        and len(counts_b.get(name, [])) == 1
        and olds[0] not in excluded[0]
        and counts_b[name][0] not in excluded[1]
    ]


def link(
    old: Dataset,
    new: Dataset,
    overrides: Overrides | None = None,
    settings: LinkSettings | None = None,
) -> Linkage:
    """Given two years' datasets, return the one-to-one pairs between their activities.

    Pairs named in the overrides come first. Then activities whose names match exactly (once
    in each year) and whose whole records score `sure` are paired; the optimal assignment
    runs over everything left, every pair of it scored, so renames compete fairly.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    settings = settings or LinkSettings()
    overrides = overrides or Overrides()
    a, b = _features(old.activities), _features(new.activities)
    forbidden: set[tuple[int, int]] = set()
    for pair in overrides.forbid:
        forbidden |= {
            (i, j) for i in _find(old.activities, pair.old) for j in _find(new.activities, pair.new)
        }
    links: list[Link] = []
    for pair in overrides.force:
        olds, news = _find(old.activities, pair.old), _find(new.activities, pair.new)
        if len(olds) == 1 and len(news) == 1:
            score = float(pair_scores(_subset(a, olds), _subset(b, news), settings)[0])
            links.append(Link(old=olds[0], new=news[0], score=score, band="forced"))
    touched = (
        {i for i, _ in forbidden} | {x.old for x in links},
        {j for _, j in forbidden} | {x.new for x in links},
    )
    same = _same_names(a, b, touched)
    if same:
        scores = pair_scores(
            _subset(a, [i for i, _ in same]), _subset(b, [j for _, j in same]), settings
        )
        links += [
            Link(old=i, new=j, score=float(score), band="sure")
            for (i, j), score in zip(same, scores.tolist(), strict=True)
            if score >= settings.sure
        ]
    paired_old, paired_new = {x.old for x in links}, {x.new for x in links}
    rest_old = [i for i in range(len(old.activities)) if i not in paired_old]
    rest_new = [j for j in range(len(new.activities)) if j not in paired_new]
    if rest_old and rest_new:
        scores = score_matrix(_subset(a, rest_old), _subset(b, rest_new), settings)
        allowed = scores >= settings.review
        for r, i in enumerate(rest_old):
            for c, j in enumerate(rest_new):
                if (i, j) in forbidden:
                    allowed[r, c] = False
        rows, columns = linear_sum_assignment(np.where(allowed, scores, 0.0), maximize=True)
        for r, c in zip(rows.tolist(), columns.tolist(), strict=True):
            if allowed[r, c]:
                score = float(scores[r, c])
                band: Band = "sure" if score >= settings.sure else "review"
                links.append(Link(old=rest_old[r], new=rest_new[c], score=score, band=band))
    links.sort(key=lambda item: item.new)
    linked_old = {item.old for item in links}
    linked_new = {item.new for item in links}
    return Linkage(
        links=links,
        added=[j for j in range(len(new.activities)) if j not in linked_new],
        removed=[i for i in range(len(old.activities)) if i not in linked_old],
    )


def carry_keys(old: Dataset, new: Dataset, linkage: Linkage) -> Dataset:
    """Given a linkage, return the new dataset with linked activities keeping the old keys."""
    activities = list(new.activities)
    for item in linkage.links:
        activities[item.new] = activities[item.new].model_copy(
            update={"key": old.activities[item.old].key}
        )
    return new.model_copy(update={"activities": unique_keys(activities)})


def link_years(
    datasets: list[Dataset],
    overrides: Overrides | None = None,
    settings: LinkSettings | None = None,
) -> tuple[list[Dataset], list[tuple[Dataset, Dataset, Linkage]]]:
    """Given several years' datasets oldest first, return them with keys carried forward
    through every year, and each consecutive pair's linkage."""
    keyed: list[Dataset] = []
    steps: list[tuple[Dataset, Dataset, Linkage]] = []
    for dataset in datasets:
        if not keyed:
            keyed.append(with_keys(dataset))
            continue
        previous = keyed[-1]
        linkage = link(previous, dataset, overrides, settings)
        current = carry_keys(previous, with_keys(dataset), linkage)
        steps.append((previous, current, linkage))
        keyed.append(current)
    return keyed, steps


def load_links_file(path: Path | None) -> Overrides:
    """Given an overrides path (or None for ./links.toml when present), return the overrides."""
    if path is not None:
        return load_overrides(path)
    default = Path("links.toml")
    return load_overrides(default) if default.is_file() else Overrides()
