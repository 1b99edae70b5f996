"""Read a PDF packet into the same rows of cells a text export gives.

pdfplumber finds the ruled tables on each page; each table row becomes a row of cells, a
merged cell's text sits in the first row and column it covers (as a text export writes it),
and the lines of text outside the tables (cover, page titles, 基本目標 / 活動目標 headings)
become one-cell rows. Rows are ordered top to bottom on each page; `line` numbers them in
reading order across the document. Nothing depends on fonts, coordinates or column widths.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import InputTooLargeError, NotAPacketError, UnreadableInputError
from extractor.normalize.text import is_wide
from extractor.settings import ExtractSettings
from extractor.sources.document import Box, SourceDocument, SourceRow, display_path

# Share of characters without a Unicode mapping ("(cid:123)") above which text is unusable.
MAX_CID_SHARE = 0.02
EOF_MARKER = b"%%EOF"
# A gap wider than this share of the font size between two glyphs reads as a space.
GAP_AS_SPACE = 0.5
# Glyphs whose tops differ by less than this share of the font size are on one line.
LINE_TOLERANCE = 0.5
# Points of slack when deciding whether a merged cell reaches the next row or column.
EDGE_SLACK = 1.0

_Item = tuple[float, float, tuple[str, ...], tuple[Box | None, ...], frozenset[int]]


@dataclass
class _PageStats:
    chars: int = 0
    cid_chars: int = 0


def _cause_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _explain_open_error(path: Path, exc: BaseException) -> UnreadableInputError:
    names = {type(e).__name__ for e in _cause_chain(exc)}
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return UnreadableInputError(
            f"{path}: the PDF is encrypted (password-protected); save an unprotected copy "
            "or use the text export"
        )
    return UnreadableInputError(
        f"{path}: the PDF is corrupt and cannot be read; get a fresh copy or use the text export"
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
) -> list[_Item]:
    """Given a pdfplumber table and the page's characters, return one item per table row.

    Each character goes to the cell whose area holds its centre; a merged cell owns every
    grid position it covers, and its text is placed at its first row and column.
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
    grouped: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for char in chars:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        if not (x0 <= x <= x1 and top <= y <= bottom):
            continue
        position = (bisect_right(row_tops, y) - 1, bisect_right(column_lefts, x) - 1)
        cell = owner.get(position)
        if cell is not None:
            grouped.setdefault(cell, []).append(char)
    texts = {cell: cell_text(found, spaces_are_glyphs) for cell, found in grouped.items()}
    items = []
    for i, row in enumerate(rows):
        cells: list[str] = []
        boxes: list[Box | None] = []
        spanned: set[int] = set()
        for j, bbox in enumerate(row.cells):
            first = owner.get((i, j))
            if bbox is None and first is not None and first[1] == j and first[0] < i:
                # A cell merged down from row first[0]: it belongs to this row as well.
                cells.append(texts.get(first, ""))
                origin = rows[first[0]].cells[j]
                boxes.append(Box(number, *origin) if origin else None)
                spanned.add(j)
                continue
            cells.append(texts.get((i, j), "") if bbox else "")
            boxes.append(Box(number, *bbox) if bbox else None)
        items.append((row.bbox[1], row.bbox[0], tuple(cells), tuple(boxes), frozenset(spanned)))
    return items


def _page_items(page: Any, stats: _PageStats) -> list[_Item]:
    """Given a pdfplumber page, return (top, x0, cells, boxes) for its table rows and lines."""
    number = page.page_number
    chars = page.chars
    stats.chars += len(chars)
    stats.cid_chars += sum(1 for c in chars if c["text"].startswith("(cid:"))
    tables = page.find_tables()
    items: list[_Item] = []
    spaces_are_glyphs = any(c["text"] == " " for c in chars)
    for table in tables:
        items.extend(_table_rows(table, chars, number, spaces_are_glyphs))
    table_boxes = [table.bbox for table in tables]
    outside = page.filter(
        lambda obj: obj.get("object_type") != "char" or not _inside(obj, table_boxes)
    )
    for line in outside.extract_text_lines(return_chars=False):
        box = Box(number, line["x0"], line["top"], line["x1"], line["bottom"])
        items.append((line["top"], line["x0"], (line["text"],), (box,), frozenset()))
    items.sort(key=lambda item: (item[0], item[1]))
    return items


def _check_complete(path: Path, data: bytes) -> None:
    if EOF_MARKER not in data[-2048:]:
        raise UnreadableInputError(
            f"{path}: the PDF is truncated (no %%EOF at its end); download or copy it again"
        )


def read_pdf(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a PDF's bytes, return its table rows and text lines as a document of rows."""
    import pdfplumber

    _check_complete(path, data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        page_count = len(pdf.pages)
    except Exception as exc:
        raise _explain_open_error(path, exc) from exc
    rows: list[SourceRow] = []
    stats = _PageStats()
    with pdf:
        if page_count > settings.max_pdf_pages:
            raise InputTooLargeError(
                f"{path}: {page_count} pages is over the {settings.max_pdf_pages}-page limit; "
                "raise it with --max-pages if the file is right"
            )
        for page in pdf.pages:
            try:
                items = _page_items(page, stats)
            except Exception as exc:
                raise UnreadableInputError(
                    f"{path}: page {page.page_number} cannot be read; the PDF may be damaged: "
                    "get a fresh copy or use the text export"
                ) from exc
            finally:
                page.close()
            for _, _, cells, boxes, spanned in items:
                rows.append(SourceRow(len(rows) + 1, cells, page.page_number, boxes, spanned))
    if stats.chars == 0:
        raise NotAPacketError(
            f"{path}: the PDF has no text layer (scanned images?); run OCR on it or use the "
            "text export"
        )
    if stats.cid_chars > MAX_CID_SHARE * stats.chars:
        raise UnreadableInputError(
            f"{path}: the PDF's fonts have no Unicode map ({stats.cid_chars} of {stats.chars} "
            "characters come out as (cid:N)); use the text export or a PDF printed with "
            "embedded Unicode fonts"
        )
    return SourceDocument(
        path=display_path(path),
        format="pdf",
        sha256=digest,
        size=len(data),
        rows=rows,
        pages=page_count,
    )
