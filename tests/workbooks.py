"""Build packet workbooks for tests with openpyxl: sheets, merged cells, formats, hidden cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from extractor.sources.document import SourceRow

BASIC_GOAL = re.compile(r"^基本目標\s*\d")


@dataclass
class Merge:
    row: int
    column: int
    last_row: int
    last_column: int


@dataclass
class Sheet:
    title: str
    rows: list[list[str]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)


def sheets_from_pdf_rows(rows: list[SourceRow]) -> list[Sheet]:
    """Lay out a PDF's rows as the city's workbook would hold them: a cover sheet, then a
    sheet per 基本目標; a cell the PDF shows spanning rows or columns becomes a merged cell.

    In the PDF's rows a cell merged down repeats in the rows below (marked `spanned`), and a
    cell spanning columns has no box in the columns it covers.
    """
    sheets = [Sheet("表紙")]
    open_merges: dict[int, Merge] = {}
    for row in rows:
        if len(row.cells) == 1 and BASIC_GOAL.match(row.cells[0]):
            sheets.append(Sheet(f"基本目標{len(sheets)}"))
            open_merges = {}
        sheet = sheets[-1]
        number = len(sheet.rows) + 1
        cells = [text if index not in row.spanned else "" for index, text in enumerate(row.cells)]
        sheet.rows.append(cells)
        boxes = row.boxes or (None,) * len(cells)
        for column in range(len(cells)):
            if column in row.spanned and column in open_merges:
                open_merges[column].last_row = number
                continue
            if boxes[column] is None or column in row.spanned:
                continue
            last = column
            while last + 1 < len(cells) and boxes[last + 1] is None and last + 1 not in row.spanned:
                last += 1
            merge = Merge(number, column + 1, number, last + 1)
            sheet.merges.append(merge)
            open_merges[column] = merge
    for sheet in sheets:
        sheet.merges = [m for m in sheet.merges if (m.last_row, m.last_column) != (m.row, m.column)]
    return sheets


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    """Write sheets (text cells and merged ranges) as an .xlsx workbook."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title)
        for r, cells in enumerate(sheet.rows, start=1):
            for c, text in enumerate(cells, start=1):
                if text:
                    ws.cell(r, c, text)
        for m in sheet.merges:
            ws.merge_cells(
                f"{get_column_letter(m.column)}{m.row}:{get_column_letter(m.last_column)}{m.last_row}"
            )
    workbook.save(path)
    return path
