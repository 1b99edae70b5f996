"""A target's actual figures through the years, from every packet that gives them: the
report year's of each packet, and the earlier years a later packet carries again. A figure
the tool could not place is kept as written and marked to check; so is a year for which two
packets give different figures (a later packet corrected an earlier one), and a figure read
from a scanned cell text recognition was unsure of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from extractor.models import Activity, Dataset, Number, Target, TargetSlot
from extractor.sources.document import UNSURE_BELOW
from extractor.vocabulary import TARGET_ROLES
from extractor.years.order import by_year, packet_year
from extractor.years.progress import unplaced
from extractor.years.targets import target_key

TARGET_FIELDS = {str(role) for role in TARGET_ROLES}  # how a scanned cell names its field


def figure(value: Number | None, unit: str | None = None) -> str:
    """Given a figure and its unit, return it as people write it (— for none)."""
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return text + (unit or "")


@dataclass(frozen=True)
class Observation:
    """One packet's word on a target's actual for one fiscal year."""

    year: int
    value: Number | None
    text: str  # as shown: the figure with its unit, else what the packet writes
    check: bool  # the tool could not place it for certain
    packet: int  # the fiscal year of the packet that gives it


def slot_text(slot: TargetSlot, unit: str | None) -> tuple[str, bool]:
    """Given a slot, return how it shows and whether a person must check it: the figure
    with its unit, the readings of a figure read two ways, or the text as written."""
    if slot.readings:
        return " | ".join(slot.readings), True
    if slot.value is not None:
        return figure(slot.value, slot.unit or unit), False
    return slot.raw or "—", False


def unsure_figures(activity: Activity) -> list[str]:
    """Given an activity, return the texts of its scanned target cells text recognition was
    unsure of (none for a packet not scanned)."""
    return [
        read.text
        for read in activity.source.ocr
        if read.field in TARGET_FIELDS and read.confidence < UNSURE_BELOW
    ]


def is_unsure(slot: TargetSlot, unsure: Sequence[str]) -> bool:
    """Whether a slot's figure was read from a scanned cell text recognition was unsure of."""
    written = "".join((slot.raw or "").split())
    return bool(written) and any(written in "".join(text.split()) for text in unsure)


def observations(target: Target, packet: int, unsure: Sequence[str] = ()) -> list[Observation]:
    """Given a packet's target (and the texts of the scanned cells of its activity that
    text recognition was unsure of), return its word on each year's actual."""
    found = []
    slots = target.actuals or ([target.actual] if target.actual.raw else [])
    for slot in slots:
        if slot.fiscal_year is None:
            continue
        text, check = slot_text(slot, target.unit)
        check = check or is_unsure(slot, unsure)  # a scanned figure to check on the scan
        found.append(Observation(slot.fiscal_year, slot.value, text, check, packet))
    report_year = target.actual.fiscal_year
    if unplaced(target) and report_year is not None and target.actual.value is None:
        # Figures that could not be placed: the report year shows what the packet writes.
        written = slot_text(target.actual, target.unit)[0] if target.actual.readings else None
        text = written or " / ".join(target.raw)
        found = [o for o in found if o.year != report_year]
        found.append(Observation(report_year, None, text, True, packet))
    return sorted(found, key=lambda o: o.year)


@dataclass
class History:
    """A target's actuals by fiscal year, each year with every packet's word on it."""

    by_year: dict[int, list[Observation]] = field(default_factory=dict)

    def add(self, observation: Observation) -> None:
        self.by_year.setdefault(observation.year, []).append(observation)

    def corrected(self, year: int) -> bool:
        """Whether packets give different figures for the year."""
        return len({o.text for o in self.by_year.get(year, [])}) > 1

    def values(self) -> dict[int, Number]:
        """Each year's figure, as the latest packet gives it, for years with a figure."""
        found = {}
        for year, said in sorted(self.by_year.items()):
            latest = said[-1]
            if latest.value is not None:
                found[year] = latest.value
        return found

    def check(self, year: int) -> bool:
        said = self.by_year.get(year, [])
        return self.corrected(year) or any(o.check for o in said)


def histories(
    datasets: list[Dataset], series_of: dict[int, dict[str, str]]
) -> dict[tuple[str, str], History]:
    """Given the years' datasets and, per packet year, each activity key's series (from the
    crosswalk), return each (series, target)'s history, packets oldest first."""
    found: dict[tuple[str, str], History] = {}
    for dataset in by_year(datasets):
        year = packet_year(dataset)
        series = series_of.get(year, {})
        for activity in dataset.activities:
            key = series.get(activity.key or activity.id, activity.key or activity.id)
            unsure = unsure_figures(activity)
            for target in activity.targets:
                if target.kind != "numeric":
                    continue
                history = found.setdefault((key, target_key(target)), History())
                for observation in observations(target, year, unsure):
                    history.add(observation)
    return found
