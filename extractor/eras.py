"""Japanese eras in one table: reading era years, converting them, and writing them.

Everything else that knows about eras (the date patterns, bare years such as `30~4`, the
number-format tokens `ggge`, the years people read in messages and the report, the chart
labels H21 / R1) derives from `ERAS`. A new era is one more line there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Era:
    """An era: its name (平成), its letter (H), and the day it began."""

    name: str
    letter: str
    first_day: dt.date

    @property
    def first_year(self) -> int:
        """The western year of the era's first year (元年)."""
        return self.first_day.year

    def western(self, number: int) -> int:
        """Given a year of this era (1 for 元年), return the western year."""
        return self.first_year + number - 1


# Oldest first. An era's year 1 (元年) is the calendar year it began in.
ERAS: tuple[Era, ...] = (
    Era("明治", "M", dt.date(1868, 1, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("令和", "R", dt.date(2019, 5, 1)),
)


def names_pattern() -> str:
    """Return a regular-expression alternation of the era names (平成|令和|…)."""
    return "|".join(sorted((era.name for era in ERAS), key=len, reverse=True))


def letters() -> str:
    """Return the era letters for a character class (MTSHR)."""
    return "".join(era.letter for era in ERAS)


@cache
def _lookup() -> dict[str, Era]:
    found: dict[str, Era] = {}
    for era in ERAS:
        found[era.name] = era
        found[era.letter] = found[era.letter.lower()] = era
    return found


def era_named(text: str) -> Era | None:
    """Given an era's name or letter (平成, H or h), return the era, or None."""
    return _lookup().get(text)


def canonical(text: str | None) -> str | None:
    """Given an era's name or letter, return its name (H → 平成); None stays None."""
    if text is None:
        return None
    era = era_named(text)
    return era.name if era else text


def to_western(era: str, number: int) -> int:
    """Given an era's name or letter and a year in it, return the western year."""
    found = era_named(era)
    if found is None:
        raise KeyError(era)
    return found.western(number)


def last_number(era: Era) -> int | None:
    """Given an era, return the number of its last year (None for the current era)."""
    index = ERAS.index(era)
    if index + 1 == len(ERAS):
        return None
    return ERAS[index + 1].first_year - era.first_year + 1


def bare_readings(number: int) -> list[tuple[Era, int]]:
    """Given a year number written without an era (30), return each era it can be a year
    of, with the western year it then is."""
    if number < 1:
        return []
    return [
        (era, era.western(number))
        for era in ERAS
        if (last := last_number(era)) is None or number <= last
    ]


def era_of_day(day: dt.date) -> tuple[Era, int] | None:
    """Given a date, return its era and year in the era (None before the first era)."""
    for era in reversed(ERAS):
        if day >= era.first_day:
            return era, day.year - era.first_year + 1
    return None


def era_of_fiscal_year(year: int) -> tuple[Era, int] | None:
    """Given a fiscal year (April–March), return the era most of its days fall in and the
    year in it: 2019 is 令和元年度, 2018 平成30年度."""
    return era_of_day(dt.date(year, 10, 1))


def number_text(number: int) -> str:
    """Given a year in an era, return it as written: 元 for the first, else its digits."""
    return "元" if number == 1 else str(number)


# --- years and dates as people read them --------------------------------------------------------


def fiscal_year_ja(year: int) -> str:
    """Given a fiscal year, return its short Japanese form: 平成23年度 (2011年度 before the
    first era)."""
    found = era_of_fiscal_year(year)
    if found is None:
        return f"{year}年度"
    era, number = found
    return f"{era.name}{number_text(number)}年度"


def fiscal_year_label(year: int, language: str) -> str:
    """Given a fiscal year, return it as people read it: 平成23年度（2011年度） or FY2011."""
    if language != "ja":
        return f"FY{year}"
    short = fiscal_year_ja(year)
    return short if short == f"{year}年度" else f"{short}（{year}年度）"


def fiscal_year_short(year: int, language: str) -> str:
    """Given a fiscal year, return its short form for a table cell: 平成21年度, or FY2009."""
    return fiscal_year_ja(year) if language == "ja" else f"FY{year}"


def axis_label(year: int, language: str) -> str:
    """Given a fiscal year, return its label on a chart axis: H21 / R1, or 2009."""
    found = era_of_fiscal_year(year) if language == "ja" else None
    if found is None:
        return str(year)
    era, number = found
    return f"{era.letter}{number}"


def date_label(day: dt.date, language: str) -> str:
    """Given a date, return it as people read it: 令和元年5月1日（2019年5月1日） or 2019-05-01."""
    if language != "ja":
        return day.isoformat()
    western = f"{day.year}年{day.month}月{day.day}日"
    found = era_of_day(day)
    if found is None:
        return western
    era, number = found
    return f"{era.name}{number_text(number)}年{day.month}月{day.day}日（{western}）"
