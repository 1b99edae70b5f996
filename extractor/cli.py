"""The `extract` command: a thin click layer over the library (`extractor.app`).

`extract FILE...` runs the default command (`run`); `extract link`, `diff`, `export`,
`report` and `schema` are subcommands. Data goes to stdout, people's messages to stderr,
in Japanese or English (`--lang`). Every error of the tool reaches the user the same way:
one line, exit code 1 (`--verbose` adds the traceback); usage errors exit with 2.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click_default_group import DefaultGroup

from extractor.errors import ExtractorError, OutputError
from extractor.export import FORMATS
from extractor.i18n import LANGUAGES, Language, _, locale_language, set_language

if TYPE_CHECKING:
    from extractor.app import Outcome
    from extractor.settings import ExtractSettings
    from extractor.years.year import Year

MB = 1024 * 1024


def _language(context: click.Context, parameter: click.Parameter, value: str | None) -> None:
    """Set the language of messages as soon as --lang is read: as asked, else the locale's."""
    context.meta["lang"] = value
    set_language("ja" if (value or locale_language()) == "ja" else "en")


def lang_option(what: str = "messages for people") -> Callable[[Any], Any]:
    """The --lang option: Japanese or English."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        callback=_language,
        is_eager=True,
        expose_value=False,
        help=f"Language of {what} [default: the locale's, Japanese or English].",
    )


verbose_option = click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
links_option = click.option(
    "--links",
    "links_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Overrides that force or forbid links [default: ./links.toml if present].",
)
crosswalk_option = click.option(
    "--crosswalk",
    "crosswalk_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The crosswalk of years to use [default: crosswalk.json beside the datasets, or "
    "one built now].",
)


def fail(message: str) -> None:
    """Print one error line for people on stderr."""
    click.echo(_("Error: {message}").format(message=message), err=True)


def _internal(exc: BaseException) -> str:
    return _("internal error ({kind}: {detail}); rerun with --verbose and report it").format(
        kind=type(exc).__name__, detail=exc
    )


@contextlib.contextmanager
def handled(verbose: bool) -> Iterator[None]:
    """Turn the tool's errors into one line and exit code 1 (the traceback with --verbose);
    a bug of ours is said to be one."""
    try:
        yield
    except ExtractorError as exc:
        if verbose:
            traceback.print_exception(exc, file=sys.stderr)
        fail(str(exc))
        sys.exit(1)
    except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
        raise
    except Exception as exc:
        if verbose:
            traceback.print_exception(exc, file=sys.stderr)
        fail(_internal(exc))
        sys.exit(1)


def to_stdout(text: str | list[bytes]) -> None:
    """Write data to stdout, turning a full disk or a closed pipe into one line."""
    try:
        if isinstance(text, list):
            sys.stdout.flush()
            for piece in text:
                sys.stdout.buffer.write(piece)
        else:
            click.echo(text, nl=False)
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError(
            _("cannot write to standard output ({reason})").format(reason=exc.strerror or exc)
        ) from exc


def _terminate(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def collecting() -> None:
    """Once a command's modules are loaded: keep them out of every later garbage collection
    (they live as long as the process), and collect again (the launcher paused it)."""
    gc.freeze()
    gc.enable()


@click.group(
    cls=DefaultGroup, default="run", context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="packet-extractor")
def main() -> None:
    """Turn Yamaguchi City's welfare-plan committee packets into a validated JSON dataset.

    \b
    extract raw/h24.txt                  writes normalized/h24.json
    extract raw/h23.txt raw/h24.txt      several years, linked in normalized/crosswalk.json
    extract link normalized/*.json       link years you extracted apart
    extract diff OLD.json NEW.json       what changed between two years
    extract export normalized/*.json -f sqlite -o data.db
    extract report normalized/*.json -o report.html
    extract schema                       the dataset's JSON Schema
    """
    # SIGTERM unwinds like Ctrl-C: temporary files are removed, workers stopped at once.
    signal.signal(signal.SIGTERM, _terminate)


def _settings(**options: Any) -> ExtractSettings:
    from extractor.settings import ExtractSettings

    return ExtractSettings(**{k: v for k, v in options.items() if v is not None})


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
@click.option(
    "--max-bytes", type=click.IntRange(min=1), help="Refuse inputs larger than this [50 MB]."
)
@click.option("--max-pages", type=click.IntRange(min=1), help="Refuse longer PDFs [1000].")
@click.option("--max-cell-chars", type=click.IntRange(min=1), help="Refuse longer cells [20000].")
@click.option(
    "--page-seconds",
    type=click.FloatRange(min=0.1),
    help="Stop reading a PDF page after this many seconds [10].",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=16),
    help="Megabytes a PDF page reader may use [1024].",
)
@click.option(
    "--max-stream-bytes",
    type=click.IntRange(min=1),
    help="Refuse a PDF stream that inflates past this many bytes [64 MB].",
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
    help="Processes for several inputs, or for one PDF's pages [default: one per core].",
)
@click.option(
    "--link-to",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An earlier year's dataset (JSON) to link the new year to in the crosswalk.",
)
@links_option
@click.option("--no-link", is_flag=True, help="Do not link the years in a crosswalk.")
@click.option(
    "--debug-stage",
    type=click.Choice(["source", "tables"]),
    help="Print one stage's intermediate result as JSON on stdout instead of extracting.",
)
@quiet_option
@verbose_option
@lang_option()
def run(
    files: tuple[Path, ...],
    output_dir: str,
    encoding: str | None,
    max_bytes: int | None,
    max_pages: int | None,
    max_cell_chars: int | None,
    page_seconds: float | None,
    max_memory: int | None,
    max_stream_bytes: int | None,
    strict: bool,
    jobs: int | None,
    link_to: Path | None,
    links_file: Path | None,
    no_link: bool,
    debug_stage: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Extract each packet FILE (.txt export, .pdf or .xlsx) into OUTPUT_DIR/<name>.json.

    \b
    extract raw/h24.txt
    extract raw/h24.pdf -o out/
    extract raw/h25.xlsx --link-to normalized/h24.json
    """
    with handled(verbose):
        settings = _settings(
            encoding=encoding,
            max_input_bytes=max_bytes,
            max_pdf_pages=max_pages,
            max_cell_chars=max_cell_chars,
            page_seconds=page_seconds,
            max_memory=max_memory * MB if max_memory else None,
            max_stream_bytes=max_stream_bytes,
            strict=strict,
        )
    collecting()
    stdout = output_dir == "-"
    if (stdout or debug_stage) and len(files) > 1:
        raise click.UsageError(_("-o - and --debug-stage take one input file"))
    if debug_stage:
        from extractor.pipeline import debug_dump

        with handled(verbose):
            import json

            dump = debug_dump(files[0], debug_stage, settings)
            to_stdout(json.dumps(dump, ensure_ascii=False, indent=2) + "\n")
        return
    targets = {path: None if stdout else Path(output_dir) / f"{path.stem}.json" for path in files}
    clashes = [t for t, n in Counter(targets.values()).items() if n > 1 and t is not None]
    if clashes:
        raise click.UsageError(
            _(
                "several inputs would write {path}; extract them into different folders with -o"
            ).format(path=clashes[0].as_posix())
        )
    failed = _extract(list(targets.items()), settings, jobs, link_to, quiet, verbose)
    if failed:
        sys.exit(1)


def _extract(
    jobs_list: list[tuple[Path, Path | None]],
    settings: ExtractSettings,
    jobs: int | None,
    link_to: Path | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Extract, write and summarize each packet; link the years; return how many failed."""
    from extractor import app

    context = click.get_current_context()
    no_link: bool = context.params["no_link"]
    links_file: Path | None = context.params["links_file"]
    processes = jobs or app.default_jobs(len(jobs_list) if len(jobs_list) > 1 else 64)
    failed = 0
    done: list[Outcome] = []
    show_progress = len(jobs_list) > 1 and not quiet and sys.stderr.isatty()
    with handled(verbose):
        outcomes = app.extract_files(jobs_list, settings, processes)
        with contextlib.ExitStack() as stack:
            if show_progress:
                outcomes = stack.enter_context(
                    click.progressbar(
                        outcomes, length=len(jobs_list), label=_("extracting"), file=sys.stderr
                    )
                )
            for outcome in outcomes:
                if outcome.ok:
                    done.append(outcome)
                    continue
                failed += 1
                if verbose and outcome.internal:
                    click.echo(outcome.internal, err=True, nl=False)
                fail(str(outcome.error) if outcome.error else _internal_outcome(outcome))
        # The years are linked before anything is written: a links.toml that names nothing
        # or a --link-to of a later year stops the run with no output at all.
        files = [o for o in done if o.target is not None]
        linked = None
        if files and not no_link:
            folder = files[0].target.parent  # type: ignore[union-attr]
            linked = app.plan_crosswalk([_year(o) for o in files], folder, link_to, links_file)
        for outcome in done:
            _emit(outcome, quiet)
        if linked is not None:
            app.write_links(linked)
            if not quiet:
                from extractor.summary import link_lines

                for line in link_lines(linked.steps):
                    click.echo(line, err=True)
    return failed


def _internal_outcome(outcome: Outcome) -> str:
    last = (outcome.internal or "").strip().splitlines()[-1:] or ["?"]
    return _("{path}: internal error ({detail}); rerun with --verbose and report it").format(
        path=outcome.path, detail=last[0]
    )


def _year(outcome: Outcome) -> Year:
    from extractor.app import year_of

    assert outcome.dataset is not None and outcome.json is not None
    return year_of(outcome.target or outcome.path, outcome.json, outcome.dataset)


def _emit(outcome: Outcome, quiet: bool) -> None:
    """Write one outcome (or print it on stdout) and its summary."""
    from extractor.app import write_outcome
    from extractor.summary import summarize

    assert outcome.dataset is not None and outcome.json is not None
    if outcome.target is None:
        to_stdout(outcome.json)
    else:
        write_outcome(outcome)
    if not quiet:
        shown = _("stdout") if outcome.target is None else outcome.target.as_posix()
        for line in summarize(outcome.dataset, shown):
            click.echo(line, err=True)


@main.command("link")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the crosswalk [default: crosswalk.json beside the first dataset].",
)
@links_option
@quiet_option
@verbose_option
@lang_option()
def link(
    files: tuple[Path, ...],
    output: Path | None,
    links_file: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Link datasets of several years (normalized/*.json) into their crosswalk.

    \b
    extract link normalized/*.json
    extract link normalized/h23.json normalized/h24.json --links links.toml
    """
    from extractor import app
    from extractor.summary import link_lines
    from extractor.years.year import CROSSWALK_FILE

    collecting()
    with handled(verbose):
        years = app.load_years(list(files))
        target = output or files[0].parent / CROSSWALK_FILE
        linked = app.link_files(years, target, links_file)
    if not quiet:
        for line in link_lines(linked.steps):
            click.echo(line, err=True)
        click.echo(_("wrote {path}").format(path=linked.path), err=True)


@main.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
@verbose_option
@lang_option()
def schema(output: Path | None, verbose: bool) -> None:
    """Print the JSON Schema of the dataset (generated from the models).

    \b
    extract schema -o schema/dataset.schema.json
    """
    from extractor.output import write_atomic
    from extractor.schema import schema_json

    collecting()
    with handled(verbose):
        text = schema_json()
        if output is None:
            to_stdout(text)
        else:
            write_atomic(output, text)


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON for tools.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, as git diff.")
@crosswalk_option
@links_option
@verbose_option
@lang_option()
def diff(
    old: Path,
    new: Path,
    as_json: bool,
    exit_code: bool,
    crosswalk_file: Path | None,
    links_file: Path | None,
    verbose: bool,
) -> None:
    """Compare two years' datasets (OLD.json NEW.json, older first): renamed, added, not
    found, moved activities, changed targets, and how the actual figures moved (判定).

    \b
    extract diff normalized/h23.json normalized/h24.json
    extract diff normalized/h23.json normalized/h24.json --json --lang en
    """
    from extractor import app
    from extractor.output import to_json
    from extractor.years.diff_text import render_text

    collecting()
    with handled(verbose):
        result = app.diff_files(old, new, crosswalk_file, links_file)
        to_stdout(to_json(result) if as_json else render_text(result))
    if exit_code and result.has_differences():
        sys.exit(1)


@main.command("export")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-f",
    "--format",
    "export_format",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="; ".join(f"{f.name}: {f.help}" for f in FORMATS.values()) + ".",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="A folder for "
    + " and ".join(f.name for f in FORMATS.values() if f.writes == "folder")
    + ", a file for "
    + " and ".join(f.name for f in FORMATS.values() if f.writes == "file")
    + " [default: "
    + ", ".join(f.default + ("/" if f.writes == "folder" else "") for f in FORMATS.values())
    + "].",
)
@click.option(
    "--raw-cells",
    is_flag=True,
    help="csv: keep cells starting with = + - @ as they are (by default a ' is put before "
    "them so that spreadsheets show text, never a formula).",
)
@crosswalk_option
@links_option
@quiet_option
@verbose_option
@lang_option()
def export(
    files: tuple[Path, ...],
    export_format: str,
    output: Path | None,
    raw_cells: bool,
    crosswalk_file: Path | None,
    links_file: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Export datasets (normalized/*.json, one per fiscal year) for other tools.

    \b
    extract export normalized/*.json -f csv -o export/
    extract export normalized/*.json -f sqlite -o data.db
    """
    from extractor import app

    collecting()
    with handled(verbose):
        written = app.export_files(
            list(files), export_format, output, crosswalk_file, links_file, raw_cells
        )
    if not quiet:
        for path in written:
            click.echo(_("wrote {path}").format(path=path), err=True)


@main.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default="report.html", show_default=True
)
@crosswalk_option
@links_option
@quiet_option
@verbose_option
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    callback=_language,
    is_eager=True,
    expose_value=False,
    help="Language of the report [default: Japanese] and of messages [default: the locale's].",
)
def report(
    files: tuple[Path, ...],
    output: Path,
    crosswalk_file: Path | None,
    links_file: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Write a self-contained HTML report of the datasets (normalized/*.json) for people:
    達成状況 of every numeric target, then every activity by goal.

    \b
    extract report normalized/*.json -o report.html
    extract report normalized/h24.json --lang en
    """
    from extractor import app

    collecting()
    with handled(verbose):
        language: Language = "en" if click.get_current_context().meta.get("lang") == "en" else "ja"
        written = app.report_files(list(files), output, crosswalk_file, links_file, language)
    if not quiet:
        click.echo(_("wrote {path}").format(path=written), err=True)
