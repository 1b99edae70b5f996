"""Read an Excel workbook (.xlsx) packet into the same rows of cells a text export gives.

Every sheet is read in order (typically a cover sheet, then one per 基本目標), each cell as
Excel displays it (numbers and dates through their number format). Sheets are streamed
with openpyxl's own sheet parser, which yields only the cells the file holds: what a sheet
declares (its dimension, a merged range over a million rows) costs nothing until text is
there, and merged ranges stay rectangles. Text in hidden rows, columns or sheets is read
like any other and warned about. A formula is read through the result the workbook saved
with it; one saved without a result reads as empty, with a warning naming its cells.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from extractor.errors import InputTooLargeError, NotAPacketError, UnreadableInputError
from extractor.i18n import N_
from extractor.settings import ExtractSettings
from extractor.sources.document import SourceDocument, column_letter, display_path
from extractor.sources.numfmt import display
from extractor.sources.sheets import CellCounter, Merge, SheetGrid, grid_rows

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An .xlsx saved with a password is an OLE2 file holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Uncompressed parts of a workbook may be this many times the input cap, not more.
MAX_INFLATION = 20


def is_encrypted_workbook(data: bytes) -> bool:
    """Given an OLE2 file's bytes, return whether it is a password-protected .xlsx."""
    return ENCRYPTED_STREAM in data


def refuse_encrypted(path: Path) -> UnreadableInputError:
    return UnreadableInputError(
        N_(
            "{path}: the workbook is password-protected; save a copy without a password (or "
            "use the text export)"
        ),
        path=path,
    )


def _corrupt(path: Path) -> UnreadableInputError:
    return UnreadableInputError(
        N_(
            "{path}: the workbook is corrupt and cannot be opened; get a fresh copy or save it "
            "again from Excel"
        ),
        path=path,
    )


def _check_archive(path: Path, data: bytes, settings: ExtractSettings) -> None:
    """Refuse what is not a workbook archive, or one that inflates far past the input cap."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _corrupt(path) from exc
    if "xl/workbook.xml" not in names:
        raise NotAPacketError(
            N_(
                "{path}: is a zip archive but not an Excel workbook; give the packet's .xlsx, "
                ".txt or .pdf"
            ),
            path=path,
        )
    limit = MAX_INFLATION * settings.max_input_bytes
    if inflated > limit:
        raise InputTooLargeError(
            N_(
                "{path}: the workbook unpacks to {size:,} bytes, over the {limit:,}-byte limit "
                "({times}× --max-bytes); is this the right file?"
            ),
            path=path,
            size=inflated,
            limit=limit,
            times=MAX_INFLATION,
        )


def _parser_class() -> Any:
    """openpyxl's sheet parser, noting each formula cell's formula as written (a formula
    saved without its result must be named, and its text is never parsed)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            cell["formula"] = None if formula is None else "=" + (formula.text or "")
            return cell

    return Parser


def _number_formats(workbook: Any) -> list[str]:
    """Given a workbook, return the number format of each cell style, by style id."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    formats = []
    for style in workbook._cell_styles:
        number = style.numFmtId
        if number < BUILTIN_FORMATS_MAX_SIZE:
            formats.append(BUILTIN_FORMATS.get(number, "General"))
        else:
            formats.append(workbook._number_formats[number - BUILTIN_FORMATS_MAX_SIZE])
    return formats


def _hidden_columns(dimensions: dict[str, dict[str, str]]) -> list[tuple[int, int]]:
    ranges = []
    for attributes in dimensions.values():
        if attributes.get("hidden") in ("1", "true") and "min" in attributes:
            ranges.append((int(attributes["min"]), int(attributes.get("max", attributes["min"]))))
    return ranges


def _merges(parser: Any) -> list[Merge]:
    """Given a parsed sheet, return its merged ranges as rectangles (whole rows or columns,
    A:A or 3:3, have no first or last row or column: they are not merged cells)."""
    from openpyxl.utils.cell import range_boundaries

    found = []
    for merged in parser.merged_cells.mergeCell if parser.merged_cells else []:
        first_column, first_row, last_column, last_row = range_boundaries(merged.ref)
        if None not in (first_column, first_row, last_column, last_row):
            found.append(Merge(first_row, first_column, last_row, last_column))  # type: ignore[arg-type]
    return found


def _sheet(sheet: Any, workbook: Any, formats: list[str], counter: CellCounter) -> SheetGrid:
    """Given a read-only sheet, return what it holds, streaming only the cells it has."""
    grid = SheetGrid(name=sheet.title, hidden=sheet.sheet_state != "visible")
    with sheet._get_source() as source:
        parser = _parser_class()(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for _row, cells in parser.parse():
            for cell in cells:
                value = cell["value"]
                if value is None:
                    if cell["formula"] is not None:
                        where = f"{sheet.title}!{column_letter(cell['column'])}{cell['row']}"
                        grid.formulas_without_value.append((where, cell["formula"]))
                    continue
                counter.add()
                style = cell["style_id"] or 0
                number_format = formats[style] if style < len(formats) else "General"
                text = display(value, number_format)
                if text.strip():
                    grid.texts[(cell["row"], cell["column"])] = text
    grid.merges = _merges(parser)
    grid.hidden_rows = {
        int(row)
        for row, attributes in parser.row_dimensions.items()
        if attributes.get("hidden") in ("1", "true")
    }
    grid.hidden_columns = _hidden_columns(parser.column_dimensions)
    return grid


def read_grids(path: Path, data: bytes, settings: ExtractSettings) -> list[SheetGrid]:
    """Given a workbook's bytes, return each sheet's grid, in order."""
    _check_archive(path, data, settings)
    import openpyxl

    counter = CellCounter(path, settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on what it skips are not ours
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise _corrupt(path) from exc
        try:
            formats = _number_formats(workbook)
            return [_sheet(sheet, workbook, formats, counter) for sheet in workbook.worksheets]
        except (InputTooLargeError, MemoryError):
            raise
        except Exception as exc:  # a damaged sheet part
            raise _corrupt(path) from exc
        finally:
            workbook.close()


def read_xlsx(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a workbook's bytes, return its sheets' rows as one document of rows."""
    grids = read_grids(path, data, settings)
    rows, found = grid_rows(path, grids, settings)
    return SourceDocument(
        path=display_path(path),
        format="xlsx",
        sha256=digest,
        size=len(data),
        rows=rows,
        sheets=len(grids),
        warnings=found,
    )
