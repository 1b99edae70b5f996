"""Messages for people in Japanese or English, through gettext catalogs.

Everything a person reads (errors, the stderr summary, warnings, the diff, the report) is
written in the language passed to whatever writes it (`Words`), or kept as data until it is
shown (`Message`, as errors carry theirs); nothing holds a current language. The dataset
itself (field names, warning codes, JSON keys) stays English. The catalog lives in
`extractor/locale/ja/LC_MESSAGES/extractor.po` (compiled to `.mo` with `make catalogs`);
English is the source language and needs no catalog.
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


@cache
def translation_for(language: Language) -> gettext.NullTranslations:
    """Given a language, return its catalog (English is the source and needs none)."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def N_(message: str) -> str:
    """Mark an English message for the catalog without translating it yet."""
    return message


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


def quote(text: object, language: Language) -> str:
    """Given a value from a packet, return it quoted for a language: 「…」 or '…'."""
    return f"「{text}」" if language == "ja" else repr(str(text))


# --- messages put into words where they are shown ------------------------------------------------


class Message:
    """A sentence for people, kept as its English template (the catalog's msgid) and its
    arguments until it is shown: `render(language)` puts it into words; `str()` is English.
    Arguments may be messages themselves, packet text to quote (`Quoted`), words to
    translate (`Term`) or fiscal years (`FiscalYear`)."""

    def __init__(self, template: str, /, **args: object) -> None:
        self.template, self.args = template, args

    def render(self, language: Language) -> str:
        """Given a language, return the sentence in it."""
        values = {name: shown(value, language) for name, value in self.args.items()}
        return translation_for(language).gettext(self.template).format(**values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.template!r}, **{self.args!r})"


class Plural(Message):
    """A sentence whose words depend on a count (`count` is one of its arguments)."""

    def __init__(self, singular: str, plural: str, /, count: int, **args: object) -> None:
        super().__init__(singular, count=count, **args)
        self.plural = plural

    def render(self, language: Language) -> str:
        values = {name: shown(value, language) for name, value in self.args.items()}
        count = self.args["count"]
        assert isinstance(count, int)
        template = translation_for(language).ngettext(self.template, self.plural, count)
        return template.format(**values)


class Quoted:
    """Text from a packet inside a message: 「…」 in Japanese, '…' in English."""

    def __init__(self, text: object) -> None:
        self.text = text

    def render(self, language: Language) -> str:
        return quote(self.text, language)


class Term:
    """A word inside a message that is translated with it (marked for the catalog)."""

    def __init__(self, word: str) -> None:
        self.word = word

    def render(self, language: Language) -> str:
        return translation_for(language).gettext(self.word)


class FiscalYear:
    """A fiscal year inside a message: 平成25年度（2013年度） or FY2013."""

    def __init__(self, year: int | None) -> None:
        self.year = year

    def render(self, language: Language) -> str:
        return fiscal_year_text(self.year, language)


def shown(value: object, language: Language) -> object:
    """Given a message's argument, return it as shown in a language."""
    if isinstance(value, Message | Quoted | Term | FiscalYear):
        return value.render(language)
    return value


# --- years as people write them ---------------------------------------------------------------


def fiscal_year_text(year: int | None, language: Language) -> str:
    """Given a fiscal year, return it as people write it: 平成23年度（2011年度） or FY2011."""
    from extractor.eras import fiscal_year_label

    if year is None:
        return "—" if language == "ja" else "FY?"
    return fiscal_year_label(year, language)


def date_text(date: object, language: Language) -> str:
    """Given a date, return it as people write it: 令和元年5月1日（2019年5月1日） or 2019-05-01."""
    import datetime as dt

    from extractor.eras import date_label

    assert isinstance(date, dt.date)
    return date_label(date, language)


class Words:
    """The words of one language, passed to whatever writes for people: `_` and `ngettext`
    translate, the rest write years, dates, packet text and terms as the language does."""

    def __init__(self, language: Language) -> None:
        self.language: Language = language
        translation = translation_for(language)
        self._ = translation.gettext
        self.ngettext = translation.ngettext

    def year(self, year: int | None) -> str:
        """A fiscal year: 平成23年度（2011年度） or FY2011."""
        return fiscal_year_text(year, self.language)

    def date(self, date: object) -> str:
        """A date: 平成24年3月8日（2012年3月8日） or 2012-03-08."""
        return date_text(date, self.language)

    def quote(self, text: object) -> str:
        """Text from a packet: 「…」 or '…'."""
        return quote(text, self.language)

    def paren(self, text: object) -> str:
        """An aside: 「（…）」 with no space in Japanese, " (…)" in English."""
        return f"（{text}）" if self.language == "ja" else f" ({text})"

    def join(self, items: list[str]) -> str:
        """Items of a list: joined with 、 in Japanese, with commas in English."""
        return ("、" if self.language == "ja" else ", ").join(items)

    def span(self, first: str, last: str) -> str:
        """A span of years: first～last in Japanese, first–last in English."""
        return f"{first}～{last}" if self.language == "ja" else f"{first}–{last}"

    def message(self, message: Message) -> str:
        """A message kept as data (an error's, say), in this language."""
        return message.render(self.language)
