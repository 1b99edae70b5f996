"""Chart geometry for the report: every mark and label placed inside its chart, text never
under 11 px. The template draws what these return; nothing here writes markup."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from extractor.models import Number

FONT = 11.0  # px: the smallest text in the report
WIDTH, HEIGHT = 320.0, 150.0
LEFT, RIGHT, TOP, BOTTOM = 14.0, 14.0, 26.0, 26.0
BAR_WIDTH, BAR_HEIGHT = 300.0, 22.0


def text_width(text: str, size: float = FONT) -> float:
    """Given a label, return a generous estimate of its width in px (wide characters count
    one em, others 0.62 em)."""
    return sum(size if unicodedata.east_asian_width(c) in ("W", "F") else 0.62 * size for c in text)


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = ""


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    kind: str  # plan | actual | target
    title: str


@dataclass
class LineChart:
    """A target's chart: plan ○, actuals ● joined by a line, target ■, and the dashed
    straight line from plan to target (the pace that is on track)."""

    width: float = WIDTH
    height: float = HEIGHT
    axis_y: float = HEIGHT - BOTTOM
    ticks: list[Label] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    guide: tuple[float, float, float, float] | None = None
    path: list[tuple[float, float]] = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True)
class Point:
    year: int
    value: Number
    text: str  # the value as shown, with its unit
    title: str  # what a pointer shows: 実績 平成23年度 188回


def _clamp(x: float, text: str) -> float:
    half = text_width(text) / 2 + 2
    return min(max(x, half), WIDTH - half)


def line_chart(
    first_year: int,
    last_year: int,
    plan: Point | None,
    target: Point | None,
    actuals: list[Point],
    year_label: object,
    description: str,
) -> LineChart:
    """Given the plan period and a target's points, return its chart. The axis runs from
    the plan year (even without a plan figure) to the target year or the last actual."""
    points = [p for p in (plan, target, *actuals) if p is not None]
    years = [p.year for p in points]
    first = min([first_year, *years])
    last = max([last_year, *years])
    values = [float(p.value) for p in points] or [0.0]
    low, high = min(0.0, *values), max(values)
    if high == low:
        high = low + 1.0
    inner_width = WIDTH - LEFT - RIGHT
    inner_height = HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if last == first:
            return LEFT + inner_width / 2
        return LEFT + inner_width * (year - first) / (last - first)

    def y(value: Number) -> float:
        return TOP + inner_height - inner_height * (float(value) - low) / (high - low)

    chart = LineChart(description=description)
    assert callable(year_label)
    for year in range(first, last + 1):
        text = str(year_label(year))
        chart.ticks.append(Label(_clamp(x(year), text), HEIGHT - 8, text))
    if plan is not None and target is not None:
        chart.guide = (x(plan.year), y(plan.value), x(target.year), y(target.value))
    taken: list[tuple[float, float]] = []
    for point, kind in [(plan, "plan"), (target, "target"), *((a, "actual") for a in actuals)]:
        if point is None:
            continue
        px, py = x(point.year), y(point.value)
        chart.marks.append(Mark(px, py, kind, point.title))
        # Value labels sit above their mark, or below when that spot is taken or too high.
        above = py - 7
        label_y = above if above - FONT >= 2 else py + FONT + 6
        if any(abs(label_y - ty) < FONT and abs(px - tx) < 30 for tx, ty in taken):
            label_y = py + FONT + 6 if label_y < py else py - 7
        label_y = min(max(label_y, FONT + 2), HEIGHT - BOTTOM - 2)
        taken.append((px, label_y))
        chart.labels.append(Label(_clamp(px, point.text), label_y, point.text, css=kind))
    chart.path = [(x(p.year), y(p.value)) for p in actuals]
    return chart


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    verdict: str
    count: int
    label: Label | None


@dataclass
class BarChart:
    """A 基本目標's 判定 counts as one stacked bar."""

    width: float = BAR_WIDTH
    height: float = BAR_HEIGHT
    segments: list[Segment] = field(default_factory=list)
    description: str = ""


def bar_chart(counts: list[tuple[str, int]], description: str) -> BarChart:
    """Given (verdict, count) pairs in order, return the stacked bar; a count is written in
    its segment only where it fits (the counts are also written beside the chart)."""
    total = sum(count for _, count in counts) or 1
    chart = BarChart(description=description)
    x = 0.0
    for verdict, count in counts:
        if not count:
            continue
        width = BAR_WIDTH * count / total
        text = str(count)
        fits = text_width(text) + 6 <= width
        label = Label(x + width / 2, BAR_HEIGHT / 2 + FONT / 2 - 1, text) if fits else None
        chart.segments.append(Segment(x, width, verdict, count, label))
        x += width
    return chart
