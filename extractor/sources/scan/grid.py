"""The layout of a scanned page, found in its pixels: skew, ruled tables and their cells.

A page is binarized (ink is white on black in the masks below), turned straight by the
angle that makes its rows of ink sharpest, and its rulings found as long runs of ink
(morphological opening with a long thin kernel). A table is a cluster of rulings; its
grid comes from the positions of its horizontal and vertical rulings, and two grid
positions with no ruling between them belong to one merged cell. The text inside each
cell and outside the tables is then cut into lines (`lines`), each recognized on its own.
Every length is in terms of the page's resolution, so the same code reads a page at 200
or 400 dpi.
"""

from __future__ import annotations

import itertools
import math
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
# Two row rulings closer than this hold no line of text between them (7 pt text is 0.1
# inch high): one is a stroke of the text beside the other, or the two a double rule.
ROW_MIN_INCHES = 0.07
# A dotted or dashed ruling (a workbook's dotted borders): a row of dots or dashes each no
# more than DASH_THIN_INCHES thick (one longer than DASH_INCHES, dots blurred into a run,
# on the whole), no more than DASH_GAP_INCHES apart, is one ruling where it runs as far
# as a solid one must (a 0.5 pt dotted border printed from reportlab is dots of 1 pt and
# gaps of 1 pt: 4 pixels each at 300 dpi; a 1 pt border in 2 pt dashes, scanned badly at
# 200 dpi, is dashes 6 and 7 pixels thick, 0.035 inch). A spot no longer than twice
# DASH_INCHES each way touching a ruling is where a dotted row and column cross.
DASH_INCHES = 0.15
DASH_THIN_INCHES = 0.04
DASH_GAP_INCHES = 0.04
LEAST_DASHES = 3  # dashes in a row that make a dotted ruling
# A page has dotted rulings where a row of like dashes is this long: two lines of text one
# above the other make rows of like strokes too (0.29 inch the longest, in h24's Mincho).
DOTTED_INCHES = 0.5
# The ground is found in squares this wide: wider than a filled mark (■ at 7 pt is 0.07
# inch), narrower than a shaded row (a line of 7 pt text with its padding is 0.13).
GROUND_INCHES = 0.1
SHADE_LEVELS = 24  # a ground this much darker than the paper is shaded (a 90% grey fill is 25)
FILL_INCHES = 0.5  # over this length one way at least (a header cell's width)
# A fill this dark is read for light words on it (25% grey is 64), its level the median
# over a square this wide.
DARK_FILL = 80
DARK_MEDIAN_INCHES = 0.2
DARK_NEAR_INCHES = 0.05  # ... and to the pixel, over a square wider than a word's stroke
SHADED_INK = 0.25  # ink on a shaded ground is darker than it by this share of its level


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
    darker paper, grain and JPEG blocks do not become ink; and darker than its ground
    (`_ground`), so that the inner edge of a shaded cell, darker than its neighbourhood's
    mean but not than its own grey, does not either."""
    return _binarized(gray, dpi)[0]


def _binarized(gray: Any, dpi: float) -> tuple[Any, Any, Any]:
    """`binarize`, with the page's ground and where it is shaded (`_shade`)."""
    median = cv2.medianBlur(gray, 3)
    noise = float(np.median(np.abs(gray.astype(np.int16) - median))) * 1.4826
    smooth = cv2.GaussianBlur(gray, (0, 0), max(0.5, dpi / 300))
    margin = max(15.0, 4 * noise)
    ink = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, margin
    )
    ground = _ground(smooth, dpi)
    below = cv2.subtract(ground, smooth)
    ink[below < margin] = 0
    # A shaded ground is grainier than white paper, whose grain the white clips, and JPEG
    # rings beside what is printed on it (17 to 25 levels under a 60% grey fill's 152, on
    # a bad scan): ink there is darker than its ground by a share of the ground's level.
    shade = _shade(ground, dpi)
    if shade.any():
        ink[shade & (below < SHADED_INK * ground)] = 0
    return ink, ground, shade


def _ground(smooth: Any, dpi: float) -> Any:
    """The ground under a page's ink: the page closed with a square wider than any stroke
    or filled mark, which keeps a shaded cell's grey and takes out what is printed on it."""
    side = max(3, under(dpi * GROUND_INCHES)) | 1
    return cv2.morphologyEx(smooth, cv2.MORPH_CLOSE, np.ones((side, side), np.uint8))


def _lightened(gray: Any, ground: Any, shade: Any) -> Any:
    """Given a grey page, its ground and where that is shaded (as `_binarized` finds
    them), return it with its shaded grounds brought up to its paper's tone (each pixel
    scaled by the paper's level over its ground's), for the recognizer: black text on a
    dark fill (40% grey) is read as on paper. The rest is as it was."""
    if not shade.any():
        return gray
    paper = float(np.median(ground))
    scale = paper / np.maximum(ground[shade], 1).astype(np.float32)
    lighter = gray.copy()
    lighter[shade] = np.clip(gray[shade] * scale, 0, 255).astype(np.uint8)
    return lighter


def _shade(ground: Any, dpi: float) -> Any:
    """Given a page's ground, return where it is shaded (True): SHADE_LEVELS or more darker
    than its paper over FILL_INCHES one way (a header row's fill; not blurred bold text,
    whose strokes close into patches of ground 0.2 inch across at most)."""
    dark = (ground < float(np.median(ground)) - SHADE_LEVELS).astype(np.uint8)
    return _fills(dark, dpi) > 0


def _fills(dark: Any, dpi: float) -> Any:
    """Given a mask (uint8) of dark ground at a resolution, return it with only what runs
    FILL_INCHES one way and GROUND_INCHES the other: a fill, not a patch of it."""
    long, short = max(3, under(dpi * FILL_INCHES)), max(3, under(dpi * GROUND_INCHES))
    along = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((short, long), np.uint8))
    down = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((long, short), np.uint8))
    return np.maximum(along, down)


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


def _longest_row(stats: Any, spots: Any, rows: bool, gap: int) -> int:
    """Given the connected components' stats, which of them are small thin spots, whether
    to look along rows (else columns) and the widest gap in a dotted ruling, return the
    length in pixels of the longest row of like spots: at least `LEAST_DASHES`, each
    centred on the same line as the next (within a pixel), of about its length, and at
    most `gap` from it; 0 for none. A dotted ruling is such a row; the strokes of
    characters make none but short ones (the dots of two colons one above the other)."""
    top, left = (cv2.CC_STAT_TOP, cv2.CC_STAT_LEFT) if rows else (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP)
    along, across = (
        (cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT) if rows else (cv2.CC_STAT_HEIGHT, cv2.CC_STAT_WIDTH)
    )
    chosen = np.flatnonzero(spots)
    longest = 0
    if len(chosen) < LEAST_DASHES:
        return longest
    centre = 2 * stats[chosen, top] + stats[chosen, across]  # twice the centre line
    start, extent = stats[chosen, left], stats[chosen, along]
    for offset in (0, 2):  # lines binned two ways: a row's centres may straddle a bin
        line = (centre + offset) // 4
        order = np.lexsort((start, line))
        a, b, size = start[order], start[order] + extent[order], extent[order]
        linked = (
            (line[order][1:] == line[order][:-1])
            & (a[1:] >= b[:-1])
            & (a[1:] - b[:-1] <= gap)
            & (np.abs(size[1:] - size[:-1]) <= np.maximum(2, size[:-1] // 3))
        )
        run = np.concatenate(([0], np.cumsum(~linked)))  # one number for each row of spots
        counts = np.bincount(run)
        starts = np.full(len(counts), np.iinfo(np.int64).max)
        np.minimum.at(starts, run, a)
        ends = np.zeros(len(counts), np.int64)
        np.maximum.at(ends, run, b)
        rows_of_spots = counts >= LEAST_DASHES
        if rows_of_spots.any():
            longest = max(longest, int((ends - starts)[rows_of_spots].max()))
    return longest


def _rulings(ink: Any, dpi: float, length: int) -> tuple[Any, Any, Any, int]:
    """Given a page's ink and the least length of a ruling, return its row rulings and
    its column rulings (masks): runs of ink at least that long, solid or dotted; and its
    ink with the dashes of its dotted columns joined (to find the shorter column
    rulings under a header in); and how far round the rulings their ink reaches, in
    pixels (0 for solid ones: their runs are their ink; a dotted ruling's dots stand out
    of the run that joins them, by up to their thickness).

    A dotted or dashed ruling is a row of thin spots of ink (no thicker than
    `DASH_THIN_INCHES` across their length; one longer than `DASH_INCHES`, on the whole)
    at most `DASH_GAP_INCHES` apart, taken as one run, where the page has a row of like
    dashes `DOTTED_INCHES` long. Where a dotted row and a column meet, their
    dashes run into one blot that is thin neither way; so a small spot on a row ruling
    (or past its end by a dash and a gap) is taken as part of the columns crossing it, and
    one on a column ruling as part of the rows. A character's stroke is part of a larger
    spot, and a lone flat or upright one (一, ー, 1) has no row of others beside it."""
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width, height = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    longest, thickest = under(dpi * DASH_INCHES), max(2, under(dpi * DASH_THIN_INCHES))
    gap = max(2, under(dpi * DASH_GAP_INCHES))
    # Dashes; or dots blurred into a run longer than a dash, thin on the whole (a speck
    # of noise stuck on it makes it no thicker but where it stands).
    area = stats[:, cv2.CC_STAT_AREA]
    flat = (height <= thickest) | (
        (width > longest) & (height <= 2 * thickest) & (area <= thickest * width)
    )
    upright = (width <= thickest) | (
        (height > longest) & (width <= 2 * thickest) & (area <= thickest * height)
    )
    flat[0] = upright[0] = False  # the paper
    rows_of_dashes = _longest_row(stats, flat, True, gap), _longest_row(stats, upright, False, gap)
    if max(rows_of_dashes) < dpi * DOTTED_INCHES:  # no dotted ruling on the page
        return _opened(ink, length, 1), _opened(ink, 1, length), ink, 0
    # A dotted page: every thin spot is joined to its neighbours, like or not (where two
    # dotted lines overlap out of step, their dots run into longer ones).
    small = (width <= 2 * longest) & (height <= 2 * longest)
    small[0] = False
    spots = (flat * 1 + upright * 2).astype(np.uint8)[labels]
    # Dots blurred into their crossing rulings make one spot of the table's whole grid
    # (no character is as wide and as tall): its thin runs each way are dashes too.
    grid = (width > 2 * longest) & (height > 2 * longest)
    grid[0] = False
    if grid.any():
        joined_up = np.where(grid, 255, 0).astype(np.uint8)[labels]
        spots |= (joined_up & ~_opened(joined_up, 1, thickest + 1)) & 1
        spots |= (joined_up & ~_opened(joined_up, thickest + 1, 1)) & 2
    # Dots of a column blurred into a character beside them: a spot taller than a dash,
    # with a column of pixels through half its height (no character has one): that
    # column is a dash. (A row's dots run on past a character: no need there.)
    merged = ~grid & ~upright & (height > longest)
    merged[0] = False  # the paper
    for label in np.flatnonzero(merged):
        x, y, w, h = (int(v) for v in stats[label, :4])
        mine = labels[y : y + h, x : x + w] == label
        columns = mine.sum(0) >= h / 2
        if columns.any():
            spots[y : y + h, x : x + w] |= (mine & columns[None, :]).astype(np.uint8) * 2
    reach, half = 2 * (gap + longest) + 1, 2 * (thickest // 2) + 1

    def joined(spots: Any, kernel: tuple[int, int], crossing: tuple[Any, int, int] | None) -> Any:
        """The spots joined along (`kernel`), with, given the rulings crossing them and how
        far round them to look (width, height), the ink there and the small spots it
        touches."""
        these = cv2.threshold(spots, 0, 255, cv2.THRESH_BINARY)[1]
        if crossing is not None:
            rulings, wide, high = crossing
            near = cv2.dilate(rulings, np.ones((high, wide), np.uint8))
            touching = np.unique(labels[near > 0])
            blots = np.zeros(len(stats), np.uint8)
            blots[touching[small[touching]]] = 255
            these |= blots[labels] | (ink & near)
        shape = cv2.getStructuringElement(cv2.MORPH_RECT, kernel)
        return cv2.morphologyEx(these, cv2.MORPH_CLOSE, shape)

    across, down = (gap + 1, 1), (1, gap + 1)
    horizontal = _opened(ink | joined(spots & 1, across, None), length, 1)
    columns = ink | joined(spots & 2, down, (horizontal, reach, half))
    vertical = _opened(columns, 1, length)
    horizontal = _opened(ink | joined(spots & 1, across, (vertical, half, reach)), length, 1)
    return horizontal, vertical, columns, thickest // 2


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


def _apart(centres: list[int], counts: Any, least: float) -> list[int]:
    """Given the centres of a table's row rulings (in order), the ink counted along each
    of its pixel rows and the least height a row of text takes, return the centres with
    each pair closer than that taken as one: the one with more ink (at 200 dpi, a blurred
    header's strokes ran into a run of 0.3 inch 7 pixels above its ruling, and, taken as
    a row, made every stroke beside it a column ruling)."""
    kept: list[int] = []
    for centre in centres:
        if kept and centre - kept[-1] < least:
            if counts[centre] > counts[kept[-1]]:
                kept[-1] = centre
            continue
        kept.append(centre)
    return kept


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


def under(length: float) -> int:
    """Given a length in pixels, return the largest whole number of pixels under it. A
    page's resolution is what its file says to the last digit: 300 in a TIFF, 299.9994 in
    a PNG (dots per metre), 299.99999 in a PDF (its page's points). int(dpi / 75) would be
    4 for the first and 3 for the others; this is 3 for all (the lengths were set so), and
    int()'s own value where the share is no whole number."""
    return math.ceil(length) - 1


def _piece_of(table: Table, other: Table, band: int) -> bool:
    """Whether a table lies within another's rectangle (a ruling's band apart) and has
    fewer cells than a row of it: a piece whose rulings the scan broke off (a dotted
    ruling's gaps round a corner cell). A table of its own inside a frame, or inside a
    sheet's edges on a dark ground, has more."""
    x0, top, x1, bottom = table.rect
    a0, a_top, a1, a_bottom = other.rect
    within = min(x0 - a0, top - a_top, a1 - x1, a_bottom - bottom) >= -band
    return within and table is not other and len(table.cells) < len(other.xs) - 1


def find_tables(ink: Any, dpi: float) -> tuple[list[Table], Any]:
    """Given a straight page's ink, return its ruled tables and the mask of their rulings."""
    length = max(10, under(dpi * RULING_INCHES))
    horizontal, vertical, column_ink, reach = _rulings(ink, dpi, length)
    band = max(2, under(dpi / 75))
    joined = cv2.dilate(horizontal | vertical, np.ones((band + 1, band + 1), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    tables: list[Table] = []
    rulings = np.zeros_like(ink)  # only the tables' own: long strokes elsewhere are text
    for label in range(1, count):
        x, y, width, height, _area = (int(v) for v in stats[label])
        if width < dpi * TABLE_MIN_INCHES[0] or height < dpi * TABLE_MIN_INCHES[1]:
            continue
        counts = (horizontal[y : y + height, x : x + width] > 0).sum(1)
        ys = [y + t for t in _apart(_runs(counts, length, band * 2), counts, dpi * ROW_MIN_INCHES)]
        if len(ys) < 2:
            continue
        # Short column rulings (under a one-row header, say) are as tall as their row.
        tall = max(10, int(0.8 * min(b - a for a, b in itertools.pairwise(ys))))
        area = column_ink[y : y + height, x : x + width]
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
    tables = [t for t in tables if not any(_piece_of(t, other, band) for other in tables)]
    tables.sort(key=lambda t: (t.rect[1], t.rect[0]))
    if reach:  # a dotted ruling's dots, all of them, are no text
        rulings = cv2.dilate(rulings, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    return tables, rulings


def text_ink(ink: Any, rulings: Any, dpi: float) -> Any:
    """Given a page's ink and its rulings, return the ink of its text: rulings removed,
    and specks too small to be part of a character."""
    grown = cv2.dilate(rulings, np.ones((3, 3), np.uint8))
    text = cv2.bitwise_and(ink, cv2.bitwise_not(grown))
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    least = max(2, under((dpi * SPECK_INCHES) ** 2))
    keep = stats[:, cv2.CC_STAT_AREA] >= least
    keep[0] = False
    return np.where(keep, 255, 0).astype(np.uint8)[labels]


def _light_on_dark(gray: Any, dpi: float) -> Any:
    """Given a grey page, return it with each fill too dark for dark text to be read on
    (its median DARK_FILL levels or less over DARK_MEDIAN_INCHES, and FILL_INCHES long one
    way) printed the other way round: what stands out of the fill, lighter (its words) or
    darker (its rulings), dark on the paper's tone. The rest is as it was."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    side = max(3, under(dpi / 4 * DARK_MEDIAN_INCHES)) | 1
    ground = cv2.medianBlur(small, side)
    dark = _fills((ground <= DARK_FILL).astype(np.uint8), dpi / 4)
    if not dark.any():
        return gray
    # Out into the fill's corners, where the median square holds more paper than fill.
    dark = cv2.dilate(dark, np.ones((side, side), np.uint8))
    ground = cv2.erode(ground, np.ones((side, side), np.uint8))
    size = gray.shape[::-1]
    # The fill as found on the reduced copy, to the pixel: where the ground close round a
    # pixel is dark too (else the copy's blocks along its edge would be turned: L, J).
    near = cv2.medianBlur(gray, max(3, under(dpi * DARK_NEAR_INCHES)) | 1)
    fill = (cv2.resize(dark, size, interpolation=cv2.INTER_NEAREST) > 0) & (near <= DARK_FILL)
    level = cv2.resize(ground, size, interpolation=cv2.INTER_LINEAR)[fill].astype(np.float32)
    paper = float(np.median(gray))
    standing = np.abs(gray[fill].astype(np.float32) - level)
    turned = gray.copy()
    turned[fill] = np.clip(paper - standing * paper / np.maximum(255 - level, 1), 0, 255)
    return turned


def read_layout(gray: Any, dpi: float) -> Layout:
    """Given a page's grey pixels and resolution, return its straightened layout."""
    gray = _light_on_dark(gray, dpi)
    ink, ground, shade = _binarized(gray, dpi)
    angle = skew(ink)
    if abs(angle) >= 0.1:
        gray = turn(gray, angle)
        ink, ground, shade = _binarized(gray, dpi)
    margin = under(dpi * EDGE_INCHES)  # a scanner's edge shadows, not the packet's
    ink[:margin], ink[-margin:], ink[:, :margin], ink[:, -margin:] = 0, 0, 0, 0
    tables, rulings = find_tables(ink, dpi)
    text = text_ink(ink, rulings, dpi)
    outside = text.copy()
    pad = max(2, under(dpi / 100))
    for table in tables:
        x0, top, x1, bottom = table.rect
        outside[max(0, top - pad) : bottom + pad, max(0, x0 - pad) : x1 + pad] = 0
    return Layout(_lightened(gray, ground, shade), text, angle, tables, outside)
