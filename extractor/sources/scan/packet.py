"""What a scan's pages gave, settled by the whole packet once every page is read: figures
that wrapped between two digits, as the packet's cells of figures agree
(`figures.agreed_wraps`), and the characters the recognizer was unsure of that no page
could settle, by the packet's own words (`lexicon.settle_doubts`); and the pages too coarse
to be read well, warned of."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from extractor.models import ExtractionWarning
from extractor.problems import WarningCode
from extractor.sources.document import Box
from extractor.sources.scan import GUESSED_MARK, ScanPage

LEAST_DPI = 200  # a page scanned coarser is warned of: 7 pt text is then ~20 px high


def settled_by_packet(pages: list[Any]) -> list[ScanPage]:
    """Given what each page of a scan gave, return it with its figures that wrapped between
    two digits read as the packet's cells of figures agree (`agreed_wraps`), and the
    characters nothing settled on their pages settled by the words of the whole packet
    (`lexicon.settle_doubts`), where the dictionary does not find the choice makes more
    words (`reads_as_well`)."""
    from extractor.sources.scan.figures import agreed_wraps
    from extractor.sources.scan.japanese import reads_as_well
    from extractor.sources.scan.lexicon import settle_doubts

    assert all(isinstance(page, ScanPage) for page in pages)
    by_page = _by_page(agreed_headers(pages))
    pages = [_with_texts(page, by_page.get(page.number, {}), keep_read=True) for page in pages]
    texts = {(page.number, box): read.text for page in pages for box, read in page.reads.items()}
    wraps = {(page.number, box): other for page in pages for box, other in page.wraps.items()}
    joined = agreed_wraps(texts, wraps)
    texts.update(joined)
    by_page = _by_page(joined)
    pages = [_with_texts(page, by_page.get(page.number, {}), unsure=False) for page in pages]
    doubts = {(page.number, box): found for page in pages for box, found in page.doubts.items()}
    by_page = _by_page(settle_doubts(texts, doubts, reads_as_well))
    return [_with_texts(page, by_page.get(page.number, {})) for page in pages]


HEADER_CELLS = 3  # a row holding this many of the printed header words is a header row


def agreed_headers(pages: list[ScanPage]) -> dict[tuple[int, Box], str]:
    """Given what each page of a scan gave, return the header cells misread too far to be
    put right alone (担当課 read 相当罐, 計画目標 read 封面目樣, on a dark fill), by page and
    box, each as the short header (活動名, 担当課, 計画目標…) that heads the same place
    across the page in every other header row of the packet that has one there; where
    the header rows disagree there, or the row holds that header already, or the cell's
    length is off by more than a character, none."""
    from extractor.sources.scan.japanese import SHORT_HEADERS, is_printed_header

    def key(text: str) -> str:
        return "".join(text.split())

    rows = [
        [(page.number, box, key(cell)) for cell, box in zip(cells, boxes, strict=True) if box]
        for page in pages
        for _top, _x0, cells, boxes, _spanned in page.items
    ]
    rows = [row for row in rows if sum(is_printed_header(t) for _, _, t in row) >= HEADER_CELLS]
    heads = [(b.x0, b.x1, text) for row in rows for _, b, text in row if text in SHORT_HEADERS]
    found: dict[tuple[int, Box], str] = {}
    for row in rows:
        held = {text for _, _, text in row}
        for number, box, text in row:
            if not text or is_printed_header(text):
                continue
            there = {
                head
                for x0, x1, head in heads
                if min(x1, box.x1) - max(x0, box.x0) >= 0.5 * max(x1 - x0, box.x1 - box.x0)
            }
            head = there.pop() if len(there) == 1 else None
            if head and head not in held and abs(len(head) - len(text)) <= 1:
                found[(number, box)] = head
    return found


def _by_page(texts: dict[tuple[int, Box], str]) -> dict[int, dict[Box, str]]:
    """Given texts by page number and box, return them by page, each by box."""
    found: dict[int, dict[Box, str]] = {}
    for (number, box), text in texts.items():
        found.setdefault(number, {})[box] = text
    return found


def _with_texts(
    page: ScanPage, texts: dict[Box, str], unsure: bool = True, keep_read: bool = False
) -> ScanPage:
    """Given a page as read and new texts for some of its cells and lines, by box, return
    the page with them, each such cell no surer than a guess (GUESSED_MARK: warned) if
    `unsure`, and keeping what was read (`Read.read_as`) if `keep_read`: printed wording
    put back."""
    if not texts:
        return page
    least = GUESSED_MARK if unsure else 1.0

    def text(cell: str, box: Box | None) -> str:
        was = page.reads.get(box) if box else None
        return texts.get(box, cell) if box and was and was.text == cell else cell

    reads = {
        box: replace(
            read,
            text=texts[box],
            confidence=min(read.confidence, least),
            read_as=(read.read_as or read.text) if keep_read else read.read_as,
        )
        if box in texts
        else read
        for box, read in page.reads.items()
    }
    items = [
        (top, x0, tuple(map(text, cells, boxes)), boxes, spanned)
        for top, x0, cells, boxes, spanned in page.items
    ]
    return replace(page, items=items, reads=reads)


def coarse_pages(pages: list[ScanPage]) -> list[ExtractionWarning]:
    """Given a scan's pages, return a warning for each one scanned coarser than LEAST_DPI
    (`scan_low_resolution`), or whose small print is as coarse as full-size print scanned
    so (`scan_small_print`: a page printed reduced, `lines.print_dpi`)."""
    warnings = []
    for page in pages:
        if page.scanned is None:
            continue
        if round(page.scanned) < LEAST_DPI:
            code = WarningCode.SCAN_LOW_RESOLUTION
            warnings.append(ExtractionWarning.of(code, page=page.number, dpi=round(page.scanned)))
        elif (print_dpi := round(page.scanned * page.printed_at)) < LEAST_DPI:
            code = WarningCode.SCAN_SMALL_PRINT
            dpi = round(page.scanned)
            warnings.append(
                ExtractionWarning.of(code, page=page.number, dpi=dpi, print_dpi=print_dpi)
            )
    return warnings


__all__ = ["agreed_headers", "coarse_pages", "settled_by_packet"]
