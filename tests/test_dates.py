"""Japanese date forms, each read by hand against a calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor.normalize.dates import (
    DateContext,
    FoundDate,
    YearRange,
    find_dates,
    fiscal_year_of,
    parse_year_range,
    resolve_year,
    scanned_range,
    year_token,
)

FY2011 = DateContext(fiscal_year=2011, era="平成")


def only(text: str, context: DateContext | None = None) -> FoundDate:
    found = find_dates(text, context)
    assert len(found) == 1, found
    return found[0]


def test_era_date_with_weekday_that_agrees() -> None:
    d = only("日時：平成23年9月12日（月） 会場：秋穂地域交流センター")
    assert (d.raw, d.date, d.precision, d.weekday, d.weekday_matches) == (
        "平成23年9月12日（月）",
        dt.date(2011, 9, 12),
        "day",
        "月",
        True,
    )
    assert d.year_inferred is False
    assert d.fiscal_year == 2011


def test_spaced_digits_on_the_cover() -> None:
    d = only("平成 2 4 年 6 月 2 6 日")
    assert d.date == dt.date(2012, 6, 26)
    assert d.raw == "平成 2 4 年 6 月 2 6 日"


def test_full_width_digits_keep_their_raw_text() -> None:
    d = only("期日：平成２４年１月１５日（日）")
    assert d.date == dt.date(2012, 1, 15)
    assert d.raw == "平成２４年１月１５日（日）"
    assert d.weekday_matches is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成元年4月1日", dt.date(1989, 4, 1)),
        ("昭和63年12月1日", dt.date(1988, 12, 1)),
        ("令和3年4月1日", dt.date(2021, 4, 1)),
        ("2012年4月1日", dt.date(2012, 4, 1)),
    ],
)
def test_eras(text: str, expected: dt.date) -> None:
    assert only(text).date == expected


def test_abbreviated_month_dates() -> None:
    survey, published = find_dates("H23.7 市民意識調査実施 (※H24.4 結果公表)")
    assert (survey.raw, survey.date, survey.end, survey.precision) == (
        "H23.7",
        dt.date(2011, 7, 1),
        dt.date(2011, 7, 31),
        "month",
    )
    assert (published.raw, published.date) == ("H24.4", dt.date(2012, 4, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R2.4.1", dt.date(2020, 4, 1)),
        ("S60.1.15", dt.date(1985, 1, 15)),
        ("H24.3.8", dt.date(2012, 3, 8)),
    ],
)
def test_abbreviated_day_dates(text: str, expected: dt.date) -> None:
    assert only(text).date == expected


def test_abbreviated_range() -> None:
    d = only("・H24.3.8~H24.3.30 福祉総合相談窓口利用者へのアンケート調査を実施")
    assert (d.kind, d.raw, d.date, d.end) == (
        "range",
        "H24.3.8~H24.3.30",
        dt.date(2012, 3, 8),
        dt.date(2012, 3, 30),
    )


def test_day_range_with_kara() -> None:
    d = only("啓発として1月16日から20日まで、展示を実施", FY2011)
    assert (d.kind, d.date, d.end, d.year_inferred) == (
        "range",
        dt.date(2012, 1, 16),
        dt.date(2012, 1, 20),
        True,
    )


def test_fiscal_years() -> None:
    d = only("日時：平成24年度中に開催予定")
    assert (d.precision, d.fiscal_year, d.date, d.end) == (
        "fiscal_year",
        2012,
        dt.date(2012, 4, 1),
        dt.date(2013, 3, 31),
    )
    assert only("H24年度研修会の開催").fiscal_year == 2012
    both = find_dates("平成22・23年度、2年間の指定")
    assert [d.fiscal_year for d in both] == [2010, 2011]
    bare = only("23年度実績 2件", FY2011)
    assert (bare.fiscal_year, bare.year_inferred) == (2011, True)


def test_month_day_takes_its_year_from_the_cells_fiscal_year() -> None:
    # A 平成23年度 results cell: July is 2011, February is 2012.
    july, february = find_dates("第1回 期日：7月8日(金) 第3回 期日：2月21日(火)", FY2011)
    assert (july.date, july.year_inferred, july.weekday_matches) == (
        dt.date(2011, 7, 8),
        True,
        True,
    )
    assert (february.date, february.weekday_matches) == (dt.date(2012, 2, 21), True)


def test_weekday_that_disagrees_is_reported() -> None:
    # In a 平成24年度 plans cell 3月30日 is 2013-03-30, a Saturday, not 金.
    d = only("期日:3月30日(金) 115人参加", DateContext(fiscal_year=2012, era="平成"))
    assert d.date == dt.date(2013, 3, 30)
    assert d.weekday_matches is False


def test_month_day_without_a_fiscal_year_has_no_date() -> None:
    d = only("研修会の開催(1月17日)")
    assert d.date is None
    assert (d.month, d.day, d.year_inferred) == (1, 17, True)


def test_month_only() -> None:
    d = only("・12月に仁保が開設 週3回(月・水・金) 10:00~15:00", FY2011)
    assert (d.raw, d.date, d.end, d.precision) == (
        "12月",
        dt.date(2011, 12, 1),
        dt.date(2011, 12, 31),
        "month",
    )


@pytest.mark.parametrize(
    "text",
    [
        "開設後3~5年",
        "3か月ごと",
        "年6回",
        "10:00~15:00",
        "1.0km以上",
        "参加者：102名",
        "毎月1回",
        "13月1日",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, FY2011) == []


def parse_schedule(raw: str, era: str | None) -> tuple[int | None, int | None]:
    """A 年次計画 read in the document era alone (no reference year)."""
    found = parse_year_range(raw, None, era)
    return (found.start, found.end) if found else (None, None)


def parse_year_number(text: str, era: str | None, reference: int | None = None) -> int | None:
    """A sub-header year as the table stage reads it: nearest the reference year, if any."""
    token = year_token(text)
    return resolve_year(token, reference, era) if token else None


def test_schedule_ranges() -> None:
    assert parse_schedule("21~25", "平成") == (2009, 2013)
    assert parse_schedule("２２～２５", "平成") == (2010, 2013)
    assert parse_schedule("R3~R7", None) == (2021, 2025)
    assert parse_schedule("2021~2025", None) == (2021, 2025)
    assert parse_schedule("随時", "平成") == (None, None)
    # pdfminer reads a tilde printed in a non-embedded CID font as ˜.
    assert parse_schedule("21˜25", "平成") == (2009, 2013)


def test_subheader_years() -> None:
    assert parse_year_number("21", "平成") == 2009
    assert parse_year_number("令和3", None) == 2021
    assert parse_year_number("21", None) is None


def test_fiscal_year_boundaries() -> None:
    assert fiscal_year_of(dt.date(2012, 3, 31)) == 2011
    assert fiscal_year_of(dt.date(2012, 4, 1)) == 2012


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R.1.5.29", dt.date(2019, 5, 29)),  # 令和元年5月29日, a dot after the era letter
        ("H.24.3.8", dt.date(2012, 3, 8)),
        ("R1.5.29", dt.date(2019, 5, 29)),
        ("R元.5.29", dt.date(2019, 5, 29)),
    ],
)
def test_era_letter_with_a_dot(text: str, expected: dt.date) -> None:
    d = only(f"実施日 {text} 会場", FY2011)
    assert (d.raw, d.date, d.year_inferred) == (text, expected, False)


def test_ranges_across_the_era_change() -> None:
    # 令和元年度 (2019) packet: bare 30~4 runs 平成30 (2018) to 令和4 (2022).
    assert parse_year_range("30~4", 2019, "令和") == YearRange(2018, 2022)
    assert parse_year_range("H30~R4", None, None) == YearRange(2018, 2022)
    assert parse_year_range("R元~R4", None, None) == YearRange(2019, 2022)
    assert parse_year_range("R2~R4", 2019, "令和") == YearRange(2020, 2022)
    assert parse_year_range("平成30年度～令和4年度", 2019, "令和") == YearRange(2018, 2022)
    # With no year to go by, bare years are read in the document's era: here backwards.
    assert parse_year_range("30~4", None, "平成") == YearRange(None, None, reversed=True)
    assert parse_year_range("R4~R2", 2019, "令和") == YearRange(None, None, reversed=True)
    assert parse_year_range("随時", 2019, "令和") is None


def test_bare_years_read_nearest_the_packet() -> None:
    assert parse_year_number("30", "令和", reference=2019) == 2018
    assert parse_year_number("4", "令和", reference=2019) == 2022
    assert parse_year_number("23", "平成", reference=2011) == 2011
    (found,) = find_dates("元年度 実績", DateContext(era="令和", reference_year=2019))
    assert (found.fiscal_year, found.era) == (2019, "令和")
    (text,) = find_dates("30年度から実施", DateContext(fiscal_year=2019, era="令和"))
    assert (text.fiscal_year, text.era) == (2018, "平成")


@pytest.mark.parametrize(
    ("read", "meant"),
    [("2125", "21~25"), ('21"25', "21~25"), ("21 725", "21~25"), ("22 25", "22~25")],
)
def test_a_scanned_schedule_whose_mark_was_lost(read: str, meant: str) -> None:
    assert scanned_range(read) == meant


@pytest.mark.parametrize("read", ["2521", "123", "21~25~26", "平成21"])
def test_no_scanned_schedule_where_there_are_not_two_years_forward(read: str) -> None:
    assert scanned_range(read) is None
