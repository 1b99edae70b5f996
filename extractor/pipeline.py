"""The extraction pipeline in one place: source → cells → tables → activities → dataset."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

from extractor.activities import build_activities
from extractor.activities.corrections import correct_within
from extractor.models import (
    Activity,
    Column,
    Coverage,
    Dataset,
    ExtractionWarning,
    Heading,
    Packet,
    Shared,
    Source,
    Table,
    UnmappedCell,
)
from extractor.normalize.dates import DateContext, find_dates
from extractor.normalize.text import clean, remove_wrap_spaces
from extractor.problems import WarningCode
from extractor.settings import ExtractSettings
from extractor.sources import SourceDocument, read_source
from extractor.structure.layout import Layout, TableLayout
from extractor.structure.reconstruct import reconstruct


def extract(path: Path, settings: ExtractSettings | None = None) -> Dataset:
    """Given a packet file (text export or PDF), return its normalized dataset."""
    settings = settings or ExtractSettings()
    return extract_document(read_source(path, settings), settings, release_rows=True)


def extract_document(
    document: SourceDocument, settings: ExtractSettings, release_rows: bool = False
) -> Dataset:
    """Given a file read into rows, return its normalized dataset (the stages after the
    first). With `release_rows`, the document's rows are let go once read into the layout,
    before the models grow (a large packet then needs about half the memory)."""
    collecting = gc.isenabled()
    gc.disable()  # the stages make many objects and no cycles: collections are pure cost
    try:
        layout = reconstruct(document, settings)
        references = _references(document)
        if release_rows:
            document.rows = []
        activities, activity_warnings = build_activities(layout, settings)
        dataset = assemble(document, layout, activities, activity_warnings, references)
        return correct_within(dataset)  # a scan's unsure departments, by the packet itself
    finally:
        if collecting:
            gc.enable()


def _references(document: SourceDocument) -> dict[int, str]:
    """For a workbook, each row's reference (基本目標1!12:12) by its line, for warnings."""
    if document.format not in ("xlsx", "xls"):
        return {}
    return {row.line: ref for row in document.rows if (ref := row.reference()) is not None}


def _consensus(
    values: list[int | None], what: str, warnings: list[ExtractionWarning]
) -> int | None:
    """Given the years the tables name, return the common one, warning when they differ."""
    counted = Counter(v for v in values if v is not None)
    if not counted:
        return None
    common = counted.most_common(1)[0][0]
    if len(counted) > 1:
        listed = ", ".join(f"{year} ×{n}" for year, n in sorted(counted.items()))
        warnings.append(
            ExtractionWarning.of(
                WarningCode.HEADER_YEAR_MISMATCH, what=what, years=listed, used=common
            )
        )
    return common


def _packet(layout: Layout, warnings: list[ExtractionWarning]) -> Packet:
    cover, tables = layout.cover, layout.tables
    context = DateContext(era=layout.era)
    date = None
    if cover.date is not None:
        found = [d for d in find_dates(cover.date.text, context) if d.precision == "day"]
        date = found[0].date if found else None
    fiscal_year = None
    if cover.fiscal_year is not None:
        found = [d for d in find_dates(cover.fiscal_year.text, context) if d.fiscal_year]
        fiscal_year = found[0].fiscal_year if found else None
    report_fiscal_year = _consensus(
        [t.results_fiscal_year for t in tables], "the report year", warnings
    )
    if report_fiscal_year is None and cover.report_title is not None:
        found = [
            d for d in find_dates(cover.report_title.text, context) if d.precision == "fiscal_year"
        ]
        report_fiscal_year = found[0].fiscal_year if found else None
    title_parts = [remove_wrap_spaces(clean(c.text)) for c in cover.title_parts]
    plan = _consensus([t.plan_fiscal_year for t in tables], "the plan start", warnings)
    target = _consensus([t.target_fiscal_year for t in tables], "the plan target", warnings)
    if plan and target and report_fiscal_year and not plan <= report_fiscal_year <= target:
        warnings.append(
            ExtractionWarning.of(
                WarningCode.PLAN_PERIOD_MISMATCH, start=plan, end=target, year=report_fiscal_year
            )
        )
    return Packet(
        title=" ".join(title_parts) or None,
        report_title=clean(cover.report_title.text) if cover.report_title else None,
        date=date,
        date_raw=clean(cover.date.text) if cover.date else None,
        fiscal_year=fiscal_year,
        fiscal_year_raw=clean(cover.fiscal_year.text) if cover.fiscal_year else None,
        report_fiscal_year=report_fiscal_year,
        next_fiscal_year=_consensus(
            [t.plans_fiscal_year for t in tables], "the next-year plans", warnings
        ),
        plan_fiscal_year=plan,
        target_fiscal_year=target,
        issuers=[remove_wrap_spaces(clean(c.text)) for c in cover.issuers],
    )


def _table(table: TableLayout, shared: Shared) -> Table:
    return Table(
        line=table.line,
        subheader_line=table.subheader_line,
        page=table.page,
        basic_goal=table.basic_goal.number if table.basic_goal else None,
        activity_goal=table.activity_goal.number if table.activity_goal else None,
        columns=[
            shared.get(
                Column,
                index=c.index,
                header=c.header,
                subheader=c.subheader,
                role=c.role.value,
                fiscal_year=c.fiscal_year,
            )
            for c in table.columns
        ],
    )


def assemble(
    document: SourceDocument,
    layout: Layout,
    activities: list[Activity],
    activity_warnings: list[ExtractionWarning],
    references: dict[int, str] | None = None,
) -> Dataset:
    """Given every stage's result, return the dataset with its warnings in source order."""
    shared = Shared()
    warnings = [*document.warnings, *layout.warnings, *activity_warnings]
    packet = _packet(layout, warnings)
    warnings.sort(key=lambda w: (w.page or 0, w.line or 0))
    for warning in warnings:
        if references and warning.line in references:
            warning.cell = references[warning.line]
    unmapped = [
        UnmappedCell(line=c.line, column=c.column, text=c.text, page=c.page)
        for c in layout.unmapped
    ]
    return Dataset(
        source=Source(
            path=document.path,
            sha256=document.sha256,
            format=document.format,
            encoding=document.encoding,
            size=document.size,
            lines=document.lines,
            pages=document.pages,
            sheets=document.sheets,
        ),
        packet=packet,
        goals=[
            Heading(
                level=level,
                number=ref.number,
                title=ref.title,
                basic_goal=parent,
                raw=ref.raw,
                line=ref.line,
                page=ref.page,
            )
            for level, ref, parent in layout.headings
        ],
        tables=[_table(t, shared) for t in layout.tables],
        activities=activities,
        warnings=warnings,
        unmapped=unmapped,
        coverage=Coverage(
            cells=layout.cell_count,
            mapped=layout.cell_count - len(unmapped),
            unmapped=len(unmapped),
            by_destination=dict(sorted(layout.placed.items())),
        ),
    )


def debug_dump(path: Path, stage: str, settings: ExtractSettings) -> dict[str, object]:
    """Given a packet and a stage name, return that stage's intermediate result as plain data."""
    document = read_source(path, settings)
    if stage == "source":
        return {
            "path": document.path,
            "format": document.format,
            "encoding": document.encoding,
            "rows": [
                {"line": row.line, "page": row.page, "cells": list(row.cells)}
                for row in document.rows
                if not row.is_blank()
            ],
        }
    layout = reconstruct(document, settings)
    return {
        "tables": [_table(t, Shared()).model_dump(mode="json") for t in layout.tables],
        "records": [
            {
                "table_line": record.table.line,
                "parts": [
                    [
                        {"line": row.line, "cells": {r.value: c.text for r, c in row.cells}}
                        for row in part
                    ]
                    for part in record.parts
                ],
            }
            for record in layout.records
        ],
        "unmapped": [{"line": c.line, "column": c.column, "text": c.text} for c in layout.unmapped],
        "warnings": [w.model_dump(mode="json") for w in layout.warnings],
    }
