"""Read the 計画目標 / 実績 cells of one activity into targets with plan, target and actual.

The cells come as one cell (`1回 2回 1回`), spread over the 21 / 25 / 実績 columns and over
continuation rows, or with the label and numbers in one cell. Values are placed by their
column; three numbers in one cell are plan, target, actual. Anything else that cannot be
placed for certain keeps its raw text and yields a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from extractor.models import ExtractionWarning, Number, Target, TargetSlot
from extractor.normalize.text import clean, is_dash, nfkc_with_offsets, remove_wrap_spaces
from extractor.settings import ExtractSettings

SLOTS = ("plan", "target", "actual")
# Unit fallback: a short run of kanji/katakana after a number (no hiragana: 3年で統一 is prose).
GENERIC_UNIT = r"[%‰\u30A0-\u30FF\u4E00-\u9FFF々ヶヵ]{1,4}"
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
LABEL_UNIT = re.compile(r"/\s*([^\s/]{1,3})$")
PER_PERIOD = {"年", "月", "週", "日", "年度"}
# A digit-free text this long before figures is read as their label (民間助成応募件数団体4件).
MIN_BARE_LABEL = 4


@dataclass(frozen=True)
class TargetCell:
    """One non-empty cell of the target area, with the slot its column maps to."""

    text: str
    slot: str  # plan | target | actual | extra
    row: int
    line: int
    column: int


@dataclass(frozen=True)
class SlotYears:
    plan: int | None
    target: int | None
    actual: int | None

    def of(self, slot: str) -> int | None:
        return {"plan": self.plan, "target": self.target, "actual": self.actual}[slot]


@dataclass(frozen=True)
class Value:
    number: Number
    unit: str | None
    raw: str


@dataclass(frozen=True)
class Reading:
    """What one target cell holds."""

    kind: str  # dash | values | label_values | label | text
    values: tuple[Value, ...] = ()
    label: str | None = None
    text: str = ""


@lru_cache(maxsize=8)
def _patterns(units: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    unit_alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    value = rf"(?P<num>{NUMBER})\s*(?P<unit>{unit_alternatives}|{GENERIC_UNIT})?"
    values_only = re.compile(
        rf"^\s*(?:(?:{NUMBER})\s*(?:{unit_alternatives}|{GENERIC_UNIT})?\s*)+$"
    )
    labelled = re.compile(
        rf"^(?P<label>.*?\D)\s*(?P<values>(?:(?:{NUMBER})\s*(?:{unit_alternatives}|{GENERIC_UNIT})?\s*)+)$"
    )
    return re.compile(value), values_only, labelled


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
        values.append(Value(parse_number(match.group("num")), match.group("unit"), raw))
    return tuple(values)


def read_cell(text: str, settings: ExtractSettings) -> Reading:
    """Given the text of a target cell, return what it holds."""
    cleaned = clean(text)
    if is_dash(cleaned):
        return Reading("dash", text=cleaned)
    normalized, offsets = nfkc_with_offsets(cleaned)
    value_pattern, values_only, labelled = _patterns(settings.target_units)
    if values_only.match(normalized):
        return Reading("values", _values(cleaned, normalized, offsets, value_pattern), text=cleaned)
    label_match = labelled.match(normalized)
    if label_match:
        label = remove_wrap_spaces(label_match.group("label"))
        looks_like_label = re.search(settings.target_label_pattern, label) or (
            len(label) >= MIN_BARE_LABEL and not re.search(r"\d", label)
        )
        if looks_like_label:
            start = label_match.start("values")
            values = _values(cleaned, normalized, offsets, value_pattern, start)
            return Reading("label_values", values, label, cleaned)
    if not re.search(r"\d", normalized) and re.search(settings.target_label_pattern, normalized):
        return Reading("label", label=remove_wrap_spaces(cleaned), text=cleaned)
    return Reading("text", text=cleaned)


@dataclass
class _Slot:
    raw: str | None = None
    value: Number | None = None
    unit: str | None = None
    line: int = 0


@dataclass
class _Builder:
    label: str | None = None
    text: str | None = None
    slots: dict[str, _Slot] = field(default_factory=lambda: {s: _Slot() for s in SLOTS})
    raw: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    unplaced: bool = False

    def has_figures(self) -> bool:
        return any(slot.raw is not None for slot in self.slots.values())

    def touch(self, cell: TargetCell) -> None:
        self.raw.append(clean(cell.text))
        if cell.line not in self.lines:
            self.lines.append(cell.line)


class _Reader:
    """Accumulates the targets of one activity part while cells are read in order."""

    def __init__(self, years: SlotYears) -> None:
        self.years = years
        self.done: list[_Builder] = []
        self.current: _Builder | None = None
        self.warnings: list[ExtractionWarning] = []

    def warn(self, code: str, message: str, line: int) -> None:
        self.warnings.append(ExtractionWarning(code=code, message=message, line=line))

    def builder(self, starts: Reading | None = None) -> _Builder:
        """Return the target being read, first starting a new one if `starts` opens one."""
        if self.current is None or (starts is not None and self._opens_new(starts)):
            if self.current is not None:
                self.done.append(self.current)
            self.current = _Builder()
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

    def assign(self, slot: str, raw: str, value: Value | None, line: int) -> None:
        target = self.builder()
        existing = target.slots[slot]
        if existing.raw is None:
            existing.raw = raw
            existing.value = value.number if value else None
            existing.unit = value.unit if value else None
            existing.line = line
            return
        if existing.raw == raw or (is_dash(existing.raw) and is_dash(raw)):
            return
        self.warn(
            "target_slot_conflict",
            f"two readings for the {slot} figure: {existing.raw!r} and {raw!r}; "
            "value left empty, both kept in raw",
            line,
        )
        existing.raw = f"{existing.raw} | {raw}"
        existing.value = None
        existing.unit = None

    def assign_three(self, reading: Reading, cell: TargetCell) -> None:
        for slot, value in zip(SLOTS, reading.values, strict=True):
            self.assign(slot, value.raw, value, cell.line)

    def read(self, cell: TargetCell, reading: Reading, slot: str) -> None:
        if reading.kind in ("label", "label_values"):
            target = self.builder(starts=reading)
            if target.text is not None and target.label is None and reading.kind == "label_values":
                self.warn(
                    "target_label_in_value_cell",
                    f"{cell.text!r} carries its own label next to the qualitative target "
                    f"{target.text!r}; label taken from it",
                    cell.line,
                )
            target.label = reading.label
        elif reading.kind == "text":
            self.builder(starts=reading).text = reading.text
        target = self.builder()
        target.touch(cell)
        if reading.kind == "dash":
            self.assign(slot, reading.text, None, cell.line)
        elif reading.kind in ("values", "label_values"):
            if len(reading.values) == 1:
                self.assign(slot, reading.values[0].raw, reading.values[0], cell.line)
            elif len(reading.values) == 3:
                self.assign_three(reading, cell)
            else:
                target.unplaced = True
                self.warn(
                    "target_ambiguous",
                    f"{cell.text!r} holds {len(reading.values)} figures for 3 slots "
                    "(plan, target, actual); kept as raw text only",
                    cell.line,
                )

    def finish(self) -> list[Target]:
        if self.current is not None:
            self.done.append(self.current)
            self.current = None
        return [self._target(builder) for builder in self.done]

    def _target(self, builder: _Builder) -> Target:
        line = builder.lines[0] if builder.lines else 0
        units = {s.unit for s in builder.slots.values() if s.value is not None and s.unit}
        unit: str | None = None
        if len(units) == 1:
            unit = units.pop()
            for name, slot in builder.slots.items():
                if slot.value is not None and not slot.unit:
                    self.warn(
                        "target_unit_missing",
                        f"{name} figure {slot.raw!r} has no unit; the other figures are in {unit}",
                        slot.line,
                    )
        elif len(units) > 1:
            self.warn(
                "target_unit_mismatch",
                f"figures of one target use different units: {', '.join(sorted(units))}",
                line,
            )
        elif builder.label:
            suffix = LABEL_UNIT.search(builder.label)
            if suffix and suffix.group(1) not in PER_PERIOD:
                unit = suffix.group(1)
        has_values = any(s.value is not None for s in builder.slots.values())
        planned = any(builder.slots[s].value is not None for s in ("plan", "target"))
        if builder.text is not None and not planned:
            kind = "qualitative"
        elif builder.label is not None or has_values:
            kind = "numeric"
        else:
            kind = "none"
        if kind == "numeric" and not builder.unplaced and not builder.has_figures():
            self.warn(
                "target_values_missing",
                f"target {builder.label!r} has a label but no figures",
                line,
            )
        return Target(
            label=builder.label,
            unit=unit,
            kind=kind,
            text=builder.text,
            plan=self._slot(builder, "plan"),
            target=self._slot(builder, "target"),
            actual=self._slot(builder, "actual"),
            raw=builder.raw,
            lines=builder.lines,
        )

    def _slot(self, builder: _Builder, name: str) -> TargetSlot:
        slot = builder.slots[name]
        return TargetSlot(
            fiscal_year=self.years.of(name), value=slot.value, raw=slot.raw, unit=slot.unit
        )


def _realign(row: list[tuple[TargetCell, Reading]]) -> list[str] | None:
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
    slots = [cell.slot for cell, _ in row]
    for index, slot in zip(figures, SLOTS[len(SLOTS) - len(figures) :], strict=True):
        slots[index] = slot
    return slots


def build_targets(
    cells: list[TargetCell], years: SlotYears, settings: ExtractSettings
) -> tuple[list[Target], list[ExtractionWarning]]:
    """Given the target-area cells of one activity in reading order, return its targets."""
    reader = _Reader(years)
    rows: dict[int, list[tuple[TargetCell, Reading]]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append((cell, read_cell(cell.text, settings)))
    for row in rows.values():
        slots = [cell.slot for cell, _ in row]
        if "extra" in slots:
            realigned = _realign(row)
            first = row[0][0]
            if realigned is None:
                reader.warn(
                    "target_ambiguous",
                    "target cells run past the 実績 column and do not fit plan/target/actual: "
                    + " / ".join(repr(cell.text) for cell, _ in row)
                    + "; kept as raw text only",
                    first.line,
                )
                for cell, _ in row:
                    reader.builder().touch(cell)
                reader.builder().unplaced = True
                continue
            else:
                reader.warn(
                    "target_cells_realigned",
                    "target cells run past the 実績 column; figures re-read as "
                    + ", ".join(
                        f"{slot}={cell.text!r}"
                        for (cell, reading), slot in zip(row, realigned, strict=True)
                        if reading.kind in ("dash", "values")
                    ),
                    first.line,
                )
                slots = realigned
        for (cell, reading), slot in zip(row, slots, strict=True):
            reader.read(cell, reading, slot)
    targets = reader.finish()
    return targets, reader.warnings
