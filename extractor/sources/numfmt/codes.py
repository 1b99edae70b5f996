"""Number formats read into sections of tokens: what each token is and what it shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_FORMAT_CHARS = 255
GENERAL = "General"

_TOKEN = re.compile(
    r'"[^"]*"?|\\.|_.|\*.|\[[^\][]*\]|(?i:general|am/pm|a/p)|[Ee][+-]|'
    r"[yY]+|[mM]+|[dD]+|[gG]+|[eE]+|[hH]+|[sS]+|[aA]{3,4}|[0#?]|.",
    re.S,
)
_CONDITION = re.compile(r"^\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d+)?)\]$")
_CURRENCY = re.compile(r"^\[\$([^-\]]*)(?:-[0-9A-Fa-f]+)?\]$")
_ELAPSED = re.compile(r"^\[([hms])\1*\]$", re.I)


class Unsupported(Exception):
    """A format this module does not render exactly: shown as General."""


@dataclass(frozen=True)
class Section:
    """One section of a format: its tokens (brackets resolved) and its condition."""

    tokens: tuple[str, ...]
    condition: tuple[str, float] | None
    kind: str  # "general", "number", "date", "text"


def literal(token: str) -> str | None:
    """Given a token, return the text it shows when it is literal (None when it is not)."""
    if token.startswith('"'):
        return token[1:-1] if len(token) > 1 and token.endswith('"') else token[1:]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith("*"):
        return ""
    return None


def shown(token: str) -> str:
    """Given a token that is not a code of its section, return the text it shows."""
    text = literal(token)
    return token if text is None else text


def _bracket(token: str) -> tuple[str | None, tuple[str, float] | None]:
    """Given a [...] token, return the literal it shows and the condition it sets."""
    condition = _CONDITION.match(token)
    if condition:
        return None, (condition.group(1), float(condition.group(2)))
    currency = _CURRENCY.match(token)
    if currency:
        return currency.group(1), None
    if _ELAPSED.match(token):
        return token.lower(), None
    return "", None  # a colour ([Red], [Color10]) or another modifier: nothing shown


def is_date_code(token: str) -> bool:
    """Given a token, return whether it stands for part of a date or time."""
    low = token.lower()
    if low in ("am/pm", "a/p") or (low.startswith("[") and low.endswith("]")):
        return True
    if low in ("e+", "e-"):
        return False
    return low[0] in "ymdgehs" or (low[0] == "a" and len(low) >= 3)


def _kind(tokens: list[str]) -> str:
    """Given a section's tokens, return what it formats: dates, numbers, text, or nothing
    but literal text."""
    codes = [t for t in tokens if literal(t) is None]
    if any(is_date_code(t) for t in codes):
        if any(t in ("0", "#", "?") for t in codes):  # fractional seconds and the like
            raise Unsupported
        return "date"
    if "@" in codes:
        return "text"
    if any(t in ("0", "#", "?") for t in codes):
        return "number"
    return "literal"


def _section(text: str) -> Section:
    tokens: list[str] = []
    condition = None
    for token in _TOKEN.findall(text):
        if token.startswith("[") and token.endswith("]"):
            shown, found = _bracket(token)
            condition = found or condition
            if shown:
                tokens.append(shown if shown.startswith("[") else f'"{shown}"')
            continue
        tokens.append(token)
    if any(t.lower() == "general" for t in tokens):
        tokens = [GENERAL if t.lower() == "general" else t for t in tokens]
        if any(literal(t) is None and t != GENERAL for t in tokens):
            raise Unsupported
        return Section(tuple(tokens), condition, "general")
    return Section(tuple(tokens), condition, _kind(tokens))


def _split(number_format: str) -> list[str]:
    """Given a format, return its sections (split on ; outside quotes and escapes)."""
    sections: list[str] = []
    start, quoted, index = 0, False, 0
    while index < len(number_format):
        char = number_format[index]
        if char == '"':
            quoted = not quoted
        elif char == "\\" and not quoted:
            index += 1
        elif char == ";" and not quoted:
            sections.append(number_format[start:index])
            start = index + 1
        index += 1
    sections.append(number_format[start:])
    return sections


@lru_cache(maxsize=512)
def parse(number_format: str) -> tuple[Section, ...] | None:
    """Given a number format, return its sections, or None to show values as General."""
    if not number_format or len(number_format) > MAX_FORMAT_CHARS:
        return None
    if number_format.strip().lower() == "general":
        return None
    try:
        return tuple(_section(part) for part in _split(number_format)[:4])
    except Unsupported:
        return None
