"""Stage for other tools: CSV for spreadsheets, JSON Lines, SQLite, a Frictionless Data Package.

Every format is declared once in FORMATS (its writer, what it writes and where by default);
the command line offers exactly these. Activities are keyed on their series from the
crosswalk, so one activity has one key in every year, and every writer replaces its output
whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from extractor.i18n import N_

if TYPE_CHECKING:
    from extractor.models import Dataset

Writes = Literal["file", "folder"]
SeriesOf = Callable[["Dataset"], dict[str, str]]


@dataclass(frozen=True)
class ExportFormat:
    """An export format: its name, what it writes, its default output and how to write it."""

    name: str
    writes: Writes
    default: str
    help: str
    write: Callable[[list[Dataset], SeriesOf, Path, bool], list[Path]]


def _csv(datasets: list[Dataset], series: SeriesOf, output: Path, raw: bool) -> list[Path]:
    from extractor.export.flat import build_rows
    from extractor.export.spreadsheet import write_csv

    return write_csv(build_rows(datasets, series), output, raw)


def _jsonl(datasets: list[Dataset], series: SeriesOf, output: Path, raw: bool) -> list[Path]:
    from extractor.export.jsonl import write_jsonl

    return write_jsonl(datasets, series, output)


def _sqlite(datasets: list[Dataset], series: SeriesOf, output: Path, raw: bool) -> list[Path]:
    from extractor.export.flat import build_rows
    from extractor.export.sqlite import write_sqlite

    return write_sqlite(build_rows(datasets, series), output)


def _datapackage(datasets: list[Dataset], series: SeriesOf, output: Path, raw: bool) -> list[Path]:
    from extractor.export.datapackage import write_datapackage
    from extractor.export.flat import build_rows

    return write_datapackage(build_rows(datasets, series), output)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "csv",
            "folder",
            "export",
            N_("activities, targets and dates CSVs for spreadsheets"),
            _csv,
        ),
        ExportFormat("jsonl", "file", "activities.jsonl", N_("one activity per line"), _jsonl),
        ExportFormat("sqlite", "file", "data.db", N_("one SQLite database"), _sqlite),
        ExportFormat(
            "datapackage",
            "folder",
            "datapackage",
            N_("a Frictionless Data Package"),
            _datapackage,
        ),
    )
}


def export(
    datasets: list[Dataset],
    series: SeriesOf,
    format: str,
    output: Path | None = None,
    raw_cells: bool = False,
) -> list[Path]:
    """Given datasets, each year's series by activity key, a format and an output (a folder
    for csv and datapackage), write the export and return the files written."""
    chosen = FORMATS[format]
    return chosen.write(datasets, series, output or Path(chosen.default), raw_cells)
