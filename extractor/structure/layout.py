"""What the table stage hands on: columns and their roles, tables, activity records and
the cover, each cell with the place it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.models import ExtractionWarning
from extractor.sources import Box, Read
from extractor.vocabulary import Role

__all__ = ["Role"]


@dataclass(frozen=True, slots=True)
class Cell:
    """A non-empty source cell and where it came from."""

    text: str
    line: int
    column: int
    page: int | None = None
    box: Box | None = None
    spanned: bool = False  # repeats a cell merged down from a row above (see SourceRow)
    header: str | None = None  # for a column the tool does not know: its header text
    ref: str | None = None  # in a workbook, the cell's reference (基本目標1!E12)
    year: int | None = None  # for a cell of a 実績 column: that column's fiscal year
    read: Read | None = None  # for a scan: what text recognition read there


@dataclass(frozen=True, slots=True)
class GoalRef:
    number: int
    title: str
    raw: str
    line: int
    page: int | None


@dataclass
class HeaderColumn:
    index: int
    header: str
    role: Role
    fiscal_year: int | None = None
    subheader: str | None = None


@dataclass(frozen=True)
class PlanPeriod:
    """A plan's start and target years, and where the packet states them."""

    start: int
    end: int
    source: str  # "the other tables" or "the cover"


@dataclass
class TableLayout:
    """A table's header: which column holds what, and the years the header names."""

    line: int
    page: int | None
    basic_goal: GoalRef | None
    activity_goal: GoalRef | None
    columns: list[HeaderColumn]
    subheader_line: int | None = None
    plan_fiscal_year: int | None = None
    target_fiscal_year: int | None = None
    results_fiscal_year: int | None = None
    plans_fiscal_year: int | None = None
    actual_fiscal_year: int | None = None

    def role_at(self, index: int) -> Role:
        if index < len(self.columns):
            return self.columns[index].role
        return Role.EXTRA if self.targets_start is not None else Role.UNKNOWN

    def index_of(self, role: Role) -> int | None:
        return next((c.index for c in self.columns if c.role == role), None)

    @property
    def targets_start(self) -> int | None:
        return self.index_of(Role.PLAN)

    @property
    def has(self) -> set[Role]:
        return {c.role for c in self.columns}

    @property
    def role_heading(self) -> str | None:
        return next((c.header for c in self.columns if c.role == Role.ROLES), None)


@dataclass(slots=True)
class MappedRow:
    """A data row with each non-empty cell assigned to the role of its column."""

    line: int
    page: int | None
    cells: list[tuple[Role, Cell]]

    def get(self, role: Role) -> list[Cell]:
        return [cell for r, cell in self.cells if r == role]

    def first(self, role: Role) -> Cell | None:
        return next((cell for r, cell in self.cells if r == role), None)


@dataclass
class ActivityRecord:
    """The rows of one activity: parts are repeats of the same name, each with its rows."""

    table: TableLayout
    parts: list[list[MappedRow]]
    name_cells: list[Cell] = field(default_factory=list)

    @property
    def rows(self) -> list[MappedRow]:
        return [row for part in self.parts for row in part]


@dataclass
class Cover:
    """What the cover pages and page titles say."""

    title_parts: list[Cell] = field(default_factory=list)
    fiscal_year: Cell | None = None
    date: Cell | None = None
    issuers: list[Cell] = field(default_factory=list)
    report_title: Cell | None = None
    page_titles: list[Cell] = field(default_factory=list)


@dataclass
class Layout:
    """The reconstructed packet: cover, tables and activity records, and what fit nowhere."""

    cover: Cover
    era: str | None
    tables: list[TableLayout]
    records: list[ActivityRecord]
    unmapped: list[Cell]
    warnings: list[ExtractionWarning]
    cell_count: int
    placed: dict[str, int] = field(default_factory=dict)
    # The year the packet is about (its report year, else its own), for years without an era.
    reference_year: int | None = None
    # Every 基本目標 / 活動目標 heading read: (level, heading, number of its 基本目標).
    headings: list[tuple[str, GoalRef, int | None]] = field(default_factory=list)
