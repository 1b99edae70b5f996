"""The layout of a scanned page, found in its pixels: skew, ruled tables, cells, text lines.

A page is binarized (ink is white on black in the masks below), turned straight by the
angle that makes its rows of ink sharpest, and its rulings found as long runs of ink
(morphological opening with a long thin kernel). A table is a cluster of rulings; its
grid comes from the positions of its horizontal and vertical rulings, and two grid
positions with no ruling between them belong to one merged cell. The text inside each
cell, and outside the tables, is cut into lines by where the ink is; each line is then
recognized on its own. Every length is in terms of the page's resolution, so the same
code reads a page at 200 or 400 dpi.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

Rect = tuple[int, int, int, int]  # x0, top, x1, bottom in pixels (x1 and bottom exclusive)

EDGE_INCHES = 0.1  # the page's border strip, left out: no packet prints there
MAX_SKEW = 5.0  # degrees a page may be turned and still be straightened
RULING_INCHES = 0.25  # a ruling is a run of ink at least this long
TABLE_MIN_INCHES = (0.5, 0.15)  # the smallest table: width, height
SPECK_INCHES = 0.01  # ink spots smaller than this square are noise
WALL_SHARE = 0.5  # share of a grid edge that must be ruled to separate two positions
FULL_RULING = 0.9  # share of a row's height a column ruling covers
MIN_CONTRAST = 64  # grey levels between a mark's ink and its paper
MAX_LINE = 40  # the longest piece of a line recognized at once, in line heights


@dataclass(frozen=True)
class Table:
    """A ruled table: its row and column edges and its cells (merged ranges as one)."""

    rect: Rect
    ys: list[int]
    xs: list[int]
    # Each cell: first row, first column, last row, last column (grid positions, inclusive).
    cells: list[tuple[int, int, int, int]]

    def cell_rect(self, cell: tuple[int, int, int, int]) -> Rect:
        top, left, bottom, right = cell
        return self.xs[left], self.ys[top], self.xs[right + 1], self.ys[bottom + 1]


@dataclass(frozen=True)
class Layout:
    """A straightened page: its grey pixels, its text ink (rulings and specks removed),
    its tables, and its text ink outside them."""

    gray: Any
    ink: Any
    angle: float
    tables: list[Table]
    outside: Any  # the text ink outside the tables


def binarize(gray: Any, dpi: float) -> Any:
    """Given a grey page, return its ink mask (255 where ink): a pixel darker than its
    neighbourhood by more than the page's noise allows, after a slight blur, so that a
    darker paper, grain and JPEG blocks do not become ink."""
    median = cv2.medianBlur(gray, 3)
    noise = float(np.median(np.abs(gray.astype(np.int16) - median))) * 1.4826
    smooth = cv2.GaussianBlur(gray, (0, 0), max(0.5, dpi / 300))
    margin = max(15.0, 4 * noise)
    return cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, margin
    )


def skew(ink: Any) -> float:
    """Given a page's ink, return the angle (degrees) that turns its lines level: the one
    whose rows of ink are sharpest, searched coarse then fine on a reduced copy."""
    small = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    height, width = small.shape

    def sharpness(angle: float) -> float:
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        turned = cv2.warpAffine(small, turn, (width, height), flags=cv2.INTER_NEAREST)
        profile = turned.sum(1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)
    best = float(coarse[int(np.argmax([sharpness(a) for a in coarse]))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    return float(fine[int(np.argmax([sharpness(a) for a in fine]))])


def turn(gray: Any, angle: float) -> Any:
    """Given a page, return it turned by the angle, the corners filled with its paper."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    paper = float(np.median(gray))
    return cv2.warpAffine(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(paper,)
    )


def _opened(ink: Any, width: int, height: int) -> Any:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, width), max(1, height)))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def _runs(counts: Any, least: float, gap: int) -> list[int]:
    """Given ink counts along an axis, return the centres of the runs reaching `least`."""
    found = np.flatnonzero(counts >= least)
    centres: list[int] = []
    if not len(found):
        return centres
    start = previous = int(found[0])
    for index in found[1:]:
        if index - previous > gap:
            centres.append((start + previous) // 2)
            start = int(index)
        previous = int(index)
    centres.append((start + previous) // 2)
    return centres


def _cells(
    horizontal: Any, vertical: Any, ys: list[int], xs: list[int], band: int
) -> list[tuple[int, int, int, int]]:
    """Given a table's ruling masks and grid edges, return its cells: grid positions with
    no ruling between them joined into one (a merged cell)."""
    rows, columns = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * columns))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def ruled(strip: Any) -> bool:
        return bool(strip.size) and float((strip > 0).mean()) >= WALL_SHARE

    inset = band
    for i in range(rows):
        for j in range(columns - 1):
            x, top, bottom = xs[j + 1], ys[i] + inset, ys[i + 1] - inset
            wall = vertical[top:bottom, max(0, x - band) : x + band + 1]
            if not ruled(wall.max(1) if wall.size else wall):
                parent[find(i * columns + j)] = find(i * columns + j + 1)
    for i in range(rows - 1):
        for j in range(columns):
            y, left, right = ys[i + 1], xs[j] + inset, xs[j + 1] - inset
            wall = horizontal[max(0, y - band) : y + band + 1, left:right]
            if not ruled(wall.max(0) if wall.size else wall):
                parent[find(i * columns + j)] = find((i + 1) * columns + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(rows):
        for j in range(columns):
            groups.setdefault(find(i * columns + j), []).append((i, j))
    cells = []
    for members in groups.values():
        found_rows = [m[0] for m in members]
        found_columns = [m[1] for m in members]
        cells.append((min(found_rows), min(found_columns), max(found_rows), max(found_columns)))
    return sorted(cells)


def _rules_a_row(vertical: Any, ys: list[int], x: int, band: int) -> bool:
    """Whether the vertical rulings at x run through the whole height of some row."""
    strip = vertical[:, max(0, x - band) : x + band + 1]
    for top, bottom in itertools.pairwise(ys):
        run = strip[top + band : bottom - band]
        if run.size and float((run.max(1) > 0).mean()) >= FULL_RULING:
            return True
    return False


def find_tables(ink: Any, dpi: float) -> tuple[list[Table], Any]:
    """Given a straight page's ink, return its ruled tables and the mask of their rulings."""
    length = max(10, int(dpi * RULING_INCHES))
    horizontal = _opened(ink, length, 1)
    vertical = _opened(ink, 1, length)
    band = max(2, int(dpi / 75))
    joined = cv2.dilate(horizontal | vertical, np.ones((band + 1, band + 1), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    tables: list[Table] = []
    rulings = np.zeros_like(ink)  # only the tables' own: long strokes elsewhere are text
    for label in range(1, count):
        x, y, width, height, _area = (int(v) for v in stats[label])
        if width < dpi * TABLE_MIN_INCHES[0] or height < dpi * TABLE_MIN_INCHES[1]:
            continue
        ys = [
            y + t
            for t in _runs((horizontal[y : y + height, x : x + width] > 0).sum(1), length, band * 2)
        ]
        if len(ys) < 2:
            continue
        # Short column rulings (under a one-row header, say) are as tall as their row.
        tall = max(10, int(0.8 * min(b - a for a, b in itertools.pairwise(ys))))
        area = ink[y : y + height, x : x + width]
        columns = _opened(area, 1, tall)
        vertical[y : y + height, x : x + width] |= columns
        candidates = [x + t for t in _runs((columns > 0).sum(0), tall, band * 2)]
        # A column ruling runs the full height of at least one row (text strokes do not).
        xs = [c for c in candidates if _rules_a_row(vertical, ys, c, band)]
        if len(xs) < 2:
            continue
        cells = _cells(horizontal, vertical, ys, xs, band)
        rulings[y : y + height, x : x + width] |= horizontal[y : y + height, x : x + width]
        for column in xs:
            strip = slice(max(0, column - band), column + band + 1)
            rulings[y : y + height, strip] |= vertical[y : y + height, strip]
        # What the rulings enclose: strokes that touch them from outside (a heading's,
        # blurred into the ruling under it) are not the table's.
        tables.append(Table((xs[0], ys[0], xs[-1], ys[-1]), ys, xs, cells))
    tables.sort(key=lambda t: (t.rect[1], t.rect[0]))
    return tables, rulings


def text_ink(ink: Any, rulings: Any, dpi: float) -> Any:
    """Given a page's ink and its rulings, return the ink of its text: rulings removed,
    and specks too small to be part of a character."""
    grown = cv2.dilate(rulings, np.ones((3, 3), np.uint8))
    text = cv2.bitwise_and(ink, cv2.bitwise_not(grown))
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    least = max(2, int((dpi * SPECK_INCHES) ** 2))
    keep = stats[:, cv2.CC_STAT_AREA] >= least
    keep[0] = False
    return np.where(keep, 255, 0).astype(np.uint8)[labels]


def _bands(counts: Any, gap: int, least: float = 1) -> list[tuple[int, int]]:
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


def _grey(gray: Any, rect: Rect) -> Any:
    """The grey pixels of a rectangle and one pixel around it."""
    x0, top, x1, bottom = rect
    return gray[max(0, top - 1) : bottom + 1, max(0, x0 - 1) : x1 + 1]


def full_stop_at(gray: Any, piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line is a 。 standing alone (wrapped onto a line of its own)."""
    return is_small_mark(piece, dpi) and is_full_stop(_grey(gray, piece))


def lines_in(ink: Any, rect: Rect, dpi: float, line: int = 0, gray: Any = None) -> list[list[Rect]]:
    """Given the text ink, an area of it and the usual line height (0: unknown), return
    the lines of text in the area, top to bottom, each as its pieces left to right: a line
    is cut at rows without ink (and where two touching lines are taller than two), and
    into pieces where a ・ follows a blank wider than 0.7 of its height: an item that
    starts on the same line as the one before it ends (recognized apart, joined with a
    space as the printed text has it). Given the page's grey pixels, a 。 alone is kept
    where other specks are not."""
    x0, top, x1, bottom = rect
    area = ink[top:bottom, x0:x1]
    if not area.size:
        return []
    shortest = _shortest(dpi)
    bands = _joined_small(_bands((area > 0).sum(1), gap=0), max(shortest, int(0.4 * line)))
    found: list[list[Rect]] = []
    for band in bands:
        for a, b in _split_tall(area, band, line):
            line_ink = area[a:b]
            if b - a < shortest:
                columns = np.flatnonzero((line_ink > 0).sum(0))
                if len(columns) and columns[-1] - columns[0] + 1 >= 3 * (b - a) + shortest:
                    found.append(
                        [(x0 + int(columns[0]), top + a, x0 + int(columns[-1]) + 1, top + b)]
                    )
                continue  # a speck; a thin, wide mark alone is a dash (kept, see is_dash)
            # Where the line's text runs is judged on its middle rows: the top and bottom
            # ones may hold the tails of the lines above and below where they touch.
            eighth = (b - a) // 8
            middle = line_ink[eighth : (b - a) - eighth]
            pieces: list[tuple[int, int]] = []
            for left, right in _bands((middle > 0).sum(0), gap=int(0.7 * (b - a))):
                if pieces and not _starts_with_bullet(line_ink[:, left:right]):
                    pieces[-1] = (pieces[-1][0], right)
                else:
                    pieces.append((left, right))
            mark = (x0 + pieces[0][0], top + a, x0 + pieces[-1][1], top + b)
            full_stop = gray is not None and full_stop_at(gray, mark, dpi)
            if is_small_mark(mark, dpi) and not full_stop:
                continue  # a speck, not a character (a 。 wrapped onto a line of its own is)
            rects = [
                (x0 + left, top + a, x0 + right, top + b)
                for left, right in pieces
                if not line
                or full_stop
                or _holds_characters(line_ink[:, left:right], line)
                or _starts_with_bullet(line_ink[:, left:right])  # an item's ・ at a line's end
            ]
            if not rects:
                continue
            found.append([part for rect in rects for part in _shortened(ink, rect)])
    return found


def _shortest(dpi: float) -> int:
    """The height of the smallest mark that may be a character, in pixels."""
    return max(3, int(dpi * 0.02))


def is_small_mark(piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line is too small to be any character but a mark (。, ・)."""
    x0, top, x1, bottom = piece
    return bottom - top < 2 * _shortest(dpi) and x1 - x0 < 2 * _shortest(dpi)


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


def starts_with_bullet(ink: Any, rect: Rect) -> bool:
    """Whether the piece of a line at `rect` in the text ink begins with a ・."""
    x0, top, x1, bottom = rect
    return _starts_with_bullet(ink[top:bottom, x0:x1])


def _starts_with_bullet(ink: Any) -> bool:
    """Whether a piece of a line begins with a ・: a small dot in the middle of the line,
    apart from what follows."""
    height = ink.shape[0]
    columns = (ink > 0).sum(0)
    first = _bands(columns, gap=0)
    if not first:
        return False
    left, right = first[0]
    rows = np.flatnonzero((ink[:, left:right] > 0).sum(1))
    if not len(rows):
        return False
    middle = float(rows[0] + rows[-1]) / 2
    width, tall = right - left, int(rows[-1] - rows[0]) + 1
    return bool(
        width <= 0.4 * height
        and tall <= 0.4 * height
        and 0.5 * tall <= width <= 2 * tall
        and 0.3 * height <= middle <= 0.7 * height
    )


def read_layout(gray: Any, dpi: float) -> Layout:
    """Given a page's grey pixels and resolution, return its straightened layout."""
    ink = binarize(gray, dpi)
    angle = skew(ink)
    if abs(angle) >= 0.1:
        gray = turn(gray, angle)
        ink = binarize(gray, dpi)
    margin = int(dpi * EDGE_INCHES)  # a scanner's edge shadows, not the packet's
    ink[:margin], ink[-margin:], ink[:, :margin], ink[:, -margin:] = 0, 0, 0, 0
    tables, rulings = find_tables(ink, dpi)
    text = text_ink(ink, rulings, dpi)
    outside = text.copy()
    pad = max(2, int(dpi / 100))
    for table in tables:
        x0, top, x1, bottom = table.rect
        outside[max(0, top - pad) : bottom + pad, max(0, x0 - pad) : x1 + pad] = 0
    return Layout(gray, text, angle, tables, outside)


def page_lines(
    layout: Layout, dpi: float
) -> tuple[dict[tuple[int, int], list[list[Rect]]], list[list[Rect]]]:
    """Given a page's layout, return the lines of text of each cell (by table and cell
    number) and those outside the tables. A first pass finds a line's usual height; the
    second cuts with it (lines that ran together apart, specks that hold no character
    out)."""
    inset = max(2, int(dpi / 60))
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
        heights = [
            line[0][3] - line[0][1] for lines in (*cells.values(), outside) for line in lines
        ]
        if usual or not heights:
            break
        usual = int(statistics.median(heights))
    return cells, [group for pieces in outside for group in _side_by_side(pieces)]


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


def is_dash(piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line is a dash standing alone (— in an empty figure cell):
    thinner than any line of text, and wide."""
    _x0, top, _x1, bottom = piece
    return bottom - top < _shortest(dpi)


def blanks(ink: Any, piece: Rect) -> list[tuple[int, int, bool]]:
    """Given the text ink and a line's piece, return the blanks inside it that may be a
    printed space (x from, x to, and whether it is as wide as a full-width space): at least
    0.45 of the line's height wide (the blanks beside a narrow 1 are less); 0.6 for a
    wide one."""
    x0, top, x1, bottom = piece
    height = bottom - top
    eighth = height // 8
    columns = (ink[top + eighth : bottom - eighth, x0:x1] > 0).sum(0)
    runs = _bands(columns == 0, gap=0)
    return [
        (x0 + a, x0 + b, b - a >= 0.6 * height)
        for a, b in runs
        if b - a >= 0.45 * height and a > 0 and b < x1 - x0
    ]
