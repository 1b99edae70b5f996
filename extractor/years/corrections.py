"""A scanned packet's names, departments and target labels corrected against the year before.

Text recognition misreads a character now and then (動 as 勤); the previous year's dataset
spells the same activities, departments and targets, mostly unchanged. A value is put back
to the previous year's spelling only when all of these hold: text recognition was unsure of
its cell (below `UNSURE_BELOW`), the previous year has exactly one value one character away
(a misread character; a rename of two characters, 充実 → 強化, is left as read), and the
value as read is not itself one of the previous year's. Each correction is recorded on the
cell's `source.ocr` record (`corrected_to`) and warned (`ocr_corrected`). Figures are never
corrected: a number read wrong stays as read, with its `ocr_unsure` warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.models import Activity, CityWork, Dataset, ExtractionWarning, OcrRead, Target
from extractor.normalize.keys import activity_key, unique_key
from extractor.problems import WarningCode
from extractor.sources.document import UNSURE_BELOW
from extractor.vocabulary import Role
from extractor.years.order import packet_year


def _nearest(value: str, known: set[str]) -> str | None:
    """Given a value as read and the previous year's values, return the one value a
    character away, or None when there is none, or more than one, or the value is known as
    read."""
    from rapidfuzz.distance import Levenshtein

    if not value or value in known:
        return None
    close = [k for k in known if Levenshtein.distance(value, k, score_cutoff=1) <= 1]
    return close[0] if len(close) == 1 else None


def _unsure(activity: Activity, role: Role, value: str) -> OcrRead | None:
    """Given an activity, a field and its value, return the cell text recognition was unsure
    of that holds the value, or None."""
    for read in activity.source.ocr:
        unsure = read.field == role and read.confidence < UNSURE_BELOW
        if unsure and value in (read.corrected_to or read.text):
            return read
    return None


class _Corrector:
    def __init__(self, previous: Dataset, year: int) -> None:
        self.year = year
        self.names = {a.name for a in previous.activities if a.name}
        self.departments = {d for a in previous.activities for d in a.departments}
        self.labels = {t.label for a in previous.activities for t in a.targets if t.label}
        self.warnings: list[ExtractionWarning] = []

    def fix(self, activity: Activity, role: Role, value: str | None, known: set[str]) -> str | None:
        """Given a field's value, return the previous year's spelling to use instead, or
        None; record and warn of the correction."""
        if value is None:
            return None
        read = _unsure(activity, role, value)
        used = _nearest(value, known) if read is not None else None
        if read is None or used is None:
            return None
        read.corrected_to = (read.corrected_to or read.text).replace(value, used)
        self.warnings.append(
            ExtractionWarning.make(
                WarningCode.OCR_CORRECTED,
                {"field": str(role), "read": value, "used": used, "year": self.year},
                line=activity.source.lines[0] if activity.source.lines else None,
                page=read.box.page,
                activity=activity.id,
            )
        )
        return used

    def activity(self, activity: Activity) -> Activity:
        name = self.fix(activity, Role.NAME, activity.name, self.names) or activity.name
        city = [self.city(activity, work) for work in activity.city]
        departments = [
            self.fix(activity, Role.DEPARTMENT, d, self.departments) or d
            for d in activity.departments
        ]
        targets = [self.target(activity, t) for t in activity.targets]
        return activity.model_copy(
            update={"name": name, "city": city, "departments": departments, "targets": targets}
        )

    def city(self, activity: Activity, work: CityWork) -> CityWork:
        found = [
            self.fix(activity, Role.DEPARTMENT, d, self.departments) or d for d in work.departments
        ]
        if found == work.departments:
            return work
        return work.model_copy(update={"departments": found, "department": "、".join(found)})

    def target(self, activity: Activity, target: Target) -> Target:
        label = self.fix(activity, Role.PLAN, target.label, self.labels)
        return target.model_copy(update={"label": label}) if label else target


def correct_scan(dataset: Dataset, previous: Dataset) -> Dataset:
    """Given a scan's dataset and the previous year's, return the scan's dataset with the
    names, departments and target labels it was unsure of put back to the previous year's
    spelling where one is near (see the module's description); keys follow the names."""
    if dataset.source.format != "scan" or not previous.activities:
        return dataset
    corrector = _Corrector(previous, packet_year(previous))
    activities = [corrector.activity(a.model_copy(deep=True)) for a in dataset.activities]
    if not corrector.warnings:
        return dataset
    taken: set[str] = set()
    for activity in activities:
        activity.key = unique_key(activity_key(activity), taken)
    return dataset.model_copy(
        update={"activities": activities, "warnings": [*dataset.warnings, *corrector.warnings]}
    )


def earliest_before(datasets: Iterable[Dataset], year: int) -> Dataset | None:
    """Given datasets and a fiscal year, return the dataset of the nearest earlier year."""
    earlier = [d for d in datasets if packet_year(d) < year]
    return max(earlier, key=packet_year) if earlier else None


__all__ = ["correct_scan", "earliest_before"]
