"""What the report shows of a numeric target: a row of the 達成状況 table (every year's
actual known, from this packet and the packets linked to it) and a chart with its caption.
A figure the tool could not place, or one two packets give differently, is shown as
written and marked 要確認, never as an empty figure."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from extractor.eras import axis_label, fiscal_year_short
from extractor.i18n import Words
from extractor.models import Activity, ExtractionWarning, Target
from extractor.problems import WarningCode, check_sentence
from extractor.report.charts import LineChart, Point, line_chart
from extractor.years.diff_text import percent
from extractor.years.history import History, figure, is_unsure, slot_text, unsure_figures
from extractor.years.progress import REASON_WORDS, VERDICT_WORDS, Judgement, judge, unplaced

TARGET_CODES = {
    WarningCode.TARGET_SLOT_CONFLICT,
    WarningCode.TARGET_AMBIGUOUS,
    WarningCode.TARGET_CELLS_REALIGNED,
}


def short_year(year: int | None, w: Words) -> str:
    """Given a fiscal year, return its short form for a table cell: 平成21年度, or FY2009."""
    return "—" if year is None else fiscal_year_short(year, w.language)


def verdict_words(judgement: Judgement, w: Words) -> tuple[str, str]:
    """Given a 判定, return its word (達成…) and its reason (empty when there is none)."""
    reason = w._(REASON_WORDS[judgement.reason]) if judgement.reason else ""
    return w._(VERDICT_WORDS[judgement.verdict]), reason


@dataclass(frozen=True)
class YearFigure:
    """One year's actual as a cell shows it, and whether a person must check it."""

    text: str
    check: bool


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
    actuals: list[YearFigure]  # per year of the table's columns
    progress: str
    verdict: str
    verdict_word: str
    reason: str
    check: str
    chart: LineChart | None
    caption: str


def _check(target: Target, warnings: list[ExtractionWarning], scanned: bool, w: Words) -> str:
    """The sentence of the warning about a target the tool could not place, or whose
    figures text recognition was unsure of (`scanned`)."""
    for warning in warnings:
        if warning.code in TARGET_CODES and warning.line in target.lines:
            return check_sentence(warning.code, w.language)
    code = WarningCode.OCR_UNSURE if scanned else WarningCode.TARGET_AMBIGUOUS
    return check_sentence(code, w.language)


def year_figure(history: History, year: int, w: Words) -> YearFigure:
    """Given a target's history and a year, return the cell: the figure, several packets'
    differing figures each with its packet, or — when no packet gives one."""
    said = history.by_year.get(year, [])
    if not said:
        return YearFigure("—", False)
    if history.corrected(year):
        texts = [
            o.text + w.paren(w._("{year} packet").format(year=short_year(o.packet, w)))
            for o in said
        ]
        return YearFigure(" / ".join(texts), True)
    return YearFigure(said[-1].text, history.check(year))


def _points(
    target: Target, history: History, w: Words
) -> tuple[Point | None, Point | None, list[Point]]:
    unit = target.unit
    plan_year, target_year = target.plan.fiscal_year, target.target.fiscal_year
    plan = None
    if plan_year and target.plan.value is not None:
        plan = Point(plan_year, target.plan.value, figure(target.plan.value, unit), w._("plan"))
    goal = None
    if target_year and target.target.value is not None:
        text = figure(target.target.value, unit)
        goal = Point(target_year, target.target.value, text, w._("target"))
    actuals = [
        Point(y, v, figure(v, unit), w._("actual {year}").format(year=w.year(y)))
        for y, v in history.values().items()
    ]
    return plan, goal, actuals


def target_view(
    activity: Activity,
    anchor: str,
    target: Target,
    history: History,
    years: list[int],
    warnings: list[ExtractionWarning],
    w: Words,
) -> TargetView:
    """Given a numeric target of the latest packet, its history and the table's years,
    return how the report shows it."""
    judgement = judge(target)
    word, reason = verdict_words(judgement, w)
    checked = [y for y in sorted(history.by_year) if history.check(y)]
    unsure = unsure_figures(activity)
    scanned = any(is_unsure(slot, unsure) for slot in (target.plan, target.target, target.actual))
    placed = not unplaced(target)
    to_check = not placed or checked or scanned
    check = _check(target, warnings, scanned and placed, w) if to_check else ""
    plan, goal, actuals = _points(target, history, w)
    chart = None
    if plan or goal or actuals:
        first = target.plan.fiscal_year or min(p.year for p in [*actuals, goal] if p)
        last = target.target.fiscal_year or max(p.year for p in [plan, *actuals] if p)
        axis = partial(axis_label, language=w.language)
        chart = line_chart(first, last, plan, goal, actuals, axis, target.label or "")
    cells = [year_figure(history, year, w) for year in years]
    told = [(year_figure(history, y, w), y) for y in sorted(history.by_year)]
    actual_part = (
        w.join(
            [
                (w._("to check: {written}").format(written=f.text) if f.check else f.text)
                + w.paren(short_year(y, w))
                for f, y in told
            ]
        )
        or "—"
    )
    plan_text = slot_text(target.plan, target.unit)[0]
    goal_text = slot_text(target.target, target.unit)[0]
    caption = w._(
        "plan {plan} ({plan_year}) → actual {actual} → target {target} ({target_year})"
    ).format(
        plan=plan_text,
        plan_year=short_year(target.plan.fiscal_year, w),
        actual=actual_part,
        target=goal_text,
        target_year=short_year(target.target.fiscal_year, w),
    )
    return TargetView(
        activity=activity,
        anchor=anchor,
        target=target,
        label=target.label or target.text or w._("target"),
        plan=plan_text,
        plan_year=short_year(target.plan.fiscal_year, w),
        target_value=goal_text,
        target_year=short_year(target.target.fiscal_year, w),
        actuals=cells,
        progress=percent(judgement.share),
        verdict=judgement.verdict,
        verdict_word=word,
        reason=reason,
        check=check,
        chart=chart,
        caption=caption,
    )
