"""Stage 2: rebuild the packet's structure from rows of cells.

A packet is a cover, then for each 基本目標 / 活動目標 a table: a header row, an optional
sub-header with the plan's start and target years, and activity rows. Columns are mapped from
the header text, never from positions or years. Activity rows are grouped into records: a
named row, its continuation rows (empty 活動名), and repeats of the same name (a merged cell
exported twice). Rows shifted by a cell are re-aligned by content.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor import eras
from extractor.errors import MalformedPacketError, NotAPacketError
from extractor.i18n import _, ngettext, quote
from extractor.models import ExtractionWarning
from extractor.normalize.dates import find_dates, resolve_range, resolve_year, year_token
from extractor.normalize.matching import match_key
from extractor.normalize.text import clean, nfkc
from extractor.problems import WarningArg, WarningCode
from extractor.settings import ExtractSettings
from extractor.sources import SourceDocument, SourceRow
from extractor.structure.alignment import align
from extractor.structure.headers import fiscal_year_in, header_role, is_header_row, squeeze
from extractor.structure.layout import (
    ActivityRecord,
    Cell,
    Cover,
    GoalRef,
    HeaderColumn,
    Layout,
    MappedRow,
    Role,
    TableLayout,
)

BASIC_GOAL = re.compile(r"^基本目標\s*(\d+)\s*[:：.．]?\s*(.*)$")
ACTIVITY_GOAL = re.compile(r"^活動目標\s*(\d+)\s*[:：.．]?\s*(.*)$")
REPORT_TITLE = re.compile(r"(実施状況報告|報告書?|[(（].*年度.*実績[)）])")
ERA_MENTION = re.compile(rf"({eras.names_pattern()})")
ERA_LETTER_YEAR = re.compile(rf"(?<![A-Za-z])([{eras.letters()}])\s?\d{{1,2}}[.年]")


@dataclass
class _State:
    settings: ExtractSettings
    era: str | None
    cover: Cover = field(default_factory=Cover)
    tables: list[TableLayout] = field(default_factory=list)
    records: list[ActivityRecord] = field(default_factory=list)
    unmapped: list[Cell] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    headings: list[tuple[str, GoalRef, int | None]] = field(default_factory=list)
    basic_goal: GoalRef | None = None
    activity_goal: GoalRef | None = None
    table: TableLayout | None = None
    record: ActivityRecord | None = None
    expect_subheader: bool = False
    seen_header: bool = False
    path: str = ""
    format: str = "tsv"
    placed: Counter[str] = field(default_factory=Counter)
    # The year the packet is about, once a header or the cover names it with its era.
    reference_year: int | None = None

    def warn(
        self, code: WarningCode, line: int | None, page: int | None = None, **args: WarningArg
    ) -> None:
        self.warnings.append(ExtractionWarning.make(code, args, line=line, page=page))


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
        )
        for index, text in enumerate(row.cells)
        if text.strip() and index not in row.spanned
    ]


def _document_era(rows: Iterable[SourceRow]) -> str | None:
    for row in rows:
        for text in row.cells:
            match = ERA_MENTION.search(text)
            if match:
                return match.group(1)
            letter = ERA_LETTER_YEAR.search(nfkc(text))
            if letter:
                return eras.canonical(letter.group(1))
    return None


def reconstruct(document: SourceDocument, settings: ExtractSettings) -> Layout:
    """Given a document of rows, return the packet's cover, tables and activity records."""
    rows = document.rows
    _require_header(document)
    state = _State(
        settings=settings, era=_document_era(rows), path=document.path, format=document.format
    )
    cell_count = 0
    last_line = max((row.line for row in rows if not row.is_blank()), default=0)
    for row in rows:
        cells = _cells(row)
        cell_count += len(cells)
        if not cells:
            continue
        alone = len(cells) == 1 and (cells[0].column == 0 or state.table is None)
        if alone and _single_text(state, cells[0]):
            continue
        own = [text if index not in row.spanned else "" for index, text in enumerate(row.cells)]
        if is_header_row(own):
            _start_table(state, row, own, cells)
            state.placed["headers"] += len(cells)
            continue
        if state.table is not None and state.expect_subheader and _subheader(state, cells):
            continue
        state.expect_subheader = False
        if state.table is None or len(row.cells) == 1:
            state.unmapped.extend(cells)
            where = (
                "outside any table" if state.table is None else "inside a table, as a line of text"
            )
            state.warn(
                WarningCode.ROW_OUTSIDE_TABLE,
                row.line,
                row.page,
                where=where,
                text=clean(cells[0].text)[:40],
            )
            continue
        _check_width(state, state.table, row, last_line)
        _data_row(state, row)
    if not state.records:
        raise NotAPacketError(
            _("{path}: no activity rows under the table headers; is this the whole packet?").format(
                path=document.path
            )
        )
    return Layout(
        cover=state.cover,
        era=state.era,
        tables=state.tables,
        records=state.records,
        unmapped=state.unmapped,
        warnings=state.warnings,
        cell_count=cell_count,
        placed={**state.placed, "unmapped": len(state.unmapped)},
        headings=state.headings,
        reference_year=state.reference_year,
    )


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
            _(
                "{path}: no tab-separated columns (commas instead?); export the packet as "
                "tab-delimited text"
            ).format(path=document.path)
        )
    if document.pages:
        count, extent = (
            document.pages,
            ngettext("its {count} page", "its {count} pages", document.pages),
        )
    elif document.sheets:
        count = document.sheets
        extent = ngettext("its {count} sheet", "its {count} sheets", count)
    else:
        count, extent = len(rows), ngettext("its {count} line", "its {count} lines", len(rows))
    extent = extent.format(count=count)
    raise NotAPacketError(
        _(
            "{path}: not a committee packet: no 活動名 header row in {extent}; is this the "
            "right file?"
        ).format(path=document.path, extent=extent)
    )


def _single_text(state: _State, cell: Cell) -> bool:
    """Given the only cell of a row, file it as a heading, cover line or page title."""
    text = clean(cell.text)
    key = squeeze(text)
    basic = BASIC_GOAL.match(nfkc(text))
    activity = ACTIVITY_GOAL.match(nfkc(text))
    if basic:
        state.basic_goal = GoalRef(
            int(basic.group(1)), _goal_title(text), text, cell.line, cell.page
        )
        state.activity_goal = None
        state.headings.append(("basic", state.basic_goal, None))
        state.placed["headings"] += 1
        _end_table(state)
        return True
    if activity:
        state.activity_goal = GoalRef(
            int(activity.group(1)), _goal_title(text), text, cell.line, cell.page
        )
        parent = state.basic_goal.number if state.basic_goal else None
        state.headings.append(("activity", state.activity_goal, parent))
        state.placed["headings"] += 1
        _end_table(state)
        return True
    report = state.cover.report_title
    if report is not None and squeeze(report.text) == key:
        state.cover.page_titles.append(cell)
        state.placed["cover"] += 1
        return True
    if not state.seen_header and state.basic_goal is None:
        _cover_line(state, cell)
        state.placed["cover"] += 1
        return True
    if state.table is None:
        if REPORT_TITLE.search(text) and report is None:
            state.cover.report_title = cell
            state.placed["cover"] += 1
            return True
        state.unmapped.append(cell)
        state.warn(WarningCode.UNEXPECTED_TEXT, cell.line, cell.page, text=text[:40])
        return True
    return False


def _goal_title(text: str) -> str:
    normalized = nfkc(clean(text))
    match = BASIC_GOAL.match(normalized) or ACTIVITY_GOAL.match(normalized)
    assert match is not None
    # Keep the title as written (no NFKC): cut the same number of leading characters.
    title = clean(text)
    prefix_length = len(clean(text)) - len(match.group(2))
    return title[prefix_length:].strip() if match.group(2) else ""


def _cover_line(state: _State, cell: Cell) -> None:
    text = clean(cell.text)
    key = squeeze(text)
    cover = state.cover
    dates = find_dates(text)
    whole = [d for d in dates if len(squeeze(d.raw)) == len(key)]
    if whole and whole[0].precision == "fiscal_year" and cover.fiscal_year is None:
        cover.fiscal_year = cell
        state.reference_year = state.reference_year or whole[0].fiscal_year
    elif whole and whole[0].precision == "day" and cover.date is None:
        cover.date = cell
    elif REPORT_TITLE.search(text) and cover.report_title is None:
        cover.report_title = cell
    elif cover.date is not None:
        cover.issuers.append(cell)
    else:
        cover.title_parts.append(cell)


def _check_width(state: _State, table: TableLayout, row: SourceRow, last_line: int) -> None:
    """Refuse a text-export row whose cells do not match its table's header: a cell holding
    an unquoted tab or line break splits rows apart, and a cut-off file ends mid-row."""
    width = len(table.columns)
    if state.format != "tsv" or len(row.cells) == width:
        return
    if row.line == last_line and len(row.cells) < width:
        raise MalformedPacketError(
            _(
                "{path}: the file ends mid-table: line {line} has {count} of {width} cells; it "
                "looks cut off, so export or copy it again"
            ).format(path=state.path, line=row.line, count=len(row.cells), width=width)
        )
    raise MalformedPacketError(
        _(
            "{path}: line {line} has {count} cells but its table's header (line {header}) has "
            "{width}; a cell may hold an unquoted tab or line break: fix the export and try again"
        ).format(
            path=state.path, line=row.line, count=len(row.cells), header=table.line, width=width
        )
    )


def _end_table(state: _State) -> None:
    state.table = None
    state.record = None
    state.expect_subheader = False


def _start_table(state: _State, row: SourceRow, texts: list[str], cells: list[Cell]) -> None:
    continued = (
        state.table is not None
        and state.tables
        and state.tables[-1].activity_goal == state.activity_goal
        and state.tables[-1].basic_goal == state.basic_goal
    )
    last_named = max((c.column for c in cells), default=-1)
    columns: list[HeaderColumn] = []
    for index in range(len(texts)):
        text = clean(texts[index])
        role = header_role(text) if text else None
        if role is None and text:
            role = _unknown_column(state, row, index, text)
        if role is None:
            previous = columns[-1].role if columns else None
            if previous == Role.PLAN and index <= last_named:
                role = Role.TARGET
            elif index > last_named or previous in (Role.ACTUAL, Role.EXTRA):
                role = Role.EXTRA
            else:
                role = Role.UNKNOWN
        columns.append(HeaderColumn(index, text, role))
    table = TableLayout(
        line=row.line,
        page=row.page,
        basic_goal=state.basic_goal,
        activity_goal=state.activity_goal,
        columns=columns,
    )
    _table_years(state, table)
    state.tables.append(table)
    state.table = table
    state.seen_header = True
    state.expect_subheader = table.targets_start is not None
    if not continued:
        state.record = None


def _unknown_column(state: _State, row: SourceRow, index: int, text: str) -> Role:
    """Given a header the tool does not know, keep its column (or refuse it when strict)."""
    if state.settings.strict:
        raise MalformedPacketError(
            _(
                "{path}: {where}: column {column} header {header} is not one this tool knows "
                "(--strict); without --strict its cells are kept with each activity under "
                "`extra`"
            ).format(path=state.path, where=row.where(), column=index + 1, header=quote(text))
        )
    state.warn(WarningCode.UNKNOWN_COLUMN, row.line, row.page, column=index + 1, header=text)
    return Role.OTHER


YEAR_ROLES = (Role.COUNCIL_RESULTS, Role.COUNCIL_PLANS, Role.CITY_RESULTS, Role.CITY_PLANS)


def _table_years(state: _State, table: TableLayout) -> None:
    """Read the fiscal years the header names: results and plans first (they name their
    era), then the 実績 column, whose bare 23年度 is read nearest the results year."""
    for column in table.columns:
        if column.role in YEAR_ROLES:
            column.fiscal_year = fiscal_year_in(column.header, state.era, state.reference_year)
    by_role: dict[Role, int | None] = {
        c.role: c.fiscal_year for c in table.columns if c.fiscal_year
    }
    table.results_fiscal_year = by_role.get(Role.COUNCIL_RESULTS) or by_role.get(Role.CITY_RESULTS)
    table.plans_fiscal_year = by_role.get(Role.COUNCIL_PLANS) or by_role.get(Role.CITY_PLANS)
    if table.results_fiscal_year:
        state.reference_year = table.results_fiscal_year
    for column in table.columns:
        if column.role == Role.ACTUAL:
            column.fiscal_year = fiscal_year_in(column.header, state.era, state.reference_year)
            by_role[Role.ACTUAL] = column.fiscal_year
    table.actual_fiscal_year = by_role.get(Role.ACTUAL) or table.results_fiscal_year
    for council_role, city_role, what in (
        (Role.COUNCIL_RESULTS, Role.CITY_RESULTS, "the results of 市社協 and 市"),
        (Role.COUNCIL_PLANS, Role.CITY_PLANS, "the plans of 市社協 and 市"),
    ):
        a, b = by_role.get(council_role), by_role.get(city_role)
        if a and b and a != b:
            state.warn(
                WarningCode.HEADER_YEAR_MISMATCH,
                table.line,
                table.page,
                what=what,
                years=f"{a}, {b}",
                used=a,
            )
    actual = by_role.get(Role.ACTUAL)
    if table.results_fiscal_year and actual and actual != table.results_fiscal_year:
        state.warn(
            WarningCode.HEADER_YEAR_MISMATCH,
            table.line,
            table.page,
            what="the actual and the results",
            years=f"{actual}, {table.results_fiscal_year}",
            used=actual,
        )


def _subheader(state: _State, cells: list[Cell]) -> bool:
    """Given the row after a header, read the 計画目標 years (21 / 25) if that is what it is:
    the two years are read as one range, in the eras that make it run forward."""
    table = state.table
    assert table is not None
    start = table.targets_start
    tokens = [year_token(c.text) for c in cells]
    if start is None or any(t is None for t in tokens) or any(c.column < start for c in cells):
        return False
    state.expect_subheader = False
    table.subheader_line = cells[0].line
    ordered = sorted(zip(cells, tokens, strict=True), key=lambda item: item[0].column)
    reference = table.results_fiscal_year or table.actual_fiscal_year or state.reference_year
    years: list[int | None] = [None, None]
    found = [token for _, token in ordered[:2] if token is not None]
    if len(found) == 2:
        span = resolve_range(found[0], found[1], reference, state.era)
        years = [span.start, span.end]
        if span.reversed:
            raw = "~".join(clean(cell.text) for cell, _ in ordered[:2])
            state.warn(WarningCode.YEAR_RANGE_REVERSED, cells[0].line, cells[0].page, raw=raw)
    elif found:
        years[0] = resolve_year(found[0], reference, state.era)
    for position, (cell, _token) in enumerate(ordered):
        if position > 1:
            state.unmapped.append(cell)
            state.warn(WarningCode.UNEXPECTED_SUBHEADER, cell.line, cell.page, text=cell.text)
            continue
        role = (Role.PLAN, Role.TARGET)[position]
        year = years[position]
        state.placed["headers"] += 1
        column = table.columns[cell.column]
        column.role, column.fiscal_year, column.subheader = role, year, clean(cell.text)
        if role == Role.PLAN:
            table.plan_fiscal_year = year
        else:
            table.target_fiscal_year = year
    for column in table.columns:
        if column.role == Role.ACTUAL:
            column.fiscal_year = column.fiscal_year or table.actual_fiscal_year
    return True


# --- data rows -------------------------------------------------------------------------------


def _data_row(state: _State, row: SourceRow) -> None:
    table = state.table
    assert table is not None
    mapped: list[tuple[Role, Cell]] = []
    aligned = align(table, row)
    state.warnings.extend(aligned.warnings)
    state.placed["realigned"] += aligned.dropped
    for index, (column, text) in enumerate(aligned.cells):
        if not text.strip() or column is None:
            continue
        box = row.boxes[column] if row.boxes else None
        role = table.role_at(index)
        header = table.columns[index].header if role == Role.OTHER else None
        cell = Cell(
            text,
            row.line,
            column,
            row.page,
            box,
            column in row.spanned,
            header,
            row.reference(column),
        )
        if role == Role.UNKNOWN or (role == Role.EXTRA and table.targets_start is None):
            if cell.spanned:
                continue
            state.unmapped.append(cell)
            state.warn(
                WarningCode.UNMAPPED_CELL,
                row.line,
                row.page,
                column=column + 1,
                text=clean(text)[:40],
            )
            continue
        mapped.append((role, cell))
        if not cell.spanned:
            state.placed["activities"] += 1
    if mapped:
        _group(state, table, MappedRow(row.line, row.page, mapped))


def _group(state: _State, table: TableLayout, row: MappedRow) -> None:
    name = next((cell for cell in row.get(Role.NAME) if not cell.spanned), None)
    record = state.record
    if Role.NAME not in table.has:
        starts_new = record is None or row.first(Role.DESCRIPTION) is not None
        if starts_new:
            record = ActivityRecord(table=table, parts=[[row]])
            state.records.append(record)
            state.record = record
        else:
            assert record is not None
            record.parts[-1].append(row)
        return
    if name is not None:
        if (
            record is not None
            and record.name_cells
            and match_key(record.name_cells[0].text) == match_key(name.text)
        ):
            record.parts.append([row])
            record.name_cells.append(name)
            state.warn(
                WarningCode.DUPLICATE_ROW_MERGED,
                row.line,
                row.page,
                name=clean(name.text),
                first=record.parts[0][0].line,
            )
            return
        record = ActivityRecord(table=table, parts=[[row]], name_cells=[name])
        state.records.append(record)
        state.record = record
        return
    if record is None:
        record = ActivityRecord(table=table, parts=[[row]])
        state.records.append(record)
        state.record = record
        state.warn(WarningCode.CONTINUATION_WITHOUT_ACTIVITY, row.line, row.page)
        return
    record.parts[-1].append(row)
