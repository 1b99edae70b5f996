"""The `extract` command: a thin click layer over the library.

`extract FILE...` runs the default command (`run`); `extract schema`, `extract diff`, … are
subcommands. Data goes to stdout, people's messages to stderr.
"""

from __future__ import annotations

import json
import signal
import sys
import traceback
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click_default_group import DefaultGroup

from extractor.errors import ExtractorError

if TYPE_CHECKING:
    from extractor.batch import Outcome
    from extractor.settings import ExtractSettings


links_option = click.option(
    "--links",
    "links_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Overrides that force or forbid links [default: ./links.toml if present].",
)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


@click.group(
    cls=DefaultGroup, default="run", context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="packet-extractor")
def main() -> None:
    """Turn Yamaguchi City's welfare-plan committee packets into a validated JSON dataset.

    \b
    extract raw/h24.txt                  writes normalized/h24.json
    extract raw/h23.txt raw/h24.txt      several years, linked oldest first
    extract diff OLD.json NEW.json       what changed between two years
    extract export normalized/*.json -f sqlite -o data.db
    extract report normalized/*.json -o report.html
    extract schema                       the dataset's JSON Schema
    """
    # Let SIGTERM unwind like Ctrl-C, so a half-written temporary file is removed.
    signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@main.command("run")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    default="normalized",
    show_default=True,
    help="Folder for the JSON files; '-' writes the JSON to stdout (one input only).",
)
@click.option("--encoding", help="Force the text encoding (e.g. cp932) instead of detecting it.")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Refuse inputs larger than this.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Refuse PDFs with more pages.")
@click.option(
    "--max-cell-chars", type=click.IntRange(min=1), help="Refuse inputs with longer cells."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a packet with a column header the tool does not know (by default its cells "
    "are kept with each activity under `extra`).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes for several inputs [default: one per core].",
)
@click.option(
    "--link-to",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An earlier year's dataset (JSON): linked activities keep its keys.",
)
@links_option
@click.option("--no-link", is_flag=True, help="Do not link several packets with each other.")
@click.option(
    "--debug-stage",
    type=click.Choice(["source", "tables"]),
    help="Print one stage's intermediate result as JSON on stdout instead of extracting.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
def run(
    files: tuple[Path, ...],
    output_dir: str,
    encoding: str | None,
    max_bytes: int | None,
    max_pages: int | None,
    max_cell_chars: int | None,
    strict: bool,
    jobs: int | None,
    link_to: Path | None,
    links_file: Path | None,
    no_link: bool,
    debug_stage: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Extract each packet FILE (.txt export or .pdf) into OUTPUT_DIR/<name>.json."""
    from extractor.batch import default_jobs, extract_all
    from extractor.output import write_atomic
    from extractor.settings import ExtractSettings

    overrides: dict[str, Any] = {"encoding": encoding}
    if max_bytes:
        overrides["max_input_bytes"] = max_bytes
    if max_pages:
        overrides["max_pdf_pages"] = max_pages
    if max_cell_chars:
        overrides["max_cell_chars"] = max_cell_chars
    overrides["strict"] = strict
    settings = ExtractSettings(**overrides)
    to_stdout = output_dir == "-"
    if (to_stdout or debug_stage) and len(files) > 1:
        raise click.UsageError("-o - and --debug-stage take one input file")
    if debug_stage:
        _debug(files[0], debug_stage, settings, verbose)
        return
    targets = {path: Path(output_dir) / f"{path.stem}.json" for path in files}
    clashes = [t for t, n in Counter(targets.values()).items() if n > 1]
    if clashes:
        raise click.UsageError(
            f"several inputs would write {clashes[0]}; extract them into different folders with -o"
        )
    shown = {p: "stdout" if to_stdout else t.as_posix() for p, t in targets.items()}
    outcomes: Iterable[Outcome] = extract_all(
        list(shown.items()), settings, jobs or default_jobs(len(files))
    )
    if link_to is not None or (len(files) > 1 and not no_link):
        try:
            outcomes = _linked(list(outcomes), link_to, links_file, quiet)
        except ExtractorError as exc:
            raise click.ClickException(str(exc)) from exc
    failed = 0
    show_progress = len(files) > 1 and not quiet and sys.stderr.isatty()
    with click.progressbar(
        outcomes, length=len(files), label="extracting", file=sys.stderr, hidden=not show_progress
    ) as progress:
        for outcome in progress:
            try:
                if outcome.json is None:
                    raise ExtractorError(outcome.error or "failed")
                if to_stdout:
                    click.echo(outcome.json, nl=False)
                else:
                    write_atomic(targets[outcome.path], outcome.json)
            except ExtractorError as exc:
                failed += 1
                if verbose and outcome.traceback:
                    click.echo(outcome.traceback, err=True, nl=False)
                _fail(str(exc))
                continue
            if not quiet:
                for line in outcome.summary:
                    click.echo(line, err=True)
    if failed:
        sys.exit(1)


def _linked(
    outcomes: list[Outcome], link_to: Path | None, links_file: Path | None, quiet: bool
) -> list[Outcome]:
    """Given extraction outcomes, link the successful ones year to year (oldest first, after
    `link_to` if given), carry keys forward, and report the pairs that need review."""
    from extractor.models import Dataset
    from extractor.output import load_dataset, to_json
    from extractor.years.link import link_years, load_links_file

    overrides = load_links_file(links_file)
    done = [(i, o, Dataset.model_validate_json(o.json)) for i, o in enumerate(outcomes) if o.json]
    done.sort(key=lambda item: (item[2].packet.fiscal_year or 0, item[0]))
    earlier = [load_dataset(link_to)] if link_to is not None else []
    keyed, steps = link_years(earlier + [d for _, _, d in done], overrides)
    for (_, outcome, _), dataset in zip(done, keyed[len(earlier) :], strict=True):
        outcome.json = to_json(dataset)
    if not quiet:
        for old, new, linkage in steps:
            review = [item for item in linkage.links if item.band == "review"]
            click.echo(
                f"linked {old.source.path} → {new.source.path}: {len(linkage.links)} pairs "
                f"({len(review)} to review), {len(linkage.added)} added, "
                f"{len(linkage.removed)} removed",
                err=True,
            )
            for item in review:
                click.echo(
                    f"  review: {old.activities[item.old].name} ↔ "
                    f"{new.activities[item.new].name} (score {item.score:.1f})",
                    err=True,
                )
    return outcomes


def _debug(path: Path, stage: str, settings: ExtractSettings, verbose: bool) -> None:
    from extractor.pipeline import debug_dump

    try:
        dump = debug_dump(path, stage, settings)
    except ExtractorError as exc:
        if verbose:
            traceback.print_exception(exc, file=sys.stderr)
        _fail(str(exc))
        sys.exit(1)
    click.echo(json.dumps(dump, ensure_ascii=False, indent=2))


@main.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the dataset (generated from the models)."""
    from extractor.output import write_atomic
    from extractor.schema import schema_json

    text = schema_json()
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            write_atomic(output, text)
        except ExtractorError as exc:
            raise click.ClickException(str(exc)) from exc


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON for tools.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, as git diff.")
@links_option
def diff(old: Path, new: Path, as_json: bool, exit_code: bool, links_file: Path | None) -> None:
    """Compare two years' datasets (OLD.json NEW.json): added, removed, renamed, moved
    activities, and how the actual figures moved toward their targets."""
    from extractor.output import load_dataset, to_json
    from extractor.years.diff import diff_datasets, render_text
    from extractor.years.link import load_links_file

    try:
        result = diff_datasets(load_dataset(old), load_dataset(new), load_links_file(links_file))
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(to_json(result) if as_json else render_text(result), nl=False)
    if exit_code and result.has_differences():
        sys.exit(1)


@main.command("export")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-f",
    "--format",
    "export_format",
    type=click.Choice(["csv", "jsonl", "sqlite", "datapackage"]),
    required=True,
    help="csv: activities, targets and dates CSVs for spreadsheets; jsonl: one activity per line; "
    "sqlite: one database; datapackage: a Frictionless Data Package.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="A folder for csv and datapackage, a file for jsonl and sqlite "
    "[default: export/, activities.jsonl, data.db, datapackage/].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def export(files: tuple[Path, ...], export_format: str, output: Path | None, quiet: bool) -> None:
    """Export datasets (normalized/*.json, one per fiscal year) for other tools."""
    from extractor.export import export as write_export
    from extractor.output import load_dataset

    defaults = {
        "csv": "export",
        "jsonl": "activities.jsonl",
        "sqlite": "data.db",
        "datapackage": "datapackage",
    }
    target = output or Path(defaults[export_format])
    try:
        written = write_export([load_dataset(f) for f in files], export_format, target)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}", err=True)


@main.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default="report.html", show_default=True
)
@links_option
def report(files: tuple[Path, ...], output: Path, links_file: Path | None) -> None:
    """Write a self-contained HTML report of the datasets (normalized/*.json) for people."""
    from extractor.output import load_dataset, write_atomic
    from extractor.report import render_report
    from extractor.years.link import load_links_file

    try:
        html = render_report([load_dataset(f) for f in files], load_links_file(links_file))
        write_atomic(output, html)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {output}", err=True)
