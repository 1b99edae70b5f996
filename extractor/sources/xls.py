"""Read an Excel 97–2003 workbook (.xls) packet into the same rows as its .xlsx would give.

xlrd reads the file: each cell's value and the number format of its style, shown through
the same number-format code as the .xlsx path (dates are day counts under a date format;
workbooks in the 1904 date system are moved to 1900's), merged ranges as rectangles,
hidden rows, columns and sheets. The sheets then become rows exactly as a workbook's do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError, UnreadableInputError
from extractor.i18n import N_
from extractor.settings import ExtractSettings
from extractor.sources.document import SourceDocument, display_path
from extractor.sources.numfmt import display, is_date_format
from extractor.sources.sheets import CellCounter, Merge, SheetGrid, grid_rows

# Days between the 1904 and the 1900 date systems' day 0.
DAYS_1904 = 1462


def _refuse(path: Path, exc: BaseException) -> UnreadableInputError:
    """Given what xlrd raised, return the one-line error: encrypted, not a workbook, or
    damaged."""
    text = str(exc).lower()
    if "encrypt" in text:
        return UnreadableInputError(
            N_(
                "{path}: the workbook is password-protected; save a copy without a password "
                "(or use the text export)"
            ),
            path=path,
        )
    if "can't find workbook" in text or "not a known type" in text:
        return UnreadableInputError(
            N_(
                "{path}: is an Office file (OLE2) but not an Excel workbook; give the packet's "
                ".xls, .xlsx, .txt or .pdf"
            ),
            path=path,
        )
    return UnreadableInputError(
        N_(
            "{path}: the .xls workbook is corrupt and cannot be read; get a fresh copy, or "
            "open it in Excel or LibreOffice and save it again"
        ),
        path=path,
    )


def _text(book: Any, sheet: Any, row: int, column: int) -> str | None:
    """Given a cell, return the text the spreadsheet shows for it (None when empty)."""
    import xlrd

    kind = sheet.cell_type(row, column)
    value = sheet.cell_value(row, column)
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return str(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERROR"))
    xf = book.xf_list[sheet.cell_xf_index(row, column)]
    found = book.format_map.get(xf.format_key)
    number_format = found.format_str if found is not None else "General"
    if book.datemode == 1 and is_date_format(number_format):
        value += DAYS_1904
    return display(value, number_format or "General")


def _sheet(book: Any, index: int, counter: CellCounter) -> SheetGrid:
    sheet = book.sheet_by_index(index)
    grid = SheetGrid(name=sheet.name, hidden=sheet.visibility != 0)
    for row in range(sheet.nrows):
        for column in range(sheet.row_len(row)):
            text = _text(book, sheet, row, column)
            if text is None:
                continue
            counter.add()
            if text.strip():
                grid.texts[(row + 1, column + 1)] = text
    grid.merges = [
        Merge(first_row + 1, first_column + 1, last_row, last_column)
        for first_row, last_row, first_column, last_column in sheet.merged_cells
    ]
    grid.hidden_rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
    grid.hidden_columns = [(c + 1, c + 1) for c, info in sheet.colinfo_map.items() if info.hidden]
    book.unload_sheet(index)
    return grid


def read_grids(path: Path, data: bytes, settings: ExtractSettings) -> list[SheetGrid]:
    """Given an .xls workbook's bytes, return each sheet's grid, in order."""
    import xlrd

    counter = CellCounter(path, settings)
    try:
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,
            on_demand=True,
            ragged_rows=True,
            logfile=_Quiet(),
        )
    except MemoryError:
        raise
    except Exception as exc:  # xlrd raises many kinds for a damaged or foreign file
        raise _refuse(path, exc) from exc
    try:
        return [_sheet(book, index, counter) for index in range(book.nsheets)]
    except (ExtractorError, MemoryError):
        raise
    except Exception as exc:  # a damaged sheet
        raise _refuse(path, exc) from exc
    finally:
        book.release_resources()


class _Quiet:
    """Where xlrd writes its notes on what it skips: nowhere."""

    def write(self, text: str) -> int:
        return len(text)


def read_xls(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given an .xls workbook's bytes, return its sheets' rows as one document of rows."""
    grids = read_grids(path, data, settings)
    rows, found = grid_rows(path, grids, settings)
    return SourceDocument(
        path=display_path(path),
        format="xls",
        sha256=digest,
        size=len(data),
        rows=rows,
        sheets=len(grids),
        warnings=found,
    )
