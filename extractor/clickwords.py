"""Click in the reader's language: the help of commands and options is translated when it
is shown, and click's own messages (usage errors, `Usage:`, `Options:`) come from the
package's catalog, which holds click's messages too (`make catalogs` extracts them).

Click writes its messages through a `gettext` function each of its modules imports;
`speak(language)` points those at the catalog of the language asked for, once the command
line says which.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from extractor.i18n import LANGUAGES, N_, Language, locale_language, translation_for

# Click's modules that put words through gettext (and ngettext).
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def language_of(ctx: click.Context | None) -> Language:
    """Given a click context, return the language of its messages: as --lang asked, else
    the locale's."""
    asked = ctx.find_root().meta.get("lang") if ctx is not None else None
    return "ja" if (asked or locale_language()) == "ja" else "en"


def speak(language: Language) -> None:
    """Given a language, have click's own messages come in it from now on."""
    translation = translation_for(language)
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translation.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translation.ngettext  # type: ignore[attr-defined]


def peek_language(args: list[str]) -> str | None:
    """Given the command line's words, return the language --lang asks for, read before
    click parses them (so that its errors about them come in that language)."""
    for index, word in enumerate(args):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return None


# A help argument: a catalog message, or a function of gettext that writes it.
HelpArg = str | Callable[[Callable[[str], str]], str]


def _translated(text: str | None, ctx: click.Context, args: dict[str, HelpArg]) -> str | None:
    if text is None:
        return None
    gettext = translation_for(language_of(ctx)).gettext
    words = {
        name: value(gettext) if callable(value) else gettext(value) for name, value in args.items()
    }
    return gettext(text).format(**words) if words else gettext(text)


class Context(click.Context):
    """A context whose command path never holds the default command's empty name."""

    @property
    def command_path(self) -> str:
        return re.sub(" {2,}", " ", super().command_path).strip()


class Option(click.Option):
    """An option whose help is a catalog message (with `help_args` filled in), translated
    when the help is shown."""

    def __init__(self, *args: Any, help_args: dict[str, HelpArg] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.help_args = help_args or {}

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        source = self.help
        self.help = _translated(source, ctx, self.help_args)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = source


class _Translated:
    """Help text that is a catalog message, translated when shown (for commands and groups)."""

    help: str | None

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        source = self.help
        self.help = _translated(source, ctx, {})
        try:
            super().format_help_text(ctx, formatter)  # type: ignore[misc]
        finally:
            self.help = source

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # Click builds the help option once per command and keeps it: its words are set
        # each time it is shown.
        option: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = translation_for(language_of(ctx)).gettext("Show this message and exit.")
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        source = self.help
        self.help = _translated(source, click.get_current_context(), {})
        try:
            shown: str = super().get_short_help_str(limit)  # type: ignore[misc]
            return shown
        finally:
            self.help = source


class Command(_Translated, click.Command):
    """A command whose help is translated when shown."""

    context_class = Context


class Group(_Translated, click.Group):
    """A group whose help, and its commands' help, is translated when shown."""

    context_class = Context
    command_class = Command


def note_language(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> str | None:
    """Note --lang as soon as it is read, so that even usage errors follow it."""
    if value is not None:
        context.find_root().meta["lang"] = value
    speak(language_of(context))
    return value


def lang_option(what: str = N_("messages for people")) -> Callable[[Any], Any]:
    """The --lang option: Japanese or English."""
    return click.option(
        "--lang",
        cls=Option,
        type=click.Choice(LANGUAGES),
        callback=note_language,
        is_eager=True,
        expose_value=False,
        help=N_("Language of {what} [default: the locale's, Japanese or English]."),
        help_args={"what": what},
    )


def option(*names: str, **attrs: Any) -> Callable[[Any], Any]:
    """A click option whose help is translated when shown."""
    return click.option(*names, cls=Option, **attrs)


verbose_option = option("-v", "--verbose", is_flag=True, help=N_("Show tracebacks for errors."))
quiet_option = option("-q", "--quiet", is_flag=True, help=N_("Print nothing but errors."))
links_option = option(
    "--links",
    "links_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Overrides that force or forbid links [default: ./links.toml if present]."),
)
crosswalk_option = option(
    "--crosswalk",
    "crosswalk_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_(
        "The crosswalk of years to use [default: crosswalk.json beside the datasets, or one "
        "built now]."
    ),
)


# What each command says of itself in --help (a catalog message each, translated when shown).
HELP = {
    "run": N_(
        "Extract each packet FILE (.txt export, .pdf, .xlsx or .xls; a scan: .pdf, .tif, "
        ".png or .jpg, or a folder of its page images) into OUTPUT_DIR/<name>.json.\n"
        "\n"
        "\b\n"
        "extract raw/h24.txt\n"
        "extract raw/h24.pdf -o out/\n"
        "extract raw/h25.xlsx --link-to normalized/h24.json\n"
        "extract raw/h21/   a folder of page images, in the order of their names"
    ),
    "link": N_(
        "Link datasets of several years (normalized/*.json) into their crosswalk.\n"
        "\n"
        "\b\n"
        "extract link normalized/*.json\n"
        "extract link normalized/h23.json normalized/h24.json --links links.toml"
    ),
    "schema": N_(
        "Print the JSON Schema of the dataset (generated from the models).\n"
        "\n"
        "\b\n"
        "extract schema -o schema/dataset.schema.json"
    ),
    "diff": N_(
        "Compare two years' datasets (OLD.json NEW.json, older first): renamed, added, not\n"
        "found, moved activities, changed targets, and how the actual figures moved, with a\n"
        "verdict.\n"
        "\n"
        "\b\n"
        "extract diff normalized/h23.json normalized/h24.json\n"
        "extract diff normalized/h23.json normalized/h24.json --json --lang en"
    ),
    "export": N_(
        "Export datasets (normalized/*.json, one per fiscal year) for other tools.\n"
        "\n"
        "\b\n"
        "extract export normalized/*.json -f csv -o export/\n"
        "extract export normalized/*.json -f sqlite -o data.db"
    ),
    "report": N_(
        "Write a self-contained HTML report of the datasets (normalized/*.json) for people:\n"
        "the progress of every numeric target, then every activity by goal.\n"
        "\n"
        "\b\n"
        "extract report normalized/*.json -o report.html\n"
        "extract report normalized/h24.json --lang en"
    ),
    "main": N_(
        "Turn Yamaguchi City's welfare-plan committee packets into a validated JSON dataset.\n"
        "\n"
        "\b\n"
        "extract raw/h24.txt                  writes normalized/h24.json\n"
        "extract raw/h23.txt raw/h24.txt      several years, linked in normalized/crosswalk.json\n"
        "extract link normalized/*.json       link years you extracted apart\n"
        "extract diff OLD.json NEW.json       what changed between two years\n"
        "extract export normalized/*.json -f sqlite -o data.db\n"
        "extract report normalized/*.json -o report.html\n"
        "extract schema                       the dataset's JSON Schema"
    ),
}
