"""Activity rows: each cell given the role of its column (after re-aligning a shifted row),
and rows grouped into records: a named row, its continuation rows (empty 活動名), and
repeats of the same name (a merged cell exported twice)."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.models import ExtractionWarning
from extractor.normalize.matching import match_key, read_again
from extractor.normalize.text import clean
from extractor.problems import WarningCode
from extractor.sources import SourceRow
from extractor.structure.alignment import align
from extractor.structure.layout import ActivityRecord, Cell, MappedRow, Role, TableLayout


@dataclass
class RowCells:
    """A data row read against its table: the cells with a role, the cells that fit no
    column, and what re-aligning it did."""

    row: MappedRow | None
    unmapped: list[Cell] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    placed: int = 0  # the row's own cells given a role
    realigned: int = 0  # surplus dash cells dropped by re-aligning


def map_row(table: TableLayout, row: SourceRow) -> RowCells:
    """Given a table and one of its data rows, return the row's cells with their roles."""
    aligned = align(table, row)
    result = RowCells(None, warnings=aligned.warnings, realigned=aligned.dropped)
    mapped: list[tuple[Role, Cell]] = []
    for index, (column, text) in enumerate(aligned.cells):
        if not text.strip() or column is None:
            continue
        role = table.role_at(index)
        cell = Cell(
            text,
            row.line,
            column,
            row.page,
            row.boxes[column] if row.boxes else None,
            column in row.spanned,
            table.columns[index].header if role == Role.OTHER else None,
            row.reference(column),
            table.columns[index].fiscal_year if role == Role.ACTUAL else None,
            row.reads[column] if row.reads else None,
        )
        if role == Role.UNKNOWN or (role == Role.EXTRA and table.targets_start is None):
            if not cell.spanned:
                result.unmapped.append(cell)
                result.warnings.append(
                    ExtractionWarning.of(
                        WarningCode.UNMAPPED_CELL,
                        line=row.line,
                        page=row.page,
                        column=column + 1,
                        text=clean(text)[:40],
                    )
                )
            continue
        mapped.append((role, cell))
        result.placed += 0 if cell.spanned else 1
    if mapped:
        result.row = MappedRow(row.line, row.page, mapped)
    return result


@dataclass
class Grouped:
    """Where a row went: the record it belongs to (new or the one it continues)."""

    record: ActivityRecord
    new: bool
    warning: ExtractionWarning | None = None


def _same_name(first: Cell, name: Cell) -> bool:
    """Whether a row's name repeats the name of the record before: the same name, or, both
    read from a scan, the same name read again with another misreading (`read_again`)."""
    if match_key(first.text) == match_key(name.text):
        return True
    scanned = first.read is not None and name.read is not None
    return scanned and read_again(match_key(name.text), match_key(first.text))


def group_row(record: ActivityRecord | None, table: TableLayout, row: MappedRow) -> Grouped:
    """Given the record being read (None at a table's start), its table and the next row,
    return the record the row belongs to: a named row starts one (or repeats the name of
    the one before); a row without a name continues it."""
    if Role.NAME not in table.has:  # a table of descriptions: each description starts one
        if record is None or row.first(Role.DESCRIPTION) is not None:
            return Grouped(ActivityRecord(table=table, parts=[[row]]), new=True)
        record.parts[-1].append(row)
        return Grouped(record, new=False)
    name = next((cell for cell in row.get(Role.NAME) if not cell.spanned), None)
    if name is None and record is not None:
        record.parts[-1].append(row)
        return Grouped(record, new=False)
    if name is None:
        warning = ExtractionWarning.of(
            WarningCode.CONTINUATION_WITHOUT_ACTIVITY, line=row.line, page=row.page
        )
        return Grouped(ActivityRecord(table=table, parts=[[row]]), new=True, warning=warning)
    if record is not None and record.name_cells and _same_name(record.name_cells[0], name):
        record.parts.append([row])
        record.name_cells.append(name)
        warning = ExtractionWarning.of(
            WarningCode.DUPLICATE_ROW_MERGED,
            line=row.line,
            page=row.page,
            name=clean(name.text),
            first=record.parts[0][0].line,
        )
        return Grouped(record, new=False, warning=warning)
    return Grouped(ActivityRecord(table=table, parts=[[row]], name_cells=[name]), new=True)
