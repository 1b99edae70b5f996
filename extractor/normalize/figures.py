"""What one cell of the 計画目標 / 実績 area holds: a dash, figures (each with its unit and
the word it is written with: 約20回, 年2回, 20回以上), a unit without its figure (回: the
figure is missing, or a scan lost it), a label with figures, a label alone, or a target in
words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from extractor.models import Number
from extractor.normalize.text import DASHES, clean, is_dash, nfkc_with_offsets, remove_wrap_spaces
from extractor.settings import ExtractSettings

ReadingKind = Literal["dash", "values", "unit", "label_values", "label", "text"]
# Words a figure may be written with (約20回, 年2回, 20回以上): kept as its qualifier.
PREFIXES = ("約", "概ね", "おおむね", "毎年", "毎月", "年間", "年", "月", "週")
SUFFIXES = ("程度", "前後", "以上", "以下", "未満", "超")
_PREFIX = "|".join(PREFIXES)
_SUFFIX = "|".join(SUFFIXES)
# Unit fallback: a short run of kanji/katakana after a number (no hiragana: 3年で統一 is prose),
# never a qualifier written after it.
UNIT_CHARACTER = "[%‰\u30a0-\u30ff\u4e00-\u9fff々ヶヵ]"
GENERIC_UNIT = rf"(?!(?:{_SUFFIX})){UNIT_CHARACTER}{{1,4}}"
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A dash standing for one slot among figures (`― 3000 1250`): whitespace on both sides.
SLOT_DASH = rf"(?<!\S)[{DASHES}]+(?!\S)"
LABEL_UNIT = re.compile(r"/\s*([^\s/]{1,3})$")
LABEL_SEPARATOR = re.compile(r"\s*[:：]\s*")
# A label that names a count ends like this (件数, 人数, 率…).
COUNTED = re.compile(r"(数|率|割合|量|額)$")
PER_PERIOD = {"年", "月", "週", "日", "年度"}
# A digit-free text this long before figures is read as their label (民間助成応募件数団体4件).
MIN_BARE_LABEL = 4
# A cell longer than this is a target in words, kept whole. Figures come with a label of a
# few words (h24's longest: 防犯灯新設設置数 9529 10079 152, 23 characters), and finding
# where a label ends and its figures begin takes time that grows with the square of a
# cell's length: 3 ms at this length, 20 s for a crafted cell of 20,000 characters.
MAX_FIGURES_CELL = 200


@dataclass(frozen=True)
class Value:
    """One figure as written; a dash among figures has no number."""

    number: Number | None
    unit: str | None
    raw: str
    qualifier: str | None = None


@dataclass(frozen=True)
class Reading:
    """What one target cell holds."""

    kind: ReadingKind
    values: tuple[Value, ...] = ()
    label: str | None = None
    text: str = ""


@dataclass(frozen=True)
class _Patterns:
    value: re.Pattern[str]
    values_only: re.Pattern[str]
    unit_only: re.Pattern[str]
    bare_unit: re.Pattern[str]
    labelled: re.Pattern[str]


@lru_cache(maxsize=8)
def _patterns(units: tuple[str, ...]) -> _Patterns:
    unit_alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    unit = rf"(?:{unit_alternatives}|{GENERIC_UNIT})"
    bare_unit = rf"(?:(?:{_PREFIX})\s*)?(?:{unit_alternatives})\s*(?:{_SUFFIX})?"
    # Each figure is taken whole, as the first way it reads (atomic): were the engine free
    # to cut `1 1 1 … x` or a run of digits into figures every other way, a cell of thirty
    # figures and a word would take it hours to refuse. A known unit is that first way
    # unless more of a unit's characters follow it (3日間, 2日体 as a scan reads 2団体).
    whole_unit = rf"(?:(?:{unit_alternatives})(?!{UNIT_CHARACTER})|{GENERIC_UNIT})"
    token = rf"(?>(?:(?:{_PREFIX})\s*)?(?:{NUMBER})\s*{whole_unit}?\s*(?:{_SUFFIX})?|{SLOT_DASH})"
    figures = rf"(?=.*\d)(?:{token}\s*)+"
    value = (
        rf"(?:(?P<pre>{_PREFIX})\s*)?(?P<num>{NUMBER})\s*(?P<unit>{unit})?\s*"
        rf"(?P<post>{_SUFFIX})?|(?P<dash>{SLOT_DASH})"
    )
    return _Patterns(
        value=re.compile(value),
        values_only=re.compile(rf"^\s*{figures}$"),
        # Only units the settings know, one for each slot at most (回 回 回, or 回回回 as a
        # scan joins them): a word of a text target is no unit (実施).
        unit_only=re.compile(rf"^\s*(?:{bare_unit}\s*){{1,3}}$"),
        bare_unit=re.compile(bare_unit),
        labelled=re.compile(rf"^(?P<label>.*?\D)\s*(?P<values>{figures})$"),
    )


def parse_number(text: str) -> Number:
    """Given digits with optional thousands separators and decimals, return int or float."""
    number = Decimal(text.replace(",", ""))
    return (
        int(number) if number == number.to_integral_value() and "." not in text else float(number)
    )


def _values(
    original: str,
    normalized: str,
    offsets: list[int],
    value_pattern: re.Pattern[str],
    start: int = 0,
) -> tuple[Value, ...]:
    """Given a cell and its NFKC form, return the figures from `start` on, raw from the cell."""
    values = []
    for match in value_pattern.finditer(normalized, start):
        raw = original[offsets[match.start()] : offsets[match.end() - 1] + 1].strip()
        if match.group("dash"):
            values.append(Value(None, None, raw))
        else:
            qualifier = match.group("pre") or match.group("post")
            values.append(
                Value(parse_number(match.group("num")), match.group("unit"), raw, qualifier)
            )
    return tuple(values)


def unit_after_slash(label: str | None) -> str | None:
    """Given a target's label, return the unit its /unit suffix names (サービス利用者数/人:
    人), or None; a period (/年) is how often, not a unit."""
    suffix = LABEL_UNIT.search(label or "")
    return suffix.group(1) if suffix and suffix.group(1) not in PER_PERIOD else None


def split_label_unit(label: str, settings: ExtractSettings) -> tuple[str, str | None]:
    """Given a label, return it without a unit word written after it and that unit:
    民間助成応募件数：団体 counts in 団体. The rest must still read as a label."""
    if "/" in label:
        return label, None
    head = LABEL_SEPARATOR.sub("", label)
    for unit in sorted(settings.target_units, key=len, reverse=True):
        if head.endswith(unit) and len(head) > len(unit):
            rest = head[: -len(unit)]
            if COUNTED.search(rest):
                return rest, unit
    return label, None


def read_cell(text: str, settings: ExtractSettings) -> Reading:
    """Given the text of a target cell, return what it holds."""
    cleaned = clean(text)
    if is_dash(cleaned):
        return Reading("dash", text=cleaned)
    normalized, offsets = nfkc_with_offsets(cleaned)
    patterns = _patterns(settings.target_units)
    if len(normalized) > MAX_FIGURES_CELL:
        return Reading("text", text=cleaned)
    if patterns.values_only.match(normalized):
        return Reading(
            "values", _values(cleaned, normalized, offsets, patterns.value), text=cleaned
        )
    if patterns.unit_only.match(normalized):
        units = tuple(
            Value(None, None, cleaned[offsets[m.start()] : offsets[m.end() - 1] + 1].strip())
            for m in patterns.bare_unit.finditer(normalized)
        )
        return Reading("unit", units, text=cleaned)
    label_match = patterns.labelled.match(normalized)
    if label_match:
        label = remove_wrap_spaces(label_match.group("label"))
        looks_like_label = re.search(settings.target_label_pattern, label) or (
            len(label) >= MIN_BARE_LABEL and not re.search(r"\d", label)
        )
        if looks_like_label:
            start = label_match.start("values")
            values = _values(cleaned, normalized, offsets, patterns.value, start)
            return Reading("label_values", values, label, cleaned)
    if not re.search(r"\d", normalized) and re.search(settings.target_label_pattern, normalized):
        return Reading("label", label=remove_wrap_spaces(cleaned), text=cleaned)
    return Reading("text", text=cleaned)
