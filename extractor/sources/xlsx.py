"""Read an Excel workbook (.xlsx) packet into the same rows of cells a text export gives.

Every sheet is read in order (typically a cover sheet, then one per 基本目標), each cell as
Excel displays it (numbers and dates through their number format). A merged cell is read
as the PDF path reads one: its text sits in its first row and column, and a cell merged
down over several rows belongs to each of them (a merged 活動名 makes the rows below
continuation rows; a merged actual is read once). Trailing empty rows and columns are
ignored; text in hidden rows, columns or sheets is read like any other and warned about.
A formula is read through the result the workbook saved with it; one saved without a
result (some programs write workbooks without calculating them) reads as empty, with a
warning naming its cells.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from extractor.errors import InputTooLargeError, NotAPacketError, UnreadableInputError
from extractor.i18n import N_
from extractor.models import ExtractionWarning
from extractor.problems import WarningCode
from extractor.settings import ExtractSettings
from extractor.sources.document import SourceDocument, SourceRow, column_letter, display_path
from extractor.sources.numfmt import display

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An .xlsx saved with a password is an OLE2 file holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Uncompressed parts of a workbook may be this many times the input cap, not more.
MAX_INFLATION = 20


def refuse_ole2(path: Path, data: bytes) -> None:
    """Given an OLE2 file (an .xls workbook or a password-protected .xlsx), refuse it."""
    if ENCRYPTED_STREAM in data:
        raise UnreadableInputError(
            N_(
                "{path}: the workbook is password-protected; save a copy without a password "
                "(or use the text export)"
            ),
            path=path,
        )
    raise UnreadableInputError(
        N_(
            "{path}: is an Excel 97–2003 workbook (.xls); open it in Excel and save it as an "
            "Excel Workbook (.xlsx), then try again"
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
        raise UnreadableInputError(
            N_(
                "{path}: the workbook is corrupt and cannot be opened; get a fresh copy or save "
                "it again from Excel"
            ),
            path=path,
        ) from exc
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


def _hidden_columns(sheet: Any) -> set[int]:
    hidden: set[int] = set()
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min and dimension.max:
            hidden.update(range(dimension.min, dimension.max + 1))
    return hidden


Position = tuple[int, int]


def _sheet_rows(sheet: Any, valued: set[Position]) -> tuple[list[list[str]], set[int], set[int]]:
    """Given a worksheet, return its displayed text row by row (trailing empties trimmed),
    its hidden rows and its hidden columns (1-based); add to `valued` the (row, column) of
    every cell holding a value."""
    texts: dict[Position, str] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            valued.add((cell.row, cell.column))
            text = display(cell.value, cell.number_format)
            if text.strip():
                texts[(cell.row, cell.column)] = text
    if not texts:
        return [], set(), set()
    last_row = max(r for r, _ in texts)
    last_column = max(c for _, c in texts)
    rows = [
        [texts.get((r, c), "") for c in range(1, last_column + 1)] for r in range(1, last_row + 1)
    ]
    hidden_rows = {r for r, dimension in sheet.row_dimensions.items() if dimension.hidden}
    return rows, hidden_rows, _hidden_columns(sheet)


def _merged_down(sheet: Any) -> dict[Position, Position]:
    """Given a worksheet, return the positions covered by a cell merged down from a row
    above (1-based row, column) → the merged cell's first position."""
    covered: dict[Position, Position] = {}
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row + 1, merged.max_row + 1):
            covered[(row, merged.min_col)] = (merged.min_row, merged.min_col)
    return covered


def _hidden_warning(
    sheet: str, hidden_rows: set[int], hidden_columns: set[int], rows: list[list[str]]
) -> ExtractionWarning | None:
    found: list[str] = []
    where: list[str] = []
    kinds: set[str] = set()
    for number, cells in enumerate(rows, start=1):
        for column, text in enumerate(cells, start=1):
            if text.strip() and (number in hidden_rows or column in hidden_columns):
                found.append(text.strip())
                where.append(f"{sheet}!{column_letter(column)}{number}")
                kinds.add("rows" if number in hidden_rows else "columns")
    if not found:
        return None
    return ExtractionWarning.of(
        WarningCode.HIDDEN_CELLS,
        what=kinds.pop() if len(kinds) == 1 else "rows and columns",
        where=", ".join(where[:5]) + (" …" if len(where) > 5 else ""),
        text=" / ".join(found[:3])[:80],
    )


def _formulas_without_values(data: bytes, valued: list[set[Position]]) -> list[ExtractionWarning]:
    """Given a workbook's bytes and, per sheet, the cells that hold a value, return a
    warning per sheet naming its formula cells saved without a result."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    # A formula is an <f> element (or <x:f> with a namespace prefix); most workbooks have none.
    parts = (archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    if not any(b"<f" in part or b":f>" in part for part in parts):
        return []
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    warnings: list[ExtractionWarning] = []
    for number, (sheet, cells) in enumerate(zip(workbook.worksheets, valued, strict=True), 1):
        found = [
            (f"{sheet.title}!{column_letter(cell.column)}{cell.row}", str(cell.value))
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f" and cell.column and (cell.row, cell.column) not in cells
        ]
        if found:
            where = ", ".join(w for w, _f in found[:5]) + (" …" if len(found) > 5 else "")
            text = " / ".join(f for _w, f in found[:3])[:80]
            warning = ExtractionWarning.of(
                WarningCode.FORMULA_WITHOUT_VALUE, where=where, text=text
            ).model_copy(update={"page": number})
            warnings.append(warning)
    workbook.close()
    return warnings


def read_xlsx(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a workbook's bytes, return its sheets' rows as one document of rows."""
    _check_archive(path, data, settings)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableInputError(
            N_(
                "{path}: the workbook is corrupt and cannot be opened; get a fresh copy or save "
                "it again from Excel"
            ),
            path=path,
        ) from exc
    rows: list[SourceRow] = []
    warnings: list[ExtractionWarning] = []
    valued: list[set[Position]] = []
    for sheet_number, sheet in enumerate(workbook.worksheets, start=1):
        valued.append(set())
        texts, hidden_rows, hidden_columns = _sheet_rows(sheet, valued[-1])
        if sheet.sheet_state != "visible":
            hidden_rows |= set(range(1, len(texts) + 1))
        covered = _merged_down(sheet)
        for number, cells in enumerate(texts, start=1):
            spanned = set()
            values = list(cells)
            for column in range(1, len(cells) + 1):
                origin = covered.get((number, column))
                if origin and origin[0] <= len(texts):
                    values[column - 1] = texts[origin[0] - 1][origin[1] - 1]
                    if values[column - 1]:
                        spanned.add(column - 1)
            rows.append(
                SourceRow(
                    line=len(rows) + 1,
                    cells=tuple(values),
                    page=sheet_number,
                    spanned=frozenset(spanned),
                    sheet=sheet.title,
                    sheet_row=number,
                )
            )
        warning = _hidden_warning(sheet.title, hidden_rows, hidden_columns, texts)
        if warning is not None:
            warnings.append(warning.model_copy(update={"page": sheet_number}))
    workbook.close()
    warnings.extend(_formulas_without_values(data, valued))
    return SourceDocument(
        path=display_path(path),
        format="xlsx",
        sha256=digest,
        size=len(data),
        rows=rows,
        sheets=len(workbook.worksheets),
        warnings=warnings,
    )
