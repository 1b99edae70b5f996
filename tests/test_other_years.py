"""Packets derived for other years, eras, encodings and line endings: nothing is fixed to h24."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractor.models import Activity, Dataset
from extractor.pipeline import extract
from tests.conftest import by_name
from tests.packets import (
    H23,
    era_crossing_packet,
    h24_rows,
    h24_text,
    join_rows,
    shift_packet,
    write_packet,
)
from tests.test_pdf import differences


@pytest.fixture(scope="module")
def h27(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """平成27年度 packet reporting 平成26年度, plan 26~30, saved as CP932 with CRLF."""
    text = shift_packet(h24_text(), report_year=26, plan_start=26)
    path = write_packet(tmp_path_factory.mktemp("h27") / "h27.txt", text, "cp932", "\r\n")
    return extract(path)


def test_years_come_from_the_headers(h27: Dataset) -> None:
    p = h27.packet
    assert (p.fiscal_year, p.date) == (2015, dt.date(2015, 6, 23))
    assert (p.report_fiscal_year, p.next_fiscal_year) == (2014, 2015)
    assert (p.plan_fiscal_year, p.target_fiscal_year) == (2014, 2018)
    assert h27.source.encoding == "cp932"


def test_slots_and_schedules_follow_the_new_years(h27: Dataset) -> None:
    a = by_name(h27, "ボランティア活動団体の交流促進や効果的な情報発信")
    (target,) = a.targets
    assert (target.plan.fiscal_year, target.target.fiscal_year, target.actual.fiscal_year) == (
        2014,
        2018,
        2014,
    )
    assert (target.plan.value, target.target.value, target.actual.value) == (1, 2, 1)
    assert (a.schedule.raw, a.schedule.start_fiscal_year, a.schedule.end_fiscal_year) == (
        "26~30",
        2014,
        2018,
    )
    later = by_name(h27, "福祉教育推進指定校の設置")
    assert (later.schedule.start_fiscal_year, later.schedule.end_fiscal_year) == (2015, 2018)


def test_cp932_dash_means_none(h27: Dataset) -> None:
    a = by_name(h27, "地域福祉活動の啓発推進による財源の確保")
    assert a.city == []
    b = by_name(h27, "福祉教育推進指定校の設置")
    assert b.targets[0].plan.raw == "―"


def test_month_day_dates_move_with_the_fiscal_year(h27: Dataset) -> None:
    # 7月8日(金) sits in the results column, now 平成26年度: 2014-07-08 was a Tuesday.
    a = by_name(h27, "その他ボランティア活動や市民活動、NPO活動の推進")
    july = next(d for d in a.dates if d.raw == "7月8日(金)")
    assert (july.date, july.weekday_matches, july.year_inferred) == (
        dt.date(2014, 7, 8),
        False,
        True,
    )
    # Fully written dates do not move.
    b = by_name(h27, "ボランティア活動団体の交流促進や効果的な情報発信")
    assert b.dates[0].date == dt.date(2011, 9, 12)


def test_same_structure_as_h24(h27: Dataset, h24: Dataset) -> None:
    assert [a.name for a in h27.activities] == [a.name for a in h24.activities]
    assert [len(a.targets) for a in h27.activities] == [len(a.targets) for a in h24.activities]


def test_columns_in_another_order(tmp_path: Path, h24: Dataset) -> None:
    """h24 with 実施内容 and the roles swapped, and the city's four columns before the
    council's three, in every table: the same activities, field for field (dates listed in
    the new column order). Line 144's surplus — (before 市の取り組み, column 7) moves with
    市の取り組み to column 4."""
    order = [0, 2, 1, 6, 7, 8, 9, 3, 4, 5, 10, 11, 12, 13]
    rows = h24_rows()
    assert rows[143][6] == "—" and rows[143][-1]  # the shifted row, one cell too many
    surplus = rows[143].pop(6)
    rows = [[row[i] for i in order] + row[14:] if len(row) >= 14 else row for row in rows]
    rows[143].insert(3, surplus)
    moved = extract(write_packet(tmp_path / "moved.txt", join_rows(rows)))

    def fields(activity: Activity) -> dict[str, object]:
        dumped = activity.model_dump(mode="json", exclude={"dates"})
        dumped["dates"] = sorted(activity.model_dump(mode="json")["dates"], key=str)
        return dumped

    assert [
        differences(fields(a), fields(b))
        for a, b in zip(moved.activities, h24.activities, strict=True)
    ] == [[]] * 54
    assert [(w.code, w.activity) for w in moved.warnings] == [
        (w.code, w.activity) for w in h24.warnings
    ]


def test_reiwa_packet(tmp_path: Path) -> None:
    """令和4年度 packet reporting 令和3年度 (2021), plan 令和3~7 (2021–2025), UTF-8 with BOM."""
    text = shift_packet(h24_text(), report_year=3, plan_start=3, era="令和")
    path = write_packet(tmp_path / "r4.txt", "\ufeff" + text)
    dataset = extract(path)
    p = dataset.packet
    assert (p.fiscal_year, p.report_fiscal_year, p.next_fiscal_year) == (2022, 2021, 2022)
    assert (p.plan_fiscal_year, p.target_fiscal_year) == (2021, 2025)
    assert dataset.source.encoding == "utf-8-sig"
    a = by_name(dataset, "地区住民座談会の開催")
    assert (a.schedule.start_fiscal_year, a.targets[0].actual.fiscal_year) == (2021, 2021)


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-16", "", "utf-16"),
        ("utf-16-le", "", "utf-16-le"),
        ("utf-16-be", "", "utf-16-be"),
        ("utf-8", "", "utf-8"),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: str, expected: str) -> None:
    path = write_packet(tmp_path / "p.txt", prefix + h24_text(), encoding, "\r\n")
    dataset = extract(path)
    assert dataset.source.encoding == expected
    assert len(dataset.activities) == 54


def test_the_synthetic_previous_year() -> None:
    dataset = extract(H23)
    p = dataset.packet
    assert (p.fiscal_year, p.report_fiscal_year, p.next_fiscal_year) == (2011, 2010, 2011)
    assert (p.date, p.plan_fiscal_year, p.target_fiscal_year) == (dt.date(2011, 6, 28), 2009, 2013)
    names = {a.name for a in dataset.activities}
    assert {
        "ボランティアセンターの機能強化",
        "福祉有償運送の推進",
        "市民活動の資金確保の支援",
    } <= names
    volunteer = next(a for a in dataset.activities if a.name == "ボランティアセンターの機能強化")
    assert [
        (t.label, t.plan.value, t.target.value, t.actual.value, t.unit) for t in volunteer.targets
    ] == [("ボランティア登録団体数", 80, 100, 87, "団体")]


@pytest.fixture(scope="module")
def r2(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """令和2年度 packet reporting 令和元年度, plan 平成30–令和4 (see era_crossing_packet)."""
    path = tmp_path_factory.mktemp("r2") / "r2.txt"
    return extract(write_packet(path, era_crossing_packet()))


def test_a_plan_period_across_the_era_change(r2: Dataset) -> None:
    p = r2.packet
    assert (p.fiscal_year, p.date) == (2020, dt.date(2020, 6, 23))
    assert (p.report_fiscal_year, p.next_fiscal_year) == (2019, 2020)
    # Sub-header 30 / 4: 平成30年度 (2018) to 令和4年度 (2022), not 令和30 (2048).
    assert (p.plan_fiscal_year, p.target_fiscal_year) == (2018, 2022)
    first = by_name(r2, "ボランティア活動団体の交流促進や効果的な情報発信")
    assert (first.schedule.raw, first.schedule.start_fiscal_year, first.schedule.end_fiscal_year) == (
        "30~4", 2018, 2022
    )  # fmt: skip
    (target,) = first.targets
    # 元年度 実績 is 令和元年度 = 2019.
    assert (target.plan.fiscal_year, target.target.fiscal_year, target.actual.fiscal_year) == (
        2018, 2022, 2019
    )  # fmt: skip
    assert [w.code for w in r2.warnings if "year" in w.code or "schedule" in w.code] == []


def test_era_marked_schedules_read_as_written(r2: Dataset) -> None:
    assert by_name(r2, "福祉教育推進指定校の設置").schedule.model_dump() == {
        "raw": "R元~R4", "start_fiscal_year": 2019, "end_fiscal_year": 2022
    }  # fmt: skip
    assert by_name(r2, "福祉教育情報交換会の開催").schedule.model_dump() == {
        "raw": "R2~R4", "start_fiscal_year": 2020, "end_fiscal_year": 2022
    }  # fmt: skip


def test_a_reversed_range_is_a_warning_not_a_value(tmp_path: Path) -> None:
    text = era_crossing_packet().replace("\t30~4\t", "\tR4~R2\t", 1)
    dataset = extract(write_packet(tmp_path / "r2.txt", text))
    first = dataset.activities[0]
    assert (first.schedule.raw, first.schedule.start_fiscal_year, first.schedule.end_fiscal_year) == (
        "R4~R2", None, None
    )  # fmt: skip
    (warning,) = [w for w in dataset.warnings if w.code == "year_range_reversed"]
    assert (warning.line, warning.activity) == (21, "1.1.1")


def test_a_plan_period_that_misses_the_report_year_is_a_warning(tmp_path: Path) -> None:
    # The plan 平成21–25 with a report year of 令和元年度: the headers contradict each other.
    text = era_crossing_packet().replace("\t30\t4\t", "\tH21\tH25\t")
    dataset = extract(write_packet(tmp_path / "r2.txt", text))
    assert (dataset.packet.plan_fiscal_year, dataset.packet.target_fiscal_year) == (2009, 2013)
    (warning,) = [w for w in dataset.warnings if w.code == "plan_period_mismatch"]
    assert warning.args == {"start": 2009, "end": 2013, "year": 2019}
