"""Read the 計画目標 / 実績 cells of one activity into targets with plan, target and actual.

The cells come as one cell (`1回 2回 1回`, `― 3000 1250`), spread over the 21 / 25 / 実績
columns and over continuation rows, or with the label and numbers in one cell. Values are
placed by their column; three figures in one cell are plan, target, actual, a dash among
them standing for its own slot. A packet of a plan's later years may give one 実績 column
per year: each figure goes to its year's actual (`actuals`), the report year's being
`actual`. Two readings of one figure are kept as `readings`, never chosen between; anything
else that cannot be placed for certain keeps its raw text and yields a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.models import (
    ExtractionWarning,
    Number,
    Shared,
    Target,
    TargetKind,
    TargetSlot,
)
from extractor.normalize.figures import (
    Reading,
    Value,
    read_cell,
    split_label_unit,
    unit_after_slash,
)
from extractor.normalize.text import (
    clean,
    is_dash,
)
from extractor.problems import WarningArg, WarningCode
from extractor.settings import ExtractSettings
from extractor.vocabulary import CellSlot, Slot

SLOTS: tuple[Slot, ...] = ("plan", "target", "actual")
FIGURE_KINDS = ("dash", "values", "unit")  # what a cell of one slot holds (`read_cell`)


@dataclass(frozen=True)
class TargetCell:
    """One non-empty cell of the target area, with the slot its column maps to."""

    text: str
    slot: CellSlot
    row: int
    line: int
    column: int
    year: int | None = None  # for a cell of a 実績 column: that column's fiscal year


@dataclass(frozen=True)
class SlotYears:
    plan: int | None
    target: int | None
    actual: int | None

    def of(self, slot: Slot) -> int | None:
        return {"plan": self.plan, "target": self.target, "actual": self.actual}[slot]


@dataclass
class _SlotDraft:
    raw: str | None = None
    value: Number | None = None
    unit: str | None = None
    line: int = 0
    qualifier: str | None = None
    readings: list[str] = field(default_factory=list)  # two or more readings: no value

    @property
    def given(self) -> bool:
        return self.raw is not None or bool(self.readings)


@dataclass
class TargetDraft:
    """A target while its cells are read: label, text, the three slots and the raw cells."""

    label: str | None = None
    text: str | None = None
    slots: dict[Slot, _SlotDraft] = field(default_factory=lambda: {s: _SlotDraft() for s in SLOTS})
    # The actuals of other years than the report year's, by fiscal year.
    earlier: dict[int, _SlotDraft] = field(default_factory=dict)
    raw: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    unplaced: bool = False

    def all_slots(self) -> list[tuple[Slot, _SlotDraft]]:
        """Every slot with its name: plan, target, the actual and the other years' actuals."""
        return [*self.slots.items(), *(("actual", s) for s in self.earlier.values())]

    def has_figures(self, beside: int | None = None) -> bool:
        """Whether the target has figures; those of another year's actual on the line
        `beside` do not count (a label after them on that line is still this target's)."""
        return any(s.given for s in self.slots.values()) or any(
            s.given and s.line != beside for s in self.earlier.values()
        )

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

    def draft(self, starts: Reading | None = None, line: int | None = None) -> TargetDraft:
        """Return the target being read, first starting a new one if `starts` (on `line`)
        opens one."""
        if self.current is None or (starts is not None and self._opens_new(starts, line)):
            if self.current is not None:
                self.done.append(self.current)
            self.current = TargetDraft()
        return self.current

    def _opens_new(self, reading: Reading, line: int | None) -> bool:
        """A label or text opens a new target unless the current one can still take it:
        a label joins a target that has only qualitative text, text joins a bare label."""
        current = self.current
        assert current is not None
        if current.has_figures(beside=line):
            return True
        if reading.kind == "text":
            return current.text is not None
        # The same label again on a line (in each year's 実績 column) is the same target.
        return current.label is not None and current.label != reading.label

    def _slot_of(self, target: TargetDraft, slot: Slot, year: int | None) -> _SlotDraft:
        """The slot a figure goes to: an actual of another year than the report year's
        goes to that year's."""
        report = self.years.actual
        if slot == "actual" and year is not None and report is not None and year != report:
            return target.earlier.setdefault(year, _SlotDraft())
        return target.slots[slot]

    def assign(
        self, slot: Slot, raw: str, value: Value | None, line: int, year: int | None = None
    ) -> None:
        existing = self._slot_of(self.draft(), slot, year)
        if not existing.given:
            existing.raw = raw
            existing.value = value.number if value else None
            existing.unit = value.unit if value else None
            existing.qualifier = value.qualifier if value else None
            existing.line = line
            return
        readings = existing.readings or [existing.raw or ""]
        if raw in readings or all(is_dash(r) for r in [*readings, raw]):
            return
        self.warn(WarningCode.TARGET_SLOT_CONFLICT, line, slot=slot, first=readings[0], second=raw)
        existing.readings = [*readings, raw]
        existing.raw = existing.value = existing.unit = existing.qualifier = None

    def read(self, cell: TargetCell, reading: Reading, slot: Slot) -> None:
        if reading.kind in ("label", "label_values"):
            target = self.draft(starts=reading, line=cell.line)
            if target.text is not None and target.label is None and reading.kind == "label_values":
                self.warn(
                    WarningCode.TARGET_LABEL_IN_VALUE_CELL,
                    cell.line,
                    cell=cell.text,
                    text=target.text,
                )
            target.label = reading.label
        elif reading.kind == "text":
            self.draft(starts=reading, line=cell.line).text = reading.text
        target = self.draft()
        target.touch(cell)
        other_year = cell.year is not None and cell.year != self.years.actual
        if reading.kind == "dash":
            self.assign(slot, reading.text, None, cell.line, cell.year)
        elif reading.kind == "unit":
            self.warn(WarningCode.TARGET_FIGURE_MISSING, cell.line, slot=slot, raw=reading.text)
            if len(reading.values) == len(SLOTS) and not (slot == "actual" and other_year):
                for each, unit in zip(SLOTS, reading.values, strict=True):
                    self.assign(each, unit.raw, None, cell.line)
            else:
                self.assign(slot, reading.text, None, cell.line, cell.year)
        elif reading.kind in ("values", "label_values"):
            if len(reading.values) == 1:
                self.assign(slot, reading.values[0].raw, reading.values[0], cell.line, cell.year)
            elif len(reading.values) == len(SLOTS) and not (slot == "actual" and other_year):
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
        label, label_unit = split_label_unit(draft.label or "", self.settings)
        if label_unit:
            draft.label = label
            return label_unit
        units = {s.unit for _, s in draft.all_slots() if s.value is not None and s.unit}
        if len(units) == 1:
            unit = units.pop()
            for name, slot in draft.all_slots():
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
        return unit_after_slash(draft.label)

    def _target(self, draft: TargetDraft) -> Target:
        unit = self._unit(draft)
        has_values = any(s.value is not None for _, s in draft.all_slots())
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
            actuals=self._actuals(draft),
            raw=draft.raw,
            lines=draft.lines,
        )

    def _slot(self, draft: TargetDraft, name: Slot) -> TargetSlot:
        return self._model(draft.slots[name], self.years.of(name))

    def _model(self, slot: _SlotDraft, year: int | None) -> TargetSlot:
        return self.shared.get(
            TargetSlot,
            fiscal_year=year,
            value=slot.value,
            raw=slot.raw,
            unit=slot.unit,
            qualifier=slot.qualifier,
            readings=tuple(slot.readings),
        )

    def _actuals(self, draft: TargetDraft) -> list[TargetSlot]:
        """Every actual the packet gives for the target, one per fiscal year, oldest first."""
        found: list[tuple[int | None, _SlotDraft]] = list(draft.earlier.items())
        if draft.slots["actual"].given:
            found.append((self.years.actual, draft.slots["actual"]))
        found.sort(key=lambda item: (item[0] is None, item[0] or 0))
        return [self._model(slot, year) for year, slot in found]


def _realign(row: list[tuple[TargetCell, Reading]]) -> list[CellSlot] | None:
    """Given a row with cells past the 実績 column, return slots for its figure cells in order.

    Figures fill the slots from the right (actual, then target, then plan), which is how a
    label cell squeezed into the 21 column pushes them; None when they do not fit.
    """
    figures = [
        index
        for index, (_, reading) in enumerate(row)
        if reading.kind in FIGURE_KINDS and len(reading.values) <= 1
    ]
    if len(figures) > len(SLOTS):
        return None
    slots: list[CellSlot] = [cell.slot for cell, _ in row]
    for index, slot in zip(figures, SLOTS[len(SLOTS) - len(figures) :], strict=True):
        slots[index] = slot
    return slots


def _figure_cells(row: list[tuple[TargetCell, Reading]]) -> str:
    return " / ".join(repr(cell.text) for cell, reading in row if reading.kind in FIGURE_KINDS)


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
                    count=sum(1 for _, r in row if r.kind in FIGURE_KINDS),
                )
                for cell, _ in row:
                    reader.draft().touch(cell)
                reader.draft().unplaced = True
                continue
            reader.warn(
                WarningCode.TARGET_CELLS_REALIGNED,
                first.line,
                count=sum(1 for _, r in row if r.kind in FIGURE_KINDS),
                cells=_figure_cells(row),
            )
            slots = realigned
        for (cell, reading), slot in zip(row, slots, strict=True):
            reader.read(cell, reading, "actual" if slot == "extra" else slot)
    targets = reader.finish()
    return targets, reader.warnings
