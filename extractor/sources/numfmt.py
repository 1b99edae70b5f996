"""Show a workbook cell's value as Excel displays it, from its number format.

Covers what committee workbooks use: General, fixed decimals, thousands separators,
percentages, literal text in quotes, and dates, including the Japanese era tokens
(`ggge"年"m"月"d"日"` → 平成24年3月8日, `ge.m.d` → H24.3.8) and weekdays (`aaa` → 木).
A format outside this set is shown as General, so no value is ever lost.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from extractor.eras import era_of_day

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_BRACKETS = re.compile(r"\[[^\]]*\]")
_DATE_TOKEN = re.compile(r"(?i)(am/pm|a/p|y+|m+|d+|g+|e+|h+|s+|a{3,4})")
_TOKENS = re.compile(r'"[^"]*"|\\.|_.|\*.|(?i:am/pm|a/p)|y+|m+|d+|g+|e+|h+|s+|a{3,4}|.', re.S)


def _section(number_format: str, value: object) -> str:
    """Given a format and a value, return the section (positive;negative;zero;text) used."""
    sections = _split_sections(number_format)
    if isinstance(value, str):
        return sections[3] if len(sections) > 3 else "@"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0 and len(sections) > 1:
            return sections[1]
        if value == 0 and len(sections) > 2:
            return sections[2]
    return sections[0]


@lru_cache(maxsize=256)
def _split_sections(number_format: str) -> list[str]:
    sections, current, quoted, escaped = [], "", False, False
    for char in number_format:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char == '"':
            quoted = not quoted
            current += char
        elif char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    sections.append(current)
    return sections


def _unquoted(section: str) -> str:
    return re.sub(r'"[^"]*"|\\.', "", _BRACKETS.sub("", section))


def is_date_section(section: str) -> bool:
    """Given a format section, return whether it formats dates or times."""
    return bool(_DATE_TOKEN.search(_unquoted(section)))


def general(value: float | int) -> str:
    """Given a number, return it as Excel's General format shows it (up to 11 digits)."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return str(int(value))
    text = f"{value:.11g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{int(exponent):+03d}"
    return text


def _literal(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith("*"):
        return ""
    return token


def _number(value: float | int, section: str, signed: bool) -> str:
    body = _BRACKETS.sub("", section)
    plain = _unquoted(section)
    if not re.search(r"[0#?]", plain):
        return "".join(_literal(t) for t in _TOKENS.findall(body)) if body else general(value)
    if "E+" in plain.upper() or "/" in plain:
        return general(value)
    percent = plain.count("%")
    number = Decimal(str(value)) * (100**percent)
    digits = plain.split(".", 1)
    decimals = len(re.findall(r"[0#?]", digits[1])) if len(digits) > 1 else 0
    grouped = "," in digits[0]
    scaled = re.search(r"[0#?](,+)(?![0#?])", plain)  # 0, divides by 1,000 per comma
    if scaled:
        number /= Decimal(1000) ** len(scaled.group(1))
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}" if grouped else f"{abs(rounded):.{decimals}f}"
    minimum = len(re.findall(r"0", digits[0].replace(",", "")))
    whole, _, fraction = text.partition(".")
    if whole == "0" and minimum == 0:
        whole = ""
    text = whole + (f".{fraction}" if decimals else "")
    sign = "-" if signed and rounded < 0 else ""
    out, placed = [], False
    for token in _TOKENS.findall(body):
        if token in ("0", "#", "?", ",", "."):
            if not placed:
                out.append(sign + text)
                placed = True
        else:
            out.append(_literal(token))
    return "".join(out)


def _era(day: dt.date) -> tuple[str, str, int]:
    found = era_of_day(day)
    if found is None:
        return "", "", day.year
    era, number = found
    return era.letter, era.name, number


def _date(value: dt.date | dt.datetime, section: str) -> str:
    body = _BRACKETS.sub("", section)
    tokens = _TOKENS.findall(body)
    day = value.date() if isinstance(value, dt.datetime) else value
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    letter, era_name, era_year = _era(day)
    out: list[str] = []
    for index, token in enumerate(tokens):
        low = token.lower()
        if low.startswith("y"):
            out.append(f"{day.year % 100:02d}" if len(token) <= 2 else str(day.year))
        elif low.startswith("g"):
            out.append(letter if len(token) == 1 else era_name[:1] if len(token) == 2 else era_name)
        elif low.startswith("e"):
            out.append(f"{era_year:02d}" if len(token) >= 2 else str(era_year))
        elif low.startswith("m"):
            after_hour = any(t.lower().startswith("h") for t in tokens[:index])
            before_second = any(t.lower().startswith("s") for t in tokens[index + 1 :])
            if (after_hour or before_second) and len(token) <= 2:
                out.append(f"{moment.minute:02d}" if len(token) == 2 else str(moment.minute))
            elif len(token) >= 3:
                out.append(MONTHS_EN[day.month - 1])
            else:
                out.append(f"{day.month:02d}" if len(token) == 2 else str(day.month))
        elif low.startswith("d"):
            if len(token) >= 3:
                out.append(WEEKDAYS_EN[day.weekday()])
            else:
                out.append(f"{day.day:02d}" if len(token) == 2 else str(day.day))
        elif low.startswith("a") and low not in ("am/pm", "a/p"):
            out.append(WEEKDAYS_JA[day.weekday()] + ("曜日" if len(token) == 4 else ""))
        elif low.startswith("h"):
            out.append(f"{moment.hour:02d}" if len(token) == 2 else str(moment.hour))
        elif low.startswith("s"):
            out.append(f"{moment.second:02d}" if len(token) == 2 else str(moment.second))
        elif low in ("am/pm", "a/p"):
            out.append("AM" if moment.hour < 12 else "PM")
        else:
            out.append(_literal(token))
    return "".join(out)


def display(value: object, number_format: str | None) -> str:
    """Given a cell's value and number format, return the text Excel shows for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    number_format = number_format or "General"
    section = _section(number_format, value)
    if isinstance(value, str):
        return "".join(value if t == "@" else _literal(t) for t in _TOKENS.findall(section))
    if isinstance(value, dt.datetime | dt.date):
        if is_date_section(section):
            return _date(value, section)
        return value.isoformat()
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        if section.strip().lower() in ("general", "", "@"):
            return general(value)
        # A negative value in its own section is shown without its sign: (#,##0).
        own_section = value < 0 and len(_split_sections(number_format)) > 1
        return _number(abs(value) if own_section else value, section, not own_section)
    return str(value)
