"""What each command does, as library functions: the command line parses options, calls one
of these, and renders what it returns."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.errors import DatasetError, ExtractorError
from extractor.i18n import Language, _
from extractor.models import Dataset
from extractor.settings import ExtractSettings
from extractor.years.year import CROSSWALK_FILE, Year, digest

if TYPE_CHECKING:
    from extractor.years.crosswalk import Crosswalk, Step
    from extractor.years.diff import Diff


@dataclass
class Outcome:
    """What extracting one packet gave: its dataset and JSON, or what stopped it."""

    path: Path
    target: Path | None
    dataset: Dataset | None = None
    json: list[bytes] | None = None  # the dataset's JSON, in pieces (see dataset_json)
    error: ExtractorError | None = None
    internal: str | None = field(default=None, repr=False)  # traceback of a bug of ours

    @property
    def ok(self) -> bool:
        return self.dataset is not None


def default_jobs(count: int) -> int:
    """Given the number of inputs (or pages), return how many processes to use."""
    return max(1, min(count, os.cpu_count() or 1))


def _extract_one(job: tuple[Path, Path | None, ExtractSettings]) -> Outcome:
    from extractor.output import dataset_json
    from extractor.pipeline import extract

    path, target, settings = job
    try:
        dataset = extract(path, settings)
        return Outcome(path, target, dataset, dataset_json(dataset))
    except ExtractorError as exc:
        return Outcome(path, target, error=exc, internal=traceback.format_exc())
    except Exception:  # a bug of ours: reported as such, with the traceback kept
        return Outcome(path, target, internal=traceback.format_exc())


def extract_files(
    jobs: list[tuple[Path, Path | None]], settings: ExtractSettings, processes: int
) -> Iterator[Outcome]:
    """Given (packet, output file or None for stdout) pairs, yield their outcomes in input
    order: several packets in worker processes, one PDF's pages in parallel instead."""
    if len(jobs) <= 1 or processes <= 1:
        single = settings.model_copy(update={"jobs": processes}) if len(jobs) <= 1 else settings
        for path, target in jobs:
            yield _extract_one((path, target, single))
        return
    from extractor.workers import Pool

    work = [(path, target, settings) for path, target in jobs]
    with Pool(_extract_one, processes) as pool:
        yield from pool.map(work)


def write_outcome(outcome: Outcome) -> None:
    """Given a successful outcome with an output file, write its JSON there atomically."""
    from extractor.output import write_atomic

    assert outcome.target is not None and outcome.json is not None
    write_atomic(outcome.target, outcome.json)


# --- years -----------------------------------------------------------------------------------


def year_of(path: Path, text: str | bytes | list[bytes], dataset: Dataset) -> Year:
    """Given a dataset file's path, content and dataset, return it as a year to link."""
    return Year(dataset, path, digest(text))


def load_years(paths: list[Path]) -> list[Year]:
    """Given dataset files, return them as years (dataset, file, digest)."""
    from extractor.output import parse_dataset, read_dataset_bytes

    years = []
    for path in paths:
        data = read_dataset_bytes(path)
        years.append(Year(parse_dataset(path, data), path, digest(data)))
    return years


@dataclass
class Linked:
    """A crosswalk built and written, with the steps between consecutive years."""

    path: Path
    crosswalk: Crosswalk
    steps: list[Step]


def plan_links(years: list[Year], output: Path, links_file: Path | None) -> Linked:
    """Given years, build their crosswalk (to be written to `output`), without writing it."""
    from extractor.years.crosswalk import build
    from extractor.years.overrides import load_links_file

    crosswalk, steps = build(years, load_links_file(links_file), output.parent)
    return Linked(output, crosswalk, steps)


def write_links(linked: Linked) -> None:
    """Write a built crosswalk to its file, atomically."""
    from extractor.output import to_json, write_atomic

    write_atomic(linked.path, to_json(linked.crosswalk))


def link_files(years: list[Year], output: Path, links_file: Path | None) -> Linked:
    """Given years, build their crosswalk and write it to `output`."""
    linked = plan_links(years, output, links_file)
    write_links(linked)
    return linked


def plan_crosswalk(
    new: list[Year], folder: Path, link_to: Path | None, links_file: Path | None
) -> Linked | None:
    """Before writing new years into `folder`, build the crosswalk they make with the years
    the folder's crosswalk already holds (and with `link_to`), or None when there is only
    one year. Years whose files are gone from the old crosswalk are left out. Nothing is
    written: a links.toml that names nothing stops the run before any output."""
    from extractor.years.order import packet_year

    path = folder / CROSSWALK_FILE
    years: dict[int, Year] = {}
    if path.is_file():
        from extractor.years.crosswalk import load

        for ref in load(path).years:
            file = folder / ref.path
            if file.is_file():
                (year,) = load_years([file])
                years[packet_year(year.dataset)] = year
    if link_to is not None:
        (earlier,) = load_years([link_to])
        check_link_to(earlier, new)
        years[packet_year(earlier.dataset)] = earlier
    for year in new:
        years[packet_year(year.dataset)] = year
    if len(years) < 2:
        return None
    return plan_links(list(years.values()), path, links_file)


def check_link_to(earlier: Year, new: list[Year]) -> None:
    """Refuse a --link-to dataset of the same or a later fiscal year than a new one."""
    from extractor.years.order import packet_year

    for year in new:
        if packet_year(earlier.dataset) >= packet_year(year.dataset):
            raise DatasetError(
                _(
                    "--link-to {path} is the FY{old} packet, not earlier than {new} (FY{year}); "
                    "link a new year to an earlier one"
                ).format(
                    path=earlier.path,
                    old=packet_year(earlier.dataset),
                    new=year.path,
                    year=packet_year(year.dataset),
                )
            )


def crosswalk_for(years: list[Year], explicit: Path | None, links_file: Path | None) -> Crosswalk:
    """Given years to compare or export, return their crosswalk: the one given, else
    crosswalk.json beside them when it records them all (refused when it is out of date),
    else one built now in memory, just as `extract link` would."""
    from extractor.years.crosswalk import build, check_covers, find
    from extractor.years.overrides import Overrides, load_links_file

    overrides = load_links_file(links_file) if len(years) > 1 else Overrides()
    found = find(years, explicit)
    if found is not None:
        path, crosswalk = found
        check_covers(crosswalk, path, years, overrides)
        return crosswalk
    return build(years, overrides, years[0].path.parent)[0]


def diff_files(
    old_path: Path, new_path: Path, crosswalk_path: Path | None, links_file: Path | None
) -> Diff:
    """Given two dataset files (older first), return their diff."""
    from extractor.years.crosswalk import pairs_between
    from extractor.years.diff import diff_datasets
    from extractor.years.order import packet_year

    old, new = load_years([old_path, new_path])
    if packet_year(old.dataset) > packet_year(new.dataset):
        raise DatasetError(
            _("{old} (FY{a}) is newer than {new} (FY{b}); give the older dataset first").format(
                old=old_path, a=packet_year(old.dataset), new=new_path, b=packet_year(new.dataset)
            )
        )
    crosswalk = crosswalk_for([old, new], crosswalk_path, links_file)
    linkage = pairs_between(crosswalk, old.dataset, new.dataset)
    return diff_datasets(old.dataset, new.dataset, linkage)


def export_files(
    paths: list[Path],
    format: str,
    output: Path | None,
    crosswalk_path: Path | None,
    links_file: Path | None,
    raw_cells: bool,
) -> list[Path]:
    """Given dataset files, export them in `format`, keyed on the crosswalk's series."""
    from extractor.export import export

    years = load_years(paths)
    crosswalk = crosswalk_for(years, crosswalk_path, links_file)
    datasets = [y.dataset for y in years]
    return export(datasets, crosswalk.series, format, output, raw_cells)


def report_files(
    paths: list[Path],
    output: Path,
    crosswalk_path: Path | None,
    links_file: Path | None,
    language: Language = "ja",
) -> Path:
    """Given dataset files, write the HTML report of the latest with all years' history."""
    from extractor.output import write_atomic
    from extractor.report import render_report

    years = load_years(paths)
    crosswalk = crosswalk_for(years, crosswalk_path, links_file)
    datasets = [y.dataset for y in years]
    write_atomic(output, render_report(datasets, crosswalk, language))
    return output
