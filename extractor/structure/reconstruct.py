"""Stage 2: rebuild the packet's structure from rows of cells.

A packet is a cover, then for each 基本目標 / 活動目標 a table: a header row, an optional
sub-header with the plan's start and target years, and activity rows. Columns are mapped from
the header text, never from positions or years. Activity rows are grouped into records: a
named row, its continuation rows (empty 活動名), and repeats of the same name (a merged cell
exported twice). Rows shifted by a cell are re-aligned by content.

This module walks the rows once and hands each to the step that reads it: `cover` (cover
lines, page titles, goal headings), `tables` (a header and its years, the 計画目標
sub-header) and `records` (a data row's cells and the record it belongs to).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from extractor.errors import MalformedPacketError, NotAPacketError
from extractor.i18n import N_, Plural
from extractor.models import ExtractionWarning
from extractor.normalize.text import clean
from extractor.problems import WarningCode
from extractor.settings import ExtractSettings
from extractor.sources import SourceDocument, SourceRow
from extractor.structure.cover import (
    cover_fiscal_year,
    cover_plan_period,
    document_era,
    is_page_title,
    is_report_title,
    read_cover,
    read_heading,
)
from extractor.structure.headers import header_role, is_header_row
from extractor.structure.layout import (
    ActivityRecord,
    Cell,
    Cover,
    GoalRef,
    Layout,
    TableLayout,
)
from extractor.structure.records import group_row, map_row
from extractor.structure.tables import (
    Context,
    UnknownColumn,
    fill_plan_period,
    read_header,
    read_subheader,
    unknown_column_warnings,
)


@dataclass
class _Found:
    """What the walk has read so far: the results it returns."""

    cover_lines: list[Cell] = field(default_factory=list)
    cover: Cover = field(default_factory=Cover)
    tables: list[TableLayout] = field(default_factory=list)
    records: list[ActivityRecord] = field(default_factory=list)
    unmapped: list[Cell] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    headings: list[tuple[str, GoalRef, int | None]] = field(default_factory=list)
    placed: Counter[str] = field(default_factory=Counter)


@dataclass
class _Place:
    """Where the walk is: under which goals, in which table, continuing which record."""

    basic_goal: GoalRef | None = None
    activity_goal: GoalRef | None = None
    table: TableLayout | None = None
    record: ActivityRecord | None = None
    expect_subheader: bool = False
    seen_header: bool = False
    reference_year: int | None = None  # the year the packet is about, once known
    # The header just read, while no other row has come since: its texts, and the
    # warnings and unknown columns reading it gave (`_header_goes_on`).
    header: tuple[list[str], list[ExtractionWarning], list[UnknownColumn]] | None = None


def _cells(row: SourceRow) -> list[Cell]:
    """Given a row, return its own non-empty cells (not those merged down from above)."""
    return [
        Cell(
            text,
            row.line,
            index,
            row.page,
            row.boxes[index] if row.boxes else None,
            ref=row.reference(index),
            read=row.reads[index] if row.reads else None,
        )
        for index, text in enumerate(row.cells)
        if text.strip() and index not in row.spanned
    ]


def reconstruct(document: SourceDocument, settings: ExtractSettings) -> Layout:
    """Given a document of rows, return the packet's cover, tables and activity records."""
    _require_header(document)
    walk = _Walk(document, settings)
    for row in document.rows:
        walk.read(row)
    found = walk.found
    found.warnings.extend(unknown_column_warnings(walk.unknown, document.format))
    cover_period = cover_plan_period(found.cover_lines, walk.era, walk.place.reference_year)
    found.warnings.extend(fill_plan_period(found.tables, cover_period))
    if not found.records:
        raise NotAPacketError(
            N_("{path}: no activity rows under the table headers; is this the whole packet?"),
            path=document.path,
        )
    return Layout(
        cover=found.cover,
        era=walk.era,
        tables=found.tables,
        records=found.records,
        unmapped=found.unmapped,
        warnings=found.warnings,
        cell_count=walk.cell_count,
        placed={**found.placed, "unmapped": len(found.unmapped)},
        headings=found.headings,
        reference_year=walk.place.reference_year,
    )


class _Walk:
    """Reads a document's rows in order, each by the step it calls for."""

    def __init__(self, document: SourceDocument, settings: ExtractSettings) -> None:
        self.document, self.settings = document, settings
        self.era = document_era(document.rows)
        self.found, self.place = _Found(), _Place()
        self.unknown: list[UnknownColumn] = []
        self.cell_count = 0
        self.last_line = max((r.line for r in document.rows if not r.is_blank()), default=0)

    def context(self) -> Context:
        return Context(
            self.document.path, self.era, self.place.reference_year, self.settings.strict
        )

    def read(self, row: SourceRow) -> None:
        cells = _cells(row)
        self.cell_count += len(cells)
        if not cells:
            return
        place = self.place
        just_read, place.header = place.header, None
        alone = len(cells) == 1 and (cells[0].column == 0 or place.table is None)
        if alone and self.line_of_text(cells[0]):
            return
        own = [text if index not in row.spanned else "" for index, text in enumerate(row.cells)]
        if just_read is not None and (whole := _header_goes_on(just_read[0], own)):
            self.header(row, whole, len(cells), again=just_read)
        elif is_header_row(own):
            self.header(row, own, len(cells))
        elif place.table is not None and place.expect_subheader and self.subheader(cells):
            return
        elif place.table is None or len(row.cells) == 1:
            place.expect_subheader = False
            self.stray(row, cells)
        else:
            place.expect_subheader = False
            _check_width(self.document, place.table, row, self.last_line)
            self.data_row(place.table, row)

    def line_of_text(self, cell: Cell) -> bool:
        """A cell alone on its row: file it as a heading, page title, cover line or report
        title, else leave it to the table it may sit in."""
        found, place = self.found, self.place
        heading = read_heading(cell)
        if heading is not None:
            if heading.level == "basic":
                place.basic_goal, place.activity_goal = heading.goal, None
                found.headings.append(("basic", heading.goal, None))
            else:
                place.activity_goal = heading.goal
                parent = place.basic_goal.number if place.basic_goal else None
                found.headings.append(("activity", heading.goal, parent))
            found.placed["headings"] += 1
            self.end_table()
            return True
        if is_page_title(found.cover, cell):
            found.cover.page_titles.append(cell)
        elif not place.seen_header and place.basic_goal is None:
            found.cover_lines.append(cell)
            cover = read_cover(found.cover_lines)
            cover.page_titles = found.cover.page_titles
            found.cover = cover
            place.reference_year = place.reference_year or cover_fiscal_year(found.cover)
        elif place.table is not None:
            return False
        elif is_report_title(clean(cell.text)) and found.cover.report_title is None:
            found.cover.report_title = cell
        else:
            found.unmapped.append(cell)
            found.warnings.append(
                ExtractionWarning.of(
                    WarningCode.UNEXPECTED_TEXT,
                    line=cell.line,
                    page=cell.page,
                    text=clean(cell.text)[:40],
                )
            )
            return True
        found.placed["cover"] += 1
        return True

    def end_table(self) -> None:
        self.place.table = self.place.record = None
        self.place.expect_subheader = False

    def header(
        self,
        row: SourceRow,
        texts: list[str],
        count: int,
        again: tuple[list[str], list[ExtractionWarning], list[UnknownColumn]] | None = None,
    ) -> None:
        """Read a header row into the table it starts; `again`: the header just read, which
        this row goes on (`_header_goes_on`), read once more with this row's texts in it,
        in its place."""
        found, place = self.found, self.place
        if again is not None:  # what the header's first row alone gave is read anew
            _texts, warnings, unknown = again
            found.warnings[:] = [w for w in found.warnings if not any(w is x for x in warnings)]
            self.unknown[:] = [u for u in self.unknown if not any(u is x for x in unknown)]
            found.tables.pop()
        previous = found.tables[-1] if found.tables else None
        goals = (place.basic_goal, place.activity_goal)
        continued = (
            place.table is not None
            and previous is not None
            and (previous.basic_goal, previous.activity_goal) == goals
        )
        if again is not None:
            continued = place.record is not None  # as the header's first row left it
        header = read_header(row, texts, goals, self.context())
        found.warnings.extend(header.warnings)
        self.unknown.extend(header.unknown)
        found.tables.append(header.table)
        found.placed["headers"] += count
        place.header = (texts, header.warnings, header.unknown)
        place.table, place.seen_header = header.table, True
        place.reference_year = header.table.results_fiscal_year or place.reference_year
        place.expect_subheader = header.table.targets_start is not None
        if not continued:
            place.record = None

    def subheader(self, cells: list[Cell]) -> bool:
        found, place = self.found, self.place
        assert place.table is not None
        read = read_subheader(place.table, cells, self.context())
        if read is None:
            return False
        found.tables[-1] = place.table = read.table
        found.unmapped.extend(read.unmapped)
        found.warnings.extend(read.warnings)
        found.placed["headers"] += read.placed
        place.expect_subheader = False
        return True

    def stray(self, row: SourceRow, cells: list[Cell]) -> None:
        """A row outside any table, or a line of text inside one: kept in unmapped."""
        found = self.found
        found.unmapped.extend(cells)
        where = (
            "outside any table" if self.place.table is None else "inside a table, as a line of text"
        )
        found.warnings.append(
            ExtractionWarning.of(
                WarningCode.ROW_OUTSIDE_TABLE,
                line=row.line,
                page=row.page,
                where=where,
                text=clean(cells[0].text)[:40],
            )
        )

    def data_row(self, table: TableLayout, row: SourceRow) -> None:
        found, place = self.found, self.place
        read = map_row(table, row)
        found.warnings.extend(read.warnings)
        found.unmapped.extend(read.unmapped)
        found.placed["realigned"] += read.realigned
        found.placed["activities"] += read.placed
        if read.row is None:
            return
        grouped = group_row(place.record, table, read.row)
        if grouped.new:
            found.records.append(grouped.record)
        if grouped.warning is not None:
            found.warnings.append(grouped.warning)
        place.record = grouped.record


def _header_goes_on(header: list[str], own: list[str]) -> list[str] | None:
    """Given the texts of the header row just read and the next row's own texts (not
    those merged down into it), return the header's texts with the row's in them where
    the row goes on the header: each of its texts a header, in a column the header left
    empty or named with no header this tool knows (a scan's grid can split a header cell
    whose text sits on the line the other columns' second row starts at; a header can
    name a group of columns, 数値目標, over the headers of each); else None."""
    placed = {i: text for i, text in enumerate(own) if text.strip()}
    if not placed or any(header_role(text) is None for text in placed.values()):
        return None
    if any(i >= len(header) or header_role(header[i]) is not None for i in placed):
        return None
    whole = [placed.get(i, text) for i, text in enumerate(header)]
    return whole if is_header_row(whole) else None


def _require_header(document: SourceDocument) -> None:
    """Refuse a document with no table header row at all: it is not a committee packet."""
    rows = document.rows
    if any(
        any(cell.strip() for cell in row.cells) and is_header_row(list(row.cells)) for row in rows
    ):
        return
    single_column = all(len(row.cells) <= 1 for row in rows)
    if document.format == "tsv" and single_column and any("," in "".join(r.cells) for r in rows):
        raise NotAPacketError(
            N_(
                "{path}: no tab-separated columns (commas instead?); export the packet as "
                "tab-delimited text"
            ),
            path=document.path,
        )
    if document.pages:
        extent = Plural("its {count} page", "its {count} pages", count=document.pages)
    elif document.sheets:
        extent = Plural("its {count} sheet", "its {count} sheets", count=document.sheets)
    else:
        extent = Plural("its {count} line", "its {count} lines", count=len(rows))
    raise NotAPacketError.no_header_row(document.path, extent)


def _check_width(
    document: SourceDocument, table: TableLayout, row: SourceRow, last_line: int
) -> None:
    """Refuse a text-export row whose cells do not match its table's header: a cell holding
    an unquoted tab or line break splits rows apart, and a cut-off file ends mid-row."""
    width = len(table.columns)
    if document.format != "tsv" or len(row.cells) == width:
        return
    if row.line == last_line and len(row.cells) < width:
        raise MalformedPacketError(
            N_(
                "{path}: the file ends mid-table: line {line} has {count} of {width} cells; it "
                "looks cut off, so export or copy it again"
            ),
            path=document.path,
            line=row.line,
            count=len(row.cells),
            width=width,
        )
    raise MalformedPacketError(
        N_(
            "{path}: line {line} has {count} cells but its table's header (line {header}) has "
            "{width}; a cell may hold an unquoted tab or line break: fix the export and try again"
        ),
        path=document.path,
        line=row.line,
        count=len(row.cells),
        header=table.line,
        width=width,
    )
