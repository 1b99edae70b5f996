"""The flat tables every export shares: their fields, keys, and rows from datasets.

One definition feeds the CSV files, the SQLite database and the Data Package's Table
Schemas, so the three never disagree on names, types or keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractor.errors import DatasetError
from extractor.models import Activity, Dataset

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | integer | number | boolean | date | array | object
    description: str = ""


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class TableDef:
    name: str
    title: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


ACTIVITY_REF = ForeignKey(("fiscal_year", "key"), "activities", ("fiscal_year", "key"))
PACKET_REF = ForeignKey(("fiscal_year",), "packets", ("fiscal_year",))

PACKETS = TableDef(
    "packets",
    "One row per packet (one fiscal year)",
    (
        Column("fiscal_year", "integer", "The packet's fiscal year (平成24年度 = 2012)"),
        Column("report_fiscal_year", "integer", "Fiscal year the results report on"),
        Column("next_fiscal_year", "integer", "Fiscal year of the next-year plans"),
        Column("plan_fiscal_year", "integer", "Plan start year"),
        Column("target_fiscal_year", "integer", "Plan target year"),
        Column("title", "string"),
        Column("date", "date"),
        Column("issuers", "array"),
        Column("source_path", "string"),
        Column("source_format", "string"),
        Column("source_sha256", "string"),
        Column("activities", "integer", "Number of activities"),
        Column("warnings", "integer", "Number of warnings"),
    ),
    ("fiscal_year",),
)

ACTIVITY_COLUMNS = (
    Column("fiscal_year", "integer", "The packet's fiscal year"),
    Column("key", "string", "Stable across linked years"),
    Column("id", "string", "Position in the packet: basic.activity.n"),
    Column("basic_goal", "integer"),
    Column("basic_goal_title", "string"),
    Column("activity_goal", "integer"),
    Column("activity_goal_title", "string"),
    Column("name", "string"),
    Column("name_raw", "string"),
    Column("status", "string", "continuing or new"),
    Column("description", "string"),
    Column("roles_heading", "string"),
    Column("roles", "array"),
    Column("council_efforts", "array", "市社協: plan-period efforts"),
    Column("council_results", "array", "市社協: report-year results"),
    Column("council_plans", "array", "市社協: next-year plans"),
    Column("departments", "array"),
    Column("schedule", "string", "年次計画 as written"),
    Column("schedule_start", "integer"),
    Column("schedule_end", "integer"),
    Column("extra", "object", "Columns the tool does not know: header → the activity's text"),
    Column("source_lines", "array"),
    Column("source_pages", "array"),
)

ACTIVITIES = TableDef(
    "activities",
    "One row per activity and fiscal year",
    ACTIVITY_COLUMNS,
    ("fiscal_year", "key"),
    (PACKET_REF,),
)

TARGET_COLUMNS = (
    Column("position", "integer", "Order of the target within the activity, from 1"),
    Column("label", "string"),
    Column("unit", "string"),
    Column("kind", "string", "numeric, qualitative or none"),
    Column("text", "string", "Qualitative target text"),
    Column("plan_fiscal_year", "integer"),
    Column("plan_value", "number"),
    Column("plan_raw", "string"),
    Column("target_fiscal_year", "integer"),
    Column("target_value", "number"),
    Column("target_raw", "string"),
    Column("actual_fiscal_year", "integer"),
    Column("actual_value", "number"),
    Column("actual_raw", "string"),
)

TARGETS = TableDef(
    "targets",
    "One row per target of an activity",
    (ACTIVITY_COLUMNS[0], ACTIVITY_COLUMNS[1], *TARGET_COLUMNS),
    ("fiscal_year", "key", "position"),
    (ACTIVITY_REF,),
)

CITY_EFFORTS = TableDef(
    "city_efforts",
    "One row per item of the city's efforts, results and plans, per department entry",
    (
        ACTIVITY_COLUMNS[0],
        ACTIVITY_COLUMNS[1],
        Column("entry", "integer", "Department entry within the activity, from 1"),
        Column("department", "string", "担当課 as printed"),
        Column("departments", "array"),
        Column("part", "string", "efforts, results or plans"),
        Column("position", "integer", "Item within the part, from 1"),
        Column("text", "string"),
    ),
    ("fiscal_year", "key", "entry", "part", "position"),
    (ACTIVITY_REF,),
)

DATES = TableDef(
    "dates",
    "One row per date written in an activity",
    (
        ACTIVITY_COLUMNS[0],
        ACTIVITY_COLUMNS[1],
        Column("position", "integer", "Order within the activity, from 1"),
        Column("raw", "string"),
        Column("kind", "string", "date or range"),
        Column("date", "date"),
        Column("end", "date"),
        Column("precision", "string"),
        Column("date_fiscal_year", "integer"),
        Column("year_inferred", "boolean"),
        Column("weekday", "string"),
        Column("weekday_matches", "boolean"),
        Column("field", "string"),
        Column("line", "integer"),
    ),
    ("fiscal_year", "key", "position"),
    (ACTIVITY_REF,),
)

TABLES = (PACKETS, ACTIVITIES, TARGETS, CITY_EFFORTS, DATES)


def packet_year(dataset: Dataset) -> int:
    """Given a dataset, return the fiscal year that keys its rows."""
    packet = dataset.packet
    if packet.fiscal_year is not None:
        return packet.fiscal_year
    if packet.report_fiscal_year is not None:
        return packet.report_fiscal_year + 1
    raise DatasetError(
        f"{dataset.source.path}: the packet names no fiscal year; cannot key its rows"
    )


def activity_row(year: int, a: Activity) -> Row:
    council = a.council
    return {
        "fiscal_year": year,
        "key": a.key or a.id,
        "id": a.id,
        "basic_goal": a.basic_goal.number,
        "basic_goal_title": a.basic_goal.title,
        "activity_goal": a.activity_goal.number,
        "activity_goal_title": a.activity_goal.title,
        "name": a.name,
        "name_raw": a.name_raw,
        "status": a.status,
        "description": a.description,
        "roles_heading": a.roles.heading,
        "roles": a.roles.items,
        "council_efforts": council.efforts if council else [],
        "council_results": council.results if council else [],
        "council_plans": council.plans if council else [],
        "departments": a.departments,
        "schedule": a.schedule.raw,
        "schedule_start": a.schedule.start_fiscal_year,
        "schedule_end": a.schedule.end_fiscal_year,
        "extra": a.extra,
        "source_lines": a.source.lines,
        "source_pages": a.source.pages,
    }


def target_rows(year: int, a: Activity) -> list[Row]:
    rows = []
    for position, t in enumerate(a.targets, start=1):
        rows.append(
            {
                "fiscal_year": year,
                "key": a.key or a.id,
                "position": position,
                "label": t.label,
                "unit": t.unit,
                "kind": t.kind,
                "text": t.text,
                **{
                    f"{slot}_{part}": getattr(getattr(t, slot), attribute)
                    for slot in ("plan", "target", "actual")
                    for part, attribute in (
                        ("fiscal_year", "fiscal_year"),
                        ("value", "value"),
                        ("raw", "raw"),
                    )
                },
            }
        )
    return rows


def build_rows(datasets: list[Dataset]) -> dict[str, list[Row]]:
    """Given datasets (one per fiscal year), return every table's rows in a stable order."""
    tables: dict[str, list[Row]] = {table.name: [] for table in TABLES}
    seen: dict[int, str] = {}
    for dataset in sorted(datasets, key=packet_year):
        year = packet_year(dataset)
        if year in seen:
            raise DatasetError(
                f"{dataset.source.path} and {seen[year]} are both the FY{year} packet; "
                "export one dataset per fiscal year"
            )
        seen[year] = dataset.source.path
        p = dataset.packet
        tables["packets"].append(
            {
                "fiscal_year": year,
                "report_fiscal_year": p.report_fiscal_year,
                "next_fiscal_year": p.next_fiscal_year,
                "plan_fiscal_year": p.plan_fiscal_year,
                "target_fiscal_year": p.target_fiscal_year,
                "title": p.title,
                "date": p.date.isoformat() if p.date else None,
                "issuers": p.issuers,
                "source_path": dataset.source.path,
                "source_format": dataset.source.format,
                "source_sha256": dataset.source.sha256,
                "activities": len(dataset.activities),
                "warnings": len(dataset.warnings),
            }
        )
        for a in dataset.activities:
            key = a.key or a.id
            tables["activities"].append(activity_row(year, a))
            tables["targets"].extend(target_rows(year, a))
            for entry, city in enumerate(a.city, start=1):
                for part in ("efforts", "results", "plans"):
                    for position, text in enumerate(getattr(city, part), start=1):
                        tables["city_efforts"].append(
                            {
                                "fiscal_year": year,
                                "key": key,
                                "entry": entry,
                                "department": city.department,
                                "departments": city.departments,
                                "part": part,
                                "position": position,
                                "text": text,
                            }
                        )
            for position, d in enumerate(a.dates, start=1):
                tables["dates"].append(
                    {
                        "fiscal_year": year,
                        "key": key,
                        "position": position,
                        "raw": d.raw,
                        "kind": d.kind,
                        "date": d.date.isoformat() if d.date else None,
                        "end": d.end.isoformat() if d.end else None,
                        "precision": d.precision,
                        "date_fiscal_year": d.fiscal_year,
                        "year_inferred": d.year_inferred,
                        "weekday": d.weekday,
                        "weekday_matches": d.weekday_matches,
                        "field": d.field,
                        "line": d.line,
                    }
                )
    return tables
