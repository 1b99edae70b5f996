"""Workbook sheets (.xlsx or .xls) as rows of cells: one way from a sheet's cells to rows.

Each reader gives a `SheetGrid` per sheet: the displayed text of every cell that holds one,
the merged ranges as rectangles, and what is hidden. Only rows that hold text become rows;
a row's `line` is its sheet's offset plus its row number, as if every row up to the last
were there. A merged cell is read as the PDF path reads one: its text sits in its first
row and column, and a cell merged down over rows belongs to each of them (marked spanned).
Sizes are checked on what the sheet holds, never on what it declares.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from extractor.errors import InputTooLargeError
from extractor.i18n import N_
from extractor.models import ExtractionWarning
from extractor.problems import WarningCode
from extractor.settings import ExtractSettings
from extractor.sources.document import SourceRow, column_letter

Position = tuple[int, int]  # 1-based row and column


@dataclass(frozen=True)
class Merge:
    """A merged range: its first and last row and column (1-based, inclusive)."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int


@dataclass
class SheetGrid:
    """What one sheet holds, as a reader found it."""

    name: str
    texts: dict[Position, str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False  # the whole sheet is hidden
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # ranges, inclusive
    # Formula cells saved without a result: (reference, formula text).
    formulas_without_value: list[tuple[str, str]] = field(default_factory=list)

    def column_hidden(self, column: int) -> bool:
        return any(first <= column <= last for first, last in self.hidden_columns)


class CellCounter:
    """Counts the cells a reader has taken in, refusing a workbook past the settings' cap."""

    def __init__(self, path: object, settings: ExtractSettings) -> None:
        self.path, self.limit, self.count = path, settings.max_cells, 0

    def add(self, count: int = 1) -> None:
        self.count += count
        if self.count > self.limit:
            raise InputTooLargeError(
                N_(
                    "{path}: holds more than {limit:,} cells with values; no packet is that "
                    "large: is this the right file?"
                ),
                path=self.path,
                limit=self.limit,
            )


def _covered(grid: SheetGrid, rows: list[int]) -> dict[Position, Position]:
    """Given a sheet and its rows that hold text (sorted), return each position below a
    merged cell's first row, in its first column and in one of those rows, with the
    merged cell's first position. Only rows that exist are visited."""
    covered: dict[Position, Position] = {}
    for merge in grid.merges:
        start = bisect_right(rows, merge.first_row)
        stop = bisect_left(rows, merge.last_row + 1)
        for row in rows[start:stop]:
            covered[(row, merge.first_column)] = (merge.first_row, merge.first_column)
    return covered


def _check_width(path: object, grid: SheetGrid, width: int, settings: ExtractSettings) -> None:
    if width > settings.max_columns:
        raise InputTooLargeError(
            N_(
                "{path}: sheet {sheet} has text in column {column} ({width:,} columns); no "
                "packet is that wide: is this the right file?"
            ),
            path=path,
            sheet=grid.name,
            column=column_letter(width),
            width=width,
        )


def sheet_rows(
    path: object, grid: SheetGrid, sheet_number: int, offset: int, settings: ExtractSettings
) -> tuple[list[SourceRow], int]:
    """Given a sheet's grid, its number and the line its rows start after, return its rows
    that hold text (merged-down cells filled in) and the sheet's last row with text."""
    if not grid.texts:
        return [], 0
    rows = sorted({r for r, _ in grid.texts})
    width = max(c for _, c in grid.texts)
    _check_width(path, grid, width, settings)
    covered = _covered(grid, rows)
    found: list[SourceRow] = []
    for number in rows:
        values = [grid.texts.get((number, c), "") for c in range(1, width + 1)]
        spanned = set()
        for column in range(1, width + 1):
            origin = covered.get((number, column))
            # a cell under a merged range that holds text of its own keeps it (Excel hides
            # it, but it is in the file, and no text is dropped)
            if origin and grid.texts.get(origin) and not values[column - 1]:
                values[column - 1] = grid.texts[origin]
                spanned.add(column - 1)
        found.append(
            SourceRow(
                line=offset + number,
                cells=tuple(values),
                page=sheet_number,
                spanned=frozenset(spanned),
                sheet=grid.name,
                sheet_row=number,
            )
        )
    return found, rows[-1]


def hidden_warning(grid: SheetGrid) -> ExtractionWarning | None:
    """Given a sheet, return the warning naming the text in its hidden rows, columns or
    sheet, or None when nothing hidden holds text."""
    found: list[str] = []
    where: list[str] = []
    kinds: set[str] = set()
    for (row, column), text in sorted(grid.texts.items()):
        hidden_row = grid.hidden or row in grid.hidden_rows
        if text.strip() and (hidden_row or grid.column_hidden(column)):
            found.append(text.strip())
            where.append(f"{grid.name}!{column_letter(column)}{row}")
            kinds.add("rows" if hidden_row else "columns")
    if not found:
        return None
    return ExtractionWarning.of(
        WarningCode.HIDDEN_CELLS,
        what=kinds.pop() if len(kinds) == 1 else "rows and columns",
        where=", ".join(where[:5]) + (" …" if len(where) > 5 else ""),
        text=" / ".join(found[:3])[:80],
    )


def formula_warning(grid: SheetGrid) -> ExtractionWarning | None:
    """Given a sheet, return the warning naming its formulas saved without a result."""
    found = grid.formulas_without_value
    if not found:
        return None
    where = ", ".join(w for w, _f in found[:5]) + (" …" if len(found) > 5 else "")
    text = " / ".join(f for _w, f in found[:3])[:80]
    return ExtractionWarning.of(WarningCode.FORMULA_WITHOUT_VALUE, where=where, text=text)


def grid_rows(
    path: object, grids: list[SheetGrid], settings: ExtractSettings
) -> tuple[list[SourceRow], list[ExtractionWarning]]:
    """Given a workbook's sheets in order, return their rows as one document's rows, and the
    warnings about hidden text and formulas without results (each naming its sheet)."""
    rows: list[SourceRow] = []
    warnings: list[ExtractionWarning] = []
    offset = 0
    for number, grid in enumerate(grids, start=1):
        found, last = sheet_rows(path, grid, number, offset, settings)
        rows.extend(found)
        offset += last
        for warning in (hidden_warning(grid), formula_warning(grid)):
            if warning is not None:
                warnings.append(warning.model_copy(update={"page": number}))
    return rows, warnings
