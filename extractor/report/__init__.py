"""The HTML report for the committee: 達成状況 first (one row per numeric target with its 判定,
and per 基本目標 the count of each), then what changed since the year before, what to check
in the packet, and every activity by goal with a chart of each target.

The page is rendered by Jinja2 with auto-escaping: every text from a packet is escaped by
construction, in one year or across years. No scripts, no network; it opens offline and
prints on A4. Japanese unless asked otherwise (`--lang en`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.eras import axis_label, fiscal_year_short
from extractor.i18n import Language, Words
from extractor.models import Activity, Dataset, ExtractionWarning, Number, Target
from extractor.problems import WarningCode, check_sentence
from extractor.report.charts import BarChart, LineChart, Point, bar_chart, line_chart
from extractor.vocabulary import Status, label
from extractor.years.crosswalk import Crosswalk, pairs_between
from extractor.years.diff import (
    ActualMoved,
    Match,
    Moved,
    Renamed,
    StatusChanged,
    TargetAdded,
    TargetChanged,
    TargetRemoved,
    WorkChanged,
    diff_datasets,
)
from extractor.years.diff_text import figure, percent
from extractor.years.order import by_year, packet_year
from extractor.years.progress import REASON_WORDS, VERDICT_WORDS, Judgement, judge, unplaced
from extractor.years.targets import target_key

if TYPE_CHECKING:
    from jinja2 import Environment

    from extractor.years.diff import Diff

TEMPLATES = Path(__file__).parent / "templates"
VERDICTS = ("achieved", "on_track", "behind", "undetermined")


def short_year(year: int | None, w: Words) -> str:
    """Given a fiscal year, return its short form for a table cell: 平成21年度, or FY2009."""
    return "—" if year is None else fiscal_year_short(year, w.language)


def verdict_words(judgement: Judgement, w: Words) -> tuple[str, str]:
    """Given a 判定, return its word (達成…) and its reason (empty when there is none)."""
    reason = w._(REASON_WORDS[judgement.reason]) if judgement.reason else ""
    return w._(VERDICT_WORDS[judgement.verdict]), reason


@dataclass
class History:
    """A target's actual figures through the years given, by fiscal year."""

    actuals: dict[int, Number] = field(default_factory=dict)


def histories(datasets: list[Dataset], crosswalk: Crosswalk) -> dict[tuple[str, str], History]:
    """Given the years (oldest first), return each (series, target key)'s actuals by year:
    the same activity by the crosswalk, the same target by its label."""
    found: dict[tuple[str, str], History] = {}
    for dataset in datasets:
        series = crosswalk.series(dataset)
        for activity in dataset.activities:
            key = series.get(activity.key or activity.id, activity.key or activity.id)
            for target in activity.targets:
                actual = target.actual
                if actual.value is not None and actual.fiscal_year is not None:
                    history = found.setdefault((key, target_key(target)), History())
                    history.actuals[actual.fiscal_year] = actual.value
    return found


@dataclass
class TargetView:
    """One numeric target as the report shows it."""

    activity: Activity
    anchor: str
    target: Target
    label: str
    plan: str
    plan_year: str
    target_value: str
    target_year: str
    actuals: list[tuple[str, bool]]  # per year given: the figure, and whether to check it
    progress: str
    verdict: str
    verdict_word: str
    reason: str
    check: str
    written: str
    chart: LineChart | None
    caption: str


def _slot_text(value: Number | None, raw: str | None, unit: str | None) -> str:
    if value is not None:
        return figure(value, unit)
    return raw or "—"


def _unplaced_text(target: Target) -> str:
    """The figures of a target as the packet writes them, for one the tool could not place."""
    for slot in (target.plan, target.target, target.actual):
        if slot.readings:
            return " | ".join(slot.readings)
    return " / ".join(target.raw)


TARGET_CODES = {
    WarningCode.TARGET_SLOT_CONFLICT,
    WarningCode.TARGET_AMBIGUOUS,
    WarningCode.TARGET_CELLS_REALIGNED,
}


def _check(target: Target, warnings: list[ExtractionWarning], w: Words) -> str:
    """The sentence of the warning about a target the tool could not place."""
    for warning in warnings:
        if warning.code in TARGET_CODES and warning.line in target.lines:
            return check_sentence(warning.code, w.language)
    return check_sentence(WarningCode.TARGET_AMBIGUOUS, w.language)


def _target_view(
    activity: Activity,
    anchor: str,
    target: Target,
    history: History | None,
    years: list[int],
    warnings: list[ExtractionWarning],
    w: Words,
) -> TargetView:
    judgement = judge(target)
    word, reason = verdict_words(judgement, w)
    needs_check = unplaced(target)
    check = _check(target, warnings, w) if needs_check else ""
    unit = target.unit
    actuals = history.actuals if history else {}
    written = _unplaced_text(target) if needs_check else ""
    shown = [(figure(actuals[y], unit), False) if y in actuals else ("—", False) for y in years]
    year = target.actual.fiscal_year
    if needs_check and target.actual.value is None and year in years:
        shown[years.index(year)] = (written, True)
    plan_year = target.plan.fiscal_year
    target_year = target.target.fiscal_year
    plan_point = (
        Point(plan_year, target.plan.value, figure(target.plan.value, unit), w._("plan"))
        if plan_year and target.plan.value is not None
        else None
    )
    goal_point = (
        Point(target_year, target.target.value, figure(target.target.value, unit), w._("target"))
        if target_year and target.target.value is not None
        else None
    )
    actual_points = [
        Point(y, v, figure(v, unit), w._("actual {year}").format(year=w.year(y)))
        for y, v in sorted(actuals.items())
    ]
    label = target.label or target.text or w._("target")
    chart = None
    if plan_point or goal_point or actual_points:
        first = plan_year or min(p.year for p in [*actual_points, goal_point] if p)
        last = target_year or max(p.year for p in [plan_point, *actual_points] if p)
        chart = line_chart(
            first,
            last,
            plan_point,
            goal_point,
            actual_points,
            lambda y: axis_label(y, w.language),
            label,
        )
    actual_part = (
        w.join([p.text + w.paren(short_year(p.year, w)) for p in actual_points])
        if actual_points
        else (w._("to check: {written}").format(written=written) if needs_check else "—")
    )
    caption = w._(
        "plan {plan} ({plan_year}) → actual {actual} → target {target} ({target_year})"
    ).format(
        plan=_slot_text(target.plan.value, target.plan.raw, unit),
        plan_year=short_year(plan_year, w),
        actual=actual_part,
        target=_slot_text(target.target.value, target.target.raw, unit),
        target_year=short_year(target_year, w),
    )
    return TargetView(
        activity=activity,
        anchor=anchor,
        target=target,
        label=label,
        plan=_slot_text(target.plan.value, target.plan.raw, unit),
        plan_year=short_year(plan_year, w),
        target_value=_slot_text(target.target.value, target.target.raw, unit),
        target_year=short_year(target_year, w),
        actuals=shown,
        progress=percent(judgement.share),
        verdict=judgement.verdict,
        verdict_word=word,
        reason=reason,
        check=check,
        written=written,
        chart=chart,
        caption=caption,
    )


@dataclass
class GoalCounts:
    number: int
    title: str
    counts: list[tuple[str, str, int]]  # verdict, word, count
    chart: BarChart


@dataclass
class ChangeRow:
    kind: str
    name: str
    detail: str
    css: str = ""
    group: str = ""


# The order of the changes table: the order in which a committee member reads them.
CHANGE_ORDER = (
    "renamed", "spelling", "review", "added", "removed", "moved", "status", "targets",
    "actual", "work",
)  # fmt: skip


def _renamed(m: Match, c: Renamed, w: Words) -> ChangeRow:
    from extractor.years.diff_text import band_word

    if c.spelling_only:
        return ChangeRow(
            w._("Spelled otherwise"), m.new.name or "", f"{c.old} → {c.new}", group="spelling"
        )
    score = f"{w._('score')} {m.score:.1f}"
    detail = f"{c.old} → {c.new}" + w.paren(w.join([score, band_word(m.band, w)]))
    return ChangeRow(w._("Renamed"), m.new.name or "", detail, group="renamed")


def _moved(m: Match, c: Moved, w: Words) -> ChangeRow:
    detail = f"{c.old.title} → {c.new.title}"
    return ChangeRow(w._("Moved to another goal"), m.new.name or "", detail, group="moved")


def _status(m: Match, c: StatusChanged, w: Words) -> ChangeRow:
    old, new = label(c.old, w.language), label(c.new, w.language)
    return ChangeRow(w._("Status changed"), m.new.name or "", f"{old} → {new}", group="status")


def _target_changed(m: Match, c: TargetChanged, w: Words) -> ChangeRow:
    detail = (
        f"{c.new.label or c.new.text}: {figure(c.old.plan, c.old.unit)} → "
        f"{figure(c.old.target, c.old.unit)} ⇒ {figure(c.new.plan, c.new.unit)} → "
        f"{figure(c.new.target, c.new.unit)}"
    )
    return ChangeRow(w._("Targets changed"), m.new.name or "", detail, group="targets")


def _target_added(m: Match, c: TargetAdded, w: Words) -> ChangeRow:
    detail = f"+ {c.new.label or c.new.text}"
    return ChangeRow(w._("Targets changed"), m.new.name or "", detail, group="targets")


def _target_removed(m: Match, c: TargetRemoved, w: Words) -> ChangeRow:
    detail = f"− {c.old.label or c.old.text}"
    return ChangeRow(w._("Targets changed"), m.new.name or "", detail, group="targets")


def _actual(m: Match, c: ActualMoved, w: Words) -> ChangeRow:
    from extractor.years.diff_text import verdict_text

    unit = c.new.unit or c.old.unit
    detail = (
        f"{c.new.label or c.new.text}: {figure(c.old.actual, unit)} → "
        f"{figure(c.new.actual, unit)}{w.paren(verdict_text(c.judgement, w))}"
    )
    return ChangeRow(w._("Actuals"), m.new.name or "", detail, c.judgement.verdict, "actual")


def _work(m: Match, c: WorkChanged, w: Words) -> ChangeRow:
    part = label(c.part, w.language) + (w.paren(c.department) if c.department else "")
    lines = [f"+ {item}" for item in c.added] + [f"− {item}" for item in c.removed]
    detail = part + "\n" + "\n".join(lines)
    return ChangeRow(w._("Work changed"), m.new.name or "", detail, group="work")


CHANGE_ROWS: dict[type, Callable[[Match, Any, Words], ChangeRow]] = {
    Renamed: _renamed,
    Moved: _moved,
    StatusChanged: _status,
    TargetChanged: _target_changed,
    TargetAdded: _target_added,
    TargetRemoved: _target_removed,
    ActualMoved: _actual,
    WorkChanged: _work,
}


def _change_rows(result: Diff, w: Words) -> list[ChangeRow]:
    """The diff as rows of the changes table, in the order a committee member reads it."""
    groups: dict[str, list[ChangeRow]] = {kind: [] for kind in CHANGE_ORDER}
    for m in result.matched:
        if m.band == "review":
            detail = f"{m.old.name} ↔ {m.new.name}" + w.paren(f"{w._('score')} {m.score:.1f}")
            groups["review"].append(ChangeRow(w._("To review"), m.new.name or "", detail, "check"))
        for change in m.changes:
            format_row = CHANGE_ROWS.get(type(change))
            if format_row is not None:
                row = format_row(m, change, w)
                groups[row.group].append(row)
    for group, kind, refs in (
        ("added", w._("New in the newer packet"), result.added),
        ("removed", w._("Not found in the newer packet"), result.removed),
    ):
        for r in refs:
            where = f"{r.basic_goal}.{r.activity_goal} {r.goal_title}"
            groups[group].append(ChangeRow(kind, r.name or "", where))
    return [row for kind in CHANGE_ORDER for row in groups[kind]]


@dataclass
class WarningGroup:
    code: str
    sentence: str
    items: list[tuple[str, str]]  # where, message


def _warnings(dataset: Dataset, w: Words) -> list[WarningGroup]:
    groups: dict[str, WarningGroup] = {}
    unit = "row" if dataset.source.format != "tsv" else "line"
    for warning in dataset.warnings:
        code = warning.code
        group = groups.setdefault(code, WarningGroup(code, check_sentence(code, w.language), []))
        if warning.cell:
            where = warning.cell
        elif warning.page and unit == "row":
            where = w._("page {page}, row {row}").format(page=warning.page, row=warning.line)
        else:
            where = w._("line {line}").format(line=warning.line) if warning.line else "—"
        group.items.append((where, warning.text(w.language)))
    return list(groups.values())


@lru_cache(maxsize=2)
def environment(language: Language) -> Environment:
    """The Jinja2 environment: templates of this package, auto-escaping on for everything."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    words = Words(language)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=words._, ngettext=words.ngettext, newstyle=True
    )
    return env


def render_report(
    datasets: list[Dataset], crosswalk: Crosswalk, language: Language | None = "ja"
) -> str:
    """Given one or more years' datasets and their crosswalk, return the HTML report of the
    latest year: each target's history across all of them, and the changes since the year
    before, in Japanese unless another language is asked for (None: the current one)."""
    return _render(datasets, crosswalk, Words(language or "ja"))


def _render(datasets: list[Dataset], crosswalk: Crosswalk, w: Words) -> str:
    ordered = by_year(datasets)
    latest = ordered[-1]
    series = crosswalk.series(latest)
    found = histories(ordered, crosswalk)
    actual_years = sorted({y for h in found.values() for y in h.actuals})
    rows: list[TargetView] = []
    qualitative: list[tuple[Activity, str, Target]] = []
    cards: dict[int, dict[int, list[tuple[Activity, str, list[TargetView], list[Target]]]]] = {}
    titles: dict[int, str] = {}
    sub_titles: dict[tuple[int, int], str] = {}
    for activity in latest.activities:
        anchor = series.get(activity.key or activity.id, activity.key or activity.id)
        views: list[TargetView] = []
        texts: list[Target] = []
        for target in activity.targets:
            if target.kind == "numeric":
                history = found.get((anchor, target_key(target)))
                mine = [w for w in latest.warnings if w.activity == activity.id]
                view = _target_view(activity, anchor, target, history, actual_years, mine, w)
                rows.append(view)
                views.append(view)
            elif target.kind == "qualitative":
                qualitative.append((activity, anchor, target))
                texts.append(target)
        basic, sub = activity.basic_goal, activity.activity_goal
        titles[basic.number] = basic.title
        sub_titles[(basic.number, sub.number)] = sub.title
        cards.setdefault(basic.number, {}).setdefault(sub.number, []).append(
            (activity, anchor, views, texts)
        )
    goal_counts = []
    for number, title in titles.items():
        counted = Counter(v.verdict for v in rows if v.activity.basic_goal.number == number)
        counts = [(v, w._(VERDICT_WORDS[v]), counted.get(v, 0)) for v in VERDICTS]  # type: ignore[index]
        description = w.join([f"{word} {n}" for _v, word, n in counts])
        goal_counts.append(
            GoalCounts(
                number, title, counts, bar_chart([(v, n) for v, _w, n in counts], description)
            )
        )
    changes: list[ChangeRow] = []
    previous = None
    if len(ordered) > 1:
        previous = ordered[-2]
        changes = _change_rows(
            diff_datasets(previous, latest, pairs_between(crosswalk, previous, latest)), w
        )
    packet = latest.packet
    template = environment(w.language).get_template("report.html")
    return template.render(
        lang=w.language,
        title=packet.title or w._("Evaluation committee packet"),
        packet_year=w.year(packet_year(latest)),
        report_year=w.year(packet.report_fiscal_year),
        plan_period=w.span(w.year(packet.plan_fiscal_year), w.year(packet.target_fiscal_year)),
        words=w,
        gap="　" if w.language == "ja" else " · ",
        years=[w.year(packet_year(d)) for d in ordered],
        actual_years=[short_year(y, w) for y in actual_years],
        activities=len(latest.activities),
        goal_counts=goal_counts,
        rows=rows,
        qualitative=qualitative,
        changes=changes,
        previous_year=w.year(packet_year(previous)) if previous else "",
        warnings=_warnings(latest, w),
        cards=cards,
        titles=titles,
        sub_titles=sub_titles,
        status={s: label(s, w.language) for s in Status},
        verdicts=[(v, w._(VERDICT_WORDS[v])) for v in VERDICTS],  # type: ignore[index]
    )
