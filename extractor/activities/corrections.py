"""A scanned packet's names, departments and target labels corrected against the year
before, and its departments against the packet itself.

Text recognition misreads a character now and then (動 as 勤); the previous year's dataset
spells the same activities, departments and targets, mostly unchanged. A value is put back
to the previous year's spelling only when all of these hold: text recognition was unsure of
its cell (below `UNSURE_BELOW`), the previous year has exactly one value one character away
(a misread character; a rename of two characters, 充実 → 強化, is left as read), and the
value as read is not itself one of the previous year's. A target's label whose / was lost
reads as a text beside figures (サービス利用者数人), which no target holds: it is put back to
the previous year's label one character away however sure the reading was. Each correction
is recorded on the cell's `source.ocr` record (`corrected_to`) and warned (`ocr_corrected`).

Within the packet itself, a department it was unsure of is put back to a spelling the
packet gives more often, near it (`correct_within`, warned `ocr_as_elsewhere`): a packet
names a handful of departments many times over, and a misread is rarer than the name it
misreads. Figures are never corrected: a number read wrong stays as read, with its
`ocr_unsure` warning (and 要確認 in the report).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from extractor.models import Activity, CityWork, Dataset, ExtractionWarning, OcrRead, Target
from extractor.normalize.figures import unit_after_slash
from extractor.normalize.keys import activity_key, unique_key
from extractor.normalize.text import DEPARTMENT_END, unique
from extractor.problems import WarningArg, WarningCode
from extractor.sources.document import UNSURE_BELOW
from extractor.vocabulary import Role

LONG_DEPARTMENT = 6  # a department's name this long may have two characters put right
TARGET_LABEL = "target_label"  # how a warning names a target's label (see vocabulary.LABELS)


def _nearest(value: str, known: set[str]) -> str | None:
    """Given a value as read and the previous year's values, return the one value a
    character away, or None when there is none, or more than one, or the value is known as
    read."""
    from rapidfuzz.distance import Levenshtein

    if not value or value in known:
        return None
    close = [k for k in known if Levenshtein.distance(value, k, score_cutoff=1) <= 1]
    return close[0] if len(close) == 1 else None


def _commoner(value: str, counts: Counter[str]) -> str | None:
    """Given a department as read and how often the packet gives each, return the one
    spelling near it (see `_reach`) that the packet gives more often than the value and more
    often than any other near one, and that ends as a department's name does; else None."""
    from rapidfuzz.distance import Levenshtein

    reach = _reach(value)
    close = [
        (n, k)
        for k, n in counts.items()
        if k != value
        and n > counts[value]
        and DEPARTMENT_END.search(k)
        and Levenshtein.distance(value, k, score_cutoff=reach) <= reach
    ]
    close.sort(reverse=True)
    if not close or (len(close) > 1 and close[1][0] == close[0][0]):
        return None
    return close[0][1]


def _reach(value: str) -> int:
    """How many characters of a department's name as read may be put right within its own
    packet: two in a name of six or more (ことも家庭深 → こども家庭課), else one."""
    return 2 if len(value) >= LONG_DEPARTMENT else 1


def _unsure(activity: Activity, role: Role, value: str, odd: bool = False) -> OcrRead | None:
    """Given an activity, a field and its value, return the cell text recognition was unsure
    of that holds the value (any cell that holds it when the value is `odd` where it
    stands), or None."""
    for read in activity.source.ocr:
        unsure = read.field == role and (odd or read.confidence < UNSURE_BELOW)
        if unsure and value in (read.corrected_to or read.text):
            return read
    return None


class _Corrector:
    """Puts unsure values back to the spelling `choose` gives for a field's value (None:
    leave it), each correction warned with `code` and `args`."""

    def __init__(
        self,
        choose: Callable[[Role, str], str | None],
        code: WarningCode,
        args: dict[str, WarningArg],
    ) -> None:
        self.choose, self.code, self.args = choose, code, args
        self.warnings: list[ExtractionWarning] = []

    def fix(
        self,
        activity: Activity,
        role: Role,
        value: str | None,
        odd: bool = False,
        field: str | None = None,
    ) -> str | None:
        """Given a field's value in a column (`odd`: one that cannot be right where it
        stands, so corrected however sure text recognition was), return the spelling to use
        instead, or None; record and warn of the correction, naming the `field` (the
        column's, unless it is a part of the cell: a target's label)."""
        if value is None:
            return None
        read = _unsure(activity, role, value, odd)
        used = self.choose(role, value) if read is not None else None
        if read is None or used is None:
            return None
        read.corrected_to = (read.corrected_to or read.text).replace(value, used)
        self.warnings.append(
            ExtractionWarning.make(
                self.code,
                {"field": field or str(role), "read": value, "used": used, **self.args},
                line=activity.source.lines[0] if activity.source.lines else None,
                page=read.box.page,
                activity=activity.id,
            )
        )
        return used

    def activity(self, activity: Activity) -> Activity:
        name = self.fix(activity, Role.NAME, activity.name) or activity.name
        city = [self.city(activity, work) for work in activity.city]
        # The activity's departments are its city entries' (see activities.build_activities).
        departments = unique(d for work in city for d in work.departments)
        targets = [self.target(activity, t) for t in activity.targets]
        return activity.model_copy(
            update={"name": name, "city": city, "departments": departments, "targets": targets}
        )

    def city(self, activity: Activity, work: CityWork) -> CityWork:
        found = [self.fix(activity, Role.DEPARTMENT, d) or d for d in work.departments]
        if found == work.departments:
            return work
        return work.model_copy(update={"departments": found, "department": "、".join(found)})

    def target(self, activity: Activity, target: Target) -> Target:
        label = self.fix(activity, Role.PLAN, target.label, field=TARGET_LABEL)
        if label:
            return target.model_copy(update={"label": label})
        if target.label is None and target.text and target.kind == "numeric":
            # A label whose / the scan lost (利用者数人) reads as a text beside figures: no
            # target has both, so it is put right however sure the reading was.
            label = self.fix(activity, Role.PLAN, target.text, odd=True, field=TARGET_LABEL)
            if label:
                unit = target.unit or unit_after_slash(label)
                return target.model_copy(update={"label": label, "text": None, "unit": unit})
        return target


def correct_scan(dataset: Dataset, previous: Dataset, year: int) -> Dataset:
    """Given a scan's dataset and the previous year's (of fiscal `year`, named in the
    warnings), return the scan's dataset with the names, departments and target labels it
    was unsure of put back to the previous year's spelling where one is near (see the
    module's description); keys follow the names."""
    if dataset.source.format != "scan" or not previous.activities:
        return dataset
    known = {
        Role.NAME: {a.name for a in previous.activities if a.name},
        Role.DEPARTMENT: {d for a in previous.activities for d in a.departments},
        Role.PLAN: {t.label for a in previous.activities for t in a.targets if t.label},
    }
    corrector = _Corrector(
        lambda role, value: _nearest(value, known[role]), WarningCode.OCR_CORRECTED, {"year": year}
    )
    return _corrected(dataset, corrector)


def correct_within(dataset: Dataset) -> Dataset:
    """Given a scan's dataset, return it with each department it was unsure of put back to
    the spelling the packet itself gives more often, where one is near (社会深 → 社会課;
    see `_commoner`): a misread is rarer than the name it misreads. A packet names a
    handful of departments many times over; names and labels are each written once, and are
    left to the previous year (`correct_scan`)."""
    if dataset.source.format != "scan":
        return dataset
    counts = Counter(d for a in dataset.activities for work in a.city for d in work.departments)
    corrector = _Corrector(
        lambda role, value: _commoner(value, counts) if role == Role.DEPARTMENT else None,
        WarningCode.OCR_AS_ELSEWHERE,
        {},
    )
    return _corrected(dataset, corrector)


def _corrected(dataset: Dataset, corrector: _Corrector) -> Dataset:
    activities = [corrector.activity(a.model_copy(deep=True)) for a in dataset.activities]
    if not corrector.warnings:
        return dataset
    taken: set[str] = set()
    for activity in activities:
        activity.key = unique_key(activity_key(activity), taken)
    return dataset.model_copy(
        update={"activities": activities, "warnings": [*dataset.warnings, *corrector.warnings]}
    )


__all__ = ["correct_scan", "correct_within"]
