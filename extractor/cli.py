"""The `extract` command: a thin click layer over the library (`extractor.app`).

Each command parses its options, calls one library function, and renders what it returns:
data on stdout, messages for people on stderr, in the language asked for (`--lang`) or the
locale's. Every error of the tool reaches the user the same way: one line, exit code 1
(`--verbose` adds the traceback); usage errors exit with 2. `extract FILE...` runs the
default command (`run`); a first word close to a command's name is taken for a typo.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from extractor.clickwords import (
    HELP,
    Command,
    Group,
    Option,
    crosswalk_option,
    lang_option,
    language_of,
    links_option,
    note_language,
    option,
    peek_language,
    quiet_option,
    speak,
    verbose_option,
)
from extractor.errors import ExtractorError, OutputError, UsageError
from extractor.export import FORMATS
from extractor.i18n import LANGUAGES, N_, Language, Words, locale_language
from extractor.terminal import one_line, safe

if TYPE_CHECKING:
    from extractor.app import Outcome, RunResult
    from extractor.settings import ExtractSettings

MB = 1024 * 1024
COMMANDS = ("run", "link", "diff", "export", "report", "schema")


def language() -> Language:
    """The language of messages: as asked with --lang, else the locale's."""
    context = click.get_current_context(silent=True)
    asked = context.find_root().meta.get("lang") if context else None
    return "ja" if (asked or locale_language()) == "ja" else "en"


def words() -> Words:
    return Words(language())


def say(text: str) -> None:
    """Print a line for people on stderr, made safe for the terminal; a closed stderr is
    not an error (there is no one to tell)."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        click.echo(safe(text), err=True)


def fail(message: str) -> None:
    """Print one error line for people on stderr (a line break in what it names shown as
    \\n: `one_line`)."""
    say(words()._("Error: {message}").format(message=one_line(message)))


def _internal(exc: BaseException) -> str:
    return (
        words()
        ._("internal error ({kind}: {detail}); rerun with --verbose and report it")
        .format(kind=type(exc).__name__, detail=exc)
    )


@contextlib.contextmanager
def handled(verbose: bool) -> Iterator[None]:
    """Turn the tool's errors into one line and exit code 1 (2 for usage; the traceback
    with --verbose); a bug of ours is said to be one."""
    try:
        yield
    except UsageError as exc:
        raise click.UsageError(exc.render(language())) from exc
    except ExtractorError as exc:
        if verbose:
            traceback.print_exception(exc, file=sys.stderr)
        fail(exc.render(language()))
        sys.exit(1)
    except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
        raise
    except Exception as exc:
        if verbose:
            traceback.print_exception(exc, file=sys.stderr)
        fail(_internal(exc))
        sys.exit(1)


def to_stdout(text: str | list[bytes]) -> None:
    """Write data to stdout. A reader that stopped reading (`| head`) ends the command
    quietly, as any filter does; a full disk or a closed stdout is one line."""
    stream = sys.stdout
    try:
        if stream is None:
            raise OSError(9, "standard output is closed")
        if isinstance(text, list):
            stream.flush()
            for piece in text:
                stream.buffer.write(piece)
        else:
            stream.write(text)
        stream.flush()
    except BrokenPipeError:
        _quiet_exit()
    except OSError as exc:
        raise OutputError(
            N_("cannot write to standard output ({reason})"), reason=exc.strerror or str(exc)
        ) from exc


def _quiet_exit() -> NoReturn:
    """Leave after the reader of stdout went away: nothing more to say to it."""
    import os

    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def _terminate(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def collecting() -> None:
    """Once a command's modules are loaded: keep them out of every later garbage collection
    (they live as long as the process), and collect again (the launcher paused it)."""
    gc.freeze()
    gc.enable()


class Extract(Group):
    """The `extract` group: `extract FILE...` runs `run`; a first word that is no file but
    close to a command's name is a typo, said as such."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The default command's options may come first: `extract -q raw/h24.txt`.
        self.ignore_unknown_options = True

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        asked = peek_language(args)
        if asked in LANGUAGES:
            ctx.meta["lang"] = asked
        speak(language_of(ctx))
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else None
        if name is None or name in self.commands:
            return super().resolve_command(ctx, args)
        close = difflib.get_close_matches(name, list(self.commands), n=1, cutoff=0.75)
        if close and not name.startswith("-") and not Path(name).exists():
            message = Words(language())._("no such command {name} — did you mean {command}?")
            raise click.UsageError(
                message.format(name=Words(language()).quote(name), command=close[0]), ctx
            )
        command = self.commands["run"]
        return "", command, args


@click.group(
    cls=Extract, help=HELP["main"], context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(
    package_name="packet-extractor", cls=Option, help=N_("Show the version and exit.")
)
def main() -> None:
    """The `extract` group of commands."""
    # SIGTERM unwinds like Ctrl-C: temporary files are removed, workers stopped at once.
    signal.signal(signal.SIGTERM, _terminate)


def _settings(**options: Any) -> ExtractSettings:
    from extractor.settings import ExtractSettings

    return ExtractSettings(**{k: v for k, v in options.items() if v is not None})


@main.command("run", cls=Command, help=HELP["run"])
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@option(
    "-o",
    "--output-dir",
    default="normalized",
    show_default=True,
    help=N_("Folder for the JSON files; '-' writes the JSON to stdout (one input only)."),
)
@option("--encoding", help=N_("Force the text encoding (e.g. cp932) instead of detecting it."))
@option(
    "--max-bytes",
    type=click.IntRange(min=1),
    help=N_("Refuse inputs larger than this [50 MB]."),
)
@option("--max-pages", type=click.IntRange(min=1), help=N_("Refuse longer PDFs [1000]."))
@option("--max-cell-chars", type=click.IntRange(min=1), help=N_("Refuse longer cells [20000]."))
@option(
    "--page-seconds",
    type=click.FloatRange(min=0.1),
    help=N_("Stop reading a PDF page after this many seconds [10]."),
)
@option(
    "--max-seconds",
    type=click.FloatRange(min=0.1),
    help=N_("Stop reading a file after this many seconds, whatever its format [60]."),
)
@option(
    "--max-memory",
    type=click.IntRange(min=16),
    help=N_("Megabytes a PDF page reader may use [1024]."),
)
@option(
    "--max-stream-bytes",
    type=click.IntRange(min=1),
    help=N_("Refuse a PDF stream that inflates past this many bytes [64 MB]."),
)
@option(
    "--no-ocr",
    is_flag=True,
    help=N_("Refuse scans (image-only PDFs, TIFF, PNG, JPEG) instead of reading their text."),
)
@option(
    "--scan-page-seconds",
    type=click.FloatRange(min=0.1),
    help=N_("Stop reading a scanned page after this many seconds [60]."),
)
@option(
    "--max-scan-pixels",
    type=click.IntRange(min=1),
    help=N_("Refuse a scanned page image with more pixels [100000000]."),
)
@option(
    "--strict",
    is_flag=True,
    help=N_(
        "Refuse a packet with a column header the tool does not know (by default its cells "
        "are kept with each activity under `extra`)."
    ),
)
@option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help=N_("Processes for several inputs, or for one PDF's pages [default: one per core]."),
)
@option(
    "--link-to",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("An earlier year's dataset (JSON) to link the new year to in the crosswalk."),
)
@links_option
@option("--no-link", is_flag=True, help=N_("Do not link the years in a crosswalk."))
@option(
    "--debug-stage",
    type=click.Choice(["source", "tables"]),
    help=N_("Print one stage's intermediate result as JSON on stdout instead of extracting."),
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
    max_seconds: float | None,
    max_memory: int | None,
    max_stream_bytes: int | None,
    no_ocr: bool,
    scan_page_seconds: float | None,
    max_scan_pixels: int | None,
    strict: bool,
    jobs: int | None,
    link_to: Path | None,
    links_file: Path | None,
    no_link: bool,
    debug_stage: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """The `run` command."""
    from extractor import app

    with handled(verbose):
        settings = _settings(
            encoding=encoding,
            max_input_bytes=max_bytes,
            max_pdf_pages=max_pages,
            max_cell_chars=max_cell_chars,
            page_seconds=page_seconds,
            max_seconds=max_seconds,
            max_memory=max_memory * MB if max_memory else None,
            max_stream_bytes=max_stream_bytes,
            ocr=False if no_ocr else None,
            scan_page_seconds=scan_page_seconds,
            max_scan_pixels=max_scan_pixels,
            strict=strict,
        )
        collecting()
        if debug_stage:
            if len(files) > 1:
                raise UsageError(N_("-o - and --debug-stage take one input file"))
            to_stdout(app.debug_stage(files[0], debug_stage, settings))
            return
        request = app.RunRequest(
            list(files), output_dir, settings, jobs, not no_link, link_to, links_file
        )
        with _progress(len(files), quiet) as seen:
            result = app.extract_packets(request, seen)
    with handled(verbose):
        _render_run(result, quiet, verbose)
    if result.failed:
        sys.exit(1)


@contextlib.contextmanager
def _progress(count: int, quiet: bool) -> Iterator[Callable[[Outcome], None] | None]:
    """A callback told of each packet as it is read, moving a progress bar on stderr when
    it is a terminal and there are several packets."""
    if count < 2 or quiet or sys.stderr is None or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=count, label=words()._("extracting"), file=sys.stderr) as bar:
        yield lambda outcome: bar.update(1)


def _render_run(result: RunResult, quiet: bool, verbose: bool) -> None:
    """Say what each packet gave: its error, or its summary (the JSON itself on stdout)."""
    from extractor.summary import link_lines, summarize

    w = words()
    for outcome in result.outcomes:
        if not outcome.ok:
            if verbose and outcome.internal:
                say(outcome.internal.rstrip("\n"))
            fail(outcome.error.render(w.language) if outcome.error else _internal_outcome(outcome))
            continue
        assert outcome.dataset is not None and outcome.json is not None
        if outcome.target is None:
            to_stdout(outcome.json)
        if not quiet:
            shown = w._("stdout") if outcome.target is None else outcome.target.as_posix()
            for line in summarize(outcome.dataset, shown, w):
                say(line)
    if result.linked is not None and not quiet:
        for line in link_lines(result.linked.steps, w):
            say(line)


def _internal_outcome(outcome: Outcome) -> str:
    last = (outcome.internal or "").strip().splitlines()[-1:] or ["?"]
    return (
        words()
        ._("{path}: internal error ({detail}); rerun with --verbose and report it")
        .format(path=outcome.path, detail=last[0])
    )


@main.command("link", cls=Command, help=HELP["link"])
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Where to write the crosswalk [default: crosswalk.json beside the first dataset]."),
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
    """The `link` command."""
    from extractor import app
    from extractor.summary import link_lines

    collecting()
    with handled(verbose):
        linked = app.link_files(list(files), output, links_file)
    if not quiet:
        w = words()
        _skipped(linked.skipped, w, rebuilt=True)
        for line in link_lines(linked.steps, w):
            say(line)
        say(w._("wrote {path}").format(path=linked.path))


@main.command("schema", cls=Command, help=HELP["schema"])
@option("-o", "--output", type=click.Path(path_type=Path), help=N_("Write to this file."))
@verbose_option
@lang_option()
def schema(output: Path | None, verbose: bool) -> None:
    """The `schema` command."""
    from extractor import app

    collecting()
    with handled(verbose):
        text = app.schema_text()
        if output is None:
            to_stdout(text)
        else:
            app.write_text(output, text)


@main.command("diff", cls=Command, help=HELP["diff"])
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@option("--json", "as_json", is_flag=True, help=N_("Print the diff as JSON for tools."))
@option("--exit-code", is_flag=True, help=N_("Exit 1 when there are differences, as git diff."))
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
    """The `diff` command."""
    from extractor import app
    from extractor.output import to_json
    from extractor.years.diff_text import render_text

    collecting()
    with handled(verbose):
        result = app.diff_files(old, new, crosswalk_file, links_file)
        to_stdout(to_json(result) if as_json else safe(render_text(result, words())))
    if exit_code and result.has_differences():
        sys.exit(1)


@main.command("export", cls=Command, help=HELP["export"])
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@option(
    "-f",
    "--format",
    "export_format",
    type=click.Choice(list(FORMATS)),
    required=True,
    help=N_("The format: {formats}."),
    help_args={"formats": lambda _: "; ".join(f"{f.name}: {_(f.help)}" for f in FORMATS.values())},
)
@option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help=N_("A folder for {folders}, a file for {files} [default: {defaults}]."),
    help_args={
        "folders": " / ".join(f.name for f in FORMATS.values() if f.writes == "folder"),
        "files": " / ".join(f.name for f in FORMATS.values() if f.writes == "file"),
        "defaults": ", ".join(
            f.default + ("/" if f.writes == "folder" else "") for f in FORMATS.values()
        ),
    },
)
@option(
    "--raw-cells",
    is_flag=True,
    help=N_(
        "csv: keep cells starting with = + - @ as they are (by default a ' is put before "
        "them so that spreadsheets show text, never a formula)."
    ),
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
    """The `export` command."""
    from extractor import app

    collecting()
    with handled(verbose):
        written = app.export_files(
            list(files), export_format, output, crosswalk_file, links_file, raw_cells
        )
    if not quiet:
        _skipped(written.crosswalks, words())
        for path in written.paths:
            say(words()._("wrote {path}").format(path=path))


@main.command("report", cls=Command, help=HELP["report"])
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default="report.html",
    show_default=True,
    help=N_("Where to write the report."),
)
@crosswalk_option
@links_option
@quiet_option
@verbose_option
@option(
    "--lang",
    type=click.Choice(LANGUAGES),
    callback=note_language,
    is_eager=True,
    help=N_("Language of the report [default: Japanese] and of messages [default: the locale's]."),
)
def report(
    files: tuple[Path, ...],
    output: Path,
    crosswalk_file: Path | None,
    links_file: Path | None,
    quiet: bool,
    verbose: bool,
    lang: str | None,
) -> None:
    """The `report` command."""
    from extractor import app

    collecting()
    with handled(verbose):
        report_language: Language = "en" if lang == "en" else "ja"
        written = app.report_files(list(files), output, crosswalk_file, links_file, report_language)
    if not quiet:
        _skipped(written.crosswalks, words())
        for path in written.paths:
            say(words()._("wrote {path}").format(path=path))


def _skipped(crosswalks: list[Path], w: Words, rebuilt: bool = False) -> None:
    """Say what became of a crosswalk given among the datasets: read as the crosswalk (or,
    when linking, left to be built again)."""
    for path in crosswalks:
        if rebuilt:
            say(
                w._("{path}: a crosswalk, not a dataset; built again from the datasets").format(
                    path=path
                )
            )
        else:
            say(w._("{path}: read as the crosswalk, not as a dataset").format(path=path))
