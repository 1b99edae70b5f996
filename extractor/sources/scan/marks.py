"""Marks a scanned line holds that its shape tells better than a recognizer: a dash alone,
a 。 alone, an item's ・, two dots of a ：, blanks as wide as a space, and the ・, 。 and 、 a
recognizer left out. Ink masks are white on black; lengths are in line heights or in terms
of the page's resolution.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from extractor.sources.scan.grid import Rect
from extractor.sources.scan.japanese import WORD_CHARACTER

if TYPE_CHECKING:
    from extractor.sources.scan.recognize import Reading

MARK_SHARE = 0.4  # the largest mark (・, 。, 、) as a share of its line's height
LOW_MARK = 0.6  # a mark whose middle is below this share of its line's height sits low
# Where a mark left out by the recognizer stands, in line heights: at least this far from the
# characters beside it, these two being this far apart; this far before the first; this
# far after the last (a 。 sits at the left of its own character's room).
APART_SHARE = 0.5
ROOM = 1.6
BEFORE_FIRST = 0.9
AFTER_LAST = 0.65
BULLET_APART = 0.2  # a ・'s dot stands about 0.4 of its line's height from what follows
REFERENCE_SHARE = 0.8  # marks this close (in heights) are the dots of one ※
MIN_CONTRAST = 64  # grey levels between a mark's ink and its paper
COMMA_STRETCH = 3.0  # how much longer a 、's ink is along its slant than across
COMMA_SLANT = 20  # how far (degrees) a 、's slant may be from the diagonal
ROUND = 2.5  # a dot is no more than this much longer one way than the other
# Digits side by side. A digit's ink (a 1's aside) is SINGLE_DIGIT wide in its height
# (0.54-0.62 measured in Gothic and Mincho faces; a 1 narrower, two digits run together
# wider), DIGIT_WIDTH when the piece shows none; a blot RUN_TOGETHER digits wide or more
# holds more than one.
SINGLE_DIGIT = (0.45, 0.85)
DIGIT_WIDTH = 0.6
RUN_TOGETHER = 1.5
# Ink of a character's size that the reading has no character for: a run of ink columns
# (parts less than STROKE_GAP apart joined) between these widths, its middle at least
# UNREAD_APART from every character read (all in line heights). A recognizer drops a ○ or
# a ◇ so (measured on clean scans: 0.78-0.98 from the nearest character read).
STROKE_GAP = 0.12
CHARACTER_WIDTHS = (0.5, 1.3)
UNREAD_APART = 0.6
NARROW_ROOM = 0.3
# ... and ink narrower than that but as tall as a figure (a 1 the recognizer left out of
# 1回 on a blurred scan: 0.2 of its line wide, all of it high) cannot be read alone: its
# line is unsure.
STROKE_TALL = 0.7
# A character's ink the reading left out, read alone: a mark when read with this confidence
# (a ◇ read so on a clean scan: 0.35); an O or 〇 a ○ with this (0.83-0.96; a ◇ blurred
# read as 0, and a kanji left out as anything, with less or as no mark at all).
MARK_ALONE = 0.3
SURE_ROUND = 0.5
ROUND_MARKS = "O〇"


def ink_runs(counts: Any, gap: int, least: float = 1) -> list[tuple[int, int]]:
    """Given ink counts along an axis, return the runs (start, end) where they reach
    `least`, runs closer than `gap` joined."""
    rows = np.flatnonzero(counts >= least)
    bands: list[tuple[int, int]] = []
    if not len(rows):
        return bands
    start = previous = int(rows[0])
    for row in rows[1:]:
        if row - previous - 1 > gap:
            bands.append((start, previous + 1))
            start = int(row)
        previous = int(row)
    bands.append((start, previous + 1))
    return bands


def middle_columns(ink: Any) -> Any:
    """Given the ink of a line (its rows only), return how much ink each column holds on
    its middle rows: where the line's text runs is judged there, the top and bottom eighths
    may hold the tails of the lines above and below where they touch."""
    eighth = ink.shape[0] // 8
    return (ink[eighth : ink.shape[0] - eighth] > 0).sum(0)


def grey_around(gray: Any, rect: Rect) -> Any:
    """The grey pixels of a rectangle and one pixel around it."""
    x0, top, x1, bottom = rect
    return gray[max(0, top - 1) : bottom + 1, max(0, x0 - 1) : x1 + 1]


def full_stop_at(gray: Any, piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line is a 。 standing alone (wrapped onto a line of its own)."""
    return is_small_mark(piece, dpi) and is_full_stop(grey_around(gray, piece))


def shortest_mark(dpi: float) -> int:
    """The height of the smallest mark that may be a character, in pixels."""
    return max(3, round(dpi * 0.02))


def is_small_mark(piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line is too small to be any character but a mark (。, ・)."""
    x0, top, x1, bottom = piece
    return bottom - top < 2 * shortest_mark(dpi) and x1 - x0 < 2 * shortest_mark(dpi)


def mark_wide(piece: Rect) -> bool:
    """Whether a piece of a line is no wider than a mark (・, 。) in it: a dot alone."""
    x0, top, x1, bottom = piece
    return x1 - x0 <= MARK_SHARE * (bottom - top)


def is_full_stop(gray: Any) -> bool:
    """Given the grey pixels of a small mark, whether it is a 。: a ring, ink around a hole
    (judged on the grey pixels: binarizing may fill so small a hole)."""
    if not gray.size:
        return False
    darkest, lightest = int(gray.min()), int(gray.max())
    if lightest - darkest < MIN_CONTRAST:
        return False
    blank = np.pad((gray > (darkest + lightest) // 2).astype(np.uint8), 1, constant_values=1)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(blank, connectivity=4)
    # Label 0 is the ink, 1 the blank around it; a hole is any other blank, of 2 pixels or more.
    return bool(count > 2 and stats[2:, cv2.CC_STAT_AREA].max() >= 2)


def is_comma(gray: Any) -> bool:
    """Given the grey pixels of a small mark that is no ring, whether it is a 、: a stroke
    slanting down to the right (its ink's long axis within COMMA_SLANT degrees of the
    diagonal), at least COMMA_STRETCH times as long along it as across (a 。 blurred shut
    is a round blot)."""
    weight = np.clip(int(gray.max(initial=0)) - gray.astype(np.float32), 0, None)
    moments = cv2.moments(weight)  # the ink's spread, each pixel weighed by its darkness
    total = moments["m00"]
    if total <= 0:
        return False
    cxx, cyy, cxy = (moments[k] / total for k in ("mu20", "mu02", "mu11"))
    spread = np.hypot((cxx - cyy) / 2, cxy)
    along, across = (cxx + cyy) / 2 + spread, (cxx + cyy) / 2 - spread
    slant = np.degrees(np.arctan2(2 * cxy, cxx - cyy)) / 2  # 45: down to the right
    return bool(abs(slant - 45) <= COMMA_SLANT and along >= COMMA_STRETCH * max(across, 1e-6))


def starts_with_bullet(ink: Any, rect: Rect) -> bool:
    """Whether the piece of a line at `rect` in the text ink begins with a ・."""
    x0, top, x1, bottom = rect
    return bullet_first(ink[top:bottom, x0:x1])


def low_mark(ink: Any) -> bool:
    """Whether a piece of a line (its ink, the line's height) is one small mark low in the
    line: a 。 or 、 (a ・ sits in the middle)."""
    rows = np.flatnonzero((ink > 0).sum(1))
    columns = np.flatnonzero((ink > 0).sum(0))
    if not len(rows):
        return False
    height = ink.shape[0]
    width, tall = int(columns[-1] - columns[0]) + 1, int(rows[-1] - rows[0]) + 1
    middle = float(rows[0] + rows[-1]) / 2
    small = width <= MARK_SHARE * height and tall <= MARK_SHARE * height
    return bool(small and middle > LOW_MARK * height)


def bullet_first(ink: Any) -> bool:
    """Whether a piece of a line begins with a ・: a small dot in the middle of the line,
    apart from what follows (by BULLET_APART of the line's height: the dot that begins a
    ふ nearly touches the rest of it)."""
    height = ink.shape[0]
    columns = (ink > 0).sum(0)
    first = ink_runs(columns, gap=0)
    if not first:
        return False
    left, right = first[0]
    runs = ink_runs(middle_columns(ink), gap=0)  # how far what follows stands
    if len(runs) > 1 and runs[1][0] - runs[0][1] < BULLET_APART * height:
        return False
    rows = np.flatnonzero((ink[:, left:right] > 0).sum(1))
    if not len(rows):
        return False
    middle = float(rows[0] + rows[-1]) / 2
    width, tall = right - left, int(rows[-1] - rows[0]) + 1
    return bool(
        width <= MARK_SHARE * height
        and tall <= MARK_SHARE * height
        and 0.5 * tall <= width <= 2 * tall
        and 0.3 * height <= middle <= 0.7 * height
    )


def _round(width: int, height: int) -> bool:
    """Whether a mark of this size is a dot, not a stroke: neither side more than ROUND
    times the other (a hyphen is five times as wide as it is high)."""
    return max(width, height) <= ROUND * min(width, height)


def colon_or_bullet(ink: Any, rect: Rect, x: float) -> str | None:
    """Given the text ink, a line's piece and where in it a character read as ： sits,
    return "：" when two dots stand there one over the other, "・" when a single dot sits
    in the middle of the line, or None when the image does not say."""
    _x0, top, _x1, bottom = rect
    height = bottom - top
    left = max(0, int(x - 0.5 * height))
    window = ink[top:bottom, left : int(x + 0.7 * height)]
    if not window.size:
        return None
    count, _labels, stats, centres = cv2.connectedComponentsWithStats(window)
    dots = [
        (float(centres[i][0]) / height, float(centres[i][1]) / height)
        for i in range(1, count)
        if stats[i][cv2.CC_STAT_WIDTH] < 0.35 * height
        and stats[i][cv2.CC_STAT_HEIGHT] < 0.35 * height
        and _round(stats[i][cv2.CC_STAT_WIDTH], stats[i][cv2.CC_STAT_HEIGHT])
        and 0.2 <= float(centres[i][0]) / height <= 0.95
    ]
    upper = [d for d in dots if 0.3 <= d[1] <= 0.55]
    lower = [d for d in dots if 0.65 <= d[1] <= 0.9]
    if any(abs(u[0] - d[0]) < 0.15 for u in upper for d in lower):
        return "："
    middle = [d for d in dots if 0.38 <= d[1] <= 0.58]
    if len(middle) == 1 and not any(abs(middle[0][0] - d[0]) < 0.15 for d in lower):
        return "・"
    return None


def dropped_marks(
    ink: Any, gray: Any, piece: Rect, xs: list[float], ends_sentence: bool = True
) -> list[tuple[float, str]]:
    """Given the text ink and grey pixels, a line's piece and where each character read in
    it sits, return the marks the reading left out: (where, mark) for each small mark
    standing apart from every character read, ・ when it sits in the middle of the line, 。
    (a ring, or any low mark after the last character of a piece that `ends_sentence`:
    the line's last, or one before an item) or 、 when it sits low."""
    x0, top, x1, bottom = piece
    height = bottom - top
    if not xs or height <= 0:
        return []
    count, _labels, stats, centres = cv2.connectedComponentsWithStats(ink[top:bottom, x0:x1])
    found: list[tuple[float, str]] = []
    for i in range(1, count):
        x, y, width, tall, _area = (int(v) for v in stats[i])
        cx, cy = x0 + float(centres[i][0]), float(centres[i][1]) / height
        small = width <= MARK_SHARE * height and tall <= MARK_SHARE * height
        if not small or not _room_for_a_mark(cx, xs, height):
            continue
        if 0.35 <= cy <= 0.65:
            found.append((cx, "・"))
        elif cy > 0.6:
            around = grey_around(gray, (x0 + x, top + y, x0 + x + width, top + y + tall))
            ring = is_full_stop(around)
            # A ring blurred shut looks like a 、: at the end of a line, a sentence ends,
            # unless the mark is plainly a 、's slanting stroke.
            last = ends_sentence and cx > xs[-1] and not is_comma(around)
            found.append((cx, "。" if ring or last else "、"))
    return _reference_marks(found, height)


def unread_runs(ink: Any, piece: Rect, xs: list[float], chars: list[str]) -> list[tuple[int, int]]:
    """Given the text ink, a line's piece, where each character read in it sits and the
    characters, return the runs of ink (x from, x to) of a character's size outside the
    room of every character read (half a line height either side of a kanji or kana,
    NARROW_ROOM of anything else: a bracket's or a Latin letter's ink is narrow): a
    character the recognizer left out (judged on the line's middle rows, the top and
    bottom ones may hold the tails of other lines)."""
    x0, top, x1, bottom = piece
    height = bottom - top
    if not xs or height <= 0:
        return []
    columns = middle_columns(ink[top:bottom, x0:x1])
    narrowest, widest = (share * height for share in CHARACTER_WIDTHS)
    halves = [(0.5 if WORD_CHARACTER.match(c) else NARROW_ROOM) * height for c in chars]
    rooms = sorted((x - x0 - half, x - x0 + half) for x, half in zip(xs, halves, strict=True))
    found: list[tuple[int, int]] = []
    for a, b in ink_runs(columns, gap=int(STROKE_GAP * height)):
        left = a  # what of the run lies in no character's room, from left to right
        for start, end in [*rooms, (b, b)]:
            if start > left and (inked := np.flatnonzero(columns[left : min(b, int(start))])).size:
                first, last = left + int(inked[0]), left + int(inked[-1]) + 1
                middle = x0 + (first + last) / 2
                apart = min(abs(middle - x) for x in xs) >= UNREAD_APART * height
                if narrowest <= last - first <= widest and apart:
                    found.append((x0 + first, x0 + last))
            left = max(left, int(end) + 1)
            if left >= b:
                break
    return found


def unread_stroke(ink: Any, piece: Rect, xs: list[float]) -> bool:
    """Given the text ink, a line's piece and where each character read in it sits, whether
    the line holds a stroke no character read accounts for: ink standing alone (blank on
    both sides, at the line's middle rows), narrower than a character but STROKE_TALL of
    the line's height high, its middle UNREAD_APART from every character read."""
    x0, top, x1, bottom = piece
    height = bottom - top
    if not xs or height <= 0:
        return False
    line = ink[top:bottom, x0:x1]
    narrowest = CHARACTER_WIDTHS[0] * height
    for a, b in ink_runs(middle_columns(line), gap=int(STROKE_GAP * height)):
        rows = np.flatnonzero((line[:, a:b] > 0).sum(1))
        tall = len(rows) > 0 and rows[-1] - rows[0] + 1 >= STROKE_TALL * height
        apart = min(abs(x0 + (a + b) / 2 - x) for x in xs) >= UNREAD_APART * height
        if b - a < narrowest and tall and apart:
            return True
    return False


def _reference_marks(found: list[tuple[float, str]], height: int) -> list[tuple[float, str]]:
    """Given the marks left out of a line, return them with each cluster of marks closer
    than a character's width read as the one ※ whose dots they are."""
    merged: list[tuple[float, str]] = []
    for x, mark in sorted(found):
        if merged and x - merged[-1][0] < REFERENCE_SHARE * height:
            merged[-1] = (merged[-1][0], "※")
        else:
            merged.append((x, mark))
    return merged


def _room_for_a_mark(x: float, xs: list[float], height: int) -> bool:
    """Whether a mark at x stands in a character's room of its own: after the last
    character read, before the first, or between two that stand two characters apart (a
    stroke of a character, or a place the recognizer misjudged, is nearer)."""
    before = [c for c in xs if c < x]
    after = [c for c in xs if c >= x]
    if not before:
        return after[0] - x >= BEFORE_FIRST * height
    if not after:
        return x - before[-1] >= AFTER_LAST * height
    apart = min(x - before[-1], after[0] - x) >= APART_SHARE * height
    return apart and after[0] - before[-1] >= ROOM * height


def figure_pitches(ink: Any, piece: Rect, between: list[float]) -> list[float | None]:
    """Given the text ink, a line's piece and places (x) between two digits read there,
    return for each how far apart the middles of the digits on either side stand, in the
    digits' height: whatever the blank between their ink (a 1 is narrow, a 4 reaches out,
    blur fills a gap). 0 inside a blot of digits run together; None when the image shows
    no digit on a side. Whether that is a space depends on the face (`figures.Pitches`)."""
    if not between:
        return []
    x0, top, x1, bottom = piece
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(ink[top:bottom, x0:x1])
    inks: list[list[int]] = []  # left, right, top, bottom of each figure's ink
    for i in sorted(range(1, count), key=lambda i: int(stats[i][cv2.CC_STAT_LEFT])):
        left, up = int(stats[i][cv2.CC_STAT_LEFT]), int(stats[i][cv2.CC_STAT_TOP])
        right = left + int(stats[i][cv2.CC_STAT_WIDTH])
        down = up + int(stats[i][cv2.CC_STAT_HEIGHT])
        if inks and left < inks[-1][1]:  # parts of one figure (a stroke broken apart)
            a, b, u, d = inks[-1]
            inks[-1] = [a, max(b, right), min(u, up), max(d, down)]
        else:
            inks.append([left, right, up, down])
    # A figure's ink spans most of its line; a comma or a speck does not.
    blots = [(a, b, d - u) for a, b, u, d in inks if d - u >= 0.5 * (bottom - top)]
    places = [x - x0 for x in between]
    # The digits beside the places: their height and (those one digit wide) their width.
    digits = {
        blot
        for x in places
        for blot in (
            *[b for b in blots if (b[0] + b[1]) / 2 < x][-1:],
            *[b for b in blots if (b[0] + b[1]) / 2 >= x][:1],
            *[b for b in blots if b[0] < x < b[1]],
        )
    }
    if not digits:
        return [None for _ in between]
    height = float(np.median([blot[2] for blot in digits]))
    low, high = SINGLE_DIGIT[0] * height, SINGLE_DIGIT[1] * height
    widths = [b - a for a, b, _ in digits if low <= b - a <= high]
    width = float(np.median(widths)) if widths else DIGIT_WIDTH * height
    found: list[float | None] = []
    for x in places:
        before = [b for b in blots if (b[0] + b[1]) / 2 < x]
        after = [b for b in blots if (b[0] + b[1]) / 2 >= x]
        if any(b[0] < x < b[1] and b[1] - b[0] >= RUN_TOGETHER * width for b in blots):
            found.append(0.0)
        elif not before or not after:
            found.append(None)
        else:
            # The digit next to the place: a blot's own middle, or its last (first) digit's.
            last = max((before[-1][0] + before[-1][1]) / 2, before[-1][1] - width / 2)
            first = min((after[0][0] + after[0][1]) / 2, after[0][0] + width / 2)
            found.append((first - last) / height)
    return found


def is_dash(piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line is a dash standing alone (— in an empty figure cell):
    thinner than any line of text (half a small mark's height, 2 pt), three times as wide
    as it is thick and no shorter than a small mark's height twice over (blur thickens a
    dash more than it lengthens it)."""
    x0, top, x1, bottom = piece
    thick = bottom - top
    shortest = shortest_mark(dpi)
    return thick < 2 * shortest and x1 - x0 >= max(3 * thick, 2 * shortest)


def blanks(ink: Any, piece: Rect) -> list[tuple[int, int, bool]]:
    """Given the text ink and a line's piece, return the blanks inside it that may be a
    printed space (x from, x to, and whether it is as wide as a full-width space): at least
    0.45 of the line's height wide (the blanks beside a narrow 1 are less); 0.6 for a
    wide one."""
    x0, top, x1, bottom = piece
    height = bottom - top
    runs = ink_runs(middle_columns(ink[top:bottom, x0:x1]) == 0, gap=0)
    return [
        (x0 + a, x0 + b, b - a >= 0.6 * height)
        for a, b in runs
        if b - a >= 0.45 * height and a > 0 and b < x1 - x0
    ]


def mark_alone(reading: Reading, beside: list[str]) -> str | None:
    """Given what the recognizer made of a character's ink read alone and the characters
    read on either side of it, return the mark it is, or None when it reads as no mark
    (a kanji left out reads alone as another, or not at all: it stays out, and its cell
    unsure). A mark is a symbol (○ ◇ □ → ~) or ※ 「 」, read with MARK_ALONE confidence;
    an O or 〇 read surely is a ○, but not beside a figure."""
    text = reading.text.strip()
    if len(text) != 1 or reading.confidence < MARK_ALONE:
        return None
    if text in ROUND_MARKS:
        figure = any(c.isdigit() for c in beside)
        return "○" if reading.confidence >= SURE_ROUND and not figure else None
    symbol = unicodedata.category(text) in ("So", "Sm")
    return text if symbol or text in "※「」『』" else None
