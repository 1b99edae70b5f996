"""Show a workbook cell's value as Excel displays it, from its number format.

A format is parsed once into sections (positive; negative; zero; text, or sections chosen
by a condition such as `[>=100]`), each a list of tokens. Rendered exactly: General, digit
placeholders `0 # ?` with thousands separators, scaling commas and percent, scientific
notation, literal text (`"回"`, `\\-`, `_x` spacing, `[$¥-411]`), colours and locales
(ignored, as on paper), dates and times with month and day names, `AM/PM`, elapsed time
`[h]:mm`, and the Japanese tokens of a Japanese Excel: era `g gg ggg`, era year `e ee`,
weekday `aaa aaaa`. Fractions (`# ?/?`), engineering notation and fractional seconds are
shown as General, and so is any format longer than Excel's own limit of 255 characters:
no value is ever lost, and parsing stays linear in the format's length.
"""

from __future__ import annotations

import datetime as dt

from extractor.sources.numfmt.codes import (
    GENERAL,
    MAX_FORMAT_CHARS,
    Section,
    Unsupported,
    literal,
    parse,
    shown,
)
from extractor.sources.numfmt.dates import render_date
from extractor.sources.numfmt.numbers import general, render_number

__all__ = ["MAX_FORMAT_CHARS", "display", "general", "is_date_format", "parse"]


def _holds(condition: tuple[str, float], value: float) -> bool:
    operator, bound = condition
    return {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "=": value == bound,
        "<>": value != bound,
    }[operator]


def _choose(sections: tuple[Section, ...], value: float) -> tuple[Section, bool]:
    """Given the sections and a number, return the section that shows it and whether the
    number is shown without its sign (a negative number in a section of its own)."""
    numeric = [s for s in sections if s.kind != "text"] or [sections[0]]
    if any(s.condition for s in numeric):
        for section in numeric[:2]:
            if section.condition and _holds(section.condition, value):
                return section, False
        others = [s for s in numeric if not s.condition]
        return (others[0] if others else numeric[-1]), False
    if value < 0 and len(numeric) > 1:
        return numeric[1], True
    if value == 0 and len(numeric) > 2:
        return numeric[2], False
    return numeric[0], False


def _text(sections: tuple[Section, ...], value: str) -> str:
    section = next((s for s in sections if s.kind == "text"), None)
    if section is None:
        return value
    return "".join(value if t == "@" else shown(t) for t in section.tokens)


def _render(section: Section, value: object, unsigned: bool) -> str:
    if section.kind == "date":
        return render_date(section, value)
    if section.kind in ("general", "text"):
        text = general(abs(value) if unsigned else value)  # type: ignore[arg-type]
        if section.kind == "text":
            return text
        return "".join(text if t == GENERAL else literal(t) or "" for t in section.tokens)
    if section.kind == "literal":
        return "".join(shown(t) for t in section.tokens)
    return render_number(section, value, unsigned)  # type: ignore[arg-type]


def display(value: object, number_format: str | None) -> str:
    """Given a cell's value and number format, return the text Excel shows for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    sections = parse(number_format or "General")
    if isinstance(value, str):
        return _text(sections, value) if sections else value
    if sections is None:
        return _fallback(value)
    try:
        if isinstance(value, int | float):
            section, unsigned = _choose(sections, value)
            return _render(section, value, unsigned)
        dated = next((s for s in sections if s.kind == "date"), None)
        return render_date(dated, value) if dated else _fallback(value)
    except (Unsupported, ArithmeticError, ValueError, OverflowError):
        return _fallback(value)


def _fallback(value: object) -> str:
    """How a value shows when its format is not rendered: General, or ISO for a date."""
    if isinstance(value, int | float):
        return general(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def is_date_format(number_format: str | None) -> bool:
    """Given a number format, return whether it shows dates or times (a number under it is
    a serial day count)."""
    sections = parse(number_format or "General")
    return bool(sections) and any(s.kind == "date" for s in sections)  # type: ignore[union-attr]
