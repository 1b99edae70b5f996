"""The diff as a committee member reads it, in Japanese or English."""

from __future__ import annotations

from typing import TypeVar

from extractor.i18n import _, current_language, fiscal_year_text
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


def band_word(band: str) -> str:
    """Given a link band, return it in the current language."""
    words = {"sure": _("sure"), "review": _("to review"), "forced": _("forced")}
    return words.get(band, band)


def figure(value: Number | None, unit: str | None = None) -> str:
    """Given a figure and its unit, return it as people write it (— for none)."""
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return text + (unit or "")


def verdict_text(judgement: Judgement) -> str:
    """Given a 判定, return it in words: 達成, 順調, 遅れ, or 判定不可 with its reason."""
    words = _(VERDICT_WORDS[judgement.verdict])
    if judgement.reason is not None:
        words += _(" ({reason})").format(reason=_(REASON_WORDS[judgement.reason]))
    return words


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def activity_name(ref: ActivityRef) -> str:
    return ref.name or _("(unnamed, {goal} {title})").format(
        goal=f"{ref.basic_goal}.{ref.activity_goal}", title=ref.goal_title
    )


def _where(ref: ActivityRef) -> str:
    return f"{ref.basic_goal}.{ref.activity_goal} {ref.goal_title}"


def _packet(path: str, fiscal_year: int | None, report_year: int | None) -> str:
    return _("{path} ({packet} packet, {report} results)").format(
        path=path, packet=fiscal_year_text(fiscal_year), report=fiscal_year_text(report_year)
    )


def _actual(match: Match, change: ActualMoved) -> list[str]:
    old, new, j = change.old, change.new, change.judgement
    unit = new.unit or old.unit
    line = _("{label} ({name}): {old} ({old_year}) → {new} ({new_year})").format(
        label=new.label or new.text or "",
        name=activity_name(match.new),
        old=figure(old.actual, unit),
        old_year=fiscal_year_text(old.actual_fiscal_year),
        new=figure(new.actual, unit),
        new_year=fiscal_year_text(new.actual_fiscal_year),
    )
    detail = _("plan {plan} ({plan_year}), target {target} ({target_year})").format(
        plan=figure(new.plan, unit),
        plan_year=fiscal_year_text(new.plan_fiscal_year),
        target=figure(new.target, unit),
        target_year=fiscal_year_text(new.target_fiscal_year),
    )
    if j.share is not None and j.expected is not None:
        detail += _("; {share} of the way with {expected} of the plan period gone").format(
            share=percent(j.share), expected=percent(j.expected)
        )
    return [f"  {line}", f"      {detail}: {verdict_text(j)}"]


def _target_figures(f: Figures) -> str:
    if f.kind != "numeric":
        return f.text or f.label or "—"
    return _("plan {plan}, target {target}").format(
        plan=figure(f.plan, f.unit), target=figure(f.target, f.unit)
    )


def _target(match: Match, change: Change) -> str:
    name = activity_name(match.new)
    if isinstance(change, TargetAdded):
        f = change.new
        return f"  + {f.label or f.text} ({name}): {_target_figures(f)}"
    if isinstance(change, TargetRemoved):
        f = change.old
        return f"  - {f.label or f.text} ({name}): {_target_figures(f)}"
    assert isinstance(change, TargetChanged)
    return f"  {change.new.label or change.new.text} ({name}): " + (
        f"{_target_figures(change.old)} → {_target_figures(change.new)}"
    )


def _work(match: Match, change: WorkChanged) -> list[str]:
    part = label(change.part, current_language())
    where = f"{part}（{change.department}）" if change.department else part
    lines = [f"  {activity_name(match.new)} — {where}"]
    lines += [f"      + {item}" for item in change.added]
    lines += [f"      - {item}" for item in change.removed]
    return lines


def _other(change: Change) -> str:
    if isinstance(change, DescriptionChanged):
        return _("description")
    if isinstance(change, DepartmentsChanged):
        return _("departments {old} → {new}").format(
            old="、".join(change.old) or "—", new="、".join(change.new) or "—"
        )
    assert isinstance(change, ScheduleChanged)
    return _("年次計画 {old} → {new}").format(old=change.old.raw or "—", new=change.new.raw or "—")


C = TypeVar("C")


def _each(result: Diff, kind: type[C]) -> list[tuple[Match, C]]:
    """Every change of one kind, with its activity's match, in activity order."""
    return [(m, c) for m in result.matched for c in m.changes if isinstance(c, kind)]


def render_text(result: Diff) -> str:
    """Given a diff, return the report a committee member can read, in the current language."""
    s = result.summary
    lines = [
        _packet(result.old.path, result.old.fiscal_year, result.old.report_fiscal_year)
        + " → "
        + _packet(result.new.path, result.new.fiscal_year, result.new.report_fiscal_year),
        _(
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
            lines.extend(["", _("{title} ({count})").format(title=title, count=count), *body])

    renamed = _each(result, Renamed)
    score = _("score")
    section(
        _("Renamed"),
        [
            f"  {c.old} → {c.new}  [{score} {m.score:.1f}, {band_word(m.band)}]"
            for m, c in renamed
            if not c.spelling_only
        ],
    )
    section(
        _("Spelled otherwise"), [f"  {c.old} → {c.new}" for _m, c in renamed if c.spelling_only]
    )
    section(
        _("To review (linked, but not sure)"),
        [
            f"  {activity_name(m.old)} ↔ {activity_name(m.new)}  [{score} {m.score:.1f}]"
            for m in result.matched
            if m.band == "review"
        ],
    )
    section(
        _("New in the newer packet"),
        [f"  + {activity_name(r)}  ({_where(r)})" for r in result.added],
    )
    section(
        _("Not found in the newer packet"),
        [f"  - {activity_name(r)}  ({_where(r)})" for r in result.removed],
    )
    section(
        _("Moved to another goal"),
        [
            f"  {activity_name(m.new)}: {c.old.basic_goal}.{c.old.activity_goal} {c.old.title}"
            f" → {c.new.basic_goal}.{c.new.activity_goal} {c.new.title}"
            for m, c in _each(result, Moved)
        ],
    )
    section(
        _("Status changed"),
        [
            f"  {activity_name(m.new)}: {label(c.old, current_language())} → "
            f"{label(c.new, current_language())}"
            for m, c in _each(result, StatusChanged)
        ],
    )
    section(
        _("Targets changed"),
        [
            _target(m, c)
            for m in result.matched
            for c in m.changes
            if isinstance(c, TargetChanged | TargetAdded | TargetRemoved)
        ],
    )
    section(_("Actuals"), [line for m, c in _each(result, ActualMoved) for line in _actual(m, c)])
    section(
        _("Work changed"), [line for m, c in _each(result, WorkChanged) for line in _work(m, c)]
    )
    section(
        _("Other changes"),
        [
            f"  {activity_name(m.new)}: " + "; ".join(_other(c) for c in others)
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
