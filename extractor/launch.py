"""The `extract` command's entry point: a light start before the click layer.

`extract --help` prints the committed help text (English or Japanese, by the locale)
without importing click; every other
command runs the click layer (`extractor.cli`) with the garbage collector paused while the
modules load, and without pydantic's plugin scan (no plugins are used here).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types
from pathlib import Path

HELP_TEXTS = {
    "en": Path(__file__).with_name("help.txt"),
    "ja": Path(__file__).with_name("help.ja.txt"),
}
HELP_WIDTH = 80  # click writes help at most this wide
LOADER = "pydantic.plugin._loader"


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return HELP_WIDTH  # not a terminal: click uses its default width too


def _quiet_pydantic_plugins() -> None:
    """Tell pydantic that no plugins are used, and spare the import its plugin loader would
    make only to find none. Anything else asked of the loader loads the real one."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] != "__all__" or LOADER in sys.modules:
        return
    stub = types.ModuleType(LOADER)

    def get_plugins() -> tuple[()]:
        return ()

    def real(name: str) -> object:
        if name.startswith("__"):  # the import system asking what kind of module this is
            raise AttributeError(name)
        del sys.modules[LOADER]
        return getattr(importlib.import_module(LOADER), name)

    stub.get_plugins = get_plugins  # type: ignore[attr-defined]
    stub.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[LOADER] = stub


def main() -> None:
    """Run the `extract` command."""
    if sys.argv[1:] in (["--help"], ["-h"]) and _terminal_width() >= HELP_WIDTH:
        from extractor.i18n import locale_language

        sys.stdout.write(HELP_TEXTS[locale_language()].read_text(encoding="utf-8"))
        return
    gc.disable()  # loading the modules makes many objects and no garbage
    _quiet_pydantic_plugins()
    from extractor.cli import main as command

    command()
