"""What stage 1 hands on: a file read into rows of cells, each with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extractor.i18n import N_, Message
from extractor.models import ExtractionWarning


@dataclass(frozen=True, slots=True)
class Box:
    """Where a cell sits on a PDF page, in PDF points from the top-left."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of cells as laid out in the source; `line` is the 1-based line or row ordinal."""

    line: int
    cells: tuple[str, ...]
    page: int | None = None
    boxes: tuple[Box | None, ...] | None = None
    # Columns whose text repeats a cell merged down from a row above (PDF row spans): the
    # cell belongs to this row too, but it is not another source cell.
    spanned: frozenset[int] = frozenset()
    # For a workbook: the sheet's name and the row's number in it (`page` is the sheet's).
    sheet: str | None = None
    sheet_row: int | None = None

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)

    def where(self) -> Message:
        """Where the row is, as a user finds it: sheet and row in a workbook, page and row
        in a PDF, line in a text file."""
        if self.sheet is not None:
            return Message(N_("sheet {sheet}, row {row}"), sheet=self.sheet, row=self.sheet_row)
        if self.page:
            return Message(N_("page {page}, row {row}"), page=self.page, row=self.line)
        return Message(N_("line {line}"), line=self.line)

    def reference(self, column: int | None = None) -> str | None:
        """For a workbook row, return its cell reference (基本目標1!E12), or the whole row's
        (基本目標1!12:12) when no column is given; None for other sources."""
        if self.sheet is None or self.sheet_row is None:
            return None
        if column is None:
            return f"{self.sheet}!{self.sheet_row}:{self.sheet_row}"
        return f"{self.sheet}!{column_letter(column + 1)}{self.sheet_row}"


@dataclass
class SourceDocument:
    """A file read into rows: what every later stage starts from."""

    path: str
    format: str
    sha256: str
    size: int
    rows: list[SourceRow]
    encoding: str | None = None
    lines: int | None = None
    pages: int | None = None
    sheets: int | None = None
    warnings: list[ExtractionWarning] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Given a path, return it as stored in a dataset: relative to the working directory when
    the file lies below it, else its name only (never a path of the user's machine)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def column_letter(index: int) -> str:
    """Given a 1-based column number, return its letters (1 → A, 28 → AB)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_too_long(path: str, where: Message, column: int, length: int, limit: int) -> Message:
    """Given where a cell is and its length, return the message refusing it."""
    return Message(
        N_(
            "{path}: {where}, column {column}: a cell of {length:,} characters is over the "
            "{limit:,}-character limit; is this the right file? Raise the limit with "
            "--max-cell-chars"
        ),
        path=path,
        where=where,
        column=column + 1,
        length=length,
        limit=limit,
    )
