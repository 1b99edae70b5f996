"""Find Japanese dates in text: era dates, H24.4-style abbreviations, 年度 fiscal years,
month-day dates whose year comes from the cell's fiscal year, and ranges of these.

Every date keeps the exact source substring it was read from.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from extractor import eras
from extractor.normalize.text import nfkc, nfkc_with_offsets

WEEKDAYS = "月火水木金土日"

_ERA = eras.names_pattern()
_LETTER = f"[{eras.letters()}]"
# One or two digits, optionally spaced out as in 平成 2 4 年 6 月 2 6 日.
_N = r"\d(?:[ ]?\d)?"
_WEEKDAY = r"(?:\s*\(\s*(?P<wd>[月火水木金土日])(?:曜日?)?\s*\))?"
_YEARS = rf"(?P<ys>(?:元|{_N})(?:\s*[・、,]\s*{_N})*)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("era_fy", re.compile(rf"(?P<era>{_ERA})\s*{_YEARS}\s*年度")),
    (
        "era_date",
        re.compile(
            rf"(?P<era>{_ERA})\s*(?P<y>元|{_N})\s*年(?!度)"
            rf"(?:\s*(?P<m>{_N})\s*月(?:\s*(?P<d>{_N})\s*日{_WEEKDAY})?)?"
        ),
    ),
    ("abbr_fy", re.compile(rf"(?<![A-Za-z])(?P<era>{_LETTER})\.?\s?(?P<ys>元|\d{{1,2}})\s?年度")),
    (
        "abbr_date",
        re.compile(
            rf"(?<![A-Za-z])(?P<era>{_LETTER})\.?\s?(?P<y>元|\d{{1,2}})\s?(?:[./]|年(?!度))\s?"
            rf"(?P<m>\d{{1,2}})(?:\s?(?:[./]|月)\s?(?P<d>\d{{1,2}})日?{_WEEKDAY})?月?(?![\d.])"
        ),
    ),
    ("western_fy", re.compile(r"(?<!\d)(?P<ys>(?:19|20)\d\d)\s*年度")),
    (
        "western_date",
        re.compile(
            r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年(?!度)"
            rf"(?:\s*(?P<m>\d{{1,2}})\s*月(?:\s*(?P<d>\d{{1,2}})\s*日{_WEEKDAY})?)?"
        ),
    ),
    (
        "bare_fy",
        re.compile(r"(?<![\d.A-Za-z])(?P<ys>(?:元|\d{1,2})(?:\s*[・、]\s*\d{1,2})*)\s*年度"),
    ),
    (
        "month_day",
        re.compile(rf"(?<![\d./])(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日{_WEEKDAY}"),
    ),
    ("month", re.compile(r"(?<![\d./年])(?P<m>\d{1,2})\s*月(?!\s*\d{1,2}\s*日)(?![間目])")),
]
# Range marks: ~ (～ and ˜ become ~ in nfkc), 〜, から.
_TO = r"(?:~|〜|から)"
# Every date form has a digit (ASCII or full-width) or 元 (元年).
MAY_HOLD_DATE = re.compile(r"[0-9０-９元]")
RANGE_JOIN = re.compile(rf"\s*{_TO}\s*")
RANGE_DAY_END = re.compile(rf"\s*{_TO}\s*(?P<d>\d{{1,2}})\s*日" + _WEEKDAY)


@dataclass(frozen=True)
class DateContext:
    """What a cell tells about dates written without a year: its fiscal year and era."""

    fiscal_year: int | None = None
    era: str | None = None
    # A year the packet is about (its report year): a year written without its era is read
    # in the era that puts it nearest (30年度 in a 令和元年度 packet is 平成30年度).
    reference_year: int | None = None


@dataclass
class FoundDate:
    """A date read from text; positions index the original string."""

    raw: str
    start: int
    end_index: int
    kind: str
    date: dt.date | None
    end: dt.date | None
    precision: str
    fiscal_year: int | None
    era: str | None
    year_inferred: bool
    weekday: str | None
    weekday_matches: bool | None
    month: int | None = None
    day: int | None = None


def fiscal_year_of(day: dt.date) -> int:
    """Given a date, return the Japanese fiscal year (April–March) it belongs to."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """Given a fiscal year, return its first and last day."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def year_in_fiscal_year(fiscal_year: int, month: int) -> int:
    """Given a fiscal year and a month, return the calendar year that month falls in."""
    return fiscal_year if month >= 4 else fiscal_year + 1


def _digits(text: str) -> int:
    return 1 if text == "元" else int(text.replace(" ", ""))


def _year_numbers(text: str) -> list[int]:
    return [_digits(part.strip()) for part in re.split(r"[・、,]", text)]


def _bare_year(number: int, context: DateContext) -> tuple[int | None, str | None]:
    """Given a year number written without an era, return its western year and era: the
    reading nearest the context's reference year, else the document era's."""
    reference = context.fiscal_year or context.reference_year
    if reference is None:
        return (eras.to_western(context.era, number), context.era) if context.era else (None, None)
    year = resolve_year(YearToken(None, number), reference, context.era)
    era = next((e.name for e, western in eras.bare_readings(number) if western == year), None)
    return year, era or context.era


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _weekday_check(day: dt.date | None, written: str | None) -> bool | None:
    if day is None or written is None:
        return None
    return WEEKDAYS[day.weekday()] == written


def _number(match: re.Match[str], group: str) -> int | None:
    """Given a match and a month or day group, return its number (spaced digits allowed)."""
    text = match.groupdict().get(group)
    return int(text.replace(" ", "")) if text else None


def _resolve(
    name: str, match: re.Match[str], context: DateContext
) -> list[tuple[dt.date | None, dt.date | None, str, int | None, str | None, bool]]:
    """Given a pattern match, return (date, end, precision, fy, era, inferred) entries."""
    groups = match.groupdict()
    era_group = groups.get("era")
    era = eras.canonical(era_group)
    if name.endswith("_fy"):
        results = []
        for number in _year_numbers(groups["ys"]):
            year_era = era
            if name == "western_fy":
                fiscal_year: int | None = number
            elif era:
                fiscal_year = eras.to_western(era, number)
            else:
                fiscal_year, year_era = _bare_year(number, context)
            first, last = fiscal_year_bounds(fiscal_year) if fiscal_year else (None, None)
            results.append((first, last, "fiscal_year", fiscal_year, year_era, era is None))
        return results
    month, day = _number(match, "m"), _number(match, "d")
    if month is not None and not 1 <= month <= 12:
        return []
    if day is not None and not 1 <= day <= 31:
        return []
    inferred = False
    if groups.get("y"):
        year_number = _digits(groups["y"])
        year: int | None = year_number if name == "western_date" else None
        if year is None and era:
            year = eras.to_western(era, year_number)
    elif month is not None and context.fiscal_year is not None:
        year = year_in_fiscal_year(context.fiscal_year, month)
        inferred = True
    else:
        year = None
        inferred = True
    if year is None:
        return [(None, None, "day" if day else "month", None, era, True)]
    if month is None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return [(first, last, "year", None, era, inferred)]
    if day is None:
        first, last = _month_bounds(year, month)
        return [(first, last, "month", fiscal_year_of(first), era, inferred)]
    exact = _safe_date(year, month, day)
    if exact is None:
        return []
    return [(exact, exact, "day", fiscal_year_of(exact), era, inferred)]


def find_dates(text: str, context: DateContext | None = None) -> list[FoundDate]:
    """Given text and what its cell says about years, return every date written in it."""
    context = context or DateContext()
    if not MAY_HOLD_DATE.search(text):
        return []
    normalized, offsets = nfkc_with_offsets(text)
    taken = [False] * len(normalized)
    found: list[tuple[int, int, FoundDate]] = []
    for name, pattern in PATTERNS:
        for match in pattern.finditer(normalized):
            start, stop = match.span()
            if any(taken[start:stop]):
                continue
            entries = _resolve(name, match, context)
            if not entries:
                continue
            for index in range(start, stop):
                taken[index] = True
            raw = text[offsets[start] : offsets[stop - 1] + 1]
            written_weekday = match.groupdict().get("wd")
            month, day = _number(match, "m"), _number(match, "d")
            for first, last, precision, fiscal_year, era, inferred in entries:
                found.append(
                    (
                        start,
                        stop,
                        FoundDate(
                            raw=raw,
                            start=offsets[start],
                            end_index=offsets[stop - 1] + 1,
                            kind="date",
                            date=first,
                            end=last,
                            precision=precision,
                            fiscal_year=fiscal_year,
                            era=era,
                            year_inferred=inferred,
                            weekday=written_weekday,
                            weekday_matches=_weekday_check(
                                first if precision == "day" else None, written_weekday
                            ),
                            month=month,
                            day=day,
                        ),
                    )
                )
    found.sort(key=lambda item: (item[0], item[1]))
    return _join_ranges(text, normalized, offsets, found)


def _join_ranges(
    text: str,
    normalized: str,
    offsets: list[int],
    found: list[tuple[int, int, FoundDate]],
) -> list[FoundDate]:
    """Given dates in order, merge `A~B` / `AからB日` pairs into ranges."""
    result: list[FoundDate] = []
    index = 0
    while index < len(found):
        start, stop, current = found[index]
        if current.precision in ("day", "month") and index + 1 < len(found):
            next_start, next_stop, following = found[index + 1]
            joiner = normalized[stop:next_start]
            if (
                RANGE_JOIN.fullmatch(joiner)
                and following.precision == current.precision
                and current.date
                and following.date
                and following.date >= current.date
            ):
                result.append(_as_range(text, offsets, start, next_stop, current, following))
                index += 2
                continue
        if current.precision == "day" and current.date:
            tail = RANGE_DAY_END.match(normalized, stop)
            day_end = (
                _safe_date(current.date.year, current.date.month, int(tail.group("d")))
                if tail
                else None
            )
            if tail and day_end and day_end > current.date:
                end_day = FoundDate(**{**current.__dict__, "date": day_end, "end": day_end})
                end_day.weekday = tail.group("wd")
                end_day.weekday_matches = _weekday_check(day_end, end_day.weekday)
                result.append(_as_range(text, offsets, start, tail.end(), current, end_day))
                index += 1
                continue
        result.append(current)
        index += 1
    return result


def _as_range(
    text: str, offsets: list[int], start: int, stop: int, first: FoundDate, last: FoundDate
) -> FoundDate:
    weekday_ok = [
        flag for flag in (first.weekday_matches, last.weekday_matches) if flag is not None
    ]
    return FoundDate(
        raw=text[offsets[start] : offsets[stop - 1] + 1],
        start=offsets[start],
        end_index=offsets[stop - 1] + 1,
        kind="range",
        date=first.date,
        end=last.end,
        precision=first.precision,
        fiscal_year=first.fiscal_year,
        era=first.era or last.era,
        year_inferred=first.year_inferred or last.year_inferred,
        weekday=first.weekday or last.weekday,
        weekday_matches=all(weekday_ok) if weekday_ok else None,
        month=first.month,
        day=first.day,
    )


# The longest 年次計画 cell worth trying, e.g. 平成21年度~平成25年度 with spaces.
MAX_SCHEDULE_CHARS = 24
_YEAR = rf"(?P<{{e}}>{_ERA}|{_LETTER})?\.?\s*(?P<{{n}}>元|\d{{{{1,4}}}})\s*(?:年度?)?"
SCHEDULE = re.compile(
    rf"^\s*{_YEAR.format(e='e1', n='a')}\s*[~〜\-ー–]\s*{_YEAR.format(e='e2', n='b')}\s*$"
)
YEAR_ONLY = re.compile(rf"^\s*{_YEAR.format(e='era', n='n')}\s*$")
# A plan or schedule range longer than this is not what a bare pair of years means.
MAX_RANGE_YEARS = 15


@dataclass(frozen=True)
class YearToken:
    """A year as written: its era (None when bare) and its number (元 = 1; 2009 is western)."""

    era: str | None
    number: int

    def fixed(self) -> int | None:
        """The western year when the writing fixes it (western digits or an era)."""
        if self.number >= 1000:
            return self.number
        return eras.to_western(self.era, self.number) if self.era else None


def _token(era: str | None, number: str) -> YearToken:
    return YearToken(eras.canonical(era), 1 if number == "元" else int(number))


def bare_year_candidates(number: int) -> list[int]:
    """Given a year number written without an era, return the western years it can be."""
    return [western for _, western in eras.bare_readings(number)]


def _candidates(token: YearToken, reference: int | None, era: str | None) -> list[int]:
    fixed = token.fixed()
    if fixed is not None:
        return [fixed]
    if reference is None:
        return [eras.to_western(era, token.number)] if era else []
    return bare_year_candidates(token.number)


def resolve_year(token: YearToken, reference: int | None, era: str | None) -> int | None:
    """Given a year as written, return the western year: as written when it names its era,
    else the reading nearest the reference year (the packet's own years), else the document
    era's."""
    found = _candidates(token, reference, era)
    if not found:
        return None
    return min(found, key=lambda year: (abs(year - reference) if reference else 0, year))


@dataclass(frozen=True)
class YearRange:
    """A range of fiscal years read from text; `reversed` when no reading runs forward (over
    at most MAX_RANGE_YEARS years, unless both ends name their era)."""

    start: int | None
    end: int | None
    reversed: bool = False


def resolve_range(
    first: YearToken, last: YearToken, reference: int | None, era: str | None
) -> YearRange:
    """Given the two ends of a range as written, return their western years, reading bare
    years in the eras that make the range run forward and lie nearest the reference year
    (30~4 in a 令和元年度 packet is 2018–2022)."""
    starts, ends = _candidates(first, reference, era), _candidates(last, reference, era)
    if not starts or not ends:
        return YearRange(None, None)
    both_fixed = first.fixed() is not None and last.fixed() is not None
    pairs = [
        (a, b) for a in starts for b in ends if a <= b and (both_fixed or b - a <= MAX_RANGE_YEARS)
    ]
    if not pairs:
        return YearRange(None, None, reversed=True)

    def distance(pair: tuple[int, int]) -> tuple[int, int, int]:
        a, b = pair
        away = 0 if reference is None else max(a - reference, reference - b, 0)
        return away, b - a, a

    start, end = min(pairs, key=distance)
    return YearRange(start, end)


def parse_year_range(raw: str, reference: int | None, era: str | None) -> YearRange | None:
    """Given a 年次計画 cell such as 21~25, 30~4 or H30~R4, return its fiscal years (None when
    the text is not a year range)."""
    match = SCHEDULE.match(nfkc(raw))
    if not match:
        return None
    first = _token(match.group("e1"), match.group("a"))
    last = _token(match.group("e2"), match.group("b"))
    return resolve_range(first, last, reference, era)


# Two two-digit years a scan ran together: the ~ between them lost, or read as a mark or a 7.
SCANNED_RANGE = re.compile(r"^(\d{2})(?:[^\d]|7)?(\d{2})$")


def scanned_range(raw: str) -> str | None:
    """Given a scanned 年次計画 cell that is no year range as read (2125, 21"25, 21725),
    return it as the range its two years make (21~25), or None when it holds no such two
    years, or they run backwards."""
    match = SCANNED_RANGE.match("".join(nfkc(raw).split()))
    if match is None or int(match.group(1)) > int(match.group(2)):
        return None
    return f"{match.group(1)}~{match.group(2)}"


def is_schedule(text: str) -> bool:
    """Given cell text, return whether it reads like a 年次計画 range such as 21~25."""
    return len(text) <= MAX_SCHEDULE_CHARS and bool(SCHEDULE.match(nfkc(text)))


def year_token(text: str) -> YearToken | None:
    """Given a sub-header year such as 21, 平成21, R4, 元 or 2009, return it as written."""
    match = YEAR_ONLY.match(nfkc(text))
    return _token(match.group("era"), match.group("n")) if match else None
