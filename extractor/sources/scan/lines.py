"""A scanned page's text cut into lines: each cell's, and what stands outside the tables.

A line is cut at rows without ink (and where two touching lines are taller than two); a
line is cut into pieces where an item's ・ follows a wide blank, and a piece longer than
the recognizer takes is cut at its widest blanks.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable
from typing import Any

import cv2
import numpy as np

from extractor.sources.scan.grid import Layout, Rect, under
from extractor.sources.scan.images import PDF_POINTS
from extractor.sources.scan.marks import (
    bullet_first,
    full_stop_at,
    ink_runs,
    is_dash,
    is_small_mark,
    low_mark,
    mark_wide,
    middle_columns,
    shortest_mark,
    starts_with_bullet,
)

MAX_LINE = 40  # the longest piece of a line recognized at once, in line heights
# A ・ after a blank this many line heights wide begins a piece (and maybe an item): the
# space before an item's ・ measured 0.65–0.78 in a Gothic print at 300 dpi (and wider in
# Mincho), the blank before a ・ between two words 0.35–0.54 (after a ト 0.65).
ITEM_GAP = 0.6
UNFOUND_HEIGHT = 0.5  # ink this many line heights high in a cell with no line: a character
# The layout's lengths in inches are made for a packet printed full size: h24's 5.4 pt face
# on A3 makes lines 5.0 pt high (measured at 200 and 300 dpi, clean and bad), the next
# year's 6 pt Gothic 5.5 pt: the median height of a page's lines, each line weighing its
# length (a line of figures alone is lower than one with kanji, a digit being about 0.7 of a
# kanji's height, and short; a page may hold many). A page where that is less than
# SMALL_PRINT points was printed reduced (an A3 packet on A4: 0.71 times, h24's lines
# 3.6 pt) and is laid out as if scanned at the resolution that makes them FULL_PRINT points
# high, at least LEAST_PRINT_DPI.
SMALL_PRINT, FULL_PRINT = 4.5, 5.0
LEAST_PRINT_DPI = 100.0


def _split_tall(ink: Any, band: tuple[int, int], line: int) -> list[tuple[int, int]]:
    """Given a band of rows taller than two lines' worth, cut it where it has least ink."""
    top, bottom = band
    if line <= 0 or bottom - top < 1.7 * line:
        return [band]
    counts = (ink[top:bottom] > 0).sum(1)
    parts = max(2, round((bottom - top) / line))
    cuts = [top]
    for k in range(1, parts):
        centre = top + (bottom - top) * k // parts
        low, high = max(top + 1, centre - line // 3), min(bottom - 1, centre + line // 3)
        if high <= low:
            return [band]
        cuts.append(low + int(np.argmin(counts[low - top : high - top])))
    cuts.append(bottom)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b - a > 1]


def _joined_small(bands: list[tuple[int, int]], least: int) -> list[tuple[int, int]]:
    """Join a band too short for a line (a stray mark, a split accent) to its nearer
    neighbour."""
    bands = list(bands)
    changed = True
    while changed and len(bands) > 1:
        changed = False
        for k, (a, b) in enumerate(bands):
            if b - a >= least:
                continue
            above = a - bands[k - 1][1] if k else None
            below = bands[k + 1][0] - b if k + 1 < len(bands) else None
            if min(d for d in (above, below, least + 1) if d is not None) > least:
                continue  # far from any line: a mark of its own (a dash, or a speck)
            if below is None or (above is not None and above <= below):
                bands[k - 1 : k + 1] = [(bands[k - 1][0], b)]
            else:
                bands[k : k + 2] = [(a, bands[k + 1][1])]
            changed = True
            break
    return bands


def lines_in(ink: Any, rect: Rect, dpi: float, line: int = 0, gray: Any = None) -> list[list[Rect]]:
    """Given the text ink, an area of it and the usual line height (0: unknown), return
    the lines of text in the area, top to bottom, each as its pieces left to right: a line
    is cut at rows without ink (and where two touching lines are taller than two), and
    into pieces where a ・ follows a blank wider than `ITEM_GAP` of its height: an item
    that starts on the same line as the one before it ends (recognized apart, joined with
    a space as the printed text has it, but see `items.SURE_ITEM_GAP`). Given the page's
    grey pixels, a 。 alone is kept where other specks are not: a ring, or a mark blurred
    shut where only a 。 can be."""
    x0, top, x1, bottom = rect
    area = ink[top:bottom, x0:x1]
    if not area.size:
        return []
    shortest = shortest_mark(dpi)
    bands = _joined_small(ink_runs((area > 0).sum(1), gap=0), max(shortest, int(0.4 * line)))
    # The last band tall enough to hold a mark: the grain below it is no text.
    last = max((band for band in bands if band[1] - band[0] >= shortest), default=None)
    found: list[list[Rect]] = []
    for band in bands:
        for a, b in _split_tall(area, band, line):
            line_ink = area[a:b]
            columns = np.flatnonzero((line_ink > 0).sum(0))
            if not len(columns):
                continue
            whole = (x0 + int(columns[0]), top + a, x0 + int(columns[-1]) + 1, top + b)
            if is_dash(whole, dpi):
                # A thin, wide mark alone is a dash; one along the area's top or bottom edge
                # is what is left of a ruling (a blurred one is thicker than its mask).
                if a >= shortest and b <= len(area) - shortest:
                    found.append([whole])
                continue
            if b - a < shortest:
                continue  # a speck
            pieces: list[tuple[int, int]] = []
            for left, right in ink_runs(middle_columns(line_ink), gap=int(ITEM_GAP * (b - a))):
                if pieces and not bullet_first(line_ink[:, left:right]):
                    pieces[-1] = (pieces[-1][0], right)
                else:
                    pieces.append((left, right))
            if not pieces:
                continue  # ink at the band's top and bottom only: tails of other lines
            mark = (x0 + pieces[0][0], top + a, x0 + pieces[-1][1], top + b)
            stop = gray is not None and (
                full_stop_at(gray, mark, dpi)
                or (is_small_mark(mark, dpi) and _ends_text(mark, found, band == last, line))
            )
            if is_small_mark(mark, dpi) and not stop:
                continue  # a speck, not a character (a 。 wrapped onto a line of its own is)
            holds = [
                bool(line) and _holds_characters(line_ink[:, left:right], line)
                for left, right in pieces
            ]
            rects = [
                (x0 + left, top + a, x0 + right, top + b)
                for k, ((left, right), characters) in enumerate(zip(pieces, holds, strict=True))
                if not line
                or stop
                or characters
                # a ・ on a line of text is an item's, begun at the line's end; alone, a speck
                or (any(holds) and bullet_first(line_ink[:, left:right]))
                # a 。 that wrapped before the next item's ・ (see scan.wrapped_stop)
                or (k == 0 and any(holds) and low_mark(line_ink[:, left:right]))
            ]
            if not rects:
                continue
            found.append([part for rect in rects for part in _shortened(ink, rect)])
    return found


def _ends_text(mark: Rect, found: list[list[Rect]], last: bool, line: int) -> bool:
    """Whether a small mark alone on the last line of a cell's text is a 。 that wrapped
    there from the line above (blurred, it shows no hole): it stands where the lines above
    begin, at most one and a half lines below the last of them, and is no mere grain."""
    x0, top, x1, bottom = mark
    if not last or not found or not line or min(x1 - x0, bottom - top) < 0.15 * line:
        return False
    start = min(pieces[0][0] for pieces in found)
    above = found[-1][0][3]
    return abs(x0 - start) <= 0.5 * line and 0 <= top - above <= 1.5 * line


def _shortened(ink: Any, rect: Rect) -> list[Rect]:
    """Given a piece of a line longer than the recognizer takes (MAX_LINE heights), return
    it cut at its widest blanks into parts it takes."""
    x0, top, x1, bottom = rect
    height = max(1, bottom - top)
    if x1 - x0 <= MAX_LINE * height:
        return [rect]
    columns = (ink[top:bottom, x0:x1] > 0).sum(0)
    middle = (x1 - x0) // 2
    window = columns[middle // 2 : middle + middle // 2]
    cut = x0 + middle // 2 + int(np.argmin(window))
    return _shortened(ink, (x0, top, cut, bottom)) + _shortened(ink, (cut, top, x1, bottom))


def _holds_characters(ink: Any, line: int) -> bool:
    """Whether a piece of a line holds a character: a mark at least 0.4 of a usual line
    high (grain and JPEG blocks scattered along a row hold none)."""
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(ink)
    return count > 1 and int(stats[1:, cv2.CC_STAT_HEIGHT].max()) >= 0.4 * line


def page_lines(
    layout: Layout, dpi: float
) -> tuple[dict[tuple[int, int], list[list[Rect]]], list[list[Rect]]]:
    """Given a page's layout, return the lines of text of each cell (by table and cell
    number) and those outside the tables. A first pass finds a line's usual height (of
    the lines tall enough to hold a character); the second cuts with it (lines that ran
    together apart, specks that hold no character out)."""
    inset = max(2, under(dpi / 60))
    areas = {
        (t, c): _inset(table.cell_rect(cell), inset)
        for t, table in enumerate(layout.tables)
        for c, cell in enumerate(table.cells)
    }
    height, width = layout.gray.shape
    page = (0, 0, width, height)
    usual = 0
    for _ in range(2):
        cells = {
            key: lines_in(layout.ink, area, dpi, usual, layout.gray) for key, area in areas.items()
        }
        outside = lines_in(layout.outside, page, dpi, usual)
        heights = [height for height, _ in _character_lines((*cells.values(), outside), dpi)]
        if usual or not heights:
            break
        usual = int(statistics.median(heights))
    groups = [group for pieces in outside for group in _side_by_side(pieces)]
    # Outside the tables there are no items: a dot standing apart from any text is a speck.
    return cells, [g for g in groups if not (len(g) == 1 and _lone_dot(layout.outside, g[0]))]


def _character_lines(lines: Iterable[list[list[Rect]]], dpi: float) -> list[tuple[int, int]]:
    """Given a page's lines (each cell's, and those outside the tables), return the height
    and length of each that can hold a character: a dash, a lone 。 and the specks of a
    noisy page (many on a cover of few lines) are lower."""
    return [
        (line[0][3] - line[0][1], line[-1][2] - line[0][0])
        for found in lines
        for line in found
        if line[0][3] - line[0][1] >= 2 * shortest_mark(dpi)
    ]


def print_dpi(lines: Iterable[list[list[Rect]]], dpi: float) -> float:
    """Given a page's lines (`page_lines`: each cell's, and those outside the tables) and
    its resolution, return the resolution its print is to be laid out at: its own, or,
    where the lines are too small for a page printed full size, a coarser one at which they
    measure as a full-size print's (SMALL_PRINT, FULL_PRINT)."""
    measured = sorted(_character_lines(lines, dpi))
    if not measured:
        return dpi
    lengths = np.cumsum([length for _, length in measured])
    middle = int(np.searchsorted(lengths, lengths[-1] / 2))
    points = measured[middle][0] * PDF_POINTS / dpi
    if points >= SMALL_PRINT:
        return dpi
    return max(LEAST_PRINT_DPI, dpi * points / FULL_PRINT)


def unfound_ink(ink: Any, rect: Rect, dpi: float, line: int) -> Rect | None:
    """Given the text ink, a cell in which no line of text was found and the page's usual
    line height, return the box of the cell's ink, specks aside, where it is of a
    character's height and weight (UNFOUND_HEIGHT of a line high, a line's height in
    pixels at least) and stands clear of the cell's edges: a thin figure a blurred scan
    broke into pieces each taken for a speck (a Mincho 7: its bar and its stem); else
    None. Ink that reaches an edge is what is left of a ruling, or the tails of the text
    beside the cell."""
    x0, top, x1, bottom = _inset(rect, max(2, under(dpi / 60)))
    area = (ink[top:bottom, x0:x1] > 0).astype(np.uint8)
    if not line or not area.size or int(area.sum()) < line:
        return None
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(area)
    speck = shortest_mark(dpi)
    boxes = [
        (left, up, left + wide, up + tall)
        for left, up, wide, tall, _ in (stats[k] for k in range(1, count))
        if wide >= speck or tall >= speck
    ]
    if not boxes:
        return None
    left, up = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, down = max(b[2] for b in boxes), max(b[3] for b in boxes)
    height, width = area.shape
    clear = left > 0 and up > 0 and right < width and down < height
    if down - up < UNFOUND_HEIGHT * line or not clear:
        return None
    return (x0 + int(left), top + int(up), x0 + int(right), top + int(down))


def _lone_dot(ink: Any, piece: Rect) -> bool:
    """Whether a piece of a line is nothing but a dot (a ・'s shape)."""
    return mark_wide(piece) and starts_with_bullet(ink, piece)


def _inset(rect: Rect, inset: int) -> Rect:
    x0, top, x1, bottom = rect
    return x0 + inset, top + inset, x1 - inset, bottom - inset


def _side_by_side(pieces: list[Rect]) -> list[list[Rect]]:
    """Given a line's pieces outside any table, return them grouped into the texts that
    stand apart on it (a gap wider than four line heights: a page title and a date, say)."""
    groups: list[list[Rect]] = []
    for piece in pieces:
        height = piece[3] - piece[1]
        if groups and piece[0] - groups[-1][-1][2] <= 4 * height:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups
