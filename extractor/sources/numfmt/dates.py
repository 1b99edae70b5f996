"""Dates and times under a date section: years, month and day names, hours to seconds,
AM/PM, elapsed time, and the Japanese era and weekday tokens."""

from __future__ import annotations

import datetime as dt

from extractor.eras import era_of_day
from extractor.sources.numfmt.codes import Section, Unsupported, is_date_code, literal, shown

WEEKDAYS_JA = "月火水木金土日"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01; Excel's phantom 1900-02-29
# is why the epoch is the 30th, for every date after February 1900).
EPOCH = dt.datetime(1899, 12, 30)


def moment(value: object) -> tuple[dt.datetime, float]:
    """Given a date, time, duration or serial number, return it as a moment and as days
    since Excel's epoch (for elapsed time)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, dt.time):
        moment = dt.datetime.combine(EPOCH.date(), value)
    elif isinstance(value, dt.timedelta):
        moment = EPOCH + value
    elif isinstance(value, int | float) and 0 <= value < 2958466:  # up to 9999-12-31
        moment = EPOCH + dt.timedelta(days=float(value))
    else:
        raise Unsupported
    moment = moment.replace(microsecond=0) + dt.timedelta(
        seconds=round(moment.microsecond / 1_000_000)
    )
    return moment, (moment - EPOCH).total_seconds() / 86400


def _date_token(token: str, moment: dt.datetime, days: float, context: dict[str, bool]) -> str:
    low = token.lower()
    letter = low[0]
    count = len(token)
    if low.startswith("[") and low.endswith("]"):  # elapsed [h], [mm], [ss]
        unit = {"h": 86400 / 3600, "m": 86400 / 60, "s": 86400}[low[1]]
        whole = int(days * unit + 1e-9)
        return f"{whole:0{len(low) - 2}d}"
    if letter == "y":
        return str(moment.year) if count > 2 else f"{moment.year % 100:02d}"
    if letter == "m" and context["minutes"]:
        return f"{moment.minute:0{min(count, 2)}d}"
    if letter == "m":
        if count >= 3:
            name = MONTH_NAMES[moment.month - 1]
            return name[:1] if count == 5 else name if count == 4 else name[:3]
        return f"{moment.month:0{count}d}"
    if letter == "d":
        if count >= 3:
            name = DAY_NAMES[moment.weekday()]
            return name if count >= 4 else name[:3]
        return f"{moment.day:0{count}d}"
    if letter == "h":
        hour = moment.hour
        if context["twelve"]:
            hour = hour % 12 or 12
        return f"{hour:0{min(count, 2)}d}"
    if letter == "s":
        return f"{moment.second:0{min(count, 2)}d}"
    if low in ("am/pm", "a/p"):
        word = "AM" if moment.hour < 12 else "PM"
        shown = word if low == "am/pm" else word[0]
        return shown.lower() if token[0].islower() else shown
    if letter == "a":
        return WEEKDAYS_JA[moment.weekday()] + ("曜日" if count == 4 else "")
    return _era_token(letter, count, moment)


def _era_token(letter: str, count: int, moment: dt.datetime) -> str:
    found = era_of_day(moment.date())
    if letter == "g":
        if found is None:
            return ""
        era = found[0]
        return era.letter if count == 1 else era.name[:1] if count == 2 else era.name
    number = found[1] if found else moment.year
    return f"{number:0{min(count, 2)}d}"


def render_date(section: Section, value: object) -> str:
    when, days = moment(value)
    tokens = section.tokens
    codes = [i for i, t in enumerate(tokens) if literal(t) is None and is_date_code(t)]
    twelve = any(tokens[i].lower() in ("am/pm", "a/p") for i in codes)
    out: list[str] = []
    for index, token in enumerate(tokens):
        if literal(token) is not None or index not in codes:
            out.append(shown(token))
            continue
        at = codes.index(index)
        previous = tokens[codes[at - 1]].lower()[0] if at > 0 else ""
        following = tokens[codes[at + 1]].lower()[0] if at + 1 < len(codes) else ""
        minutes = len(token) <= 2 and (previous in ("h", "[") or following == "s")
        context = {"minutes": minutes, "twelve": twelve}
        out.append(_date_token(token, when, days, context))
    return "".join(out)
