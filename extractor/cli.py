"""The `extract` command: a thin click layer over the library.

`extract FILE...` runs the default command (`run`); `extract schema`, `extract diff`, … are
subcommands. Data goes to stdout, people's messages to stderr.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import click
from click_default_group import DefaultGroup

from extractor.errors import ExtractorError
from extractor.models import Dataset
from extractor.settings import ExtractSettings

MAX_WARNINGS_SHOWN = 40


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


def _internal(exc: BaseException, verbose: bool) -> str:
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)
    return f"internal error ({type(exc).__name__}: {exc}); rerun with --verbose and report it"


def summarize(dataset: Dataset, target: str) -> list[str]:
    """Given a dataset, return the lines of its stderr summary: counts, then every warning."""
    activities = dataset.activities
    targets = sum(len(a.targets) for a in activities)
    dates = sum(len(a.dates) for a in activities)
    coverage = dataset.coverage
    lines = [
        f"{dataset.source.path} → {target}: {len(activities)} activities, {targets} targets, "
        f"{dates} dates; {coverage.mapped}/{coverage.cells} cells mapped, "
        f"{coverage.unmapped} unmapped; {len(dataset.warnings)} warnings"
    ]
    if dataset.warnings:
        counts = Counter(w.code for w in dataset.warnings)
        lines.append("  " + ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items())))
    for warning in dataset.warnings[:MAX_WARNINGS_SHOWN]:
        where = f"page {warning.page} " if warning.page else ""
        where += f"line {warning.line}" if warning.line else ""
        lines.append(f"  {where or '-':>10}  {warning.code}: {warning.message}")
    hidden = len(dataset.warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        lines.append(f"  … {hidden} more in the JSON's warnings list")
    return lines


@click.group(
    cls=DefaultGroup, default="run", context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="packet-extractor")
def main() -> None:
    """Turn Yamaguchi City's welfare-plan committee packets into a validated JSON dataset.

    \b
    extract raw/h24.txt            writes normalized/h24.json
    extract raw/*.txt -o out/      several packets, into out/
    extract schema                 the dataset's JSON Schema
    """


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
    debug_stage: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Extract each packet FILE (.txt export or .pdf) into OUTPUT_DIR/<name>.json."""
    from extractor.output import to_json, write_atomic
    from extractor.pipeline import debug_dump, extract

    overrides: dict[str, Any] = {"encoding": encoding}
    if max_bytes:
        overrides["max_input_bytes"] = max_bytes
    if max_pages:
        overrides["max_pdf_pages"] = max_pages
    settings = ExtractSettings(**overrides)
    to_stdout = output_dir == "-"
    if (to_stdout or debug_stage) and len(files) > 1:
        raise click.UsageError("-o - and --debug-stage take one input file")
    targets = {path: Path(output_dir) / f"{path.stem}.json" for path in files}
    clashes = [t for t, n in Counter(targets.values()).items() if n > 1]
    if clashes:
        raise click.UsageError(
            f"several inputs would write {clashes[0]}; extract them into different folders with -o"
        )
    failed = 0
    show_progress = len(files) > 1 and not quiet and sys.stderr.isatty()
    with click.progressbar(
        files, label="extracting", file=sys.stderr, hidden=not show_progress
    ) as progress:
        for path in progress:
            try:
                if debug_stage:
                    click.echo(
                        json.dumps(
                            debug_dump(path, debug_stage, settings), ensure_ascii=False, indent=2
                        )
                    )
                    continue
                dataset = extract(path, settings)
                text = to_json(dataset)
                if to_stdout:
                    click.echo(text, nl=False)
                else:
                    write_atomic(targets[path], text)
            except ExtractorError as exc:
                failed += 1
                if verbose:
                    traceback.print_exception(exc, file=sys.stderr)
                _fail(str(exc))
                continue
            except Exception as exc:
                failed += 1
                _fail(f"{path}: {_internal(exc, verbose)}")
                continue
            if not quiet:
                shown = "stdout" if to_stdout else targets[path].as_posix()
                for line in summarize(dataset, shown):
                    click.echo(line, err=True)
    if failed:
        sys.exit(1)


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
