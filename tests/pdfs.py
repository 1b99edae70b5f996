"""Print packet-like PDFs for tests with reportlab: ruled tables, merged cells, page breaks.

The font is one of reportlab's built-in Japanese CID fonts (no font file needed), so the
printing differs from raw/h24.pdf in font, column widths and page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"  # a face whose digits are narrow and whose space is narrower
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
# The CID font's Unicode round trip turns ~ into ˜ and — into a combining mark; packets
# printed with it write these instead.
CID_SAFE = str.maketrans({"~": "〜", "—": "―", "～": "〜", "－": "―"})


@dataclass
class Span:
    """A table cell: its text and how many rows and columns it covers."""

    text: str
    rows: int = 1
    cols: int = 1


Grid = list[list[Span | None]]  # None marks a position covered by a span above or left


@dataclass
class Text:
    text: str
    size: float = 9


@dataclass
class Table:
    grid: Grid
    header_rows: int = 2


def _wrap(text: str, width: float, size: float, font: str = FONT) -> list[str]:
    lines: list[str] = []
    current = ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    if current:
        lines.append(current)
    return lines


class _Printer:
    def __init__(
        self,
        path: Path,
        widths: Sequence[float],
        size: float,
        repeat_header: bool,
        font: str,
        dash: tuple[float, float] | None = None,
        shade: float | None = None,
    ):
        self.font = font
        self.dash = dash
        self.shade = shade
        self.page_width, self.page_height = landscape(A3)
        self.canvas = canvas.Canvas(str(path), pagesize=(self.page_width, self.page_height))
        self.widths = widths
        self.size = size
        self.leading = size * 1.25
        self.pad = 2.0
        self.margin = 30.0
        self.repeat_header = repeat_header
        self.y = self.margin
        self.pages = 1

    def new_page(self) -> None:
        self.canvas.showPage()
        self.pages += 1
        self.y = self.margin

    def text(self, block: Text) -> None:
        if self.y + block.size * 1.6 > self.page_height - self.margin:
            self.new_page()
        self.canvas.setFont(self.font, block.size)
        self.canvas.drawString(self.margin, self.page_height - self.y - block.size, block.text)
        self.y += block.size * 1.6

    def _span_width(self, column: int, span: Span) -> float:
        return sum(self.widths[column : column + span.cols])

    def _heights(self, grid: Grid) -> list[float]:
        heights = [self.leading + 2 * self.pad] * len(grid)
        for r, row in enumerate(grid):
            for c, span in enumerate(row):
                if span is not None and span.rows == 1:
                    lines = _wrap(
                        span.text, self._span_width(c, span) - 2 * self.pad, self.size, self.font
                    )
                    heights[r] = max(heights[r], len(lines) * self.leading + 2 * self.pad)
        for r, row in enumerate(grid):
            for c, span in enumerate(row):
                if span is not None and span.rows > 1:
                    lines = _wrap(
                        span.text, self._span_width(c, span) - 2 * self.pad, self.size, self.font
                    )
                    need = len(lines) * self.leading + 2 * self.pad
                    have = sum(heights[r : r + span.rows])
                    if need > have:
                        heights[r + span.rows - 1] += need - have
        return heights

    @staticmethod
    def _groups(grid: Grid, start: int) -> list[tuple[int, int]]:
        """Rows tied together by row spans, which must stay on one page."""
        groups = []
        r = start
        while r < len(grid):
            end = r
            k = r
            while k <= end:
                for span in grid[k]:
                    if span is not None:
                        end = max(end, k + span.rows - 1)
                k += 1
            groups.append((r, end))
            r = end + 1
        return groups

    def _draw_rows(
        self, grid: Grid, heights: list[float], first: int, last: int, shaded: bool = False
    ) -> None:
        top = self.y
        for r in range(first, last + 1):
            x = self.margin
            for c, span in enumerate(grid[r]):
                width = self.widths[c]
                if span is not None:
                    w = self._span_width(c, span)
                    h = sum(heights[r : r + span.rows])
                    y0 = self.page_height - top - h
                    if shaded and self.shade is not None:
                        self.canvas.setFillGray(self.shade)
                        self.canvas.rect(x, y0, w, h, stroke=0, fill=1)
                        self.canvas.setFillGray(0)
                    self._border(x, y0, w, h)
                    self.canvas.setFont(self.font, self.size)
                    for i, line in enumerate(
                        _wrap(span.text, w - 2 * self.pad, self.size, self.font)
                    ):
                        baseline = self.page_height - top - self.pad - (i + 1) * self.leading + 1
                        self.canvas.drawString(x + self.pad, baseline, line)
                x += width
            top += heights[r]
        self.y = top

    def _border(self, x: float, y0: float, w: float, h: float) -> None:
        """A cell's border: solid, or dotted as a workbook's dotted borders print (each edge
        drawn left to right or top down, so that two cells' shared edge is one line)."""
        if self.dash is None:
            self.canvas.rect(x, y0, w, h, stroke=1, fill=0)
            return
        self.canvas.setDash(*self.dash)
        top = y0 + h
        for x_a, y_a, x_b, y_b in ((x, top, x + w, top), (x, y0, x + w, y0)):
            self.canvas.line(x_a, y_a, x_b, y_b)
        for x_a in (x, x + w):
            self.canvas.line(x_a, top, x_a, y0)
        self.canvas.setDash()

    def table(self, block: Table) -> None:
        grid = block.grid
        heights = self._heights(grid)
        header = (0, block.header_rows - 1)
        header_height = sum(heights[: block.header_rows])
        bottom = self.page_height - self.margin
        if self.y + header_height + heights[block.header_rows] > bottom:
            self.new_page()
        self._draw_rows(grid, heights, *header, shaded=True)
        for first, last in self._groups(grid, block.header_rows):
            height = sum(heights[first : last + 1])
            if self.y + height > bottom:
                self.new_page()
                if self.repeat_header:
                    self._draw_rows(grid, heights, *header, shaded=True)
            self._draw_rows(grid, heights, first, last)
        self.y += 8

    def save(self) -> None:
        self.canvas.save()


def print_pdf(
    path: Path,
    blocks: list[Text | Table],
    widths: Sequence[float],
    *,
    size: float = 6,
    repeat_header: bool = True,
    font: str = FONT,
    dash: tuple[float, float] | None = None,
    shade: float | None = None,
) -> int:
    """Print blocks to a PDF at `path` in `font`, the tables' rulings solid or dashed
    (`dash`: the length of a dash and of a gap, in points), their header rows filled with
    grey if `shade` is given (0 black, 1 white), as a workbook's header fill prints;
    return the number of pages."""
    printer = _Printer(path, widths, size, repeat_header, font, dash, shade)
    for block in blocks:
        if isinstance(block, Text):
            printer.text(block)
        else:
            printer.table(block)
    printer.save()
    return printer.pages


def blocks_from_rows(rows: list[list[str]]) -> list[Text | Table]:
    """Turn text-export rows into printable blocks: one-cell rows become text lines, a row
    with 活動名 (or the three-column header) opens a table that runs until the next text."""
    blocks: list[Text | Table] = []
    table: Table | None = None
    for cells in rows:
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        header = "活動名" in cells or (cells[0] == "実施内容" and len(filled) >= 3)
        if header:
            table = Table([], header_rows=2 if "計画目標" in cells else 1)
            blocks.append(table)
        elif len(filled) == 1 and cells[0].strip():
            table = None
            blocks.append(Text(cells[0]))
            continue
        assert table is not None, cells
        table.grid.append([Span(c) for c in cells])
    width = max(len(row) for block in blocks if isinstance(block, Table) for row in block.grid)
    for block in blocks:
        if isinstance(block, Table):
            for row in block.grid:
                row.extend(Span("") for _ in range(width - len(row)))
    return blocks


WIDTHS_14 = [88, 92, 78, 78, 118, 104, 80, 52, 112, 104, 34, 52, 34, 48]


def raw_pdf(content: bytes, compressed: bool = False, pages: int = 1) -> bytes:
    """A PDF written byte by byte around one content stream (with Helvetica as /F1) that
    each of its pages shows, for PDFs no printing program would make: bombs and stalls."""
    length = f"/Length {len(content)}".encode()
    stream = b"<< " + length + (b" /Filter /FlateDecode" if compressed else b"") + b" >>"
    kids = b" ".join(f"{4 + n} 0 R".encode() for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
        stream + b"\nstream\n" + content + b"\nendstream",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
    ] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
