"""The year before's wording, as a scan's reader consults it.

A committee packet repeats most of its wording from one year to the next: the activities'
descriptions and roles, the names of groups, events and departments, and whole sentences
of what was done. When the recognizer is unsure of a character and offers others in its
place, the one that makes the words around it read as the year before wrote them is the
likelier (グルーブ員研修 → グループ員研修, 地域員献 → 地域貢献). Only characters the
recognizer itself offered are chosen among, never figures; the cell stays unsure (and
warned) as before, and what was read is kept on its `source.ocr` record.

The same wording settles where a ・ the image did not set apart (at the start of a line
that wrapped, or after too narrow a blank) starts an item: the year before shows whether
the words on either side of it stood in one item (委員・児童委員) or ended one item and
began the next.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

GRAMS = (3, 4)  # the lengths of the runs of characters looked up
CONTEXT = 3  # characters on each side of a line break that are looked up
WIN_BY = 2  # how many more runs a choice must find in the year before than the reading


def _key(text: str) -> str:
    """Text as looked up: widths made one (（ and ( alike)."""
    return unicodedata.normalize("NFKC", text)


class Lexicon:
    """The runs of characters of the year before's texts (each item of a field a line of
    its own), for choosing among a recognizer's readings."""

    def __init__(self, texts: Iterable[str]) -> None:
        lines = [_key(line).strip() for text in texts for line in text.split("\n")]
        self.lines = [line for line in lines if line]
        self.text = "\n" + "\n".join(self.lines) + "\n"  # each line between two breaks
        self.grams = {
            n: {line[i : i + n] for line in self.lines for i in range(len(line) - n + 1)}
            for n in GRAMS
        }

    def __bool__(self) -> bool:
        return bool(self.lines)

    def hits(self, chars: list[str], k: int) -> int:
        """How many runs of GRAMS characters through character k the year before holds."""
        found = 0
        for n in GRAMS:
            for start in range(max(0, k - n + 1), min(k, len(chars) - n) + 1):
                if _key("".join(chars[start : start + n])) in self.grams[n]:
                    found += 1
        return found

    def choose(self, chars: list[str], k: int, options: list[str]) -> str | None:
        """Given a line's characters, one of them and the recognizer's other readings of
        it, return the one reading that puts clearly more of the line's runs of
        characters in the year before's words than the reading does (see WIN_BY), else
        None."""
        read = chars[k]
        scored = []
        for option in options:
            chars[k] = option
            scored.append((self.hits(chars, k), option))
        chars[k] = read
        baseline = self.hits(chars, k)
        scored.sort(reverse=True)
        if not scored or scored[0][0] < baseline + WIN_BY:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        return scored[0][1]

    def starts_item(self, before: str, after: str) -> bool | None:
        """Given a cell's text before a ・ and the text from the ・ on, return whether the
        year before ended an item with the words before it and began an item with the
        words after it (True), wrote them in one item joined by ・ (False: the same words
        joined outweigh each side found at an item's edge somewhere), or shows neither
        (None)."""
        tail = _key(before.rstrip("。 ")).replace(" ", "")[-CONTEXT:]
        head = _key(after.lstrip("・ ")).replace(" ", "")[:CONTEXT]
        if len(tail) < CONTEXT or len(head) < CONTEXT:
            return None
        inline = f"{tail}・{head}" in self.text
        if inline:
            return False
        ends = f"{tail}\n" in self.text or f"{tail}。\n" in self.text
        return True if ends and f"\n{head}" in self.text else None

    def set_apart(self, text: str) -> str:
        """Given a cell's text, return it with a space before each ・ not set apart that
        the year before shows between two items (see `starts_item`): a ・ that began a
        wrapped line, or followed a blank too narrow for the image to show."""
        parts = text.split("・")
        out = parts[0]
        for part in parts[1:]:
            apart = out and not out.endswith(" ") and self.starts_item(out, "・" + part)
            out += (" ・" if apart else "・") + part
        return out


def dataset_texts(value: object) -> Iterable[str]:
    """Given a dataset as plain data (`model_dump`), yield every text in it but its
    source records and warnings."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("source", "warnings", "id", "key"):
                yield from dataset_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from dataset_texts(item)


__all__ = ["Lexicon", "dataset_texts"]
