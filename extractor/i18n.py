"""Messages for people in Japanese or English, through gettext catalogs.

Everything a person reads (errors, the stderr summary, warnings, the diff, the report) goes
through `_()`; the dataset itself (field names, warning codes, JSON keys) stays English.
The catalogs live in `extractor/locale/<lang>/LC_MESSAGES/extractor.po` (compiled to `.mo`
with `make catalogs`). English is the source language and needs no catalog.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["ja", "en"]
LANGUAGES: tuple[Language, ...] = ("ja", "en")
DOMAIN = "extractor"
LOCALE_DIR = Path(__file__).parent / "locale"

_state: dict[str, gettext.NullTranslations | str] = {
    "translation": gettext.NullTranslations(),
    "language": "en",
}


@cache
def translation_for(language: Language) -> gettext.NullTranslations:
    """Given a language, return its catalog (English is the source and needs none)."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def set_language(language: Language) -> None:
    """Given a language, make every later message for people use it."""
    _state["translation"] = translation_for(language)
    _state["language"] = language


def current_language() -> Language:
    """Return the language messages are written in now."""
    return "ja" if _state["language"] == "ja" else "en"


def _(message: str) -> str:
    """Given an English message, return it in the current language."""
    translation = _state["translation"]
    assert isinstance(translation, gettext.NullTranslations)
    return translation.gettext(message)


def N_(message: str) -> str:
    """Mark an English message for the catalog without translating it yet."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """Given English singular and plural forms and a count, return the right translated form."""
    translation = _state["translation"]
    assert isinstance(translation, gettext.NullTranslations)
    return translation.ngettext(singular, plural, count)


def locale_language(environ: Mapping[str, str] | None = None) -> Language:
    """Given the environment, return Japanese when its locale is Japanese, else English.

    The variables are read in POSIX order of precedence: LC_ALL, LC_MESSAGES, then LANG
    (LANGUAGE first, as GNU gettext does, when set).
    """
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def quote(text: object, language: Language | None = None) -> str:
    """Given a value from a packet, return it quoted for a language: 「…」 or '…'."""
    return f"「{text}」" if (language or current_language()) == "ja" else repr(str(text))


# --- years as people write them ---------------------------------------------------------------


def fiscal_year_text(year: int | None, language: Language | None = None) -> str:
    """Given a fiscal year, return it as people write it: 平成23年度（2011年度） or FY2011."""
    from extractor.eras import fiscal_year_label

    language = language or current_language()
    if year is None:
        return "—" if language == "ja" else "FY?"
    return fiscal_year_label(year, language)


def date_text(date: object, language: Language | None = None) -> str:
    """Given a date, return it as people write it: 令和元年5月1日（2019年5月1日） or 2019-05-01."""
    import datetime as dt

    from extractor.eras import date_label

    assert isinstance(date, dt.date)
    return date_label(date, language or current_language())


class using:
    """Write messages in a language within a block, then go back to the one before."""

    def __init__(self, language: Language | None) -> None:
        self.language = language
        self.before: Language = current_language()

    def __enter__(self) -> None:
        self.before = current_language()
        if self.language is not None:
            set_language(self.language)

    def __exit__(self, *exc: object) -> None:
        set_language(self.before)
