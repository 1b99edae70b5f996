"""Link the activities of two consecutive years: which activity of year A is which of B.

Each activity is compared on its name normalized for matching (NFKC, symbols and status
removed, sudachipy's normalized forms: 障がい→障害, 取組→取り組み, こども→子供), its
description, target labels, goal position and departments; the score (0–100) is the
weighted mean of the parts both records have. A name contained whole in the other counts
as a near match; names that differ in a number (第3地区 / 地区13) never do. The pairing runs
in three phases: pairs a person forced (links.toml), then activities whose names match
exactly, then an optimal one-to-one assignment (scipy's `linear_sum_assignment`) over what
is left, solved apart for each group of activities that could pair at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from extractor.models import Activity, Dataset
from extractor.normalize.matching import contained, holds, match_form, name_numbers
from extractor.years.overrides import StepOverrides

if TYPE_CHECKING:
    import numpy as np

Band = Literal["sure", "review", "forced"]
# Old rows scored at once: bounds the memory of a scoring pass to CHUNK × new activities.
CHUNK = 512


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
    min_contained_chars: int = Field(
        default=6, description="A text contained whole in the other, at least this long…"
    )
    contained_score: float = Field(default=95.0, description="…scores at least this")
    number_mismatch_cap: float = Field(
        default=50.0, description="Names whose numbers differ score at most this on the name…"
    )
    number_mismatch_total: float = Field(
        default=59.0,
        description="…and at most this in all: below `review`, so that 第3地区 is never linked "
        "to 地区13 unless a person forces it",
    )
    same_goal_score: float = 100.0
    same_basic_goal_score: float = 50.0


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


@dataclass
class Features:
    """What each activity of one year is compared on."""

    names: list[str]
    descriptions: list[str]
    labels: list[str]
    goals: list[tuple[int, int]]
    departments: list[frozenset[str]]
    numbers: list[tuple[float, ...]]

    def subset(self, indexes: list[int]) -> Features:
        return Features(
            names=[self.names[i] for i in indexes],
            descriptions=[self.descriptions[i] for i in indexes],
            labels=[self.labels[i] for i in indexes],
            goals=[self.goals[i] for i in indexes],
            departments=[self.departments[i] for i in indexes],
            numbers=[self.numbers[i] for i in indexes],
        )


def features(activities: list[Activity]) -> Features:
    """Given one year's activities, return what they are compared on."""
    return Features(
        names=[match_form(a.name or "") for a in activities],
        descriptions=[match_form(a.description or "") for a in activities],
        labels=[
            match_form(" ".join(t.label or t.text or "" for t in a.targets)) for a in activities
        ],
        goals=[(a.basic_goal.number, a.activity_goal.number) for a in activities],
        departments=[frozenset(a.departments) for a in activities],
        numbers=[name_numbers(a.name or "") for a in activities],
    )


def _distinct(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Given texts, return the distinct ones and, per text, the index of its distinct one."""
    import numpy as np

    at: dict[str, int] = {}
    indexes = np.array([at.setdefault(text, len(at)) for text in texts], dtype=np.int64)
    return list(at), indexes


def _distinct_cdist(left: list[str], right: list[str]) -> np.ndarray:
    """fuzz.ratio of every left text against every right one, each distinct pair of texts
    scored once (look-alike records repeat descriptions and target labels)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    left_texts, left_at = _distinct(left)
    right_texts, right_at = _distinct(right)
    if len(left_texts) * len(right_texts) * 2 > len(left) * len(right):
        scores: np.ndarray = process.cdist(
            left, right, scorer=fuzz.ratio, dtype=np.float32, workers=-1
        )
        return scores
    scores = process.cdist(left_texts, right_texts, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
    expanded: np.ndarray = scores[np.ix_(left_at, right_at)]
    return expanded


class _Scorer:
    """Scores activities of the old year against the new: whole matrices in chunks of rows,
    or aligned pairs, by one formula over index arrays that broadcast (a column of old
    indexes against a row of new ones for a matrix, two equal vectors for pairs)."""

    def __init__(self, old: Features, new: Features, settings: LinkSettings) -> None:
        import numpy as np

        self.old, self.new, self.settings = old, new, settings
        vocabulary = sorted({d for ds in old.departments + new.departments for d in ds})
        column = {d: k for k, d in enumerate(vocabulary)}

        def incidence(departments: list[frozenset[str]]) -> np.ndarray:
            matrix = np.zeros((len(departments), len(vocabulary)), dtype=np.float32)
            for row, names in enumerate(departments):
                for name in names:
                    matrix[row, column[name]] = 1.0
            return matrix

        self.old_departments = incidence(old.departments)
        self.new_departments = incidence(new.departments)
        numbers = {n: k for k, n in enumerate(sorted(set(old.numbers + new.numbers)))}
        self.old_numbers = np.array([numbers[n] for n in old.numbers], dtype=np.int64)
        self.new_numbers = np.array([numbers[n] for n in new.numbers], dtype=np.int64)
        self.old_goals = np.array(old.goals, dtype=np.int64).reshape(-1, 2)
        self.new_goals = np.array(new.goals, dtype=np.int64).reshape(-1, 2)
        self.old_sizes = self.old_departments.sum(axis=1)
        self.new_sizes = self.new_departments.sum(axis=1)
        # Per text part, which old and which new activities leave it empty.
        self.empty = {
            part: tuple(
                np.array([not text for text in getattr(side, part)], dtype=bool)
                for side in (old, new)
            )
            for part in ("names", "descriptions", "labels")
        }
        self._contained: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def contained(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """The (old, new) pairs where one text of `part` holds the other (for matrices)."""
        if part not in self._contained:
            self._contained[part] = contained(
                getattr(self.old, part), getattr(self.new, part), self.settings.min_contained_chars
            )
        return self._contained[part]

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Scores of old activities start..stop against every new one."""
        import numpy as np

        olds = np.arange(start, stop, dtype=np.int64)[:, None]
        return self._score(olds, np.arange(len(self.new.names), dtype=np.int64)[None, :])

    def pairs(self, pairs: list[tuple[int, int]]) -> list[float]:
        """Scores of the given (old, new) pairs, by the same formula as `rows`."""
        import numpy as np

        if not pairs:
            return []
        olds = np.array([i for i, _ in pairs], dtype=np.int64)
        news = np.array([j for _, j in pairs], dtype=np.int64)
        return [float(score) for score in self._score(olds, news)]

    def _text(self, part: str, olds: np.ndarray, news: np.ndarray) -> np.ndarray:
        """Similarity (0–100) of one text part, a text held whole in the other counting as
        a near match."""
        import numpy as np
        from rapidfuzz import fuzz, process

        old_texts, new_texts = getattr(self.old, part), getattr(self.new, part)
        left = [old_texts[i] for i in olds.ravel().tolist()]
        right = [new_texts[j] for j in news.ravel().tolist()]
        near = self.settings.contained_score
        if olds.ndim == 1:
            score = process.cpdist(left, right, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
            minimum = self.settings.min_contained_chars
            inside = np.array([holds(a, b, minimum) for a, b in zip(left, right, strict=True)])
            return np.where(inside, np.maximum(score, near), score)
        score = _distinct_cdist(left, right)
        start, stop = int(olds[0, 0]), int(olds[-1, 0]) + 1
        rows, columns = self.contained(part)
        inside = (rows >= start) & (rows < stop)
        if inside.any():
            where = (rows[inside] - start, columns[inside])
            score[where] = np.maximum(score[where], near)
        return score

    def _score(self, olds: np.ndarray, news: np.ndarray) -> np.ndarray:
        import numpy as np

        s = self.settings
        differ = self.old_numbers[olds] != self.new_numbers[news]
        total = np.zeros(differ.shape, dtype=np.float32)
        weights = np.zeros(differ.shape, dtype=np.float32)
        for part, weight in (
            ("names", s.name_weight),
            ("descriptions", s.description_weight),
            ("labels", s.target_weight),
        ):
            score = self._text(part, olds, news)
            if part == "names":
                np.minimum(score, s.number_mismatch_cap, out=score, where=differ)
            old_empty, new_empty = self.empty[part]
            known = ~(old_empty[olds] & new_empty[news])
            total += weight * np.where(known, score, 0.0).astype(np.float32)
            weights += weight * known
        old_goals, new_goals = self.old_goals[olds], self.new_goals[news]
        basic = old_goals[..., 0] == new_goals[..., 0]
        same = basic & (old_goals[..., 1] == new_goals[..., 1])
        goals = np.where(same, s.same_goal_score, np.where(basic, s.same_basic_goal_score, 0.0))
        total += s.goal_weight * goals.astype(np.float32)
        weights += s.goal_weight
        old_departments = self.old_departments[olds.ravel()]
        if olds.ndim == 1:
            shared = (old_departments * self.new_departments[news]).sum(axis=1)
        else:
            shared = old_departments @ self.new_departments[news.ravel()].T
        sizes = self.old_sizes[olds] + self.new_sizes[news]
        union = sizes - shared
        known = union > 0
        total += s.department_weight * np.where(known, 100.0 * shared / np.maximum(union, 1), 0.0)
        weights += s.department_weight * known
        scores = np.round(total.astype(np.float64) / np.maximum(weights, 1e-9), 1)
        return np.minimum(scores, s.number_mismatch_total, out=scores, where=differ)


def _same_names(
    old: Features, new: Features, taken: tuple[set[int], set[int]]
) -> list[tuple[int, int]]:
    """Pairs whose names match exactly and occur once in each year."""
    olds: dict[str, list[int]] = {}
    news: dict[str, list[int]] = {}
    for i, name in enumerate(old.names):
        olds.setdefault(name, []).append(i)
    for j, name in enumerate(new.names):
        news.setdefault(name, []).append(j)
    return [
        (found[0], news[name][0])
        for name, found in olds.items()
        if name
        and len(found) == 1
        and len(news.get(name, [])) == 1
        and found[0] not in taken[0]
        and news[name][0] not in taken[1]
    ]


def _components(edges: list[tuple[int, int, float]]) -> list[list[tuple[int, int, float]]]:
    """Given allowed (old, new, score) edges, return them grouped by connected component."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j, _ in edges:
        a, b = find(("o", i)), find(("n", j))
        if a != b:
            parent[a] = b
    groups: dict[tuple[str, int], list[tuple[int, int, float]]] = {}
    for edge in edges:
        groups.setdefault(find(("o", edge[0])), []).append(edge)
    return list(groups.values())


def _greedy(edges: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Pairs taken best score first (ties in order), each row and column once."""
    taken_rows: set[int] = set()
    taken_columns: set[int] = set()
    chosen = []
    for edge in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        if edge[0] not in taken_rows and edge[1] not in taken_columns:
            taken_rows.add(edge[0])
            taken_columns.add(edge[1])
            chosen.append(edge)
    return sorted(chosen)


def _bound(edges: list[tuple[int, int, float]]) -> float:
    """An upper bound of any one-to-one pairing's total: the smaller of the sums of each
    row's and each column's best score."""
    rows: dict[int, float] = {}
    columns: dict[int, float] = {}
    for i, j, score in edges:
        rows[i] = max(rows.get(i, 0.0), score)
        columns[j] = max(columns.get(j, 0.0), score)
    return min(sum(rows.values()), sum(columns.values()))


def _assign(edges: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Given one component's allowed edges, return its optimal one-to-one pairs."""
    if len(edges) == 1:
        return edges
    rows = sorted({i for i, _, _ in edges})
    columns = sorted({j for _, j, _ in edges})
    if len(rows) == 1 or len(columns) == 1:
        return [max(edges, key=lambda edge: (edge[2], -edge[0], -edge[1]))]
    greedy = _greedy(edges)
    if sum(score for _, _, score in greedy) >= _bound(edges) - 1e-6:
        # No assignment can score more than the smaller of the sums of the row and column
        # maxima; a greedy pairing that reaches it is optimal without solving (look-alikes
        # told apart by a number, and identical records, come out this way).
        return greedy
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    row_at = {i: r for r, i in enumerate(rows)}
    column_at = {j: c for c, j in enumerate(columns)}
    matrix = np.zeros((len(rows), len(columns)))
    for i, j, score in edges:
        matrix[row_at[i], column_at[j]] = score
    chosen_rows, chosen_columns = linear_sum_assignment(matrix, maximize=True)
    return [
        (rows[r], columns[c], float(matrix[r, c]))
        for r, c in zip(chosen_rows.tolist(), chosen_columns.tolist(), strict=True)
        if matrix[r, c] > 0
    ]


def link(
    old: Dataset,
    new: Dataset,
    overrides: StepOverrides | None = None,
    settings: LinkSettings | None = None,
) -> Linkage:
    """Given two consecutive years' datasets, return the one-to-one pairs between them."""
    settings = settings or LinkSettings()
    overrides = overrides or StepOverrides([], set())
    a, b = features(old.activities), features(new.activities)
    scorer = _Scorer(a, b, settings)
    links = _forced(scorer, overrides)
    links += _by_same_name(scorer, overrides, links)
    links += _by_assignment(scorer, overrides, links)
    links.sort(key=lambda item: item.new)
    linked_old = {item.old for item in links}
    linked_new = {item.new for item in links}
    return Linkage(
        links=links,
        added=[j for j in range(len(new.activities)) if j not in linked_new],
        removed=[i for i in range(len(old.activities)) if i not in linked_old],
    )


def _forced(scorer: _Scorer, overrides: StepOverrides) -> list[Link]:
    """Phase 1: the pairs a person forced."""
    scores = scorer.pairs(overrides.forced)
    return [
        Link(old=i, new=j, score=score, band="forced")
        for (i, j), score in zip(overrides.forced, scores, strict=True)
    ]


def _by_same_name(scorer: _Scorer, overrides: StepOverrides, links: list[Link]) -> list[Link]:
    """Phase 2: activities whose names match exactly (once in each year) and score sure."""
    taken = (
        {i for i, _ in overrides.forbidden} | {x.old for x in links},
        {j for _, j in overrides.forbidden} | {x.new for x in links},
    )
    same = _same_names(scorer.old, scorer.new, taken)
    scores = scorer.pairs(same)
    return [
        Link(old=i, new=j, score=score, band="sure")
        for (i, j), score in zip(same, scores, strict=True)
        if score >= scorer.settings.sure
    ]


def _by_assignment(scorer: _Scorer, overrides: StepOverrides, links: list[Link]) -> list[Link]:
    """Phase 3: the optimal one-to-one assignment over what is left, among pairs scoring at
    least `review` and not forbidden."""
    import numpy as np

    settings = scorer.settings
    paired_old, paired_new = {x.old for x in links}, {x.new for x in links}
    rest_old = [i for i in range(len(scorer.old.names)) if i not in paired_old]
    rest_new = [j for j in range(len(scorer.new.names)) if j not in paired_new]
    if not rest_old or not rest_new:
        return []
    rest = _Scorer(scorer.old.subset(rest_old), scorer.new.subset(rest_new), settings)
    forbidden = {(i, j) for i, j in overrides.forbidden}
    edges: list[tuple[int, int, float]] = []
    for start in range(0, len(rest_old), CHUNK):
        block = rest.rows(start, min(start + CHUNK, len(rest_old)))
        for r, c in zip(*np.nonzero(block >= settings.review), strict=True):
            i, j = rest_old[start + int(r)], rest_new[int(c)]
            if (i, j) not in forbidden:
                edges.append((i, j, float(block[r, c])))
    result = []
    for component in _components(edges):
        for i, j, score in _assign(component):
            band: Band = "sure" if score >= settings.sure else "review"
            result.append(Link(old=i, new=j, score=score, band=band))
    return result
