"""A scanned page's cells of figures printed apart (604 628 662), and a number that wrapped
between two of its digits in one of them: read as the page's other such cells agree."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor.sources.scan import Cells, Wraps

TRAILING_FIGURES = re.compile(r"(?<![\d,])\d[\d,]*(\s+\d[\d,]*)*$")
ONLY_FIGURES = re.compile(r"\d[\d,]*(\s+\d[\d,]*)+")


def _figures(text: str) -> int | None:
    """How many figures printed apart a cell's text ends with (None: fewer than two)."""
    found = TRAILING_FIGURES.search(text)
    count = len(found.group().split()) if found else 0
    return count if count > 1 else None


def figures_as_elsewhere(tables: list[tuple[Cells, Wraps]]) -> None:
    """Given a page's tables, each as its cells as read and, for those whose figures wrapped
    between two digits after figures printed apart, the text read with the number unbroken
    there, take that text where the page's cells of figures printed apart then agree on
    how many figures a cell holds and do not otherwise (604 628 66 / 2 beside 1050 1050 /
    1421 and 1 2 4: three each, so 604 628 662). Without such agreement the wrap stays a
    space: too many figures leave the target unplaced and warned, never a wrong number."""
    counts: Counter[int] = Counter()
    for read, wrapped in tables:
        for position, (text, *_rest) in read.items():
            if position in wrapped:
                reach = {_figures(text), _figures(wrapped[position])}
                counts.update(n for n in reach if n)
            elif ONLY_FIGURES.fullmatch(text) and (n := _figures(text)):
                counts[n] += 1
    common = counts.most_common(2)
    if not common or (len(common) > 1 and common[1][1] == common[0][1]):
        return
    for read, wrapped in tables:
        for position, tight in wrapped.items():
            text, lowest, lines, doubts = read[position]
            if _figures(tight) == common[0][0] != _figures(text):
                read[position] = (tight, lowest, lines, doubts)


__all__ = ["figures_as_elsewhere"]
