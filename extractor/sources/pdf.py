"""Read a PDF packet into the same rows of cells a text export gives.

pdfplumber finds the ruled tables on each page; each table row becomes a row of cells, a
merged cell's text sits in the first row and column it covers (as a text export writes it),
and the lines of text outside the tables (cover, page titles, 基本目標 / 活動目標 headings)
become one-cell rows. Rows are ordered top to bottom on each page; `line` numbers them in
reading order across the document. Nothing depends on fonts, coordinates or column widths.
"""

from __future__ import annotations

import io
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from extractor.errors import (
    InputTooLargeError,
    NotAPacketError,
    UnreadableInputError,
)
from extractor.i18n import N_, Message
from extractor.models import ExtractionWarning
from extractor.normalize.text import is_wide
from extractor.problems import WarningCode
from extractor.settings import MB, ExtractSettings
from extractor.sources.document import (
    Box,
    Item,
    PageCount,
    SourceDocument,
    SourceRow,
    display_path,
    page_order,
    read_pages,
    table_items,
    worker_error,
)

# Share of characters without a Unicode mapping ("(cid:123)") above which text is unusable.
MAX_CID_SHARE = 0.02
# An image over this share of a page makes it a scanned page; a PDF whose every page with
# text is one, and which has no ruled table, is read as a scan (its text a recognizer's).
IMAGED = 0.8
EOF_MARKER = b"%%EOF"
# A gap wider than this share of the font size between two glyphs reads as a space.
GAP_AS_SPACE = 0.5
# Glyphs whose tops differ by less than this share of the font size are on one line.
LINE_TOLERANCE = 0.5
# Points of slack when deciding whether a merged cell reaches the next row or column.
EDGE_SLACK = 1.0
# A page is read turned when more than this share of its characters run one way that is
# not left to right as the page is shown: a landscape page given /Rotate 90, a page turned
# in a viewer and saved. A cell or two of text rotated in the workbook do not turn a page.
TURNED_SHARE = 0.5


def _cause_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _explain_open_error(path: Path, exc: BaseException) -> UnreadableInputError:
    names = {type(e).__name__ for e in _cause_chain(exc)}
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return UnreadableInputError(
            N_(
                "{path}: the PDF is encrypted (password-protected); save an unprotected copy "
                "or use the text export"
            ),
            path=path,
        )
    return UnreadableInputError(
        N_(
            "{path}: the PDF is corrupt and cannot be read; get a fresh copy or use the text export"
        ),
        path=path,
    )


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _line_text(chars: list[dict[str, Any]], spaces_are_glyphs: bool) -> str:
    """Given one printed line's characters left to right, return its text.

    Space glyphs are kept. Where the printing has no space glyphs at all, a gap wider than
    half a character reads as a space instead.
    """
    text = ""
    previous: dict[str, Any] | None = None
    for char in chars:
        if not spaces_are_glyphs and previous is not None and char["text"] != " ":
            gap = char["x0"] - previous["x1"]
            if gap > GAP_AS_SPACE * max(char["size"], previous["size"]) and not text.endswith(" "):
                text += " "
        text += char["text"]
        previous = char
    return text


def cell_text(chars: list[dict[str, Any]], spaces_are_glyphs: bool = True) -> str:
    """Given the characters inside one table cell, return its text in reading order.

    Lines are joined as printed: a line ending in a space glyph was broken at a space; one
    that does not was wrapped inside a word or a number and joins without a space. When the
    printing has no space glyphs, a wrap between two Latin characters becomes a space.
    """
    lines: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= LINE_TOLERANCE * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    text = ""
    for line in lines:
        line_text = _line_text(sorted(line, key=lambda c: c["x0"]), spaces_are_glyphs)
        if not line_text.strip():
            text += " " if text and not text.endswith(" ") else ""
            continue
        wrapped_latin = not (is_wide(text[-1]) or is_wide(line_text.lstrip()[0])) if text else False
        if wrapped_latin and not spaces_are_glyphs and not text.endswith(" "):
            text += " "
        text += line_text
    return " ".join(text.split())


def _table_rows(
    table: Any, chars: list[dict[str, Any]], number: int, spaces_are_glyphs: bool
) -> list[Item]:
    """Given a pdfplumber table and the page's characters, return one item per table row.

    Each character goes to the cell whose area holds its centre; a merged cell owns every
    grid position it covers, and its text is placed at its first row and column. A
    character no cell holds makes its grid position a cell.
    """
    rows = table.rows
    row_tops = [row.bbox[1] for row in rows]
    column_lefts = [column.bbox[0] for column in table.columns]
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for i, row in enumerate(rows):
        for j, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            _, _, x1, bottom = bbox
            k = i
            while k < len(rows) and (k == i or row_tops[k] < bottom - EDGE_SLACK):
                m = j
                while m < len(column_lefts) and (m == j or column_lefts[m] < x1 - EDGE_SLACK):
                    owner[(k, m)] = (i, j)
                    m += 1
                k += 1
    x0, top, x1, bottom = table.bbox
    grid = [(row.bbox[1], row.bbox[0], list(row.cells)) for row in rows]
    grouped: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for char in chars:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        if not (x0 <= x <= x1 and top <= y <= bottom):
            continue
        position = (bisect_right(row_tops, y) - 1, bisect_right(column_lefts, x) - 1)
        if min(position) < 0:
            continue  # before the first row or column: outside the grid
        if position not in owner:
            # No cell holds it: a cell a page break left open (its ruling on the next
            # page). The grid position is its cell, so that its text is not lost.
            i, j = position
            right = column_lefts[j + 1] if j + 1 < len(column_lefts) else x1
            below = row_tops[i + 1] if i + 1 < len(row_tops) else bottom
            grid[i][2][j] = (column_lefts[j], row_tops[i], right, below)
            owner[position] = position
        grouped.setdefault(owner[position], []).append(char)
    texts = {cell: cell_text(found, spaces_are_glyphs) for cell, found in grouped.items()}
    return table_items(grid, owner, texts, number)


@dataclass(frozen=True)
class PageResult:
    """What one page gave: its rows (top, x0, cells, boxes, spanned), character counts,
    its ruled tables' count, and whether one image covers most of it (a scanned page)."""

    items: list[Item]
    chars: int
    cid_chars: int
    tables: int = 0
    imaged: bool = False

    @property
    def scanned(self) -> bool:
        """Whether the page is a scan's, whatever text lies over it (none, a stamped page
        number, a recognizer's invisible layer): covered by an image, with no ruled table."""
        return self.imaged and not self.tables


def text_turn(chars: list[dict[str, Any]]) -> int:
    """Given a page's characters, return how far the page must be turned clockwise, in
    degrees (0, 90, 180 or 270), for most of its text to run left to right."""
    quarters = Counter(
        round(math.degrees(math.atan2(c["matrix"][1], c["matrix"][0])) / 90) % 4 for c in chars
    )
    if not quarters:
        return 0
    quarter, count = quarters.most_common(1)[0]
    return quarter * 90 if quarter and count > TURNED_SHARE * len(chars) else 0


def _upright(page: Any) -> Any:
    """Given a pdfplumber page, return it as read turned so that its text runs left to
    right (its boxes are then the turned page's), or itself when it does already."""
    try:
        turn = text_turn(page.chars)
    except Exception as exc:  # pdfminer and pdfplumber raise many kinds for a damaged page
        raise _page_failure(page.page_number, exc) from exc
    if not turn:
        return page
    from pdfplumber.page import Page

    page_obj = page.page_obj
    page_obj.attrs["Rotate"] = page_obj.rotate = (page.rotation + turn) % 360
    page.close()
    return Page(page.pdf, page_obj, page.page_number, page.initial_doctop)


def _page_items(page: Any) -> PageResult:
    """Given a pdfplumber page, return its table rows and the lines of text outside tables.

    Only the calls into pdfplumber are guarded: what they raise means a damaged page, while
    an error in this module's own code stays an error of ours.
    """
    number = page.page_number
    try:
        # Text drawn off the page is not printed: a spreadsheet program draws a merged
        # cell cut by a page break whole on both pages, clipped (LibreOffice), and its
        # text then lies above the next page's top.
        page = page.filter(
            lambda obj: obj.get("object_type") != "char" or _inside(obj, [page.bbox])
        )
        chars = page.chars
        tables = page.find_tables()
    except Exception as exc:  # pdfminer and pdfplumber raise many kinds for a damaged page
        raise _page_failure(number, exc) from exc
    items: list[Item] = []
    spaces_are_glyphs = any(c["text"] == " " for c in chars)
    for table in tables:
        items.extend(_table_rows(table, chars, number, spaces_are_glyphs))
    table_boxes = [table.bbox for table in tables]
    try:
        outside = page.filter(
            lambda obj: obj.get("object_type") != "char" or not _inside(obj, table_boxes)
        )
        lines = outside.extract_text_lines(return_chars=False)
    except Exception as exc:  # pdfminer and pdfplumber raise many kinds for a damaged page
        raise _page_failure(number, exc) from exc
    texts: list[Item] = []
    for line in lines:
        box = Box(number, line["x0"], line["top"], line["x1"], line["bottom"])
        texts.append((line["top"], line["x0"], (line["text"],), (box,), frozenset()))
    cid = sum(1 for c in chars if c["text"].startswith("(cid:"))
    try:
        area = float(page.width) * float(page.height)
        imaged = any(
            (image["x1"] - image["x0"]) * (image["bottom"] - image["top"]) >= IMAGED * area
            for image in page.images
        )
    except Exception as exc:  # pdfminer and pdfplumber raise many kinds for a damaged page
        raise _page_failure(number, exc) from exc
    ordered = page_order(items, texts, table_boxes)
    return PageResult(ordered, len(chars), cid, len(tables), imaged)


def _page_failure(number: int, exc: BaseException) -> BaseException:
    """Given what pdfplumber raised on a page, return what to raise: a cap that was hit
    (wrapped by pdfplumber in its own exception) as itself, anything else as a damaged page."""
    for cause in _cause_chain(exc):
        if isinstance(cause, StreamTooLarge | MemoryError):
            return cause
    return DamagedPage(number)


class NoTextLayer(NotAPacketError):
    """The PDF holds images only: a scan, read by text recognition unless that is off."""


class DamagedPage(Exception):
    """pdfminer or pdfplumber failed on a page."""

    def __init__(self, page: int) -> None:
        super().__init__(f"page {page}")
        self.page = page


class StreamTooLarge(Exception):
    """A compressed stream inflates past the cap."""


class _CappedZlib:
    """zlib for pdfminer with a cap on how far one stream may inflate."""

    def __init__(self, cap: int) -> None:
        import zlib

        self._zlib, self.cap = zlib, cap
        self.error = zlib.error

    def decompress(self, data: bytes) -> bytes:
        inflater = self._zlib.decompressobj()
        out = inflater.decompress(data, self.cap + 1)
        if len(out) > self.cap or inflater.unconsumed_tail:
            raise StreamTooLarge
        return out

    def decompressobj(self) -> Any:
        return _CappedInflater(self._zlib.decompressobj(), self.cap)


class _CappedInflater:
    def __init__(self, inflater: Any, cap: int) -> None:
        self.inflater, self.cap, self.size = inflater, cap, 0

    def decompress(self, data: bytes) -> bytes:
        out: bytes = self.inflater.decompress(data, self.cap + 1 - self.size)
        self.size += len(out)
        if self.size > self.cap or self.inflater.unconsumed_tail:
            raise StreamTooLarge
        return out


class _PageReader:
    """Reads one PDF in a worker process: opens it once, then a page per task."""

    def __init__(self, path: Path, data: bytes, settings: ExtractSettings) -> None:
        self.path, self.data, self.settings = path, data, settings
        self.pdf: Any = None

    def setup(self) -> None:
        """In the worker: cap how far a compressed stream may inflate."""
        from pdfminer import pdftypes

        pdftypes.zlib = _CappedZlib(self.settings.max_stream_bytes)  # type: ignore[assignment,attr-defined]

    def _open(self) -> Any:
        if self.pdf is None:
            import pdfplumber

            try:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
                self.count = len(self.pdf.pages)
            except StreamTooLarge:
                raise
            except Exception as exc:  # pdfminer raises many kinds for a damaged file
                raise _explain_open_error(self.path, exc) from exc
        return self.pdf

    def run(self, page_number: int) -> PageResult | PageCount:
        """Task 0 opens the PDF and returns its page count; task n reads page n."""
        pdf = self._open()
        if page_number == 0:
            return PageCount(self.count)
        page = _upright(pdf.pages[page_number - 1])
        try:
            return _page_items(page)
        finally:
            page.close()


def _check_complete(path: Path, data: bytes) -> None:
    if EOF_MARKER not in data[-2048:]:
        raise UnreadableInputError(
            N_("{path}: the PDF is truncated (no %%EOF at its end); download or copy it again"),
            path=path,
        )


def _worker_error(
    path: Path, page: int, error: BaseException, settings: ExtractSettings
) -> Exception:
    """Given what stopped a page's worker, return the error to tell the user."""

    def known(cause: BaseException, where: Message) -> Exception | None:
        if isinstance(cause, StreamTooLarge):
            return InputTooLargeError(
                N_(
                    "{path}: {where}: a compressed stream inflates past {limit:,} MB; a PDF "
                    "built to exhaust memory? Raise --max-stream-bytes if the file is right"
                ),
                path=path,
                where=where,
                limit=settings.max_stream_bytes // MB,
            )
        if isinstance(cause, DamagedPage):
            return UnreadableInputError(
                N_(
                    "{path}: page {page} cannot be read; the PDF may be damaged: get a fresh "
                    "copy or use the text export"
                ),
                path=path,
                page=cause.page,
            )
        return None

    messages = (
        N_(
            "{path}: {where} took more than {seconds:g} s to read; a PDF built to stall "
            "readers? Raise --page-seconds if the file is right"
        ),
        N_("{path}: the reader of {where} stopped ({reason}); get a fresh copy of the PDF"),
    )
    return worker_error(
        path, page, error, messages, settings.page_seconds, settings.max_memory, known
    )


def read_pdf(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a PDF's bytes, return its table rows and text lines as a document of rows.

    Pages are read in worker processes (in parallel when `settings.jobs` allows), each
    page within a time cap, each worker within a memory cap, each compressed stream within
    a size cap; the rows come back in page order.
    """
    import pdfplumber  # imported once here, so forked workers start with it

    del pdfplumber
    _check_complete(path, data)
    reader = _PageReader(path, data, settings)
    results = read_pages(
        path,
        reader,
        settings.page_seconds,
        settings,
        lambda page, error: _worker_error(path, page, error, settings),
    )
    rows: list[SourceRow] = []
    chars = cid_chars = 0
    for number, result in enumerate(results, start=1):
        assert isinstance(result, PageResult)
        chars += result.chars
        cid_chars += result.cid_chars
        for _top, _x0, cells, boxes, spanned in result.items:
            rows.append(SourceRow(len(rows) + 1, cells, number, boxes, spanned))
    if chars and not any(r.tables for r in results) and all(r.scanned for r in results if r.chars):
        raise NoTextLayer(
            N_(
                "{path}: the PDF's pages are images (a scan) under a text layer with no "
                "tables, as text recognition leaves it; read it without --no-ocr, or use the "
                "text export"
            ),
            path=path,
        )
    if chars == 0:
        raise NoTextLayer(
            N_(
                "{path}: the PDF has no text layer (a scan); read it without --no-ocr, or use "
                "the text export"
            ),
            path=path,
        )
    if cid_chars > MAX_CID_SHARE * chars:
        raise UnreadableInputError(
            N_(
                "{path}: the PDF's fonts have no Unicode map ({cid} of {chars} characters come "
                "out as (cid:N)); use the text export or a PDF printed with embedded Unicode "
                "fonts"
            ),
            path=path,
            cid=cid_chars,
            chars=chars,
        )
    scanned = [n for n, r in enumerate(results, start=1) if r.scanned]
    rows, warnings = _with_scanned_pages(path, data, digest, settings, rows, scanned)
    return SourceDocument(
        path=display_path(path),
        format="pdf",
        sha256=digest,
        size=len(data),
        rows=rows,
        pages=len(results),
        warnings=warnings,
    )


def _with_scanned_pages(
    path: Path,
    data: bytes,
    digest: str,
    settings: ExtractSettings,
    rows: list[SourceRow],
    scanned: list[int],
) -> tuple[list[SourceRow], list[ExtractionWarning]]:
    """Given a printed PDF's rows and the numbers of its pages that are a scan's image
    (a page scanned into a printed packet), return the rows with those pages read by text
    recognition in place of their text layer's, in page order; with recognition off, the
    rows as they are and a warning for each such page."""
    if not scanned:
        return rows, []
    if not settings.ocr:
        code = WarningCode.SCANNED_PAGE_NOT_READ
        return rows, [ExtractionWarning.of(code, page=number) for number in scanned]
    from extractor.sources.scan import read_scan

    try:
        read = read_scan(path, data, digest, settings, "pdf", only=scanned)
    except NotAPacketError:  # the scanned pages hold no text (blank sheets)
        return rows, []
    printed = [row for row in rows if row.page not in scanned]
    merged = sorted([*printed, *read.rows], key=lambda row: row.page or 0)
    renumbered = [replace(row, line=line) for line, row in enumerate(merged, start=1)]
    return renumbered, read.warnings
