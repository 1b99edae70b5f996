"""Target forms: one cell, spread over cells and rows, label and figures together, units."""

from __future__ import annotations

import pytest

from extractor.models import Target
from extractor.normalize.figures import read_cell
from extractor.normalize.targets import SlotYears, TargetCell, build_targets
from extractor.settings import ExtractSettings
from extractor.vocabulary import CellSlot

SETTINGS = ExtractSettings()
YEARS = SlotYears(plan=2009, target=2013, actual=2011)


def targets(*cells: tuple[int, CellSlot, str]) -> tuple[list[Target], list[str]]:
    """Build targets from (row, slot, text) triples; return them and the warning codes."""
    built, warnings = build_targets(
        [TargetCell(text, slot, row, 100 + row, 11) for row, slot, text in cells], YEARS, SETTINGS
    )
    return built, [w.code for w in warnings]


def figures(target: Target) -> tuple[object, object, object]:
    return target.plan.value, target.target.value, target.actual.value


def test_one_cell_with_three_figures_under_the_actual_column() -> None:
    # h24 line 22: 交流会 開催回数/年 … 1回 2回 1回 = plan 1, target 2, actual 1.
    (target,), codes = targets((0, "plan", "交流会 開催回数/年"), (0, "actual", "1回 2回 1回"))
    assert target.label == "交流会開催回数/年"
    assert (target.kind, target.unit) == ("numeric", "回")
    assert figures(target) == (1, 2, 1)
    assert (target.plan.fiscal_year, target.target.fiscal_year, target.actual.fiscal_year) == (
        2009,
        2013,
        2011,
    )
    assert codes == []


def test_figures_spread_over_a_continuation_row() -> None:
    # h24 lines 72-73: actual 20 on the named row, plan 15 and target 24 on the row below.
    (target,), _ = targets(
        (0, "plan", "座談会開催地区数"), (0, "actual", "20"), (1, "plan", "15"), (1, "target", "24")
    )
    assert figures(target) == (15, 24, 20)
    assert target.label == "座談会開催地区数"
    assert target.lines == [100, 101]


def test_dash_in_the_plan_column_means_no_plan_figure() -> None:
    # h24 lines 41-42: 指定校数, then — / 8校 / 6校.
    (target,), _ = targets(
        (0, "plan", "指定校数"), (1, "plan", "—"), (1, "target", "8校"), (1, "actual", "6校")
    )
    assert figures(target) == (None, 8, 6)
    assert target.plan.raw == "—"
    assert target.unit == "校"


def test_label_and_figures_in_one_cell() -> None:
    (target,), _ = targets((0, "plan", "防犯灯新設設置数 9529 10079 152"))
    assert target.label == "防犯灯新設設置数"
    assert figures(target) == (9529, 10079, 152)


def test_a_dash_that_contradicts_a_figure_leaves_the_value_empty() -> None:
    # h24 line 118: the combined cell says 152, the 実績 column says —.
    (target,), codes = targets((0, "plan", "防犯灯新設設置数 9529 10079 152"), (0, "actual", "—"))
    assert figures(target) == (9529, 10079, None)
    assert (target.actual.raw, target.actual.readings) == (None, ["152", "—"])
    assert codes == ["target_slot_conflict"]


def test_units_thousands_and_percent() -> None:
    (target,), warnings = build_targets(
        [
            TargetCell("0.43%", "plan", 1, 107, 11),
            TargetCell("16%", "target", 1, 107, 12),
            TargetCell("10.3", "actual", 2, 108, 13),
        ],
        YEARS,
        SETTINGS,
    )
    assert [(w.code, w.line) for w in warnings] == [("target_unit_missing", 108)]
    codes = [w.code for w in warnings]
    assert figures(target) == (0.43, 16, 10.3)
    assert target.unit == "%"
    assert codes == ["target_unit_missing"]
    assert read_cell("1,630件", SETTINGS).values[0].number == 1630
    assert read_cell("2団体", SETTINGS).values[0].unit == "団体"
    assert read_cell("１２人", SETTINGS).values[0].number == 12


def test_unit_from_the_label() -> None:
    (target,), _ = targets((0, "plan", "サービス利用者数/人"), (0, "actual", "1050 1050 1421"))
    assert target.unit == "人"
    assert figures(target) == (1050, 1050, 1421)


def test_per_year_is_not_a_unit() -> None:
    (target,), _ = targets((0, "plan", "研修会 開催回数/年"), (0, "actual", "1 2 3"))
    assert target.unit is None


@pytest.mark.parametrize("text", ["随時実施", "平成23年4月から福祉員任期を3年間に統一"])
def test_qualitative_targets(text: str) -> None:
    (target,), _ = targets((0, "plan", text), (0, "actual", "—"))
    assert (target.kind, target.text, target.label) == ("qualitative", text, None)
    assert figures(target) == (None, None, None)
    assert target.actual.raw == "—"


def test_only_dashes_is_no_target() -> None:
    (target,), _ = targets((0, "plan", "—"), (0, "target", "—"), (0, "actual", "—"))
    assert target.kind == "none"


def test_two_figures_for_three_slots_are_not_guessed() -> None:
    (target,), codes = targets((0, "plan", "研修会開催回数"), (0, "actual", "1回 2回"))
    assert figures(target) == (None, None, None)
    assert "1回 2回" in target.raw
    assert codes == ["target_ambiguous"]


def test_label_without_figures_is_reported() -> None:
    (target,), codes = targets((0, "plan", "研修会開催回数/年"))
    assert target.kind == "numeric"
    assert codes == ["target_values_missing"]


def test_a_unit_without_its_figure_keeps_its_slot_and_is_reported() -> None:
    # h24 line 111 (アンケート実施回数/年, target 1回, actual 1回) as a blurred scan read it:
    # the 1 of each cell lost, 回 left standing alone.
    (target,), codes = targets(
        (0, "plan", "アンケート実施回数/年"), (0, "target", "回"), (0, "actual", "1回")
    )
    assert target.label == "アンケート実施回数/年"
    assert figures(target) == (None, None, 1)
    assert (target.target.raw, target.target.unit) == ("回", None)
    assert target.actual.raw == "1回"
    assert codes == ["target_figure_missing"]


@pytest.mark.parametrize("text", ["回", "人", "約 回", "回以上", "か所", "％", "回 回"])
def test_a_known_unit_alone_is_a_unit_without_its_figure(text: str) -> None:
    assert read_cell(text, SETTINGS).kind == "unit"


def test_three_units_without_their_figures_hold_the_three_slots() -> None:
    # h24's 3.3.3 (1回 1回 1回 in the actual column) as a blurred scan read it: 回回回.
    (target,), codes = targets((0, "plan", "研修会開催回数/年"), (0, "actual", "回回回"))
    assert (target.plan.raw, target.target.raw, target.actual.raw) == ("回", "回", "回")
    assert figures(target) == (None, None, None)
    assert codes == ["target_figure_missing"]
    assert [v.raw for v in read_cell("回 回 ％", SETTINGS).values] == ["回", "回", "％"]


@pytest.mark.parametrize("text", ["実施", "回数", "随時実施", "人材育成"])
def test_words_are_not_a_unit_alone(text: str) -> None:
    assert read_cell(text, SETTINGS).kind in ("text", "label")


@pytest.mark.parametrize(("text", "number", "unit"), [("3日間", 3, "日"), ("2日体", 2, "日")])
def test_a_known_unit_followed_by_more_of_a_unit_still_reads(
    text: str, number: int, unit: str
) -> None:
    # 2日体 is 2団体 as a bad scan read it: the figure and 日 are read (and the unit then
    # differs from the label's, which is warned), as before figures were read one way only.
    reading = read_cell(text, SETTINGS)
    assert reading.kind == "values"
    assert [(v.number, v.unit) for v in reading.values] == [(number, unit)]


def test_a_number_is_not_cut_in_two_to_make_figures() -> None:
    # 1.5 and 3,000 run together: once read as 1.53 and 000, two figures never written.
    assert read_cell("1.53,000", SETTINGS).kind == "text"


def test_a_cell_far_longer_than_figures_and_their_label_is_a_target_in_words() -> None:
    figures = "100回 " * 50  # 299 characters once stripped: past the 200 figures may have
    assert read_cell(figures.strip(), SETTINGS).kind == "text"
    assert read_cell(("1回 " * 3).strip(), SETTINGS).kind == "values"


def test_a_unit_alone_after_a_text_target_stays_with_it() -> None:
    # The label lost its / (回数年 reads as text), and each figure lost its 1: one target,
    # not a text target followed by two targets of text 回.
    built, codes = targets(
        (0, "plan", "アンケート実施回数年"), (0, "target", "回"), (0, "actual", "回")
    )
    assert len(built) == 1
    assert (built[0].text, built[0].target.raw, built[0].actual.raw) == (
        "アンケート実施回数年",
        "回",
        "回",
    )
    assert codes == ["target_figure_missing", "target_figure_missing"]


def test_cells_past_the_actual_column_are_realigned() -> None:
    # h24 line 153: label, then 1回 1回 1回 in the 25, 実績 and a trailing column.
    (target,), codes = targets(
        (0, "plan", "研修会開催回数/年"),
        (0, "target", "1回"),
        (0, "actual", "2回"),
        (0, "extra", "3回"),
    )
    assert figures(target) == (1, 2, 3)
    assert codes == ["target_cells_realigned"]


def test_a_second_label_starts_a_second_target() -> None:
    first, second = targets(
        (0, "plan", "—"),
        (0, "target", "—"),
        (0, "actual", "—"),
        (1, "plan", "アンケート実施回数/年"),
        (1, "target", "1回"),
        (1, "actual", "1回"),
    )[0]
    assert first.kind == "none"
    assert (second.label, figures(second)) == ("アンケート実施回数/年", (None, 1, 1))


def test_a_labelled_actual_next_to_a_qualitative_target() -> None:
    # h24 line 21: 随時実施 with 民間助成応募件数団体4件 as the actual; the results text writes
    # it 民間助成応募件数：団体 4件, i.e. the number of applications, counted by group.
    (target,), codes = targets((0, "plan", "随時実施"), (0, "actual", "民間助成応募件数団体4件"))
    assert (target.kind, target.text, target.label) == (
        "qualitative",
        "随時実施",
        "民間助成応募件数",
    )
    assert (target.actual.value, target.actual.unit, target.unit) == (4, "件", "団体")
    assert codes == ["target_label_in_value_cell"]
    (colon,), _ = targets((0, "actual", "民間助成応募件数：団体 4件"))
    assert (colon.label, colon.unit, colon.actual.value) == ("民間助成応募件数", "団体", 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("― 3000 1250", (None, 3000, 1250)),  # a new activity: no plan figure yet
        ("— 10 2", (None, 10, 2)),
        ("10 — 2", (10, None, 2)),
        ("1回 2回 ―", (1, 2, None)),
    ],
)
def test_a_dash_among_figures_holds_its_own_slot(
    text: str, expected: tuple[int | None, ...]
) -> None:
    (target,), codes = targets((0, "actual", text))
    assert figures(target) == expected
    dash = text.split()[expected.index(None)]
    slot = ("plan", "target", "actual")[expected.index(None)]
    assert getattr(target, slot).raw == dash
    assert codes == []


def test_a_labelled_cell_with_a_dash_slot() -> None:
    (target,), _ = targets((0, "plan", "防犯灯新設設置数 ― 10079 152"))
    assert (target.label, figures(target), target.plan.raw) == (
        "防犯灯新設設置数",
        (None, 10079, 152),
        "―",
    )


def test_two_figures_and_a_lone_dash_elsewhere_are_not_guessed() -> None:
    (target,), codes = targets((0, "actual", "3000 1250"))
    assert figures(target) == (None, None, None)
    assert codes == ["target_ambiguous"]
