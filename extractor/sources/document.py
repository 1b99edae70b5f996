"""What stage 1 hands on: a file read into rows of cells, each with where it came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from extractor.errors import InputTooLargeError, UnreadableInputError
from extractor.i18n import N_, Message
from extractor.models import ExtractionWarning
from extractor.settings import MB, ExtractSettings


@dataclass(frozen=True, slots=True)
class Box:
    """Where a cell sits on a PDF page, in PDF points from the top-left."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


# A scanned cell whose least sure character is less sure than this is unsure: warned of
# (ocr_unsure), and open to correction against the year before. How sure a character is
# (`scan.japanese.sureness`): the recognizer's score of it, its forms one in NFKC counted
# together; a mark whose shape the image settles (an item's dot) as sure as that shape;
# a kana whose voicing nothing settled, a guess. On a clean scan of raw/h24.pdf, 235 of
# its 756 cells are unsure, each of the 4 read wrong among them (355 when every dot the
# recognizer doubted counted).
UNSURE_BELOW = 0.8


@dataclass(frozen=True, slots=True)
class Read:
    """What text recognition made of a scanned cell: its text, the recognizer's lowest
    confidence over the cell's lines (0–1), how many lines it had, and what it was read as
    when that was a misreading of the packet's printed wording (a header, a heading)."""

    text: str
    confidence: float
    lines: int = 1
    read_as: str | None = None  # what was read, when the text was put back to printed wording


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
    # For a scan: what was read in each cell (None where nothing was).
    reads: tuple[Read | None, ...] | None = None

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


# A row of a page before numbering: its top and left, cells, boxes and spanned columns.
Item = tuple[float, float, tuple[str, ...], tuple[Box | None, ...], frozenset[int]]
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


def table_items(
    grid: list[tuple[float, float, list[BBox | None]]],
    owner: dict[tuple[int, int], tuple[int, int]],
    texts: dict[tuple[int, int], str],
    page: int,
) -> list[Item]:
    """Given a table's rows (top, left, each grid position's cell box or None where a
    merged cell covers it), the cell that owns each grid position and each cell's text,
    return one item per row. A merged cell's text sits at its first row and column, as a
    text export writes it; a cell merged down belongs to each row it covers (spanned)."""
    items: list[Item] = []
    for i, (top, left, row) in enumerate(grid):
        cells: list[str] = []
        boxes: list[Box | None] = []
        spanned: set[int] = set()
        for j, bbox in enumerate(row):
            first = owner.get((i, j))
            if bbox is None and first is not None and first[1] == j and first[0] < i:
                # A cell merged down from row first[0]: it belongs to this row as well.
                cells.append(texts.get(first, ""))
                origin = grid[first[0]][2][j]
                boxes.append(Box(page, *origin) if origin else None)
                spanned.add(j)
                continue
            cells.append(texts.get((i, j), "") if bbox else "")
            boxes.append(Box(page, *bbox) if bbox else None)
        items.append((top, left, tuple(cells), tuple(boxes), frozenset(spanned)))
    return items


def page_order(rows: list[Item], lines: list[Item], tables: list[BBox]) -> list[Item]:
    """Given a page's table rows, its lines of text outside the tables and the tables'
    boxes, return them in reading order: by top, then left. Lines beside a table (their
    middle within the table's height: a note in the margin, a scanned punch hole) come
    after the table's last row, top to bottom, so that they do not cut its rows in two."""
    keyed = [((row[0], row[0], row[1]), row) for row in rows]
    for line in lines:
        top, left, _texts, boxes, _spanned = line
        box = boxes[0]
        middle = (box.top + box.bottom) / 2 if box else top
        beside = [bottom for _x0, table_top, _x1, bottom in tables if table_top < middle < bottom]
        keyed.append(((max(beside, default=top), top, left), line))
    return [item for _key, item in sorted(keyed, key=lambda pair: pair[0])]


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


def page_where(page: int) -> Message:
    """Where a page reader was when it stopped: a page, or opening the file (0)."""
    return Message(N_("page {page}"), page=page) if page else Message(N_("opening it"))


@dataclass(frozen=True)
class PageCount:
    """What a page reader's `run(0)` gives: the page count, and each page's weight in page
    order (how long it may take to read, in any unit; empty when not known)."""

    count: int
    weights: tuple[float, ...] = ()

    def order(self, pages: list[int]) -> list[int]:
        """Given page numbers, return them heaviest first (in their own order where the
        weights are equal or not known): the workers start on the long pages, and the short
        ones fill the gaps at the end instead of a long page running alone."""
        if len(self.weights) != self.count:
            return pages
        return sorted(pages, key=lambda n: -self.weights[n - 1])


class PageReader(Protocol):
    """What reads a file's pages in worker processes: `setup` once in each worker, then
    `run(0)` for the page count (`PageCount`) and `run(n)` for page n."""

    def setup(self) -> None: ...

    def run(self, number: int) -> Any: ...


# Why a worker stopped: given its page (0 while opening) and what stopped it, the error to
# tell the user.
WorkerError = Callable[[int, BaseException], Exception]


def read_pages(
    path: Path,
    reader: PageReader,
    seconds: float,
    settings: ExtractSettings,
    worker_error: WorkerError,
    budget_pages: bool = False,
    only: list[int] | None = None,
) -> list[Any]:
    """Given a file and its page reader, return what the reader made of each page (or of
    the pages numbered in `only`), in page order: read in worker processes (as many as
    `settings.jobs` and the pages allow), heaviest first (`PageCount.order`), each page
    within `seconds`, each worker within the memory cap; a file of more pages than the
    limit refused before any page is read.
    `budget_pages`: the run's own time budget grows by the pages' time (a scan's pages
    take seconds each)."""
    from extractor.workers import (
        Caps,
        Pool,
        TaskFailed,
        TaskOutOfMemory,
        TaskTimeout,
        WorkerDied,
        extend,
    )

    stopped = (TaskFailed, TaskTimeout, TaskOutOfMemory, WorkerDied)
    caps = Caps(task_seconds=seconds, memory_bytes=settings.max_memory)
    with Pool(reader.run, 1, caps, setup=reader.setup) as pool:
        try:
            (counted,) = pool.map([0])  # read to its end, so its worker stays (`Pool.map`)
        except stopped as exc:
            raise worker_error(0, exc) from exc
        assert isinstance(counted, PageCount)
        count = counted.count
        if count > settings.max_pdf_pages:
            raise InputTooLargeError(
                N_(
                    "{path}: {count} pages is over the {limit}-page limit; raise it with "
                    "--max-pages if the file is right"
                ),
                path=path,
                count=count,
                limit=settings.max_pdf_pages,
            )
        pages = list(range(1, count + 1)) if only is None else [n for n in only if 0 < n <= count]
        pool.processes = max(1, min(settings.jobs or 1, len(pages)))
        if budget_pages:
            extend(len(pages) * seconds / pool.processes)
        order = counted.order(pages)
        try:
            read = dict(zip(order, pool.map(order), strict=True))
        except stopped as exc:
            raise worker_error(order[getattr(exc, "index", 0)], exc) from exc
        return [read[n] for n in pages]


def worker_error(
    path: Path,
    page: int,
    error: BaseException,
    messages: tuple[str, str],
    seconds: float,
    memory: int,
    known: Callable[[BaseException, Message], Exception | None],
) -> Exception:
    """Given what stopped a page's worker, return the error to tell the user. `messages`:
    the format's words for a page that took more than `seconds` ({path}, {where},
    {seconds}) and for a worker that died ({path}, {where}, {reason}); past `memory` bytes,
    it says so; an error the reader raised is the format's own word for it where `known`
    (given the error and where) has one, and else itself."""
    from extractor.workers import TaskFailed, TaskOutOfMemory, TaskTimeout

    where = page_where(page)
    if isinstance(error, TaskTimeout):
        return InputTooLargeError(messages[0], path=path, where=where, seconds=seconds)
    if isinstance(error, TaskOutOfMemory):
        return out_of_memory(path, where, memory)
    if isinstance(error, TaskFailed) and isinstance(error.error, Exception):
        return known(error.error, where) or error.error
    return UnreadableInputError(messages[1], path=path, where=where, reason=error)


def out_of_memory(path: object, where: Message, limit: int) -> InputTooLargeError:
    """The error for a page reader that went past its memory cap (in bytes)."""
    return InputTooLargeError(
        N_(
            "{path}: {where} needed more than {limit:,} MB of memory to read; raise "
            "--max-memory if the file is right"
        ),
        path=path,
        where=where,
        limit=limit // MB,
    )
