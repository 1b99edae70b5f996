"""The flat tables every export shares: their fields, keys, and rows from datasets.

One definition feeds the CSV files, the SQLite database and the Data Package's Table
Schemas, so the three never disagree on names, types or keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from extractor.errors import DatasetError
from extractor.i18n import N_, FiscalYear
from extractor.models import Activity, Dataset
from extractor.years.order import by_year, packet_year

Row = dict[str, Any]


FieldType = Literal["string", "integer", "number", "boolean", "date", "array", "object"]


@dataclass(frozen=True)
class Field:
    """A column of a flat table: its name, Table Schema type and description."""

    name: str
    type: FieldType
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
    columns: tuple[Field, ...]
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
        Field("fiscal_year", "integer", "The packet's fiscal year (平成24年度 = 2012)"),
        Field("report_fiscal_year", "integer", "Fiscal year the results report on"),
        Field("next_fiscal_year", "integer", "Fiscal year of the next-year plans"),
        Field("plan_fiscal_year", "integer", "Plan start year"),
        Field("target_fiscal_year", "integer", "Plan target year"),
        Field("title", "string"),
        Field("date", "date"),
        Field("issuers", "array"),
        Field("source_path", "string"),
        Field("source_format", "string"),
        Field("source_sha256", "string"),
        Field("activities", "integer", "Number of activities"),
        Field("warnings", "integer", "Number of warnings"),
    ),
    ("fiscal_year",),
)

ACTIVITY_COLUMNS = (
    Field("fiscal_year", "integer", "The packet's fiscal year"),
    Field(
        "key",
        "string",
        "The activity's series in the crosswalk: the same activity has the same key every year",
    ),
    Field("id", "string", "Position in the packet: basic.activity.n"),
    Field("basic_goal", "integer"),
    Field("basic_goal_title", "string"),
    Field("activity_goal", "integer"),
    Field("activity_goal_title", "string"),
    Field("name", "string"),
    Field("name_raw", "string"),
    Field("status", "string", "continuing or new"),
    Field("description", "string"),
    Field("roles_heading", "string"),
    Field("roles", "array"),
    Field("council_efforts", "array", "市社協: plan-period efforts"),
    Field("council_results", "array", "市社協: report-year results"),
    Field("council_plans", "array", "市社協: next-year plans"),
    Field("departments", "array"),
    Field("schedule", "string", "年次計画 as written"),
    Field("schedule_start", "integer"),
    Field("schedule_end", "integer"),
    Field("extra", "object", "Columns the tool does not know: header → the activity's text"),
    Field("source_lines", "array"),
    Field("source_pages", "array"),
)

ACTIVITIES = TableDef(
    "activities",
    "One row per activity and fiscal year",
    ACTIVITY_COLUMNS,
    ("fiscal_year", "key"),
    (PACKET_REF,),
)

TARGET_COLUMNS = (
    Field("position", "integer", "Order of the target within the activity, from 1"),
    Field("label", "string"),
    Field("unit", "string"),
    Field("kind", "string", "numeric, qualitative or none"),
    Field("text", "string", "Qualitative target text"),
    Field("plan_fiscal_year", "integer"),
    Field("plan_value", "number"),
    Field("plan_raw", "string"),
    Field("target_fiscal_year", "integer"),
    Field("target_value", "number"),
    Field("target_raw", "string"),
    Field("actual_fiscal_year", "integer", "The report year (every year's: the actuals table)"),
    Field("actual_value", "number"),
    Field("actual_raw", "string"),
    Field("plan_qualifier", "string", "The word the figure is written with: 約, 以上, 年…"),
    Field("target_qualifier", "string"),
    Field("actual_qualifier", "string"),
    Field(
        "readings",
        "object",
        "Figures the packet gives two readings for: slot → each reading as written",
    ),
)

TARGETS = TableDef(
    "targets",
    "One row per target of an activity",
    (ACTIVITY_COLUMNS[0], ACTIVITY_COLUMNS[1], *TARGET_COLUMNS),
    ("fiscal_year", "key", "position"),
    (ACTIVITY_REF,),
)

TARGET_REF = ForeignKey(
    ("fiscal_year", "key", "position"), "targets", ("fiscal_year", "key", "position")
)
ACTUALS = TableDef(
    "actuals",
    "One row per actual a packet gives for a target: a packet of a plan's later years may "
    "give one per year so far",
    (
        ACTIVITY_COLUMNS[0],
        ACTIVITY_COLUMNS[1],
        Field("position", "integer", "The target's position within the activity"),
        Field("ordinal", "integer", "Order within the target's actuals, oldest first, from 1"),
        Field("actual_fiscal_year", "integer", "The fiscal year the actual is of"),
        Field("value", "number"),
        Field("raw", "string"),
        Field("unit", "string"),
        Field("qualifier", "string"),
        Field("readings", "array", "Two or more readings of this one figure, as written"),
    ),
    ("fiscal_year", "key", "position", "ordinal"),
    (TARGET_REF,),
)

CITY_EFFORTS = TableDef(
    "city_efforts",
    "One row per item of the city's efforts, results and plans, per department entry",
    (
        ACTIVITY_COLUMNS[0],
        ACTIVITY_COLUMNS[1],
        Field("entry", "integer", "Department entry within the activity, from 1"),
        Field("department", "string", "担当課 as printed"),
        Field("departments", "array"),
        Field("part", "string", "efforts, results or plans"),
        Field("position", "integer", "Item within the part, from 1"),
        Field("text", "string"),
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
        Field("position", "integer", "Order within the activity, from 1"),
        Field("raw", "string"),
        Field("kind", "string", "date or range"),
        Field("date", "date"),
        Field("end", "date"),
        Field("precision", "string"),
        Field("date_fiscal_year", "integer"),
        Field("year_inferred", "boolean"),
        Field("weekday", "string"),
        Field("weekday_matches", "boolean"),
        Field("field", "string"),
        Field("line", "integer"),
    ),
    ("fiscal_year", "key", "position"),
    (ACTIVITY_REF,),
)

TABLES = (PACKETS, ACTIVITIES, TARGETS, ACTUALS, CITY_EFFORTS, DATES)


class Rows:
    """Rows of the flat tables, each checked against its table's columns as it is added."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {table.name: [] for table in TABLES}

    def add(self, table: TableDef, **values: Any) -> Row:
        """Add a row to `table`; every declared column must be given, and nothing else."""
        given, declared = set(values), set(table.names)
        if given != declared:
            missing, extra = sorted(declared - given), sorted(given - declared)
            raise KeyError(f"{table.name} row: missing {missing}, unknown {extra}")
        row = {name: values[name] for name in table.names}
        self.tables[table.name].append(row)
        return row

    def __getitem__(self, name: str) -> list[Row]:
        return self.tables[name]


def _activity(rows: Rows, year: int, key: str, a: Activity) -> None:
    council = a.council
    rows.add(
        ACTIVITIES,
        fiscal_year=year,
        key=key,
        id=a.id,
        basic_goal=a.basic_goal.number,
        basic_goal_title=a.basic_goal.title,
        activity_goal=a.activity_goal.number,
        activity_goal_title=a.activity_goal.title,
        name=a.name,
        name_raw=a.name_raw,
        status=a.status,
        description=a.description,
        roles_heading=a.roles.heading,
        roles=a.roles.items,
        council_efforts=council.efforts if council else [],
        council_results=council.results if council else [],
        council_plans=council.plans if council else [],
        departments=a.departments,
        schedule=a.schedule.raw,
        schedule_start=a.schedule.start_fiscal_year,
        schedule_end=a.schedule.end_fiscal_year,
        extra=a.extra,
        source_lines=a.source.lines,
        source_pages=a.source.pages,
    )


def _targets(rows: Rows, year: int, key: str, a: Activity) -> None:
    for position, t in enumerate(a.targets, start=1):
        rows.add(
            TARGETS,
            fiscal_year=year,
            key=key,
            position=position,
            label=t.label,
            unit=t.unit,
            kind=t.kind,
            text=t.text,
            **{
                f"{slot}_{part}": getattr(getattr(t, slot), part)
                for slot in ("plan", "target", "actual")
                for part in ("fiscal_year", "value", "raw", "qualifier")
            },
            readings={
                slot: getattr(t, slot).readings
                for slot in ("plan", "target", "actual")
                if getattr(t, slot).readings
            },
        )
        for ordinal, actual in enumerate(t.actuals, start=1):
            rows.add(
                ACTUALS,
                fiscal_year=year,
                key=key,
                position=position,
                ordinal=ordinal,
                actual_fiscal_year=actual.fiscal_year,
                value=actual.value,
                raw=actual.raw,
                unit=actual.unit,
                qualifier=actual.qualifier,
                readings=actual.readings,
            )


def _city(rows: Rows, year: int, key: str, a: Activity) -> None:
    for entry, city in enumerate(a.city, start=1):
        for part in ("efforts", "results", "plans"):
            for position, text in enumerate(getattr(city, part), start=1):
                rows.add(
                    CITY_EFFORTS,
                    fiscal_year=year,
                    key=key,
                    entry=entry,
                    department=city.department,
                    departments=city.departments,
                    part=part,
                    position=position,
                    text=text,
                )


def _dates(rows: Rows, year: int, key: str, a: Activity) -> None:
    for position, d in enumerate(a.dates, start=1):
        rows.add(
            DATES,
            fiscal_year=year,
            key=key,
            position=position,
            raw=d.raw,
            kind=d.kind,
            date=d.date.isoformat() if d.date else None,
            end=d.end.isoformat() if d.end else None,
            precision=d.precision,
            date_fiscal_year=d.fiscal_year,
            year_inferred=d.year_inferred,
            weekday=d.weekday,
            weekday_matches=d.weekday_matches,
            field=d.field,
            line=d.line,
        )


def one_per_year(datasets: list[Dataset]) -> list[tuple[int, Dataset]]:
    """Given datasets, return them oldest first with their fiscal year, refusing two of one
    year: every export holds one packet per fiscal year."""
    found: list[tuple[int, Dataset]] = []
    seen: dict[int, str] = {}
    for dataset in by_year(datasets):
        year = packet_year(dataset)
        if year in seen:
            raise DatasetError(
                N_("{a} and {b} are both the {year} packet; export one dataset per fiscal year"),
                a=dataset.source.path,
                b=seen[year],
                year=FiscalYear(year),
            )
        seen[year] = dataset.source.path
        found.append((year, dataset))
    return found


def build_rows(datasets: list[Dataset], series: Callable[[Dataset], dict[str, str]]) -> Rows:
    """Given datasets (one per fiscal year) and each year's series by activity key (from the
    crosswalk), return every table's rows in a stable order, keyed on (fiscal_year, key)
    where `key` is the activity's series: the same activity shares it across years."""
    rows = Rows()
    for year, dataset in one_per_year(datasets):
        p = dataset.packet
        rows.add(
            PACKETS,
            fiscal_year=year,
            report_fiscal_year=p.report_fiscal_year,
            next_fiscal_year=p.next_fiscal_year,
            plan_fiscal_year=p.plan_fiscal_year,
            target_fiscal_year=p.target_fiscal_year,
            title=p.title,
            date=p.date.isoformat() if p.date else None,
            issuers=p.issuers,
            source_path=dataset.source.path,
            source_format=dataset.source.format,
            source_sha256=dataset.source.sha256,
            activities=len(dataset.activities),
            warnings=len(dataset.warnings),
        )
        keys = series(dataset)
        for a in dataset.activities:
            key = keys.get(a.key or a.id, a.key or a.id)
            _activity(rows, year, key, a)
            _targets(rows, year, key, a)
            _city(rows, year, key, a)
            _dates(rows, year, key, a)
    return rows
