"""The dates written in an activity's cells, each read in its column's fiscal year, and
the warnings a date gives: no year to be had, or a weekday that does not fit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from extractor.models import DateMention
from extractor.normalize.dates import WEEKDAYS, DateContext, FoundDate, find_dates
from extractor.problems import WarningArg, WarningCode
from extractor.structure.layout import ActivityRecord, Cell, Layout, TableLayout
from extractor.vocabulary import DATED_ROLES, Role

Warn = Callable[..., None]


def _date_context(role: Role, table: TableLayout, layout: Layout) -> DateContext:
    reference = table.results_fiscal_year or layout.reference_year
    if role in (Role.COUNCIL_RESULTS, Role.CITY_RESULTS):
        return DateContext(table.results_fiscal_year, layout.era, reference)
    if role in (Role.COUNCIL_PLANS, Role.CITY_PLANS):
        return DateContext(table.plans_fiscal_year, layout.era, reference)
    if role == Role.ACTUAL:
        return DateContext(table.actual_fiscal_year, layout.era, reference)
    return DateContext(None, layout.era, reference)


def _weekday_fit(month: int, day: int, weekday: str, around: int) -> str | None:
    """Given a month, day and written weekday, return the nearby date the weekday fits."""
    for year in (around - 1, around + 1, around - 2, around + 2):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if WEEKDAYS[candidate.weekday()] == weekday:
            return candidate.isoformat()
    return None


def date_mentions(record: ActivityRecord, layout: Layout, warn: Warn) -> list[DateMention]:
    """Given an activity's record, return every date written in its cells, each read in the
    fiscal year of its column; `warn(code, cell, **args)` is told of each date to check."""
    table = record.table
    mentions: list[DateMention] = []
    seen: set[tuple[str, str]] = set()
    for row in record.rows:
        for role, cell in row.cells:
            if role not in DATED_ROLES or (role.field, cell.text) in seen:
                continue
            field_name = role.field
            seen.add((field_name, cell.text))
            for found in find_dates(cell.text, _date_context(role, table, layout)):
                mentions.append(
                    DateMention(
                        raw=found.raw,
                        kind=found.kind,
                        date=found.date,
                        end=found.end,
                        precision=found.precision,
                        fiscal_year=found.fiscal_year,
                        era=found.era,
                        year_inferred=found.year_inferred,
                        weekday=found.weekday,
                        weekday_matches=found.weekday_matches,
                        field=field_name,
                        line=cell.line,
                        page=cell.page,
                    )
                )
                _check(found, field_name, cell, warn)
    return mentions


def _check(found: FoundDate, field_name: str, cell: Cell, warn: Warn) -> None:
    if found.date is None and found.precision in ("day", "month"):
        warn(WarningCode.DATE_YEAR_UNKNOWN, cell, raw=found.raw, field=field_name)
    if found.weekday_matches is False and found.date is not None:
        fits = None
        if found.month and found.day and found.weekday:
            fits = _weekday_fit(found.month, found.day, found.weekday, found.date.year)
        args: dict[str, WarningArg] = {
            "raw": found.raw,
            "field": field_name,
            "date": found.date.isoformat(),
            "how": "year taken from the column's fiscal year"
            if found.year_inferred
            else "year written",
            "actual": WEEKDAYS[found.date.weekday()],
            "written": found.weekday,
            "fits": fits or "no nearby year",
        }
        warn(WarningCode.WEEKDAY_MISMATCH, cell, **args)
