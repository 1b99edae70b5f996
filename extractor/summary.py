"""What people read on stderr after a run: each packet's counts, its warnings grouped by code
with the sentence saying what to check, and the pairs of years linked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractor.i18n import N_, Words
from extractor.models import Dataset
from extractor.problems import check_sentence

if TYPE_CHECKING:
    from extractor.years.crosswalk import Step

MAX_WARNINGS_SHOWN = 40
DESTINATIONS = {
    "activities": N_("activities"),
    "cover": N_("cover"),
    "headers": N_("headers"),
    "headings": N_("headings"),
    "realigned": N_("realigned"),
}


def summarize(dataset: Dataset, target: str, w: Words) -> list[str]:
    """Given a dataset and where it was written, return the lines of its stderr summary."""
    activities = dataset.activities
    coverage = dataset.coverage
    where = w._(", ").join(
        f"{w._(DESTINATIONS.get(name, name))} {count}"
        for name, count in coverage.by_destination.items()
        if name != "unmapped"
    )
    lines = [
        w._(
            "{source} → {target}: {activities} activities, {targets} targets, {dates} dates; "
            "{mapped}/{cells} cells mapped ({where}), {unmapped} unmapped; {warnings}"
        ).format(
            source=dataset.source.path,
            target=target,
            activities=len(activities),
            targets=sum(len(a.targets) for a in activities),
            dates=sum(len(a.dates) for a in activities),
            mapped=coverage.mapped,
            cells=coverage.cells,
            where=where,
            unmapped=coverage.unmapped,
            warnings=w.ngettext("{n} warning", "{n} warnings", len(dataset.warnings)).format(
                n=len(dataset.warnings)
            ),
        )
    ]
    groups: dict[str, list[int]] = {}
    for index, warning in enumerate(dataset.warnings):
        groups.setdefault(warning.code, []).append(index)
    shown = 0
    for code, indexes in groups.items():
        first = dataset.warnings[indexes[0]]
        lines.append(f"  {code} ×{len(indexes)}: {check_sentence(first.code, w.language)}")
        for index in indexes:
            if shown >= MAX_WARNINGS_SHOWN:
                break
            warning = dataset.warnings[index]
            where = warning.place(dataset.source.format, w, nowhere="-")
            lines.append(f"    {where:>14}  {warning.text(w.language)}")
            shown += 1
    hidden = len(dataset.warnings) - shown
    if hidden > 0:
        lines.append(w._("  … {count} more in the JSON's warnings list").format(count=hidden))
    return lines


def link_lines(steps: list[Step], w: Words) -> list[str]:
    """Given the steps between consecutive years, return a line each, and the pairs to review."""
    from extractor.normalize.matching import MATCH_CHARS, too_long

    lines = []
    for step in steps:
        long = [
            a.name
            for year in (step.old, step.new)
            for a in year.dataset.activities
            if too_long(a.name or "") or too_long(a.description or "")
        ]
        if long:
            lines.append(
                w._(
                    "{count} activities of {old} or {new} have a name or description longer "
                    "than {limit:,} characters; they were linked on its first part"
                ).format(
                    count=len(long),
                    old=step.old.dataset.source.path,
                    new=step.new.dataset.source.path,
                    limit=MATCH_CHARS,
                )
            )
        linkage = step.linkage
        review = [item for item in linkage.links if item.band == "review"]
        lines.append(
            w._(
                "linked {old} → {new}: {pairs} pairs ({review} to review), {added} added, "
                "{removed} not found"
            ).format(
                old=step.old.dataset.source.path,
                new=step.new.dataset.source.path,
                pairs=len(linkage.links),
                review=len(review),
                added=len(linkage.added),
                removed=len(linkage.removed),
            )
        )
        for item in review:
            lines.append(
                w._("  to review: {old} ↔ {new} (score {score:.1f})").format(
                    old=step.old.dataset.activities[item.old].name,
                    new=step.new.dataset.activities[item.new].name,
                    score=item.score,
                )
            )
    return lines
