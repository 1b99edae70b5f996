"""The forms texts are compared in across years: names and descriptions normalized for
matching (NFKC, no spaces, symbols or status mark, sudachipy's normalized forms), the
numbers a name holds (第三地区 is 3), and one text held whole in another."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING

from extractor.normalize.text import WHITESPACE_RUN, nfkc, parse_name

if TYPE_CHECKING:
    import numpy as np

# Symbols that carry no meaning for matching names (ファミリー・サポート = ファミリーサポート).
MATCH_NOISE = re.compile(
    r"[\s・･、。,.()（）「」『』【】\[\]〔〕〈〉《》\"'“”‘’:：;；!！?？\-－―—~〜]"
)


# A text read from a scan that differs from one held by no more than one character in this
# many (and at least one), its figures the same, is that text read again (`read_again`).
CHARACTERS_PER_EDIT = 15
FIGURES = re.compile(r"\d+")


def match_key(text: str) -> str:
    """Given a name, return a comparison key: NFKC, no whitespace, status mark removed."""
    name, _ = parse_name(text)
    return WHITESPACE_RUN.sub("", nfkc(name or ""))


@lru_cache(maxsize=1)
def tokenizer():  # type: ignore[no-untyped-def]
    """sudachipy's tokenizer (the core dictionary, longest words), loaded once."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


# The longest text compared whole: sudachipy takes at most 49,149 bytes at once, and no
# name or description is this long (a longer one is compared on its first part).
MATCH_CHARS = 4_000


@lru_cache(maxsize=65536)
def match_form(text: str) -> str:
    """Given a name or description, return the form it is compared in: NFKC, sudachipy's
    normalized form of each word, without spaces, symbols or the status mark. Only the first
    MATCH_CHARS characters of a longer text are compared (see `too_long`)."""
    name, _ = parse_name(nfkc(text))
    plain = MATCH_NOISE.sub("", name or "")[:MATCH_CHARS]
    if not plain:
        return ""
    return "".join(m.normalized_form() for m in tokenizer().tokenize(plain))


def too_long(text: str) -> bool:
    """Given a name or description, return whether only its first part is compared."""
    return len(text) > MATCH_CHARS


KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI = "〇一二三四五六七八九十百千"
# Kanji numerals only where they count (第三地区, 三回, 二次): 統一 or 一層 are words.
NUMBERS = re.compile(
    rf"\d+(?:\.\d+)?|第([{_KANJI}]+)|([{_KANJI}]+)(?=次|回|期|号|地区|区|丁目|年|か所|箇所|校)"
)


def kanji_number(text: str) -> int:
    """Given kanji numerals (三, 十二, 二十三, 百五), return their value."""
    total, digit = 0, 0
    for char in text:
        if char in KANJI_DIGITS:
            digit = digit * 10 + KANJI_DIGITS[char] if digit else KANJI_DIGITS[char]
        else:
            total += (digit or 1) * KANJI_UNITS[char]
            digit = 0
    return total + digit


def name_numbers(name: str) -> tuple[float, ...]:
    """Given a name, return the numbers it holds, as numbers, sorted (第3地区 → (3,))."""
    found: list[float] = []
    for match in NUMBERS.finditer(nfkc(name)):
        kanji = match.group(1) or match.group(2)
        found.append(kanji_number(kanji) if kanji else float(match.group(0)))
    return tuple(sorted(found))


def contained(old: list[str], new: list[str], minimum: int) -> tuple[np.ndarray, np.ndarray]:
    """Given two lists of strings, return the (old, new) index pairs where one holds the
    other whole and is longer (the shorter at least `minimum` long): an exact substring
    search of each distinct string in the other list joined into one text. Equal strings
    are left out: they score 100 anyway."""
    import numpy as np

    found_rows: list[np.ndarray] = []
    found_columns: list[np.ndarray] = []
    for needles, haystack, flip in ((old, new, False), (new, old, True)):
        joined = "\x00".join(haystack)
        starts = [0]
        for text in haystack[:-1]:
            starts.append(starts[-1] + len(text) + 1)
        positions: dict[str, list[int]] = {}
        for index, text in enumerate(needles):
            positions.setdefault(text, []).append(index)
        for text, owners in positions.items():
            if len(text) < minimum:
                continue
            hits: set[int] = set()
            at = joined.find(text)
            while at != -1:
                hit = bisect_right(starts, at) - 1
                if len(haystack[hit]) > len(text):
                    hits.add(hit)
                at = joined.find(text, at + 1)
            if not hits:
                continue
            mine = np.repeat(np.array(owners, dtype=np.int64), len(hits))
            theirs = np.tile(np.array(sorted(hits), dtype=np.int64), len(owners))
            found_rows.append(theirs if flip else mine)
            found_columns.append(mine if flip else theirs)
    if not found_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows, columns = np.concatenate(found_rows), np.concatenate(found_columns)
    order = np.lexsort((columns, rows))
    return rows[order], columns[order]


def holds(a: str, b: str, minimum: int) -> bool:
    """Whether one of two different strings holds the other whole, the shorter at least
    `minimum` long: the pairwise form of `contained`."""
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return len(shorter) < len(longer) and len(shorter) >= minimum and shorter in longer


def read_again(item: str, held: str) -> bool:
    """Whether a text read from a scan is one held read again (a row printed twice: each
    copy is read with its own misreadings, 設置 and 殺置): the same figures, and no more
    than one character in CHARACTERS_PER_EDIT (at least one) read otherwise. Two items of
    one activity, or two activities' names, differ by more (計画策定の支援 and
    計画実施の支援 by two in fourteen)."""
    from rapidfuzz.distance import Levenshtein

    reach = max(1, min(len(item), len(held)) // CHARACTERS_PER_EDIT)
    if FIGURES.findall(item) != FIGURES.findall(held):
        return False
    return Levenshtein.distance(item, held, score_cutoff=reach) <= reach
