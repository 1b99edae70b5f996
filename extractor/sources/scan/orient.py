"""Which way up a page was scanned: a page fed on its side or upside down is turned upright
before it is read.

A packet's lines run across the page, so on an upright page of tables (or one upside down)
the rows of text ink are much sharper than its columns; only a page where they are not (a
page on its side), or a page with no table (a cover), is given to the text detector that
ships with the recognizer in RapidOCR's wheel: when most of the text it finds on a reduced
copy is taller than wide, the page lies on its side and is given a quarter turn. Upright or
upside down is then told by the wheel's line classifier (0° or 180°), asked of the page's
longer pieces of text: the page is turned half round when most say 180°. The small turn a
scanner adds, a few degrees, is straightened by `grid.skew`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from extractor.sources.scan.grid import Layout, Rect, read_layout
from extractor.sources.scan.images import MIN_DPI
from extractor.sources.scan.lines import page_lines, print_dpi

ACROSS = 1.5  # rows of text ink this much sharper than its columns: lines run across
DETECT_DPI = 100.0  # the reduced copy the detector is given: 7 pt text is ~10 px high
# Square inches of text ink less than one character's: 福 printed 10 pt in a light Mincho
# face has 0.0049 (so about 0.0024 at 7 pt), in a Gothic face 0.0065; a speck, 0.00005.
LEAST_INK = 0.002
SIDEWAYS = 2.0  # text taller than wide must outweigh the wider by this to turn a page
LONG = 1.5  # a detected line counts one way when its length is this many times its height
WIDE = 3  # a piece this many heights wide is asked which way up it is ...
CROP = 12  # ... shown its first this many heights
SAMPLE = 40  # pieces asked, at most
UPSIDE_DOWN = 0.6  # the share of them that must say 180° to turn the page

Lines = dict[tuple[int, int], list[list[Rect]]]


def rows_over_columns(ink: Any) -> float:
    """Given a page's text ink, return how much sharper its rows of ink are than its
    columns (the squared steps of each profile, each per the length it sums over): well
    above 1 where the lines run across, its inverse for the page turned a quarter."""
    import cv2

    small = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    height, width = small.shape
    rows = float(np.square(np.diff(small.sum(1, dtype=np.float64))).sum()) / max(1, width) ** 2
    columns = float(np.square(np.diff(small.sum(0, dtype=np.float64))).sum()) / max(1, height) ** 2
    return rows / columns if columns else float("inf")


def on_its_side(layout: Layout, dpi: float, recognizer: Any) -> bool:
    """Whether a page's lines of text run up and down. A page of tables whose rows of ink
    are clearly the sharper is taken as lying across; any other page is shown to the
    detector (a page of a few lines, a cover, may be straightened by a wrong angle on its
    side, which sharpens its rows: h24's cover at 200 dpi, 2.6). A page with less text
    ink than a character's (a blank back of a sheet scanned both sides, a speck of dust on
    it) has nothing to turn, and is not shown."""
    import cv2

    if cv2.countNonZero(layout.ink) < LEAST_INK * dpi**2:
        return False
    if layout.tables and rows_over_columns(layout.ink) >= ACROSS:
        return False
    scale = min(1.0, DETECT_DPI / dpi)
    small = cv2.resize(layout.gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    boxes = recognizer.detect(small)
    wide = tall = 0.0
    for box in boxes:
        width = float(box[:, 0].max() - box[:, 0].min())
        height = float(box[:, 1].max() - box[:, 1].min())
        if width >= LONG * height:
            wide += width * height
        elif height >= LONG * width:
            tall += width * height
    return tall > SIDEWAYS * wide


def upside_down(gray: Any, pieces: list[Rect], recognizer: Any) -> bool:
    """Whether most of a page's longer pieces of text read upside down."""
    import cv2

    asked = [
        (x0, top, min(x1, x0 + CROP * (bottom - top)), bottom)
        for x0, top, x1, bottom in pieces
        if x1 - x0 >= WIDE * (bottom - top)
    ][:SAMPLE]
    if not asked:
        return False
    turned = sum(
        recognizer.turned(cv2.cvtColor(gray[top:bottom, x0:x1], cv2.COLOR_GRAY2BGR))
        for x0, top, x1, bottom in asked
    )
    return bool(turned >= UPSIDE_DOWN * len(asked))


class Upright(NamedTuple):
    """A page laid out upright: its layout, the lines of its cells (by table and cell
    number) and outside its tables (`lines.page_lines`), the quarter turns (anticlockwise)
    it took, the resolution its lengths were measured at (`lines.print_dpi`: coarser than
    the page's own where it was printed reduced), and the resolution of the layout's image
    on the sheet (the page's own, or more where a reduced print was enlarged)."""

    layout: Layout
    cells: Lines
    outside: list[list[Rect]]
    turns: int
    dpi: float
    sheet_dpi: float


def upright_layout(gray: Any, dpi: float, recognizer: Any, max_pixels: int = 0) -> Upright:
    """Given a page's grey pixels, its resolution and a worker's recognizer, return the
    page laid out upright (`Upright`). A page printed reduced is laid out again as if
    printed full size and scanned coarser (`lines.print_dpi`); coarser than MIN_DPI, its
    image is enlarged to that, as a coarse scan's is, unless that makes it more than
    `max_pixels` (given)."""
    import cv2

    turns = 0
    layout = read_layout(gray, dpi)
    if on_its_side(layout, dpi, recognizer):
        turns = 1
        layout = read_layout(np.ascontiguousarray(np.rot90(gray, turns)), dpi)
    cells, outside = page_lines(layout, dpi)
    sheet_dpi = dpi
    laid_out = print_dpi([*cells.values(), outside], dpi)
    if laid_out != dpi:
        enlarge = MIN_DPI / laid_out
        if enlarge > 1 and (not max_pixels or gray.size * enlarge**2 <= max_pixels):
            gray = cv2.resize(gray, None, fx=enlarge, fy=enlarge, interpolation=cv2.INTER_CUBIC)
            sheet_dpi, laid_out = sheet_dpi * enlarge, MIN_DPI
        dpi = laid_out
        layout = read_layout(np.ascontiguousarray(np.rot90(gray, turns)), dpi)
        cells, outside = page_lines(layout, dpi)
    pieces = [piece for lines in (*cells.values(), outside) for line in lines for piece in line]
    if upside_down(layout.gray, pieces, recognizer):
        turns += 2
        layout = read_layout(np.ascontiguousarray(np.rot90(gray, turns)), dpi)
        cells, outside = page_lines(layout, dpi)
    return Upright(layout, cells, outside, turns % 4, dpi, sheet_dpi)
