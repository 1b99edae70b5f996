"""Read the 計画目標 / 実績 cells of one activity into targets with plan, target and actual.

The cells come as one cell (`1回 2回 1回`, `― 3000 1250`), spread over the 21 / 25 / 実績
columns and over continuation rows, or with the label and numbers in one cell. Values are
placed by their column; three figures in one cell are plan, target, actual, a dash among
them standing for its own slot. Anything else that cannot be placed for certain keeps its
raw text and yields a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from extractor.models import (
    ExtractionWarning,
    Number,
    Shared,
    Target,
    TargetKind,
    TargetSlot,
)
from extractor.normalize.text import (
    DASHES,
    clean,
    is_dash,
    nfkc_with_offsets,
    remove_wrap_spaces,
)
from extractor.problems import WarningArg, WarningCode
from extractor.settings import ExtractSettings
from extractor.vocabulary import CellSlot, Slot

SLOTS: tuple[Slot, ...] = ("plan", "target", "actual")
ReadingKind = Literal["dash", "values", "label_values", "label", "text"]
# Unit fallback: a short run of kanji/katakana after a number (no hiragana: 3年で統一 is prose).
GENERIC_UNIT = r"[%‰\u30A0-\u30FF\u4E00-\u9FFF々ヶヵ]{1,4}"
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


@dataclass(frozen=True)
class TargetCell:
    """One non-empty cell of the target area, with the slot its column maps to."""

    text: str
    slot: CellSlot
    row: int
    line: int
    column: int


@dataclass(frozen=True)
class SlotYears:
    plan: int | None
    target: int | None
    actual: int | None

    def of(self, slot: Slot) -> int | None:
        return {"plan": self.plan, "target": self.target, "actual": self.actual}[slot]


@dataclass(frozen=True)
class Value:
    """One figure as written; a dash among figures has no number."""

    number: Number | None
    unit: str | None
    raw: str


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
    labelled: re.Pattern[str]


@lru_cache(maxsize=8)
def _patterns(units: tuple[str, ...]) -> _Patterns:
    unit_alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    unit = rf"(?:{unit_alternatives}|{GENERIC_UNIT})"
    token = rf"(?:(?:{NUMBER})\s*{unit}?|{SLOT_DASH})"
    figures = rf"(?=.*\d)(?:{token}\s*)+"
    return _Patterns(
        value=re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>{unit})?|(?P<dash>{SLOT_DASH})"),
        values_only=re.compile(rf"^\s*{figures}$"),
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
            values.append(Value(parse_number(match.group("num")), match.group("unit"), raw))
    return tuple(values)


def _split_label_unit(label: str, settings: ExtractSettings) -> tuple[str, str | None]:
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
    if patterns.values_only.match(normalized):
        return Reading(
            "values", _values(cleaned, normalized, offsets, patterns.value), text=cleaned
        )
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


@dataclass
class _SlotDraft:
    raw: str | None = None
    value: Number | None = None
    unit: str | None = None
    line: int = 0


@dataclass
class TargetDraft:
    """A target while its cells are read: label, text, the three slots and the raw cells."""

    label: str | None = None
    text: str | None = None
    slots: dict[Slot, _SlotDraft] = field(default_factory=lambda: {s: _SlotDraft() for s in SLOTS})
    raw: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    unplaced: bool = False

    def has_figures(self) -> bool:
        return any(slot.raw is not None for slot in self.slots.values())

    def touch(self, cell: TargetCell) -> None:
        self.raw.append(clean(cell.text))
        if cell.line not in self.lines:
            self.lines.append(cell.line)


class _TargetReader:
    """Accumulates the targets of one activity part while cells are read in order."""

    def __init__(self, years: SlotYears, settings: ExtractSettings, shared: Shared) -> None:
        self.shared = shared
        self.years = years
        self.settings = settings
        self.done: list[TargetDraft] = []
        self.current: TargetDraft | None = None
        self.warnings: list[ExtractionWarning] = []

    def warn(self, code: WarningCode, line: int, **args: WarningArg) -> None:
        self.warnings.append(ExtractionWarning.make(code, args, line=line))

    def draft(self, starts: Reading | None = None) -> TargetDraft:
        """Return the target being read, first starting a new one if `starts` opens one."""
        if self.current is None or (starts is not None and self._opens_new(starts)):
            if self.current is not None:
                self.done.append(self.current)
            self.current = TargetDraft()
        return self.current

    def _opens_new(self, reading: Reading) -> bool:
        """A label or text opens a new target unless the current one can still take it:
        a label joins a target that has only qualitative text, text joins a bare label."""
        current = self.current
        assert current is not None
        if current.has_figures():
            return True
        if reading.kind == "text":
            return current.text is not None
        return current.label is not None

    def assign(self, slot: Slot, raw: str, value: Value | None, line: int) -> None:
        target = self.draft()
        existing = target.slots[slot]
        if existing.raw is None:
            existing.raw = raw
            existing.value = value.number if value else None
            existing.unit = value.unit if value else None
            existing.line = line
            return
        if existing.raw == raw or (is_dash(existing.raw) and is_dash(raw)):
            return
        self.warn(WarningCode.TARGET_SLOT_CONFLICT, line, slot=slot, first=existing.raw, second=raw)
        existing.raw = f"{existing.raw} | {raw}"
        existing.value = None
        existing.unit = None

    def read(self, cell: TargetCell, reading: Reading, slot: Slot) -> None:
        if reading.kind in ("label", "label_values"):
            target = self.draft(starts=reading)
            if target.text is not None and target.label is None and reading.kind == "label_values":
                self.warn(
                    WarningCode.TARGET_LABEL_IN_VALUE_CELL,
                    cell.line,
                    cell=cell.text,
                    text=target.text,
                )
            target.label = reading.label
        elif reading.kind == "text":
            self.draft(starts=reading).text = reading.text
        target = self.draft()
        target.touch(cell)
        if reading.kind == "dash":
            self.assign(slot, reading.text, None, cell.line)
        elif reading.kind in ("values", "label_values"):
            if len(reading.values) == 1:
                self.assign(slot, reading.values[0].raw, reading.values[0], cell.line)
            elif len(reading.values) == len(SLOTS):
                for each, value in zip(SLOTS, reading.values, strict=True):
                    self.assign(each, value.raw, value, cell.line)
            else:
                target.unplaced = True
                self.warn(
                    WarningCode.TARGET_AMBIGUOUS,
                    cell.line,
                    cells=repr(cell.text),
                    count=len(reading.values),
                )

    def finish(self) -> list[Target]:
        if self.current is not None:
            self.done.append(self.current)
            self.current = None
        return [self._target(draft) for draft in self.done]

    def _unit(self, draft: TargetDraft) -> str | None:
        """A target's unit: a unit word after its label, else its figures' one unit, else a
        /unit suffix of its label (サービス利用者数/人); a figure without it is warned."""
        label, label_unit = _split_label_unit(draft.label or "", self.settings)
        if label_unit:
            draft.label = label
            return label_unit
        units = {s.unit for s in draft.slots.values() if s.value is not None and s.unit}
        if len(units) == 1:
            unit = units.pop()
            for name, slot in draft.slots.items():
                if slot.value is not None and not slot.unit:
                    self.warn(
                        WarningCode.TARGET_UNIT_MISSING,
                        slot.line,
                        slot=name,
                        raw=slot.raw,
                        unit=unit,
                    )
            return unit
        if len(units) > 1:
            line = draft.lines[0] if draft.lines else 0
            self.warn(WarningCode.TARGET_UNIT_MISMATCH, line, units=", ".join(sorted(units)))
            return None
        suffix = LABEL_UNIT.search(draft.label or "")
        return suffix.group(1) if suffix and suffix.group(1) not in PER_PERIOD else None

    def _target(self, draft: TargetDraft) -> Target:
        unit = self._unit(draft)
        has_values = any(s.value is not None for s in draft.slots.values())
        planned = any(draft.slots[s].value is not None for s in ("plan", "target"))
        kind: TargetKind
        if draft.text is not None and not planned:
            kind = "qualitative"
        elif draft.label is not None or has_values:
            kind = "numeric"
        else:
            kind = "none"
        if kind == "numeric" and not draft.unplaced and not draft.has_figures():
            line = draft.lines[0] if draft.lines else 0
            self.warn(WarningCode.TARGET_VALUES_MISSING, line, label=draft.label)
        return Target(
            label=draft.label,
            unit=unit,
            kind=kind,
            text=draft.text,
            plan=self._slot(draft, "plan"),
            target=self._slot(draft, "target"),
            actual=self._slot(draft, "actual"),
            raw=draft.raw,
            lines=draft.lines,
        )

    def _slot(self, draft: TargetDraft, name: Slot) -> TargetSlot:
        slot = draft.slots[name]
        return self.shared.get(
            TargetSlot,
            fiscal_year=self.years.of(name),
            value=slot.value,
            raw=slot.raw,
            unit=slot.unit,
        )


def _realign(row: list[tuple[TargetCell, Reading]]) -> list[CellSlot] | None:
    """Given a row with cells past the 実績 column, return slots for its figure cells in order.

    Figures fill the slots from the right (actual, then target, then plan), which is how a
    label cell squeezed into the 21 column pushes them; None when they do not fit.
    """
    figures = [
        index
        for index, (_, reading) in enumerate(row)
        if reading.kind == "dash" or (reading.kind == "values" and len(reading.values) == 1)
    ]
    if len(figures) > len(SLOTS):
        return None
    slots: list[CellSlot] = [cell.slot for cell, _ in row]
    for index, slot in zip(figures, SLOTS[len(SLOTS) - len(figures) :], strict=True):
        slots[index] = slot
    return slots


def _figure_cells(row: list[tuple[TargetCell, Reading]]) -> str:
    return " / ".join(
        repr(cell.text) for cell, reading in row if reading.kind in ("dash", "values")
    )


def build_targets(
    cells: list[TargetCell],
    years: SlotYears,
    settings: ExtractSettings,
    shared: Shared | None = None,
) -> tuple[list[Target], list[ExtractionWarning]]:
    """Given the target-area cells of one activity in reading order, return its targets."""
    reader = _TargetReader(years, settings, shared or Shared())
    rows: dict[int, list[tuple[TargetCell, Reading]]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append((cell, read_cell(cell.text, settings)))
    for row in rows.values():
        slots: list[CellSlot] = [cell.slot for cell, _ in row]
        first = row[0][0]
        if "extra" in slots:
            realigned = _realign(row)
            if realigned is None:
                reader.warn(
                    WarningCode.TARGET_AMBIGUOUS,
                    first.line,
                    cells=" / ".join(repr(cell.text) for cell, _ in row),
                    count=sum(1 for _, r in row if r.kind in ("dash", "values")),
                )
                for cell, _ in row:
                    reader.draft().touch(cell)
                reader.draft().unplaced = True
                continue
            reader.warn(
                WarningCode.TARGET_CELLS_REALIGNED,
                first.line,
                count=sum(1 for _, r in row if r.kind in ("dash", "values")),
                cells=_figure_cells(row),
            )
            slots = realigned
        for (cell, reading), slot in zip(row, slots, strict=True):
            reader.read(cell, reading, "actual" if slot == "extra" else slot)
    targets = reader.finish()
    return targets, reader.warnings
