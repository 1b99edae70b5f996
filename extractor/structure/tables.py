"""A table's header: which column holds what (from the header text alone), the fiscal
years the header names, and the 計画目標 sub-header with the plan's start and target years."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from extractor.errors import MalformedPacketError
from extractor.i18n import N_, Quoted
from extractor.models import ExtractionWarning
from extractor.normalize.dates import resolve_range, resolve_year, year_token
from extractor.normalize.text import clean, is_dash
from extractor.problems import WarningArg, WarningCode
from extractor.sources import SourceRow
from extractor.structure.headers import fiscal_year_in, header_role
from extractor.structure.layout import Cell, GoalRef, HeaderColumn, PlanPeriod, Role, TableLayout

# Columns whose header names a fiscal year with its era: (平成23年度実施状況).
YEAR_ROLES = (Role.COUNCIL_RESULTS, Role.COUNCIL_PLANS, Role.CITY_RESULTS, Role.CITY_PLANS)


@dataclass(frozen=True)
class Context:
    """What reading a header needs from the rest of the packet."""

    path: str
    era: str | None
    reference_year: int | None  # the year the packet is about, for years without an era
    strict: bool = False


@dataclass(frozen=True)
class UnknownColumn:
    """A header the tool does not know, where it stands (warned about once per packet)."""

    header: str
    column: int  # 0-based
    line: int
    page: int | None
    ref: str | None  # in a workbook, the header cell (基本目標1!O4)


@dataclass
class Header:
    """A table read from its header row, with the warnings reading it gave and the headers
    it does not know."""

    table: TableLayout
    warnings: list[ExtractionWarning] = field(default_factory=list)
    unknown: list[UnknownColumn] = field(default_factory=list)


def _warning(
    row_line: int, page: int | None, code: WarningCode, **args: WarningArg
) -> ExtractionWarning:
    return ExtractionWarning.make(code, args, line=row_line, page=page)


def _roles(
    row: SourceRow, texts: list[str], context: Context, header: Header
) -> list[HeaderColumn]:
    """Given a header row's texts, return its columns: a role from each header text, an
    unknown header kept as OTHER, and empty headers read from their neighbours (the second
    計画目標 column, cells past 実績)."""
    last_named = max((i for i, text in enumerate(texts) if text.strip()), default=-1)
    columns: list[HeaderColumn] = []
    for index, raw in enumerate(texts):
        text = clean(raw)
        role = header_role(text) if text else None
        if role is None and text:
            role = _unknown_column(row, index, text, context, header)
        if role is None:
            previous = columns[-1].role if columns else None
            if previous == Role.PLAN and index <= last_named:
                role = Role.TARGET
            elif index > last_named or previous in (Role.ACTUAL, Role.EXTRA):
                role = Role.EXTRA
            else:
                role = Role.UNKNOWN
        columns.append(HeaderColumn(index, text, role))
    return columns


def _unknown_column(
    row: SourceRow, index: int, text: str, context: Context, header: Header
) -> Role:
    """Given a header the tool does not know, keep its column (or refuse it when strict)."""
    if context.strict:
        raise MalformedPacketError(
            N_(
                "{path}: {where}: column {column} header {header} is not one this tool knows "
                "(--strict); without --strict its cells are kept with each activity under "
                "`extra`"
            ),
            path=context.path,
            where=row.where(),
            column=index + 1,
            header=Quoted(text),
        )
    header.unknown.append(UnknownColumn(text, index, row.line, row.page, row.reference(index)))
    return Role.OTHER


def read_header(
    row: SourceRow,
    texts: list[str],
    goals: tuple[GoalRef | None, GoalRef | None],
    context: Context,
) -> Header:
    """Given a header row (its own texts, not those merged down into it) and the goals it
    sits under, return the table it starts, with the fiscal years its header names."""
    header = Header(TableLayout(row.line, row.page, goals[0], goals[1], []))
    header.table.columns = _roles(row, texts, context, header)
    _years(header, context)
    return header


def _years(header: Header, context: Context) -> None:
    """Read the fiscal years the header names: results and plans first (they name their
    era), then the 実績 column, whose bare 23年度 is read nearest the results year."""
    table = header.table
    for column in table.columns:
        if column.role in YEAR_ROLES:
            column.fiscal_year = fiscal_year_in(column.header, context.era, context.reference_year)
    by_role: dict[Role, int | None] = {
        c.role: c.fiscal_year for c in table.columns if c.fiscal_year
    }
    table.results_fiscal_year = by_role.get(Role.COUNCIL_RESULTS) or by_role.get(Role.CITY_RESULTS)
    table.plans_fiscal_year = by_role.get(Role.COUNCIL_PLANS) or by_role.get(Role.CITY_PLANS)
    reference = table.results_fiscal_year or context.reference_year
    actual_years = []
    for column in table.columns:
        if column.role == Role.ACTUAL:
            column.fiscal_year = fiscal_year_in(column.header, context.era, reference)
            actual_years.append(column.fiscal_year)
    # One 実績 column per year so far in a plan's later packets: the report year's is the
    # actual; without it, the latest year's (and the headers are warned about below).
    known = [year for year in actual_years if year]
    if table.results_fiscal_year in known:
        by_role[Role.ACTUAL] = table.results_fiscal_year
    elif known:
        by_role[Role.ACTUAL] = max(known)
    table.actual_fiscal_year = by_role.get(Role.ACTUAL) or table.results_fiscal_year
    pairs = (
        (Role.COUNCIL_RESULTS, Role.CITY_RESULTS, "the results of the council and the city"),
        (Role.COUNCIL_PLANS, Role.CITY_PLANS, "the plans of the council and the city"),
        (Role.ACTUAL, None, "the actual and the results"),
    )
    for first, second, what in pairs:
        a = by_role.get(first)
        b = by_role.get(second) if second else table.results_fiscal_year
        if a and b and a != b:
            header.warnings.append(
                _warning(
                    table.line,
                    table.page,
                    WarningCode.HEADER_YEAR_MISMATCH,
                    what=what,
                    years=f"{a}, {b}",
                    used=a,
                )
            )


@dataclass
class Subheader:
    """A table with the years of its 計画目標 sub-header read, and what did not fit."""

    table: TableLayout
    placed: int  # sub-header cells read as years
    unmapped: list[Cell] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)


def read_subheader(table: TableLayout, cells: list[Cell], context: Context) -> Subheader | None:
    """Given a table and the cells of the row after its header, return the table with the
    計画目標 years (21 / 25) if that row holds them, else None. The two years are read as
    one range, in the eras that make it run forward."""
    start = table.targets_start
    # A dash alone (an empty shaded cell a scan read as '—') does not make the row data.
    stray = [c for c in cells if is_dash(c.text)]
    cells = [c for c in cells if not is_dash(c.text)]
    tokens = [year_token(c.text) for c in cells]
    if start is None or not cells or any(t is None for t in tokens):
        return None
    if any(c.column < start for c in cells):
        return None
    ordered = sorted(zip(cells, tokens, strict=True), key=lambda item: item[0].column)
    reference = table.results_fiscal_year or table.actual_fiscal_year or context.reference_year
    found = [token for _, token in ordered[:2] if token is not None]
    years: list[int | None] = [None, None]
    result = Subheader(replace(table, columns=[replace(c) for c in table.columns]), 0)
    if len(found) == 2:
        span = resolve_range(found[0], found[1], reference, context.era)
        years = [span.start, span.end]
        if span.reversed:
            raw = "~".join(clean(cell.text) for cell, _ in ordered[:2])
            result.warnings.append(
                _warning(cells[0].line, cells[0].page, WarningCode.YEAR_RANGE_REVERSED, raw=raw)
            )
    elif found:
        years[0] = resolve_year(found[0], reference, context.era)
    new = result.table
    new.subheader_line = cells[0].line
    for position, (cell, token) in enumerate(ordered):
        column = new.columns[cell.column]
        if position < 2:
            column.role = (Role.PLAN, Role.TARGET)[position]
            column.fiscal_year, column.subheader = years[position], clean(cell.text)
            result.placed += 1
        elif token is not None and (
            column.role == Role.EXTRA or (column.role == Role.ACTUAL and not column.fiscal_year)
        ):
            # A year under 実績 (one 実績 header over a column per year): that column's year.
            column.role, column.subheader = Role.ACTUAL, clean(cell.text)
            column.fiscal_year = resolve_year(token, reference, context.era)
            result.placed += 1
        else:
            result.unmapped.append(cell)
            result.warnings.append(
                _warning(cell.line, cell.page, WarningCode.UNEXPECTED_SUBHEADER, text=cell.text)
            )
    for cell in stray:
        result.unmapped.append(cell)
        result.warnings.append(
            _warning(cell.line, cell.page, WarningCode.SUBHEADER_DASH, text=cell.text)
        )
    new.plan_fiscal_year, new.target_fiscal_year = years
    _actual_year(new)
    for column in new.columns:
        if column.role == Role.ACTUAL:
            column.fiscal_year = column.fiscal_year or new.actual_fiscal_year
    return result


def _actual_year(table: TableLayout) -> None:
    """Given a table whose 実績 columns know their years, set its actual's year: the report
    year's column, else the latest (a packet of a plan's later years has one per year)."""
    known = [c.fiscal_year for c in table.columns if c.role == Role.ACTUAL and c.fiscal_year]
    if table.results_fiscal_year in known:
        table.actual_fiscal_year = table.results_fiscal_year
    elif known:
        table.actual_fiscal_year = max(known)


def unknown_column_warnings(
    found: list[UnknownColumn], source_format: str
) -> list[ExtractionWarning]:
    """Given every unknown header of a packet, return one warning per distinct header,
    naming each table it heads: by line (text), page (PDF) or header cell (workbook)."""
    by_header: dict[str, list[UnknownColumn]] = {}
    for unknown in found:
        by_header.setdefault(unknown.header, []).append(unknown)
    warnings = []
    for header, places in by_header.items():
        first = places[0]
        if source_format in ("xlsx", "xls"):
            kind, where = "cell", [p.ref or "" for p in places]
        elif source_format == "pdf":
            kind, where = "page", list(dict.fromkeys(str(p.page) for p in places))
        else:
            kind, where = "line", [str(p.line) for p in places]
        kind += "s" if len(where) > 1 else ""
        warning = ExtractionWarning.make(
            WarningCode.UNKNOWN_COLUMN,
            {
                "header": header,
                "column": first.column + 1,
                "count": len(places),
                "kind": kind,
                "places": ", ".join(where),
            },
            line=first.line,
            page=first.page,
        )
        warnings.append(warning)
    return warnings


def packet_plan_period(tables: list[TableLayout], cover: PlanPeriod | None) -> PlanPeriod | None:
    """Given a packet's tables, return the plan period most of those stating one agree on,
    else the one its cover states."""
    stated = Counter(
        (t.plan_fiscal_year, t.target_fiscal_year)
        for t in tables
        if t.plan_fiscal_year and t.target_fiscal_year
    )
    if stated:
        (start, end), _count = stated.most_common(1)[0]
        assert start is not None and end is not None
        return PlanPeriod(start, end, "the other tables")
    return cover


def fill_plan_period(
    tables: list[TableLayout], cover: PlanPeriod | None
) -> list[ExtractionWarning]:
    """Given a packet's tables and the plan period its cover states, give each table of
    targets without plan years of its own the packet's plan period, with a warning naming
    the table; return the warnings."""
    period = packet_plan_period(tables, cover)
    warnings: list[ExtractionWarning] = []
    for table in tables:
        if table.targets_start is None or table.plan_fiscal_year or table.target_fiscal_year:
            continue
        if period is None:
            continue
        table.plan_fiscal_year, table.target_fiscal_year = period.start, period.end
        for column in table.columns:
            if column.role == Role.PLAN:
                column.fiscal_year = period.start
            elif column.role == Role.TARGET:
                column.fiscal_year = period.end
        warnings.append(
            _warning(
                table.line,
                table.page,
                WarningCode.PLAN_PERIOD_ASSUMED,
                start=period.start,
                end=period.end,
                source=period.source,
            )
        )
    return warnings
