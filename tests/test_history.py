"""The history a packet carries: one 実績 column per year in a plan's later packets, each
year's actual kept with its year; qualified figures; a plan period stated once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from extractor.models import Dataset
from extractor.pipeline import extract
from tests.packets import h24_text, with_actual_columns, write_packet

LAST_FIGURE = re.compile(r"(\d+(?:\.\d+)?\D*?)\s*$")


def earlier_figure(cell: str, line: int) -> str:
    """What the 23年度 column holds in the derived packet: h24's actual figure alone (the
    last of `1回 2回 1回`, the figure after a label), a dash as a dash."""
    found = LAST_FIGURE.search(cell.strip())
    return found.group(1) if found else cell


def packet(tmp_path: Path, name: str, **options: Any) -> Dataset:
    options.setdefault("earlier_cell", earlier_figure)
    text = with_actual_columns(h24_text(), **options)
    return extract(write_packet(tmp_path / name, text))


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return packet(tmp_path_factory.mktemp("ordinary"), "h25.txt", insert=False)


@pytest.mark.parametrize(
    ("earlier", "later_first"),
    [("23年度 実績", False), ("平成23年度実績", True), ("H23年度 実績", False)],
)
def test_a_packet_with_two_actual_columns_keeps_both_years(
    tmp_path: Path, ordinary: Dataset, earlier: str, later_first: bool
) -> None:
    both = packet(tmp_path, "h25.txt", earlier=earlier, later_first=later_first)
    assert both.packet.report_fiscal_year == ordinary.packet.report_fiscal_year == 2012
    # Every field of the ordinary packet is the same, but what the earlier column adds.
    for a, b in zip(both.activities, ordinary.activities, strict=True):
        mine = a.model_dump(exclude={"targets", "source"})
        theirs = b.model_dump(exclude={"targets", "source"})
        assert mine == theirs, a.name
        assert [t.model_dump(exclude={"actuals", "raw"}) for t in a.targets] == [
            t.model_dump(exclude={"actuals", "raw"}) for t in b.targets
        ], a.name
    codes = {w.code for w in both.warnings}
    assert codes - {w.code for w in ordinary.warnings} == set()
    assert sum(w.code == "target_slot_conflict" for w in both.warnings) == sum(
        w.code == "target_slot_conflict" for w in ordinary.warnings
    )


def test_each_years_actual_is_read_with_its_year(tmp_path: Path) -> None:
    both = packet(tmp_path, "h25.txt")
    # 地区住民座談会の開催 (line 72): 20 in 平成23年度 (h24's actual), 21 in 平成24年度.
    meeting = next(a for a in both.activities if a.name == "地区住民座談会の開催")
    (target,) = meeting.targets
    assert [(s.fiscal_year, s.value) for s in target.actuals] == [(2011, 20), (2012, 21)]
    assert (target.actual.fiscal_year, target.actual.value) == (2012, 21)
    # 交流会 開催回数/年: 1回 2回 1回 in 24年度, 1回 in 23年度.
    exchange = next(t for a in both.activities for t in a.targets if t.label == "交流会開催回数/年")
    assert [(s.fiscal_year, s.raw) for s in exchange.actuals] == [(2011, "1回"), (2012, "1回")]
    assert (exchange.plan.value, exchange.target.value) == (1, 2)


def test_an_empty_or_dash_earlier_cell(tmp_path: Path) -> None:
    def blank_or_dash(cell: str, line: int) -> str:
        return "" if line % 2 else "—"

    both = packet(tmp_path, "h25.txt", earlier_cell=blank_or_dash)
    meeting = next(a for a in both.activities if a.name == "地区住民座談会の開催")
    (target,) = meeting.targets
    # Line 72 is even: a dash, 平成23年度 has no figure; 平成24年度's 21 is the actual.
    assert [(s.fiscal_year, s.raw, s.value) for s in target.actuals] == [
        (2011, "—", None),
        (2012, "21", 21),
    ]


# --- a plan period stated once ---------------------------------------------------------------


def without_subheaders(text: str, keep: int) -> str:
    """h24 with the 21 / 25 line under 計画目標 removed from every table but `keep` of them."""
    lines = text.split("\n")
    subheaders = [i for i, line in enumerate(lines) if line.split("\t")[11:13] == ["21", "25"]]
    for index in reversed(subheaders[keep:]):
        del lines[index]
    return "\n".join(lines)


def test_a_table_without_its_plan_years_takes_the_packets(tmp_path: Path) -> None:
    lines = h24_text().split("\n")
    assert lines[81].split("\t")[11:13] == ["21", "25"]  # line 82: 活動目標2's, under line 81
    del lines[81]
    dataset = extract(write_packet(tmp_path / "h24.txt", "\n".join(lines)))
    (warning,) = [w for w in dataset.warnings if w.code == "plan_period_assumed"]
    assert (warning.line, warning.args) == (
        81,
        {"start": 2009, "end": 2013, "source": "the other tables"},
    )
    numeric = [t for a in dataset.activities for t in a.targets if t.kind == "numeric"]
    assert {(t.plan.fiscal_year, t.target.fiscal_year) for t in numeric} == {(2009, 2013)}
    # 地域住民交流事業の推進 (line 86): 補助金交付団体数 2団体 → 5団体 by 平成25年度, 2団体 in
    # 平成23年度: none of the way with half the plan period gone: behind.
    from extractor.years.progress import judge

    grants = next(t for t in numeric if t.label == "補助金交付団体数/年")
    assert (grants.plan.value, grants.target.value, grants.actual.value) == (2, 5, 2)
    assert (judge(grants).verdict, judge(grants).expected) == ("behind", 0.5)


def test_the_cover_may_state_the_plan_period(tmp_path: Path) -> None:
    text = without_subheaders(h24_text(), keep=0).replace(
        "評 価 委 員 会 資 料", "評 価 委 員 会 資 料\n\n計画期間：平成21年度～平成25年度", 1
    )
    dataset = extract(write_packet(tmp_path / "h24.txt", text))
    assumed = [w for w in dataset.warnings if w.code == "plan_period_assumed"]
    assert len(assumed) == 15 and {w.args["source"] for w in assumed} == {"the cover"}
    assert (dataset.packet.plan_fiscal_year, dataset.packet.target_fiscal_year) == (2009, 2013)


def test_a_packet_stating_no_plan_period_says_so(tmp_path: Path) -> None:
    from extractor.years.progress import judge

    dataset = extract(write_packet(tmp_path / "h24.txt", without_subheaders(h24_text(), 0)))
    assert not [w for w in dataset.warnings if w.code == "plan_period_assumed"]
    numeric = [t for a in dataset.activities for t in a.targets if t.kind == "numeric"]
    grants = next(t for t in numeric if t.label == "補助金交付団体数/年")
    assert (grants.plan.fiscal_year, grants.target.fiscal_year) == (None, None)
    assert (judge(grants).verdict, judge(grants).reason) == ("undetermined", "no_period")


# --- qualified figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "number", "unit", "qualifier"),
    [
        ("約20回", 20, "回", "約"),
        ("20回程度", 20, "回", "程度"),
        ("年2回", 2, "回", "年"),
        ("20回以上", 20, "回", "以上"),
        ("３０件以下", 30, "件", "以下"),
        ("概ね 5 地区", 5, "地区", "概ね"),
        ("20回", 20, "回", None),
    ],
)
def test_a_qualified_figure_keeps_its_number_and_its_word(
    cell: str, number: int, unit: str, qualifier: str | None
) -> None:
    from extractor.normalize.figures import read_cell
    from extractor.settings import ExtractSettings

    reading = read_cell(cell, ExtractSettings())
    assert reading.kind == "values"
    (value,) = reading.values
    assert (value.number, value.unit, value.qualifier, value.raw) == (number, unit, qualifier, cell)


def target_of(*cells: str) -> Any:
    from extractor.normalize.targets import SlotYears, TargetCell, build_targets
    from extractor.settings import ExtractSettings

    placed = [
        TargetCell(text, slot, 0, 10, column)  # type: ignore[arg-type]
        for column, (text, slot) in enumerate(
            zip(cells, ("plan", "target", "actual"), strict=False)
        )
        if text
    ]
    (target,), _warnings = build_targets(placed, SlotYears(2009, 2013, 2011), ExtractSettings())
    return target


def test_qualified_figures_are_judged_by_their_number() -> None:
    from extractor.years.progress import judge

    about = target_of("約10回", "約20回", "約15回")
    assert (about.target.value, about.target.qualifier) == (20, "約")
    assert judge(about).verdict == "on_track"  # half the way, half the period
    floor = target_of("", "20回以上", "24回")
    assert judge(floor).verdict == "achieved"  # no plan figure, and the floor reached
    ceiling = target_of("", "30件以下", "24件")
    assert (judge(ceiling).verdict, judge(ceiling).direction) == ("achieved", "down")
    above = target_of("", "30件以下", "35件")
    assert (judge(above).verdict, judge(above).reason) == ("undetermined", "no_plan")
    strict = target_of("", "20回超", "20回")
    assert judge(strict).verdict == "undetermined"  # 超: 20 is not over 20


def test_each_years_actual_is_a_row_in_the_exports(tmp_path: Path) -> None:
    import sqlite3

    from extractor.export import export

    both = packet(tmp_path, "h25.txt")
    export([both], lambda dataset: {}, "sqlite", tmp_path / "d.db")
    db = sqlite3.connect(tmp_path / "d.db")
    found = db.execute(
        "SELECT actual_fiscal_year, value FROM actuals JOIN activities USING (fiscal_year, key)"
        " WHERE name = '地区住民座談会の開催' ORDER BY ordinal"
    ).fetchall()
    assert found == [(2011, 20), (2012, 21)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
