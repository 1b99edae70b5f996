"""The diff as a committee member reads it, in Japanese or English.

Each section lists entries (a renamed activity, a changed target, a part of the work that
changed…) and says how many: the summary line counts the same entries. An item edited
between the years shows what changed inside it, as `git diff --word-diff` does:
[-taken out-]{+put in+}. No entry prints the same on both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from extractor.i18n import Words
from extractor.vocabulary import label
from extractor.years.diff import (
    ActivityRef,
    ActualCorrected,
    ActualMoved,
    ActualToCheck,
    Change,
    DepartmentsChanged,
    DescriptionChanged,
    Diff,
    Figures,
    Match,
    Moved,
    Renamed,
    ScheduleChanged,
    StatusChanged,
    TargetAdded,
    TargetChanged,
    TargetRemoved,
    WorkChanged,
)
from extractor.years.history import figure
from extractor.years.inline import word_diff
from extractor.years.progress import REASON_WORDS, VERDICT_WORDS, Judgement

__all__ = ["band_word", "figure", "percent", "render_text", "verdict_text"]


def band_word(band: str, w: Words) -> str:
    """Given a link band, return it in words."""
    words = {"sure": w._("sure"), "review": w._("to review"), "forced": w._("forced")}
    return words.get(band, band)


def verdict_text(judgement: Judgement, w: Words) -> str:
    """Given a 判定, return it in words: 達成, 順調, 遅れ, or 判定不可 with its reason."""
    words = w._(VERDICT_WORDS[judgement.verdict])
    if judgement.reason is not None:
        words += w._(" ({reason})").format(reason=w._(REASON_WORDS[judgement.reason]))
    return words


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def activity_name(ref: ActivityRef, w: Words) -> str:
    return ref.name or w._("(unnamed, {goal} {title})").format(
        goal=f"{ref.basic_goal}.{ref.activity_goal}", title=ref.goal_title
    )


def _where(ref: ActivityRef) -> str:
    return f"{ref.basic_goal}.{ref.activity_goal} {ref.goal_title}"


def _packet(path: str, fiscal_year: int | None, report_year: int | None, w: Words) -> str:
    return w._("{path} ({packet} packet, {report} results)").format(
        path=path, packet=w.year(fiscal_year), report=w.year(report_year)
    )


Entry = list[str]  # the lines of one entry: the first says what, the others show it


def _actual(match: Match, change: ActualMoved, w: Words) -> Entry:
    old, new, j = change.old, change.new, change.judgement
    line = w._("{label} ({name}): {old} ({old_year}) → {new} ({new_year})").format(
        label=new.label or new.text or "",
        name=activity_name(match.new, w),
        old=old.actual_text,
        old_year=w.year(old.actual_fiscal_year),
        new=new.actual_text,
        new_year=w.year(new.actual_fiscal_year),
    )
    detail = w._("plan {plan} ({plan_year}), target {target} ({target_year})").format(
        plan=new.plan_text,
        plan_year=w.year(new.plan_fiscal_year),
        target=new.target_text,
        target_year=w.year(new.target_fiscal_year),
    )
    if j.share is not None and j.expected is not None:
        detail += w._("; {share} of the way with {expected} of the plan period gone").format(
            share=percent(j.share), expected=percent(j.expected)
        )
    return [f"  {line}", f"      {detail}: {verdict_text(j, w)}"]


def _to_check(match: Match, change: ActualToCheck, w: Words) -> Entry:
    old, new = change.old, change.new
    line = w._("{label} ({name}): {old} ({old_year}) → {new} ({new_year})").format(
        label=new.label or new.text or "",
        name=activity_name(match.new, w),
        old=old.actual_text,
        old_year=w.year(old.actual_fiscal_year),
        new=new.actual_text,
        new_year=w.year(new.actual_fiscal_year),
    )
    return [
        f"  {line}",
        "      " + w._("a figure the tool could not place; check the packet"),
    ]


def _corrected(match: Match, change: ActualCorrected, w: Words) -> Entry:
    line = w._("{label} ({name}), {year}: {old} → {new}").format(
        label=change.label or "",
        name=activity_name(match.new, w),
        year=w.year(change.fiscal_year),
        old=change.old,
        new=change.new,
    )
    return [f"  {line}", "      " + w._("the newer packet gives this year's actual otherwise")]


def _target_figures(f: Figures, w: Words) -> str:
    if f.kind != "numeric":
        return f.text or f.label or "—"
    return w._("plan {plan}, target {target}").format(plan=f.plan_text, target=f.target_text)


def _target(match: Match, change: Change, w: Words) -> Entry:
    name = activity_name(match.new, w)
    if isinstance(change, TargetAdded):
        f = change.new
        return [f"  + {f.label or f.text} ({name}): {_target_figures(f, w)}"]
    if isinstance(change, TargetRemoved):
        f = change.old
        return [f"  - {f.label or f.text} ({name}): {_target_figures(f, w)}"]
    assert isinstance(change, TargetChanged)
    old, new = change.old, change.new
    shown = []
    if {"plan", "target", "kind", "unit"} & set(change.parts):
        shown.append(f"{_target_figures(old, w)} → {_target_figures(new, w)}")
    for part, slot in (("plan_year", "plan"), ("target_year", "target")):
        if part in change.parts:
            words = w._("plan year") if slot == "plan" else w._("target year")
            before = w.year(getattr(old, f"{slot}_fiscal_year"))
            after = w.year(getattr(new, f"{slot}_fiscal_year"))
            shown.append(f"{words} {before} → {after}")
    return [f"  {new.label or new.text} ({name}): " + "; ".join(shown)]


def _work(match: Match, change: WorkChanged, w: Words) -> Entry:
    part = label(change.part, w.language)
    where = part + w.paren(change.department) if change.department else part
    lines = [f"  {activity_name(match.new, w)} — {where}"]
    lines += [f"      ~ {word_diff(edit.runs)}" for edit in change.edited]
    lines += [f"      + {item}" for item in change.added]
    lines += [f"      - {item}" for item in change.removed]
    return lines


def _other(change: Change, w: Words) -> str:
    if isinstance(change, DescriptionChanged):
        return w._("description")
    if isinstance(change, DepartmentsChanged):
        return w._("departments {old} → {new}").format(
            old=w.join(change.old) or "—", new=w.join(change.new) or "—"
        )
    assert isinstance(change, ScheduleChanged)
    return w._("schedule {old} → {new}").format(
        old=change.old.raw or "—", new=change.new.raw or "—"
    )


C = TypeVar("C")


def _each(result: Diff, kind: type[C] | tuple[type, ...]) -> list[tuple[Match, C]]:
    """Every change of one kind, with its activity's match, in activity order."""
    return [(m, c) for m in result.matched for c in m.changes if isinstance(c, kind)]  # type: ignore[misc]


@dataclass
class Section:
    """A part of the diff: its title and its entries, each entry counted once."""

    title: str
    entries: list[Entry]


OTHER = (DescriptionChanged, DepartmentsChanged, ScheduleChanged)


def sections(result: Diff, w: Words) -> list[Section]:
    """Given a diff, return its sections in the order a committee member reads them."""
    score = w._("score")

    def entries(kind: type[C] | tuple[type, ...], show: Callable[[Match, C], Entry]) -> list[Entry]:
        return [show(m, c) for m, c in _each(result, kind)]

    renamed = _each(result, Renamed)
    return [
        Section(
            w._("Renamed"),
            [
                [f"  {c.old} → {c.new}  [{score} {m.score:.1f}, {band_word(m.band, w)}]"]
                for m, c in renamed
                if not c.spelling_only
            ],
        ),
        Section(
            w._("Spelled otherwise"),
            [[f"  {c.old} → {c.new}"] for _m, c in renamed if c.spelling_only],
        ),
        Section(
            w._("To review (linked, but not sure)"),
            [
                [
                    f"  {activity_name(m.old, w)} ↔ {activity_name(m.new, w)}  "
                    f"[{score} {m.score:.1f}]"
                ]
                for m in result.matched
                if m.band == "review"
            ],
        ),
        Section(w._("Figures to check"), entries(ActualToCheck, lambda m, c: _to_check(m, c, w))),
        Section(
            w._("New in the newer packet"),
            [[f"  + {activity_name(r, w)}  ({_where(r)})"] for r in result.added],
        ),
        Section(
            w._("Not found in the newer packet"),
            [[f"  - {activity_name(r, w)}  ({_where(r)})"] for r in result.removed],
        ),
        Section(
            w._("Moved to another goal"),
            entries(
                Moved,
                lambda m, c: [
                    f"  {activity_name(m.new, w)}: {c.old.basic_goal}.{c.old.activity_goal} "
                    f"{c.old.title} → {c.new.basic_goal}.{c.new.activity_goal} {c.new.title}"
                ],
            ),
        ),
        Section(
            w._("Status changed"),
            entries(
                StatusChanged,
                lambda m, c: [
                    f"  {activity_name(m.new, w)}: {label(c.old, w.language)} → "
                    f"{label(c.new, w.language)}"
                ],
            ),
        ),
        Section(
            w._("Targets changed"),
            entries((TargetChanged, TargetAdded, TargetRemoved), lambda m, c: _target(m, c, w)),
        ),
        Section(w._("Actuals"), entries(ActualMoved, lambda m, c: _actual(m, c, w))),
        Section(
            w._("Earlier actuals corrected"),
            entries(ActualCorrected, lambda m, c: _corrected(m, c, w)),
        ),
        Section(w._("Work changed"), entries(WorkChanged, lambda m, c: _work(m, c, w))),
        Section(
            w._("Other changes"),
            [
                [f"  {activity_name(m.new, w)}: " + "; ".join(_other(c, w) for c in others)]
                for m in result.matched
                if (others := [c for c in m.changes if isinstance(c, OTHER)])
            ],
        ),
    ]


def render_text(result: Diff, w: Words) -> str:
    """Given a diff, return the report a committee member can read, in the words given."""
    s = result.summary
    lines = [
        _packet(result.old.path, result.old.fiscal_year, result.old.report_fiscal_year, w)
        + " → "
        + _packet(result.new.path, result.new.fiscal_year, result.new.report_fiscal_year, w),
        w._(
            "{matched} matched ({review} to review), {renamed} renamed, {spelling} spelled "
            "otherwise, {to_check} figures to check, {added} added, {removed} not found, "
            "{moved} moved, {status} status changes, {targets} target changes, {actuals} "
            "actuals moved, {corrected} earlier actuals corrected, {work} work changes"
        ).format(
            matched=s.matched,
            review=s.review,
            renamed=s.renamed,
            spelling=s.spelling,
            to_check=s.to_check,
            added=s.added,
            removed=s.removed,
            moved=s.moved,
            status=s.status_changed,
            targets=s.targets_changed,
            actuals=s.actuals_moved,
            corrected=s.corrected,
            work=s.work_changed,
        ),
    ]
    for section in sections(result, w):
        if section.entries:
            count = len(section.entries)
            lines += ["", w._("{title} ({count})").format(title=section.title, count=count)]
            lines += [line for entry in section.entries for line in entry]
    return "\n".join(lines) + "\n"
