"""Pydantic models of the normalized dataset: the output contract other tools rely on.

Field names here are a public contract (the diff, exports and outside tools read them):
add fields freely, rename none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from extractor.i18n import Language, Words
from extractor.problems import WarningArg, WarningCode, render
from extractor.vocabulary import Role, Status

SCHEMA_VERSION = "3.2"

TargetKind = Literal["numeric", "qualitative", "none"]
DateKind = Literal["date", "range"]
DatePrecision = Literal["day", "month", "year", "fiscal_year"]
SourceFormat = Literal["tsv", "pdf", "xlsx", "xls", "scan"]
Number = int | float


class Model(BaseModel):
    """Base for every output model: unknown fields are refused so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        # A large packet makes a hundred thousand models; each would keep a set of the
        # fields given to it (unused here). They share one set of all their field names
        # instead: pydantic only ever adds field names to it, which it already holds.
        object.__setattr__(self, "__pydantic_fields_set__", _all_fields(type(self)))


_FIELD_SETS: dict[type[BaseModel], set[str]] = {}


def _all_fields(model: type[BaseModel]) -> set[str]:
    found = _FIELD_SETS.get(model)
    if found is None:
        found = _FIELD_SETS[model] = set(model.model_fields)
    return found


class Source(Model):
    """Where a dataset came from."""

    path: str = Field(
        description="Input path relative to the working directory when the file is below it, "
        "else its name only"
    )
    sha256: str
    format: SourceFormat
    encoding: str | None = Field(description="Text encoding detected or forced; null for PDF")
    size: int = Field(description="Input size in bytes")
    lines: int | None = Field(default=None, description="Number of text lines (text exports)")
    pages: int | None = Field(default=None, description="Number of pages (PDF)")
    sheets: int | None = Field(default=None, description="Number of sheets (workbook)")


class Packet(Model):
    """What the cover and the table headers say about the packet as a whole."""

    title: str | None
    report_title: str | None = Field(
        description="The repeated page title, e.g. …実施状況報告（…実績）"
    )
    date: dt.date | None
    date_raw: str | None
    fiscal_year: int | None = Field(description="The packet's own fiscal year (平成24年度 = 2012)")
    fiscal_year_raw: str | None
    report_fiscal_year: int | None = Field(description="Fiscal year the results report on")
    next_fiscal_year: int | None = Field(description="Fiscal year of the next-year plans")
    plan_fiscal_year: int | None = Field(description="Plan start year (計画目標's first column)")
    target_fiscal_year: int | None = Field(
        description="Plan target year (計画目標's second column)"
    )
    issuers: list[str]


class Goal(Model):
    number: int
    title: str
    raw: str | None = Field(default=None, description="The heading as written")
    line: int | None = None
    page: int | None = None


class Roles(Model):
    heading: str | None = Field(description="The role column's heading in this table")
    items: list[str]


class Work(Model):
    """One actor's efforts for the plan period, results for the report year, plans for next year."""

    efforts: list[str] = Field(description="Plan-period efforts (…の取り組み)")
    results: list[str] = Field(description="Report-year results (…実施状況)")
    plans: list[str] = Field(description="Next-year plans (…実施予定)")


class CityWork(Work):
    department: str | None = Field(
        description="The 担当課 cell's departments joined with 、 (none for a dash)"
    )
    departments: list[str] = Field(description="Departments named in the 担当課 cell")


class Schedule(Model):
    raw: str | None
    start_fiscal_year: int | None
    end_fiscal_year: int | None


class TargetSlot(Model):
    fiscal_year: int | None
    value: Number | None
    raw: str | None = Field(
        description="Source text the value was read from; '—' for none; null when the packet "
        "gives two readings (see `readings`)"
    )
    unit: str | None = Field(default=None, description="Unit written next to this value")
    qualifier: str | None = Field(
        default=None,
        description="A word the figure is written with: 約 or 概ね (about), 程度 or 前後 "
        "(around), 以上 or 超 (at least, over), 以下 or 未満 (at most, under), or a period "
        "such as 年 or 月 (per year, per month)",
    )
    readings: list[str] = Field(
        default_factory=list,
        description="When the packet gives two or more readings for this one figure (a figure "
        "and a dash, say): each as written, in order; the value is then left empty",
    )


class Target(Model):
    label: str | None
    unit: str | None
    kind: TargetKind
    text: str | None = Field(default=None, description="Qualitative target text, e.g. 随時実施")
    plan: TargetSlot
    target: TargetSlot
    actual: TargetSlot = Field(description="The actual of the report year")
    actuals: list[TargetSlot] = Field(
        default_factory=list,
        description="Every actual the packet gives, one per fiscal year, oldest first (the "
        "report year's too: a packet of a plan's later years may carry one 実績 column per year)",
    )
    raw: list[str] = Field(description="Every source cell this target was read from, in order")
    lines: list[int]


class DateMention(Model):
    raw: str
    kind: DateKind
    date: dt.date | None = Field(description="Start of the date, month, year or fiscal year")
    end: dt.date | None = Field(description="End of the range, month, year or fiscal year")
    precision: DatePrecision
    fiscal_year: int | None = Field(description="Fiscal year (April–March) the date falls in")
    era: str | None
    year_inferred: bool = Field(description="True when the year was not written in the text")
    weekday: str | None = Field(description="Weekday as written, e.g. 金")
    weekday_matches: bool | None = Field(description="Whether the written weekday fits the date")
    field: str = Field(description="Which field of the activity the date was found in")
    line: int | None
    page: int | None = None


class CellBox(Model):
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


class OcrRead(Model):
    """What text recognition read in one cell of a scan."""

    box: CellBox
    field: str = Field(description="The column the cell is in (its role: name, city.efforts…)")
    text: str = Field(description="The text as read (before any correction)")
    confidence: float = Field(
        description="The recognizer's lowest confidence over the cell's lines, 0–1"
    )
    corrected_to: str | None = Field(
        default=None,
        description="The text used instead, when what was read was corrected against the "
        "previous year's dataset or the packet's fixed wording (warned as ocr_corrected)",
    )


class Provenance(Model):
    lines: list[int] = Field(description="Lines (text), rows in reading order (PDF, workbook)")
    pages: list[int] = Field(default_factory=list, description="Pages (PDF), sheets (workbook)")
    boxes: list[CellBox] = Field(default_factory=list)
    cells: list[str] = Field(
        default_factory=list,
        description="Workbook cells the activity was read from (基本目標1!E12)",
    )
    ocr: list[OcrRead] = Field(
        default_factory=list,
        exclude_if=lambda reads: not reads,
        description="For a scan: each cell of the activity as text recognition read it "
        "(absent for other formats)",
    )


class Activity(Model):
    id: str = Field(description="Stable within a packet: basic goal.activity goal.position")
    key: str | None = Field(
        default=None,
        description="Stable across years: from the name, or carried from the linked earlier year",
    )
    basic_goal: Goal
    activity_goal: Goal
    name: str | None
    name_raw: str | None
    status: Status | None
    description: str | None
    roles: Roles
    council: Work | None = Field(
        description="市社協 (social welfare council); null if no such columns"
    )
    city: list[CityWork]
    departments: list[str]
    schedule: Schedule
    targets: list[Target]
    dates: list[DateMention]
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="Columns the tool does not know: header text → the activity's text under "
        "it (rows joined by line breaks), in column order",
    )
    source: Provenance


class Heading(Model):
    """A 基本目標 or 活動目標 heading as read, whether or not activities follow it."""

    level: Literal["basic", "activity"]
    number: int
    title: str
    basic_goal: int | None = Field(description="For an 活動目標, the number of its 基本目標")
    raw: str
    line: int | None
    page: int | None = None


class ExtractionWarning(Model):
    """A problem found in the packet: the value is kept or left empty, and a person checks it."""

    code: WarningCode
    message: str = Field(description="What happened, in English (people read it translated)")
    line: int | None = None
    page: int | None = None
    activity: str | None = Field(default=None, description="Activity id, where one applies")
    cell: str | None = Field(
        default=None, description="In a workbook, the row it is about (基本目標1!12:12)"
    )
    args: dict[str, WarningArg] = Field(
        default_factory=dict, description="The values the message was made from"
    )

    @classmethod
    def of(
        cls,
        code: WarningCode,
        *,
        line: int | None = None,
        page: int | None = None,
        activity: str | None = None,
        **args: WarningArg,
    ) -> ExtractionWarning:
        """Given a code and its message's arguments, return the warning, message in English."""
        return cls.make(code, args, line=line, page=page, activity=activity)

    @classmethod
    def make(
        cls,
        code: WarningCode,
        args: dict[str, WarningArg],
        *,
        line: int | None = None,
        page: int | None = None,
        activity: str | None = None,
    ) -> ExtractionWarning:
        """Like `of`, with the arguments as a dict."""
        return cls(
            code=code,
            message=render(code, args, "en"),
            line=line,
            page=page,
            activity=activity,
            args=args,
        )

    def text(self, language: Language) -> str:
        """Return the message in a language."""
        return render(self.code, self.args, language)

    def place(self, source_format: str, w: Words, nowhere: str = "—") -> str:
        """Where the warning points in its packet (read from a source of `source_format`),
        as the reader finds it there: the workbook's sheet and row, the page (and row) of
        a PDF or a scan, the line of a text export."""
        if self.cell:
            return self.cell
        if self.page and source_format in ("pdf", "scan"):
            if self.line is None:
                return w._("page {page}").format(page=self.page)
            return w._("page {page}, row {row}").format(page=self.page, row=self.line)
        if self.line:
            return w._("line {line}").format(line=self.line)
        return nowhere


class UnmappedCell(Model):
    line: int | None
    column: int
    text: str
    page: int | None = None


class Column(Model):
    index: int
    header: str
    subheader: str | None = Field(default=None, description="Second header row, e.g. 21 / 25")
    role: Role = Field(
        description="What the column holds: `extra` for target cells past 実績 under no "
        "header, `other` for a header the tool does not know (kept under `extra`), `unknown` "
        "for a column with no header"
    )
    fiscal_year: int | None = None


class Table(Model):
    line: int | None
    subheader_line: int | None = None
    page: int | None = None
    basic_goal: int | None
    activity_goal: int | None
    columns: list[Column]


class Coverage(Model):
    cells: int = Field(description="Non-empty source cells")
    mapped: int
    unmapped: int
    by_destination: dict[str, int] = Field(
        default_factory=dict,
        description="Where the cells went: cover, headings, headers, activities, realigned "
        "(a surplus dash dropped from a shifted row), unmapped",
    )


class Dataset(Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    packet: Packet
    goals: list[Heading]
    tables: list[Table]
    activities: list[Activity]
    warnings: list[ExtractionWarning]
    unmapped: list[UnmappedCell]
    coverage: Coverage


M = TypeVar("M", bound=BaseModel)


class Shared:
    """Equal small models built once per dataset and shared: a large packet holds thousands
    of identical goals, schedules, slots and columns, which are never changed once built."""

    def __init__(self) -> None:
        self._made: dict[tuple[Any, ...], BaseModel] = {}

    def get(self, model: type[M], **fields: Any) -> M:
        """Given a model class and its fields (hashable values), return the one instance."""
        key = (model, *((name, type(value), value) for name, value in fields.items()))
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = model(**fields)
        assert isinstance(found, model)
        return found
