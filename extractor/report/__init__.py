"""The HTML report for the committee: 達成状況 first (one row per numeric target with every
year's actual known and its 判定, and per 基本目標 the count of each), then what changed
since the year before, what to check in the packets, and every activity by goal with a
chart of each target.

The page is rendered by Jinja2 with auto-escaping: every text from a packet is escaped by
construction, in one year or across years. No scripts, no network; it opens offline, fits
a laptop or tablet at 800 px (the 達成状況 table scrolls in its own box, the activity kept
in view) and prints on A4. Japanese unless asked otherwise (`--lang en`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.i18n import Language, Words
from extractor.models import Activity, Dataset, Target
from extractor.report.changes import ChangeRow, change_rows
from extractor.report.charts import BarChart, bar_chart
from extractor.report.checks import check_groups
from extractor.report.views import TargetView, short_year, target_view
from extractor.terminal import safe
from extractor.vocabulary import Status, label
from extractor.years.crosswalk import Crosswalk, pairs_between
from extractor.years.diff import diff_datasets
from extractor.years.history import History, histories
from extractor.years.order import by_year, packet_year
from extractor.years.progress import VERDICT_WORDS
from extractor.years.targets import target_key

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"
VERDICTS = ("achieved", "on_track", "behind", "undetermined")

__all__ = ["render_report"]


@dataclass
class GoalCounts:
    number: int
    title: str
    counts: list[tuple[str, str, int]]  # verdict, word, count
    chart: BarChart


Card = tuple[Activity, str, list[TargetView], list[Target]]


@dataclass
class Page:
    """What the page shows of the latest packet, goal by goal."""

    rows: list[TargetView]
    qualitative: list[tuple[Activity, str, Target]]
    cards: dict[int, dict[int, list[Card]]]
    titles: dict[int, str]
    sub_titles: dict[tuple[int, int], str]


def _page(
    latest: Dataset,
    anchors: dict[str, str],
    found: dict[tuple[str, str], History],
    years: list[int],
    w: Words,
) -> Page:
    page = Page([], [], {}, {}, {})
    for activity in latest.activities:
        anchor = anchors.get(activity.key or activity.id, activity.key or activity.id)
        views: list[TargetView] = []
        texts: list[Target] = []
        mine = [x for x in latest.warnings if x.activity == activity.id]
        for target in activity.targets:
            if target.kind == "numeric":
                history = found.get((anchor, target_key(target)), History())
                view = target_view(activity, anchor, target, history, years, mine, w)
                page.rows.append(view)
                views.append(view)
            elif target.kind == "qualitative":
                page.qualitative.append((activity, anchor, target))
                texts.append(target)
        basic, sub = activity.basic_goal, activity.activity_goal
        page.titles[basic.number] = basic.title
        page.sub_titles[(basic.number, sub.number)] = sub.title
        page.cards.setdefault(basic.number, {}).setdefault(sub.number, []).append(
            (activity, anchor, views, texts)
        )
    return page


def _goal_counts(page: Page, w: Words) -> list[GoalCounts]:
    found = []
    for number, title in page.titles.items():
        counted = Counter(v.verdict for v in page.rows if v.activity.basic_goal.number == number)
        counts = [(v, w._(VERDICT_WORDS[v]), counted.get(v, 0)) for v in VERDICTS]  # type: ignore[index]
        description = w.join([f"{word} {n}" for _v, word, n in counts])
        chart = bar_chart([(v, n) for v, _w, n in counts], description)
        found.append(GoalCounts(number, title, counts, chart))
    return found


def _visible(value: object) -> object:
    """Every value the report prints, with control characters shown escaped as on the
    terminal (markup of the report's own keeps its tags, its escapes are escaped)."""
    from markupsafe import Markup, escape

    if isinstance(value, Markup):
        return Markup(safe(str(value), quote=lambda s: str(escape(s))))
    return safe(value) if isinstance(value, str) else value


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
        finalize=_visible,
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
    latest year: each target's history across all of them, the changes since the year
    before and what to check in every packet, in Japanese unless asked otherwise."""
    w = Words(language or "ja")
    ordered = by_year(datasets)
    latest = ordered[-1]
    series = {packet_year(d): crosswalk.series(d) for d in ordered}
    found = histories(ordered, series)
    years = sorted({y for h in found.values() for y in h.by_year})
    page = _page(latest, series[packet_year(latest)], found, years, w)
    changes: list[ChangeRow] = []
    previous = ordered[-2] if len(ordered) > 1 else None
    if previous is not None:
        linkage = pairs_between(crosswalk, previous, latest)
        changes = change_rows(diff_datasets(previous, latest, linkage), w)
    packet = latest.packet
    return (
        environment(w.language)
        .get_template("report.html")
        .render(
            lang=w.language,
            words=w,
            gap="　" if w.language == "ja" else " · ",
            title=packet.title or w._("Evaluation committee packet"),
            packet_year=w.year(packet_year(latest)),
            report_year=w.year(packet.report_fiscal_year),
            plan_period=w.span(w.year(packet.plan_fiscal_year), w.year(packet.target_fiscal_year)),
            years=[w.year(packet_year(d)) for d in ordered],
            actual_years=[short_year(y, w) for y in years],
            activities=len(latest.activities),
            goal_counts=_goal_counts(page, w),
            page=page,
            changes=changes,
            previous_year=w.year(packet_year(previous)) if previous else "",
            checks=check_groups(ordered, w),
            status={s: label(s, w.language) for s in Status},
        )
    )
