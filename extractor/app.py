"""What each command does, as library functions: the command line parses options, calls one
of these, and renders what it returns."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.errors import DatasetError, ExtractorError, InputTooLargeError, UsageError
from extractor.i18n import N_, FiscalYear, Language
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
    """Given the number of inputs, return how many processes to use: one per core, no more
    than there are inputs; a single input gets every core for its pages."""
    cores = os.cpu_count() or 1
    return cores if count <= 1 else max(1, min(count, cores))


def _extract_one(job: tuple[Path, Path | None, ExtractSettings]) -> Outcome:
    from extractor.output import dataset_json
    from extractor.pipeline import extract
    from extractor.workers import Overtime, within

    path, target, settings = job
    try:
        try:
            with within(settings.max_seconds):
                dataset = extract(path, settings)
        except Overtime:
            raise InputTooLargeError(
                N_(
                    "{path}: took more than {seconds:g} s to read; a file built to stall "
                    "readers? Raise --max-seconds if the file is right"
                ),
                path=path,
                seconds=settings.max_seconds,
            ) from None
        return Outcome(path, target, dataset, dataset_json(dataset))
    except ExtractorError as exc:
        return Outcome(path, target, error=_as_given(exc, path), internal=traceback.format_exc())
    except Exception:  # a bug of ours: reported as such, with the traceback kept
        return Outcome(path, target, internal=traceback.format_exc())


def _as_given(error: ExtractorError, path: Path) -> ExtractorError:
    """Given an error and the path of the file it is about, return it naming the file as
    the user gave it: the stages after reading know a file by the path its dataset
    stores, which is only its name where it lies outside the working directory (two
    packets named h24.pdf in two folders would read alike)."""
    from extractor.sources.document import display_path

    if error.message.args.get("path") == display_path(path):
        error.message.args["path"] = path
    return error


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


@dataclass
class RunRequest:
    """What `extract FILE...` is asked: the packets, where their datasets go ("-" for
    standard output), how to read them, and how to link the years."""

    files: list[Path]
    output: str = "normalized"
    settings: ExtractSettings = field(default_factory=ExtractSettings)
    jobs: int | None = None
    link: bool = True
    link_to: Path | None = None
    links_file: Path | None = None


@dataclass
class RunResult:
    """What extracting gave: an outcome per packet in input order, and the years linked."""

    outcomes: list[Outcome]
    linked: Linked | None = None

    @property
    def failed(self) -> int:
        return sum(1 for outcome in self.outcomes if not outcome.ok)


def targets_of(request: RunRequest) -> list[tuple[Path, Path | None]]:
    """Given a request, return each packet with the file its dataset goes to (None for
    standard output), refusing two packets that would write one file."""
    stdout = request.output == "-"
    if stdout and len(request.files) > 1:
        raise UsageError(N_("-o - and --debug-stage take one input file"))
    folder = Path(request.output)
    if not stdout:
        if folder.suffix.lower() == ".json" and not folder.is_dir():
            raise UsageError(
                N_(
                    "-o {path}: -o names the folder the datasets go to, and this is a file's "
                    "name; give a folder (-o normalized), or -o - to write the JSON to stdout"
                ),
                path=folder.as_posix(),
            )
        from extractor.output import check_names

        check_names(folder)
    if not stdout and folder.is_symlink():  # a link: resolved once, the real path shown
        folder = folder.resolve()
    pairs = [(path, None if stdout else folder / f"{path.stem}.json") for path in request.files]
    seen: set[Path] = set()
    for _path, target in pairs:
        if target is not None and target in seen:
            raise UsageError(
                N_(
                    "several inputs would write {path}; extract them into different folders with -o"
                ),
                path=target.as_posix(),
            )
        if target is not None:
            seen.add(target)
    return pairs


def extract_packets(
    request: RunRequest, seen: Callable[[Outcome], None] | None = None
) -> RunResult:
    """Given packets to extract, extract them (in parallel), link the years, and write every
    dataset and the crosswalk, all or none; return the outcomes. `seen` is told of each
    outcome as it comes (for progress and early errors). Nothing is written before every
    packet is read and the years are linked: a links.toml that names nothing, or a
    --link-to of a later year, stops the run with no output at all."""
    from extractor.output import write_files

    jobs = targets_of(request)
    processes = request.jobs or default_jobs(len(jobs))
    settings = request.settings
    # The year before, read once: a scan's reader consults its words, scans are corrected
    # against it, and the new years are linked to it.
    year_before = load_years([request.link_to])[0] if request.link_to is not None else None
    if year_before is not None and settings.ocr:
        settings = with_year_before(settings, year_before)
    outcomes = []
    for outcome in extract_files(jobs, settings, processes):
        outcomes.append(outcome)
        if seen is not None:
            seen(outcome)
    correct_scans(outcomes, year_before)
    to_write = [o for o in outcomes if o.ok and o.target is not None]
    linked = None
    if to_write and request.link:
        folder = to_write[0].target.parent  # type: ignore[union-attr]
        linked = plan_crosswalk(
            [year_of(o.target, o.json, o.dataset) for o in to_write],  # type: ignore[arg-type]
            folder,
            year_before,
            request.links_file,
        )
    files: dict[Path, str | bytes | list[bytes]] = {}
    for outcome in to_write:
        assert outcome.target is not None and outcome.json is not None
        files[outcome.target] = outcome.json
    if linked is not None:
        from extractor.output import to_json

        files[linked.path] = to_json(linked.crosswalk)
    if files:
        write_files(files)
    return RunResult(outcomes, linked)


def with_year_before(settings: ExtractSettings, year: Year) -> ExtractSettings:
    """Given the settings and the year before, return the settings with that year's texts,
    which a scan's reader consults (`sources.scan.lexicon`)."""
    from extractor.sources.scan.lexicon import dataset_texts

    texts = tuple(dict.fromkeys(dataset_texts(year.dataset.model_dump(mode="json"))))
    return settings.model_copy(update={"known_texts": texts})


def correct_scans(outcomes: list[Outcome], year_before: Year | None) -> None:
    """Correct each scanned packet's unsure names, departments and target labels against the
    nearest earlier year at hand: --link-to, or another packet of this run."""
    scans = [o for o in outcomes if o.dataset is not None and o.dataset.source.format == "scan"]
    if not scans:
        return
    from extractor.activities.corrections import correct_scan
    from extractor.output import dataset_json
    from extractor.years.order import packet_year

    earlier = [o.dataset for o in outcomes if o.dataset is not None]
    if year_before is not None:
        earlier.append(year_before.dataset)
    for outcome in scans:
        assert outcome.dataset is not None
        year = packet_year(outcome.dataset)
        before = [d for d in earlier if packet_year(d) < year]
        if not before:
            continue
        previous = max(before, key=packet_year)  # the nearest earlier year
        corrected = correct_scan(outcome.dataset, previous, packet_year(previous))
        if corrected is not outcome.dataset:
            outcome.dataset, outcome.json = corrected, dataset_json(corrected)


def debug_stage(path: Path, stage: str, settings: ExtractSettings) -> str:
    """Given a packet and a stage name, return that stage's intermediate result as JSON."""
    import json

    from extractor.pipeline import debug_dump

    dump = debug_dump(path, stage, settings)
    return json.dumps(dump, ensure_ascii=False, indent=2) + "\n"


def schema_text() -> str:
    """Return the dataset's JSON Schema."""
    from extractor.schema import schema_json

    return schema_json()


def write_text(path: Path, text: str) -> None:
    """Write text to a file, atomically."""
    from extractor.output import write_atomic

    write_atomic(path, text)


# --- years -----------------------------------------------------------------------------------


def year_of(path: Path, text: str | bytes | list[bytes], dataset: Dataset) -> Year:
    """Given a dataset file's path, content and dataset, return it as a year to link."""
    return Year(dataset, path, digest(text))


@dataclass
class Inputs:
    """Dataset files given to a command, and the crosswalk files among them (a glob such as
    normalized/*.json takes crosswalk.json too): those are read as the crosswalk."""

    years: list[Year]
    crosswalks: list[Path] = field(default_factory=list)

    def crosswalk(self, explicit: Path | None) -> Path | None:
        """The crosswalk to use: the one given, else one given among the datasets."""
        return explicit or (self.crosswalks[0] if self.crosswalks else None)


def load_inputs(paths: list[Path]) -> Inputs:
    """Given files given as datasets, return the datasets, and the crosswalks among them."""
    from extractor.inputs import is_crosswalk
    from extractor.output import parse_dataset, read_dataset_bytes

    inputs = Inputs([])
    for path in paths:
        data = read_dataset_bytes(path)
        if is_crosswalk(data):
            inputs.crosswalks.append(path)
            continue
        inputs.years.append(Year(parse_dataset(path, data), path, digest(data)))
    if not inputs.years:
        raise DatasetError(
            N_("{path}: is a crosswalk; give the datasets it links (normalized/*.json)"),
            path=paths[0],
        )
    return inputs


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
    skipped: list[Path] = field(default_factory=list)  # crosswalks given among the datasets


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


def link_files(paths: list[Path], output: Path | None, links_file: Path | None) -> Linked:
    """Given dataset files, build their crosswalk and write it to `output` (by default
    crosswalk.json beside the first)."""
    inputs = load_inputs(paths)
    linked = plan_links(inputs.years, output or paths[0].parent / CROSSWALK_FILE, links_file)
    linked.skipped = inputs.crosswalks
    write_links(linked)
    return linked


def plan_crosswalk(
    new: list[Year], folder: Path, year_before: Year | None, links_file: Path | None
) -> Linked | None:
    """Before writing new years into `folder`, build the crosswalk they make with the years
    the folder's crosswalk already holds (and with `year_before`, --link-to), or None when
    there is only one year. Years whose files are gone from the old crosswalk, or were never
    in its folder, are left out. Nothing is written: a links.toml that names nothing stops
    the run before any output."""
    from extractor.years.order import packet_year

    path = folder / CROSSWALK_FILE
    years: dict[int, Year] = {}
    if path.is_file():
        from extractor.years.crosswalk import load

        for ref in load(path).years:
            file = folder / ref.path
            if ref.path == file.name and file.is_file():  # only datasets in the folder itself
                (year,) = load_years([file])
                years[packet_year(year.dataset)] = year
    if year_before is not None:
        check_link_to(year_before, new)
        years[packet_year(year_before.dataset)] = year_before
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
                N_(
                    "--link-to {path} is the {old} packet, not earlier than {new} ({year}); link a "
                    "new year to an earlier one"
                ),
                path=earlier.path,
                old=FiscalYear(packet_year(earlier.dataset)),
                new=year.path,
                year=FiscalYear(packet_year(year.dataset)),
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
            N_("{old} ({a}) is newer than {new} ({b}); give the older dataset first"),
            old=old_path,
            a=FiscalYear(packet_year(old.dataset)),
            new=new_path,
            b=FiscalYear(packet_year(new.dataset)),
        )
    if packet_year(old.dataset) == packet_year(new.dataset):
        # One year twice (its text export and its PDF, say): no crosswalk links a year to
        # itself, so its activities are linked directly.
        from extractor.years.link import link
        from extractor.years.overrides import StepOverrides

        linkage = link(old.dataset, new.dataset, StepOverrides([], set()))
    else:
        crosswalk = crosswalk_for([old, new], crosswalk_path, links_file)
        linkage = pairs_between(crosswalk, old.dataset, new.dataset)
    return diff_datasets(old.dataset, new.dataset, linkage)


@dataclass
class Written:
    """Files a command wrote, and the crosswalks it was given among the datasets."""

    paths: list[Path]
    crosswalks: list[Path]


def export_files(
    paths: list[Path],
    format: str,
    output: Path | None,
    crosswalk_path: Path | None,
    links_file: Path | None,
    raw_cells: bool,
) -> Written:
    """Given dataset files, export them in `format`, keyed on the crosswalk's series."""
    from extractor.export import export

    inputs = load_inputs(paths)
    crosswalk = crosswalk_for(inputs.years, inputs.crosswalk(crosswalk_path), links_file)
    datasets = [y.dataset for y in inputs.years]
    written = export(datasets, crosswalk.series, format, output, raw_cells)
    return Written(written, inputs.crosswalks)


def report_files(
    paths: list[Path],
    output: Path,
    crosswalk_path: Path | None,
    links_file: Path | None,
    language: Language = "ja",
) -> Written:
    """Given dataset files, write the HTML report of the latest with all years' history."""
    from extractor.output import write_atomic
    from extractor.report import render_report

    inputs = load_inputs(paths)
    crosswalk = crosswalk_for(inputs.years, inputs.crosswalk(crosswalk_path), links_file)
    datasets = [y.dataset for y in inputs.years]
    write_atomic(output, render_report(datasets, crosswalk, language))
    return Written([output], inputs.crosswalks)
