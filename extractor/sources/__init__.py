"""Stage 1: turn a file (text export or PDF) into rows of cells with their provenance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import InputNotFoundError, InputTooLargeError, UnreadableInputError
from extractor.models import ExtractionWarning
from extractor.settings import ExtractSettings

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Box:
    """Where a cell sits on a PDF page, in PDF points from the top-left."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class SourceRow:
    """One row of cells as laid out in the source; `line` is the 1-based line or row ordinal."""

    line: int
    cells: tuple[str, ...]
    page: int | None = None
    boxes: tuple[Box | None, ...] | None = None
    # Columns whose text repeats a cell merged down from a row above (PDF row spans): the
    # cell belongs to this row too, but it is not another source cell.
    spanned: frozenset[int] = frozenset()

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)

    def where(self) -> str:
        """Where the row is, as a user finds it: page and row in a PDF, line in a text file."""
        return f"page {self.page}, row {self.line}" if self.page else f"line {self.line}"


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
    warnings: list[ExtractionWarning] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Given a path, return it relative to the working directory when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_bytes(path: Path, settings: ExtractSettings) -> bytes:
    """Given a path, return its bytes, refusing what is missing, a folder, or too large."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputNotFoundError(f"{path}: is a folder, not a packet file; give the .txt or .pdf")
    size = path.stat().st_size
    if size > settings.max_input_bytes:
        raise InputTooLargeError(
            f"{path}: {size:,} bytes is over the {settings.max_input_bytes:,}-byte limit; "
            "raise it with --max-bytes if the file is right"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableInputError(
            f"{path}: cannot read ({exc.strerror}); check permissions"
        ) from exc


def read_source(path: Path, settings: ExtractSettings) -> SourceDocument:
    """Given a packet file, return its rows of cells: PDF by its magic bytes, text otherwise."""
    data = read_bytes(path, settings)
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(PDF_MAGIC) or path.suffix.lower() == ".pdf":
        from extractor.sources.pdf import read_pdf

        document = read_pdf(path, data, digest, settings)
    else:
        from extractor.sources.tsv import read_tsv

        document = read_tsv(path, data, digest, settings)
    _check_cells(document, settings)
    return document


def _check_cells(document: SourceDocument, settings: ExtractSettings) -> None:
    """Refuse a document with a cell longer than the limit: no packet cell is that long."""
    limit = settings.max_cell_chars
    for row in document.rows:
        for column, text in enumerate(row.cells):
            if len(text) > limit:
                raise InputTooLargeError(
                    f"{document.path}: {row.where()}, column {column + 1}: a cell of {len(text):,} "
                    f"characters is over the {limit:,}-character limit; is this the right file? "
                    "Raise the limit with --max-cell-chars"
                )
