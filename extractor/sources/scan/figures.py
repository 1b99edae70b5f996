"""A scan's figures printed apart (604 628 662): where two digits read side by side are a
space apart, as the page's face spaces them; and a number that wrapped between two of its
digits in a cell of such figures, read as the packet's other such cells agree."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from extractor.sources.scan.grid import Rect
    from extractor.sources.scan.recognize import Reading

K = TypeVar("K", bound=Hashable)
Marks = list[tuple[float, str]]  # marks a reading left out: (where, mark)

TRAILING_FIGURES = re.compile(r"(?<![\d,])\d[\d,]*(\s+\d[\d,]*)*$")
ONLY_FIGURES = re.compile(r"\d[\d,]*(\s+\d[\d,]*)+")
# Between two digits read side by side, a character of Unicode's private use plane 15 holds
# the place (its pitch by number) until every line of the page is read.
HELD = 0xF0000
HOLDS = 0xFFFE
# How far apart two digits' middles stand (`marks.figure_pitches`, in their height) depends
# on the face: within a number, 0.61-0.85 by face, the page's median (most of a page's
# pairs are within a number: dates, years, counts). A space stands between two digits
# SPACED times the median apart or more. Measured on clean and bad scans in three faces
# (Excel's Gothic, a Gothic and a Mincho face with narrow spaces): within a number at most
# 1.22 times, across a space at least 1.26 (the narrow spaces) and 1.6 (Excel's). Between
# UNSURE times, the cell is unsure, so warned.
SPACED = 1.24
UNSURE = (1.18, 1.3)
# A 1 may stand off the middle of its room (1 0079 measured 1.31 times a Gothic face's
# within a number): beside one, a pair is unsure up to ONE_OFF further.
ONE_OFF = 0.15
NEAR = 0.06  # ... and of pairs this near (in shares) to where the line's figures part
# A page with fewer than LEAST_PAIRS pairs takes TYPICAL as its median, and is unsure of
# pairs UNSURE_TYPICAL times it apart (from the nearest face's within to the farthest's across).
LEAST_PAIRS = 8
TYPICAL = 0.7
UNSURE_TYPICAL = (1.05, 1.6)
FACES = (0.5, 1.0)  # a page median outside is no face's: TYPICAL is taken


class Pitches:
    """The places between two digits on a page's lines, each held in its line's text until
    every line is read, then settled as the page's own digits stand (a space or none)."""

    def __init__(self) -> None:
        self.pitches: list[float] = []
        self.beside_one: set[int] = set()

    def hold(self, pitch: float, beside_one: bool = False) -> str:
        """Given how far apart two digits stand (one of them a 1: `beside_one`), return the
        character that holds their place ("" past the plane's end: the blank between them
        decides, as for any characters)."""
        if len(self.pitches) >= HOLDS:
            return ""
        if beside_one:
            self.beside_one.add(len(self.pitches))
        self.pitches.append(pitch)
        return chr(HELD + len(self.pitches) - 1)

    def scale(self) -> tuple[float, tuple[float, float]]:
        """The page's pitch within a number, and the shares of it a cell is unsure between."""
        measured = [p for p in self.pitches if p > 0]
        if len(measured) >= LEAST_PAIRS:
            median = statistics.median(measured)
            if FACES[0] <= median <= FACES[1]:
                return median, UNSURE
        return TYPICAL, UNSURE_TYPICAL

    def settle(self, reading: Reading, unsure: float) -> Reading:
        """Given a line read on the page, return it with each held place a space or none, no
        surer than `unsure` where one was close to call."""
        held = [c for c in reading.text if HELD <= ord(c) < HELD + len(self.pitches)]
        if not held:
            return reading
        within, (low, high) = self.scale()
        shares = {c: self.pitches[ord(c) - HELD] / within for c in held}
        ones = {c for c in held if ord(c) - HELD in self.beside_one}
        # Figures the line shows surely apart show the face's space: another pair is one
        # only as far apart as halfway to them (9 529 at 200 dpi: 1.24 beside 2.1).
        apart = [s for c, s in shares.items() if s >= (high + ONE_OFF if c in ones else high)]
        spaced = max(SPACED, (1 + min(apart)) / 2) if apart else SPACED
        text: list[str] = []
        close = False
        for character in reading.text:
            share = shares.get(character)
            if share is None:
                text.append(character)
                continue
            text.append(" " if share >= spaced else "")
            reach = high + ONE_OFF if character in ones else high
            close = close or low <= share < reach or abs(share - spaced) < NEAR
        confidence = min(reading.confidence, unsure) if close else reading.confidence
        return replace(reading, text="".join(text), confidence=confidence)


def _figures(text: str) -> int | None:
    """How many figures printed apart a cell's text ends with (None: fewer than two)."""
    found = TRAILING_FIGURES.search(text)
    count = len(found.group().split()) if found else 0
    return count if count > 1 else None


def agreed_wraps(texts: Mapping[K, str], wrapped: Mapping[K, tuple[str, ...]]) -> dict[K, str]:
    """Given the texts of a packet's cells and, for those of figures that wrapped between
    two digits, the other readings there (the number unbroken; two figures apart), return
    the readings to take: where the packet's cells of figures printed apart agree on how
    many figures a cell holds and one other reading gives that many and the text not
    (604 628 66 / 2 beside 1050 1050 / 1421 and 1 2 4: three each, so 604 628 662; 設置数
    9529 / 10079 152, read 952910079 152, so 9529 10079 152). Without such agreement a
    wrap is read as `items.join_lines` reads it: too many figures or too few leave the
    target unplaced and warned, never a wrong number."""
    counts: Counter[int] = Counter()
    for key, text in texts.items():
        if key in wrapped:
            reach = {_figures(text), *map(_figures, wrapped[key])}
            counts.update(n for n in reach if n)
        elif ONLY_FIGURES.fullmatch(text) and (n := _figures(text)):
            counts[n] += 1
    common = counts.most_common(2)
    if not common or (len(common) > 1 and common[1][1] == common[0][1]):
        return {}
    many = common[0][0]
    found: dict[K, str] = {}
    for key, others in wrapped.items():
        if key not in texts or _figures(texts[key]) == many:
            continue
        agreeing = [other for other in others if _figures(other) == many]
        if len(agreeing) == 1:
            found[key] = agreeing[0]
    return found


def dots_beside_figures(chars: list[str], xs: list[float], found: Marks) -> tuple[Marks, bool]:
    """Given a piece's characters, where each sits and the marks the image shows that its
    reading left out, return the marks to put in, and whether a low dot stands between
    two of them where the piece is figures alone. There a low dot after them is a speck,
    not a 。 (1050 1050 1421。), and one between two may be a lost decimal point: neither
    is put in, and the second leaves the piece unsure. A digit alone is no figures (る。
    misread 6。 ends a sentence)."""
    if len(chars) < 2 or not all(c.isdigit() for c in chars):
        return found, False
    low = [x for x, mark in found if mark in "。、"]
    between = any(xs[0] < x < xs[-1] for x in low)
    return [(x, mark) for x, mark in found if mark not in "。、"], between


def digits_apart(
    chars: list[str],
    boundaries: list[float],
    ink: Any,
    piece: Rect,
    spaced: set[int],
    pitches: Pitches | None,
) -> dict[int, str]:
    """Given a piece's characters, the places between them and those a space follows
    (`spaced`, changed here), return what follows each digit that another follows: the
    place held in `pitches` for the page to settle, or, without it, a space or none as the
    piece's own pairs settle it. Their own places decide, not the blank between their ink
    (the blank beside a 1 is wide); a pair the image shows no digit of is left as it is."""
    from extractor.sources.scan.marks import figure_pitches
    from extractor.sources.scan.recognize import Reading

    pairs = [k for k in range(len(chars) - 1) if chars[k].isdigit() and chars[k + 1].isdigit()]
    places = [boundaries[k] for k in pairs]
    held: dict[int, str] = {}
    page = pitches or Pitches()
    for k, pitch in zip(pairs, figure_pitches(ink, piece, places), strict=True):
        place = page.hold(pitch, "1" in chars[k : k + 2]) if pitch else ""
        if pitch is None or (pitch and not place):
            continue  # no digit's ink on a side, or a page past holding: the blank decides
        spaced.discard(k)
        if place:
            held[k] = place
    if pitches is None:  # settled here, the piece a page of its own
        held = {k: page.settle(Reading(h, 1.0), 1.0).text for k, h in held.items()}
    return held


__all__ = ["Pitches", "agreed_wraps", "digits_apart", "dots_beside_figures"]
