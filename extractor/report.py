"""A self-contained HTML report for people: every activity by goal, its status and
departments, a small chart of plan → actuals → target across the years given (on track or
behind), and what changed since the previous year. No scripts, no network: it opens
offline and prints."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from extractor.export.flat import packet_year
from extractor.models import Activity, Dataset, Number, Target
from extractor.years.diff import Diff, diff_datasets
from extractor.years.link import Overrides

STATUS = {"continuing": "継続", "new": "新規"}
LEGEND = "○ 計画（始期）、■ 目標、● 実績、破線は計画から目標への直線（順調の目安）"
CHART_WIDTH, CHART_HEIGHT = 300, 120
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 12, 12, 22

STYLE = """
:root { font-family: "IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Hiragino Sans",
  "Yu Gothic", "Meiryo", sans-serif; color: #1a1a1a; }
body { margin: 1.5rem auto; max-width: 62rem; padding: 0 1rem; line-height: 1.55; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #335; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; color: #335; }
article { border: 1px solid #ccd; border-radius: 6px; padding: .6rem .9rem; margin: .6rem 0; }
article h4 { margin: 0 0 .3rem; font-size: 1rem; }
.status { font-size: .75rem; border-radius: 3px; padding: 0 .35rem; margin-left: .4rem;
  border: 1px solid #668; color: #335; font-weight: normal; }
.meta { color: #555; font-size: .85rem; margin: 0 0 .3rem; }
.track { font-weight: bold; }
.on { color: #17663a; } .behind { color: #a34a00; } .none { color: #666; }
figure { display: inline-block; margin: .3rem 1rem .3rem 0; vertical-align: top; }
figcaption { font-size: .8rem; max-width: 300px; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border: 1px solid #ccd; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #eef; }
nav ul { columns: 2; font-size: .9rem; }
svg text { font-size: 9px; fill: #333; }
@media print {
  body { max-width: none; margin: 0; }
  article, figure, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  nav { display: none; }
}
@page { size: A4; margin: 12mm; }
"""


@dataclass
class Point:
    year: int
    value: Number


def _fmt(value: Number | None, unit: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return text + (unit or "")


def track(plan: Point | None, target: Point | None, actual: Point | None) -> bool | None:
    """Given plan, target and the latest actual, return whether the actual is on or beyond
    the straight line from the plan year's figure to the target year's (None: unknown)."""
    if plan is None or target is None or actual is None or target.year == plan.year:
        return None
    share = (actual.year - plan.year) / (target.year - plan.year)
    expected = plan.value + (target.value - plan.value) * min(max(share, 0.0), 1.0)
    if target.value >= plan.value:
        return actual.value >= expected
    return actual.value <= expected


def chart(plan: Point | None, target: Point | None, actuals: list[Point], unit: str | None) -> str:
    """Given a target's points, return an inline SVG: the plan-to-target line dashed, the
    actuals as dots joined by a line, each with its value."""
    points = [p for p in (plan, target, *actuals) if p is not None]
    years = [p.year for p in points]
    values = [float(p.value) for p in points]
    first, last = min(years), max(years)
    low, high = min(0.0, min(values)), max(values) or 1.0
    width = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(year: int) -> float:
        return MARGIN_LEFT + (
            width * (year - first) / (last - first) if last != first else width / 2
        )

    def y(value: Number) -> float:
        return MARGIN_TOP + height - height * (float(value) - low) / ((high - low) or 1.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img">',
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + height}" x2="{MARGIN_LEFT + width}" '
        f'y2="{MARGIN_TOP + height}" stroke="#999"/>',
    ]
    for year in range(first, last + 1):
        parts.append(
            f'<text x="{x(year):.1f}" y="{CHART_HEIGHT - 6}" text-anchor="middle">{year}</text>'
        )
    if plan is not None and target is not None:
        parts.append(
            f'<line x1="{x(plan.year):.1f}" y1="{y(plan.value):.1f}" x2="{x(target.year):.1f}" '
            f'y2="{y(target.value):.1f}" stroke="#88a" stroke-dasharray="4 3"/>'
        )
    if plan is not None:
        parts.append(
            f'<circle cx="{x(plan.year):.1f}" cy="{y(plan.value):.1f}" r="4" fill="white" '
            f'stroke="#335"><title>計画 {escape(_fmt(plan.value, unit))}</title></circle>'
        )
    if target is not None:
        parts.append(
            f'<rect x="{x(target.year) - 4:.1f}" y="{y(target.value) - 4:.1f}" width="8" '
            f'height="8" fill="#335"><title>目標 {escape(_fmt(target.value, unit))}</title></rect>'
            f'<text x="{x(target.year) - 6:.1f}" y="{y(target.value) - 6:.1f}" text-anchor="end">'
            f"{escape(_fmt(target.value, unit))}</text>"
        )
    if len(actuals) > 1:
        path = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in actuals)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#c0392b"/>')
    for p in actuals:
        parts.append(
            f'<circle cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="#c0392b">'
            f"<title>実績 {p.year} {escape(_fmt(p.value, unit))}</title></circle>"
            f'<text x="{x(p.year) + 5:.1f}" y="{y(p.value) + 12:.1f}">'
            f"{escape(_fmt(p.value, unit))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _target_key(target: Target) -> str:
    return (target.label or target.text or "").replace(" ", "")


def _history(key: str | None, label: str, datasets: list[Dataset]) -> list[Point]:
    points: dict[int, Number] = {}
    for dataset in datasets:
        for activity in dataset.activities:
            if activity.key != key:
                continue
            for target in activity.targets:
                actual = target.actual
                if _target_key(target) == label and actual.value is not None and actual.fiscal_year:
                    points[actual.fiscal_year] = actual.value
    return [Point(year, value) for year, value in sorted(points.items())]


def _target_html(activity: Activity, target: Target, datasets: list[Dataset]) -> str:
    label = escape(target.label or target.text or "目標")
    if target.kind != "numeric" or (target.plan.value is None and target.target.value is None):
        if target.kind == "none":
            return ""
        text = escape(target.text or target.label or "")
        actual = ""
        if target.actual.value is not None:
            measured = f"{escape(target.label)} " if target.text and target.label else ""
            actual = f"（実績 {measured}{escape(_fmt(target.actual.value, target.unit))}）"
        return f'<p class="meta">目標: {text}{actual}</p>'
    plan = (
        Point(target.plan.fiscal_year, target.plan.value)
        if target.plan.fiscal_year and target.plan.value is not None
        else None
    )
    goal = (
        Point(target.target.fiscal_year, target.target.value)
        if target.target.fiscal_year and target.target.value is not None
        else None
    )
    actuals = _history(activity.key, _target_key(target), datasets)
    verdict = track(plan, goal, actuals[-1] if actuals else None)
    css, words = {True: ("on", "順調"), False: ("behind", "遅れ"), None: ("none", "判定なし")}[
        verdict
    ]
    caption = (
        f"{label}: 計画 {escape(_fmt(target.plan.value, target.unit))} "
        f"({target.plan.fiscal_year}) → "
        + "、".join(f"実績 {escape(_fmt(p.value, target.unit))} ({p.year})" for p in actuals)
        + f" → 目標 {escape(_fmt(target.target.value, target.unit))} ({target.target.fiscal_year}) "
        f'<span class="track {css}">{words}</span>'
    )
    if not (plan or goal or actuals):
        return f'<p class="meta">{caption}</p>'
    figure = chart(plan, goal, actuals, target.unit)
    return f"<figure>{figure}<figcaption>{caption}</figcaption></figure>"


def _activity_html(activity: Activity, datasets: list[Dataset]) -> str:
    name = escape(activity.name or "（活動名なし）")
    status = f'<span class="status">{STATUS[activity.status]}</span>' if activity.status else ""
    departments = "、".join(escape(d) for d in activity.departments) or "—"
    schedule = escape(activity.schedule.raw or "—")
    targets = "".join(_target_html(activity, t, datasets) for t in activity.targets)
    description = (
        f'<p class="meta">{escape(activity.description)}</p>' if activity.description else ""
    )
    return (
        f'<article id="{escape(activity.key or activity.id)}"><h4>{name}{status}</h4>{description}'
        f'<p class="meta">担当課: {departments}　年次計画: {schedule}</p>{targets}</article>'
    )


def _changes_html(result: Diff) -> str:
    rows: list[tuple[str, str, str]] = []
    for match in result.matched:
        for change in match.changes:
            name = escape(match.new.name or "（活動名なし）")
            if change.field == "name":
                rows.append(
                    ("名称変更", name, f"{escape(str(change.old))} → {escape(str(change.new))}")
                )
            elif change.field == "status":
                rows.append(
                    (
                        "区分変更",
                        name,
                        f"{STATUS.get(change.old, '—')} → {STATUS.get(change.new, '—')}",
                    )
                )
            elif change.field == "goal":
                rows.append(("移動", name, f"{change.old['title']} → {change.new['title']}"))
            elif change.field == "actual":
                unit = (change.new or {}).get("unit")
                rows.append(
                    (
                        "実績",
                        name,
                        f"{escape(change.label or '')}: "
                        f"{escape(_fmt((change.old or {}).get('value'), unit))} → "
                        f"{escape(_fmt((change.new or {}).get('value'), unit))}",
                    )
                )
            elif change.field == "target":
                rows.append(("目標変更", name, escape(change.label or "")))
    rows += [
        (
            "追加",
            escape(r.name or "（活動名なし）"),
            f"{r.basic_goal}.{r.activity_goal} {escape(r.goal_title)}",
        )
        for r in result.added
    ]
    rows += [
        (
            "廃止",
            escape(r.name or "（活動名なし）"),
            f"{r.basic_goal}.{r.activity_goal} {escape(r.goal_title)}",
        )
        for r in result.removed
    ]
    body = "".join(
        f"<tr><td>{kind}</td><td>{name}</td><td>{detail}</td></tr>" for kind, name, detail in rows
    )
    return (
        f'<section id="changes"><h2>前年度からの変更（{result.old.fiscal_year}年度 → '
        f"{result.new.fiscal_year}年度資料）</h2>"
        f"<table><thead><tr><th>種別</th><th>活動</th><th>内容</th></tr></thead><tbody>{body}</tbody></table></section>"
    )


def render_report(datasets: list[Dataset], overrides: Overrides | None = None) -> str:
    """Given one or more years' datasets, return the HTML report for the latest year, with
    each target's history across all of them and the changes since the year before."""
    ordered = sorted(datasets, key=packet_year)
    latest = ordered[-1]
    title = escape(latest.packet.title or "評価委員会資料")
    years = "、".join(f"{packet_year(d)}年度" for d in ordered)
    goals: dict[tuple[int, str], dict[tuple[int, str], list[Activity]]] = {}
    for activity in latest.activities:
        basic = (activity.basic_goal.number, activity.basic_goal.title)
        sub = (activity.activity_goal.number, activity.activity_goal.title)
        goals.setdefault(basic, {}).setdefault(sub, []).append(activity)
    nav = "".join(f'<li><a href="#goal-{n}">基本目標{n} {escape(t)}</a></li>' for n, t in goals)
    sections = []
    for (number, basic_title), subgoals in goals.items():
        body = "".join(
            f"<h3>活動目標{sub} {escape(sub_title)}</h3>"
            + "".join(_activity_html(a, ordered) for a in activities)
            for (sub, sub_title), activities in subgoals.items()
        )
        sections.append(
            f'<section id="goal-{number}"><h2>基本目標{number} {escape(basic_title)}</h2>'
            f"{body}</section>"
        )
    changes = (
        _changes_html(diff_datasets(ordered[-2], latest, overrides)) if len(ordered) > 1 else ""
    )
    changes_link = '<li><a href="#changes">前年度からの変更</a></li>' if changes else ""
    return (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{title}</h1><p class="meta">資料: {years}　活動 {len(latest.activities)} 件'
        f"　グラフ: {LEGEND}</p></header>"
        f"<nav><ul>{nav}{changes_link}</ul></nav>"
        f"{changes}{''.join(sections)}</body></html>\n"
    )
