"""The diff as a committee member reads it, in Japanese or English."""

from __future__ import annotations

from typing import TypeVar

from extractor.i18n import Words
from extractor.models import Number
from extractor.vocabulary import label
from extractor.years.diff import (
    ActivityRef,
    ActualMoved,
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
from extractor.years.progress import REASON_WORDS, VERDICT_WORDS, Judgement


def band_word(band: str, w: Words) -> str:
    """Given a link band, return it in words."""
    words = {"sure": w._("sure"), "review": w._("to review"), "forced": w._("forced")}
    return words.get(band, band)


def figure(value: Number | None, unit: str | None = None) -> str:
    """Given a figure and its unit, return it as people write it (— for none)."""
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return text + (unit or "")


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


def _actual(match: Match, change: ActualMoved, w: Words) -> list[str]:
    old, new, j = change.old, change.new, change.judgement
    unit = new.unit or old.unit
    line = w._("{label} ({name}): {old} ({old_year}) → {new} ({new_year})").format(
        label=new.label or new.text or "",
        name=activity_name(match.new, w),
        old=figure(old.actual, unit),
        old_year=w.year(old.actual_fiscal_year),
        new=figure(new.actual, unit),
        new_year=w.year(new.actual_fiscal_year),
    )
    detail = w._("plan {plan} ({plan_year}), target {target} ({target_year})").format(
        plan=figure(new.plan, unit),
        plan_year=w.year(new.plan_fiscal_year),
        target=figure(new.target, unit),
        target_year=w.year(new.target_fiscal_year),
    )
    if j.share is not None and j.expected is not None:
        detail += w._("; {share} of the way with {expected} of the plan period gone").format(
            share=percent(j.share), expected=percent(j.expected)
        )
    return [f"  {line}", f"      {detail}: {verdict_text(j, w)}"]


def _target_figures(f: Figures, w: Words) -> str:
    if f.kind != "numeric":
        return f.text or f.label or "—"
    return w._("plan {plan}, target {target}").format(
        plan=figure(f.plan, f.unit), target=figure(f.target, f.unit)
    )


def _target(match: Match, change: Change, w: Words) -> str:
    name = activity_name(match.new, w)
    if isinstance(change, TargetAdded):
        f = change.new
        return f"  + {f.label or f.text} ({name}): {_target_figures(f, w)}"
    if isinstance(change, TargetRemoved):
        f = change.old
        return f"  - {f.label or f.text} ({name}): {_target_figures(f, w)}"
    assert isinstance(change, TargetChanged)
    return f"  {change.new.label or change.new.text} ({name}): " + (
        f"{_target_figures(change.old, w)} → {_target_figures(change.new, w)}"
    )


def _work(match: Match, change: WorkChanged, w: Words) -> list[str]:
    part = label(change.part, w.language)
    where = part + w.paren(change.department) if change.department else part
    lines = [f"  {activity_name(match.new, w)} — {where}"]
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


def _each(result: Diff, kind: type[C]) -> list[tuple[Match, C]]:
    """Every change of one kind, with its activity's match, in activity order."""
    return [(m, c) for m in result.matched for c in m.changes if isinstance(c, kind)]


def render_text(result: Diff, w: Words) -> str:
    """Given a diff, return the report a committee member can read, in the words given."""
    s = result.summary
    lines = [
        _packet(result.old.path, result.old.fiscal_year, result.old.report_fiscal_year, w)
        + " → "
        + _packet(result.new.path, result.new.fiscal_year, result.new.report_fiscal_year, w),
        w._(
            "{matched} matched ({review} to review), {renamed} renamed, {spelling} spelled "
            "otherwise, {moved} moved, {status} status changes, {targets} with target "
            "changes, {actuals} actuals moved, {work} with changed work, {added} added, "
            "{removed} not found"
        ).format(
            matched=s.matched,
            review=s.review,
            renamed=s.renamed,
            spelling=s.spelling,
            moved=s.moved,
            status=s.status_changed,
            targets=s.targets_changed,
            actuals=s.actuals_moved,
            work=s.work_changed,
            added=s.added,
            removed=s.removed,
        ),
    ]

    def section(title: str, body: list[str]) -> None:
        if body:
            count = sum(1 for line in body if not line.startswith("      "))
            lines.extend(["", w._("{title} ({count})").format(title=title, count=count), *body])

    renamed = _each(result, Renamed)
    score = w._("score")
    section(
        w._("Renamed"),
        [
            f"  {c.old} → {c.new}  [{score} {m.score:.1f}, {band_word(m.band, w)}]"
            for m, c in renamed
            if not c.spelling_only
        ],
    )
    section(
        w._("Spelled otherwise"), [f"  {c.old} → {c.new}" for _m, c in renamed if c.spelling_only]
    )
    section(
        w._("To review (linked, but not sure)"),
        [
            f"  {activity_name(m.old, w)} ↔ {activity_name(m.new, w)}  [{score} {m.score:.1f}]"
            for m in result.matched
            if m.band == "review"
        ],
    )
    section(
        w._("New in the newer packet"),
        [f"  + {activity_name(r, w)}  ({_where(r)})" for r in result.added],
    )
    section(
        w._("Not found in the newer packet"),
        [f"  - {activity_name(r, w)}  ({_where(r)})" for r in result.removed],
    )
    section(
        w._("Moved to another goal"),
        [
            f"  {activity_name(m.new, w)}: {c.old.basic_goal}.{c.old.activity_goal} {c.old.title}"
            f" → {c.new.basic_goal}.{c.new.activity_goal} {c.new.title}"
            for m, c in _each(result, Moved)
        ],
    )
    section(
        w._("Status changed"),
        [
            f"  {activity_name(m.new, w)}: {label(c.old, w.language)} → {label(c.new, w.language)}"
            for m, c in _each(result, StatusChanged)
        ],
    )
    section(
        w._("Targets changed"),
        [
            _target(m, c, w)
            for m in result.matched
            for c in m.changes
            if isinstance(c, TargetChanged | TargetAdded | TargetRemoved)
        ],
    )
    section(
        w._("Actuals"), [line for m, c in _each(result, ActualMoved) for line in _actual(m, c, w)]
    )
    section(
        w._("Work changed"),
        [line for m, c in _each(result, WorkChanged) for line in _work(m, c, w)],
    )
    section(
        w._("Other changes"),
        [
            f"  {activity_name(m.new, w)}: " + "; ".join(_other(c, w) for c in others)
            for m in result.matched
            if (
                others := [
                    c
                    for c in m.changes
                    if isinstance(c, DescriptionChanged | DepartmentsChanged | ScheduleChanged)
                ]
            )
        ],
    )
    return "\n".join(lines) + "\n"
