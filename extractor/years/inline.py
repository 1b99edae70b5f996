"""What changed inside a sentence: the old and new text cut into runs that are the same,
taken out or put in, as `git diff --word-diff` shows them. Japanese has no spaces between
words, so texts are compared character by character and the runs then widened to whole
numbers and words, so that 平成23年9月12日（月） → 平成24年9月12日（水） reads as two small
changes, not as a paragraph taken out and another put in."""

from __future__ import annotations

import difflib
import re
from typing import Literal

from pydantic import BaseModel

Op = Literal["same", "removed", "added"]
# Runs of these are one token: a number, a Latin word; every other character is its own.
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+|\s+|.", re.S)
# Lines that share less than this are not one line edited but one replaced by another.
SIMILAR = 0.5


class Run(BaseModel):
    """A piece of an edited line: the same in both, taken out, or put in."""

    op: Op
    text: str


def runs(old: str, new: str) -> list[Run]:
    """Given a line before and after, return it as runs: same, removed and added text."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    found: list[Run] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(found, "same", "".join(a[i1:i2]))
            continue
        if i2 > i1:
            _append(found, "removed", "".join(a[i1:i2]))
        if j2 > j1:
            _append(found, "added", "".join(b[j1:j2]))
    return found


def _append(found: list[Run], op: Op, text: str) -> None:
    if found and found[-1].op == op:
        found[-1] = Run(op=op, text=found[-1].text + text)
    else:
        found.append(Run(op=op, text=text))


def similar(old: str, new: str) -> bool:
    """Given two lines, return whether the new one reads as the old one edited."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


def pair_lines(
    removed: list[str], added: list[str]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Given the lines taken out and put in, return the pairs that are one line edited
    (each removed line with the most similar added one, in order), and the lines left."""
    pairs: list[tuple[str, str]] = []
    left_added = list(added)
    left_removed: list[str] = []
    for line in removed:
        scored = [
            (
                difflib.SequenceMatcher(
                    None, TOKEN.findall(line), TOKEN.findall(c), autojunk=False
                ).ratio(),
                i,
            )
            for i, c in enumerate(left_added)
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            pairs.append((line, left_added.pop(best[1])))
        else:
            left_removed.append(line)
    return pairs, left_removed, left_added


def word_diff(found: list[Run]) -> str:
    """Given runs, return them as git's word diff writes them: [-taken out-]{+put in+}."""
    marks = {"same": ("", ""), "removed": ("[-", "-]"), "added": ("{+", "+}")}
    return "".join(marks[r.op][0] + r.text + marks[r.op][1] for r in found)
