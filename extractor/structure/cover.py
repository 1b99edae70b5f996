"""What a packet says outside its tables: the era it writes in, its cover lines, page titles
and the 基本目標 / 活動目標 headings. Each is read by a pure function of its text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from extractor import eras
from extractor.normalize.dates import find_dates, parse_year_range
from extractor.normalize.text import clean, nfkc
from extractor.sources import SourceRow
from extractor.structure.headers import squeeze
from extractor.structure.layout import Cell, Cover, GoalRef, PlanPeriod

BASIC_GOAL = re.compile(r"^基本目標\s*(\d+)\s*[:：.．]?\s*(.*)$")
ACTIVITY_GOAL = re.compile(r"^活動目標\s*(\d+)\s*[:：.．]?\s*(.*)$")
REPORT_TITLE = re.compile(r"(実施状況報告|報告書?|[(（].*年度.*実績[)）])")
ERA_MENTION = re.compile(rf"({eras.names_pattern()})")
ERA_LETTER_YEAR = re.compile(rf"(?<![A-Za-z])([{eras.letters()}])\s?\d{{1,2}}[.年]")

Level = Literal["basic", "activity"]


def document_era(rows: Iterable[SourceRow]) -> str | None:
    """Given a document's rows, return the era its first era-marked year is written in (the
    era a year written without one most likely belongs to)."""
    for row in rows:
        for text in row.cells:
            match = ERA_MENTION.search(text)
            if match:
                return match.group(1)
            letter = ERA_LETTER_YEAR.search(nfkc(text))
            if letter:
                return eras.canonical(letter.group(1))
    return None


@dataclass(frozen=True)
class Heading:
    """A 基本目標 or 活動目標 heading."""

    level: Level
    goal: GoalRef


def read_heading(cell: Cell) -> Heading | None:
    """Given a cell alone on its row, return the goal heading it is, or None."""
    text = clean(cell.text)
    normalized = nfkc(text)
    for level, pattern in (("basic", BASIC_GOAL), ("activity", ACTIVITY_GOAL)):
        match = pattern.match(normalized)
        if match:
            # Keep the title as written (no NFKC): cut as many leading characters as matched.
            title = text[len(text) - len(match.group(2)) :].strip() if match.group(2) else ""
            goal = GoalRef(int(match.group(1)), title, text, cell.line, cell.page)
            return Heading(level, goal)  # type: ignore[arg-type]
    return None


def is_report_title(text: str) -> bool:
    """Given a line of text, return whether it reads as the packet's report title
    (…実施状況報告, （平成23年度実績）)."""
    return bool(REPORT_TITLE.search(text))


def is_page_title(cover: Cover, cell: Cell) -> bool:
    """Given the cover read so far and a cell alone on its row, return whether it repeats
    the report title (as a page title on every page does)."""
    report = cover.report_title
    return report is not None and squeeze(report.text) == squeeze(clean(cell.text))


def read_cover(cells: list[Cell]) -> Cover:
    """Given the lines before the first table or heading, in order, return the cover: the
    packet's fiscal year, its date, the report title, the issuers (lines after the date),
    and the title (the other lines)."""
    cover = Cover()
    for cell in cells:
        text = clean(cell.text)
        length = len(squeeze(text))
        whole = [d for d in find_dates(text) if len(squeeze(d.raw)) == length]
        if whole and whole[0].precision == "fiscal_year" and cover.fiscal_year is None:
            cover.fiscal_year = cell
        elif whole and whole[0].precision == "day" and cover.date is None:
            cover.date = cell
        elif is_report_title(text) and cover.report_title is None:
            cover.report_title = cell
        elif cover.date is not None:
            cover.issuers.append(cell)
        else:
            cover.title_parts.append(cell)
    return cover


PERIOD = re.compile(
    rf"(?P<a>(?:{eras.names_pattern()}|[{eras.letters()}])?\.?\s*(?:元|\d{{1,4}}))\s*年?度?\s*"
    rf"[~〜\-–]\s*(?P<b>(?:{eras.names_pattern()}|[{eras.letters()}])?\.?\s*(?:元|\d{{1,4}}))\s*年度"
)


def cover_plan_period(
    lines: list[Cell], era: str | None, reference: int | None
) -> PlanPeriod | None:
    """Given the cover's lines, return the plan period one of them states (平成21年度～25年度,
    H21~H25年度), read forward in the eras nearest the packet's year."""
    for cell in lines:
        match = PERIOD.search(nfkc(clean(cell.text)))
        if match:
            span = parse_year_range(f"{match.group('a')}~{match.group('b')}", reference, era)
            if span and span.start and span.end and not span.reversed:
                return PlanPeriod(span.start, span.end, "the cover")
    return None


def cover_fiscal_year(cover: Cover) -> int | None:
    """Given a cover, return the fiscal year its fiscal-year line names."""
    if cover.fiscal_year is None:
        return None
    found = [d for d in find_dates(clean(cover.fiscal_year.text)) if d.fiscal_year]
    return found[0].fiscal_year if found else None
