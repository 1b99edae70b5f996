"""Number formats: each value shown as the spreadsheet shows it, read through the workbook
path (openpyxl's types included).

Expected texts were read off LibreOffice 7.4 (`soffice --convert-to csv` with "save cell
contents as shown") for a workbook of these very cells, in the en-US locale; the Japanese
tokens (era `g`/`e`, weekday `aaa`) from its ja-JP locale, as a Japanese Excel shows them,
while `mmm`/`dddd`/`AM/PM` stay English there as in Japanese Excel. Fractions are not
rendered: they show as General (listed in the README).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from extractor.settings import ExtractSettings
from extractor.sources import read_source
from extractor.sources.numfmt import MAX_FORMAT_CHARS, display

D = dt.datetime(2012, 3, 8)
T = dt.datetime(2012, 3, 8, 13, 5, 9)
CASES: list[tuple[float | str | dt.datetime, str, str]] = [
    # General, digits, separators, scaling, percent
    (1234.5, "General", "1234.5"),
    (0.1, "General", "0.1"),
    (123456789012, "General", "123456789012"),
    (12, "000", "012"),
    (12, "0000", "0012"),
    (1234.567, "#,##0.00", "1,234.57"),
    (0.1234, "0.0%", "12.3%"),
    (1234567, "#,##0", "1,234,567"),
    (123456789, "#,##0", "123,456,789"),
    (1234, "#,##0,", "1"),
    (1234567, '#,##0,,"百万"', "1百万"),
    (12.5, "0.00", "12.50"),
    (12, "00.0", "12.0"),
    (-3, "0.0", "-3.0"),
    (0, "#,###", ""),
    (0.5, "#.##", ".5"),
    (1.5, "#.#", "1.5"),
    (5, "?0", " 5"),
    (0.5, "0%", "50%"),
    (0.05, "0.0 %", "5.0 %"),
    (1234567, "000-0000", "123-4567"),
    # sections, conditions, colours
    (-1234.5, "#,##0.0;(#,##0.0)", "(1,234.5)"),
    (-1234, "#,##0;[Red]-#,##0", "-1,234"),
    (0, '#,##0;-#,##0;"ゼロ"', "ゼロ"),
    (0, "0;-0;;@", ""),
    (0, '0.00;-0.00;"－"', "－"),
    (-500, '#,##0;"▲"#,##0', "▲500"),
    (-2.5, "0.0_);[Red](0.0)", "(2.5)"),
    (1234.5, "[Red]#,##0.0", "1,234.5"),
    (-5, "[Red]-0;[Blue]0", "5"),
    (150, '[>=100]"多";"少"', "多"),
    (50, '[>=100]"多";"少"', "少"),
    (1234.5, "#,##0.00_ ;[Red]\\-#,##0.00\\ ", "1,234.50 "),
    # literals, spacing, fill, currency
    (5, '0"回"', "5回"),
    (5, '#"件"', "5件"),
    (12.5, '0.0"%"', "12.5%"),
    (2500, '#,##0"円"', "2,500円"),
    (7, "_(0_)", " 7 "),
    (7, "0* ", "7"),
    (3, "\\#0", "#3"),
    (42, "[$¥-411]#,##0", "¥42"),
    (42, '"¥"#,##0', "¥42"),
    (3.14159, 'General"m"', "3.14159m"),
    # text
    ("abc", '@"様"', "abc様"),
    ("abc", ";;;@", "abc"),
    (12, "@", "12"),
    # scientific, huge and long
    (12345.678, "0.00E+00", "1.23E+04"),
    (0.000123, "0.0E+0", "1.2E-4"),
    (-98765, "0.000E+00", "-9.877E+04"),
    (1e30, "#,##0", "1,000,000,000,000,000,000,000,000,000,000"),
    (1 / 3, "0." + "0" * 30, "0.333333333333333000000000000000"),
    # dates and times, month and day names, AM/PM, elapsed time
    (D, "yyyy/mm/dd", "2012/03/08"),
    (D, 'yyyy"年"m"月"d"日"', "2012年3月8日"),
    (D, "yyyy年m月d日", "2012年3月8日"),
    (D, "m/d", "3/8"),
    (D, "mmmm d, yyyy", "March 8, 2012"),
    (D, "mmm-yy", "Mar-12"),
    (D, "d-mmm", "8-Mar"),
    (D, "mmm d", "Mar 8"),
    (D, "mmmmm", "M"),
    (D, "dddd", "Thursday"),
    (D, "ddd", "Thu"),
    (dt.datetime(2012, 3, 8, 0, 5), "h:mm AM/PM", "12:05 AM"),
    (T, "h:mm:ss AM/PM", "1:05:09 PM"),
    (0.75, "h AM/PM", "6 PM"),
    (T, "hh:mm:ss", "13:05:09"),
    (T, "yyyy/m/d h:mm", "2012/3/8 13:05"),
    (T, "mm:ss", "05:09"),
    (dt.datetime(2012, 3, 8, 9, 30), 'hh"時"mm"分"', "09時30分"),
    (0.5, "h:mm", "12:00"),
    (1.5, "[h]:mm", "36:00"),
    (1.5, "[h]:mm:ss", "36:00:00"),
    (0.0625, "[mm]:ss", "90:00"),
    # Japanese tokens: era, era year, weekday (ja-JP)
    (D, 'ggge"年"m"月"d"日"', "平成24年3月8日"),
    (dt.datetime(2019, 5, 1), 'ggge"年"m"月"d"日"', "令和1年5月1日"),
    (D, '[$-411]ggge"年"m"月"d"日"', "平成24年3月8日"),
    (D, "ge.m.d", "H24.3.8"),
    (D, "gge", "平24"),
    (D, "ee", "24"),
    (D, "aaa", "木"),
    (D, "aaaa", "木曜日"),
    (D, 'm"月"d"日"(aaa)', "3月8日(木)"),
    # not rendered: shown as General (LibreOffice shows ' 1/2')
    (0.5, "# ?/?", "0.5"),
]


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every case written to one workbook column, read back through the workbook path."""
    path: Path = tmp_path_factory.mktemp("numfmt") / "formats.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row, (value, number_format, _) in enumerate(CASES, start=1):
        cell = sheet.cell(row=row, column=1, value=value)
        cell.number_format = number_format
    workbook.save(path)
    document = read_source(path, ExtractSettings())
    by_row = {row.sheet_row: row.cells[0] for row in document.rows}  # rows with text only
    return [by_row.get(number, "") for number in range(1, len(CASES) + 1)]


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=[c[1] for c in CASES])
def test_a_value_shows_as_the_spreadsheet_shows_it(
    shown: list[str], index: int, case: tuple[float | str | dt.datetime, str, str]
) -> None:
    assert shown[index] == case[2]


def test_at_least_forty_formats_are_checked() -> None:
    assert len({number_format for _, number_format, _ in CASES}) >= 40


def test_a_format_past_excels_limit_shows_general_at_once() -> None:
    # 30,000 '[' once took minutes; past 255 characters a format is not parsed at all.
    assert display(1234.5, "[" * 30_000) == "1234.5"
    assert display(1234.5, "0" * (MAX_FORMAT_CHARS + 1)) == "1234.5"


def test_serial_numbers_under_a_date_format_are_dates() -> None:
    # How an .xls workbook gives a date: a day count since 1899-12-30.
    assert display(40976.0, "yyyy/m/d") == "2012/3/8"
    assert display(40976.0, 'ggge"年"m"月"d"日"') == "平成24年3月8日"
