"""The one table of eras: conversions read by hand, and a new era seen everywhere."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import eras
from tests.packets import ROOT


def test_years_of_eras_as_written_in_reference_tables() -> None:
    assert eras.to_western("平成", 24) == 2012
    assert eras.to_western("H", 1) == 1989
    assert eras.to_western("令和", 1) == 2019
    assert eras.to_western("S", 64) == 1989
    assert eras.to_western("大正", 15) == 1926


def test_bare_year_numbers_read_in_every_era_they_fit() -> None:
    # 平成 has 31 years and 昭和 64, so a bare 40 is 昭和40 (1965) or 令和40 (2058) only.
    assert sorted(year for _, year in eras.bare_readings(40)) == [1907, 1965, 2058]
    assert [e.name for e, _ in eras.bare_readings(31)] == ["明治", "昭和", "平成", "令和"]
    assert eras.bare_readings(0) == []


def test_era_of_a_fiscal_year_is_where_most_of_its_days_fall() -> None:
    # 令和 began on 1 May 2019: FY2019 is 令和元年度, FY2018 平成30年度.
    assert eras.fiscal_year_ja(2019) == "令和元年度"
    assert eras.fiscal_year_ja(2018) == "平成30年度"
    assert eras.fiscal_year_ja(1988) == "昭和63年度"
    assert eras.fiscal_year_label(2012, "ja") == "平成24年度（2012年度）"
    assert eras.fiscal_year_label(2012, "en") == "FY2012"
    assert eras.axis_label(2019, "ja") == "R1"
    assert eras.axis_label(2019, "en") == "2019"


def test_dates_take_the_era_of_their_day() -> None:
    assert eras.date_label(dt.date(2019, 4, 30), "ja") == "平成31年4月30日（2019年4月30日）"
    assert eras.date_label(dt.date(2019, 5, 1), "ja") == "令和元年5月1日（2019年5月1日）"
    assert eras.date_label(dt.date(2019, 5, 1), "en") == "2019-05-01"


# Run in a child process: the table is changed before any module derives its patterns.
FICTIONAL = """
import datetime as dt, json, sys
from pathlib import Path
from extractor import eras
eras.ERAS = eras.ERAS + (eras.Era("未来", "F", dt.date(2040, 4, 1)),)
from extractor.i18n import date_text, fiscal_year_text
from extractor.normalize.dates import find_dates, parse_year_range
from extractor.pipeline import extract
from extractor.report import render_report
from extractor.sources.numfmt import display
from extractor.years.crosswalk import build
from extractor.years.overrides import Overrides
from extractor.years.year import Year
from tests.packets import h24_text, shift_packet, write_packet

folder = Path(sys.argv[1])
packet = write_packet(folder / "f4.txt", shift_packet(h24_text(), 3, 1, era="未来"))
dataset = extract(packet)
crosswalk = build([Year(dataset, packet, "x")], Overrides(), folder)[0]
report = render_report([dataset], crosswalk, "ja")
print(json.dumps({
    "fy": [d.fiscal_year for d in find_dates("未来2年度")],
    "abbr": [str(d.date) for d in find_dates("F2.4.1")],
    "range": list(vars(parse_year_range("R20~F2", 2040, "令和")).values()),
    "reiwa_last": eras.last_number(eras.era_named("令和")),
    "numfmt": display(dt.date(2041, 5, 1), 'ggge"年"m"月"d"日"'),
    "numfmt_letter": display(dt.date(2040, 4, 1), "ge.m.d"),
    "fiscal_year": fiscal_year_text(2041, "ja"),
    "date": date_text(dt.date(2040, 4, 1), "ja"),
    "packet": [dataset.packet.fiscal_year, dataset.packet.report_fiscal_year,
               dataset.packet.plan_fiscal_year, dataset.packet.target_fiscal_year],
    "schedule": sorted({(a.schedule.start_fiscal_year, a.schedule.end_fiscal_year)
                        for a in dataset.activities if a.schedule.raw}),
    "report_years": ["未来3年度" in report, ">F1<" in report, ">F5<" in report],
}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_a_new_era_added_to_the_table_is_read_shown_and_rendered_everywhere(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FICTIONAL, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["fy"] == [2041]
    assert seen["abbr"] == ["2041-04-01"]
    assert seen["range"] == [2038, 2041, False]
    assert seen["reiwa_last"] == 22
    assert seen["numfmt"] == "未来2年5月1日"
    assert seen["numfmt_letter"] == "F1.4.1"
    assert seen["fiscal_year"] == "未来2年度（2041年度）"
    assert seen["date"] == "未来元年4月1日（2040年4月1日）"
    # The packet of 未来4年度 reports 未来3年度 on a plan 未来1–5 (2040–2044).
    assert seen["packet"] == [2043, 2042, 2040, 2044]
    assert [2040, 2044] in seen["schedule"]
    assert seen["report_years"] == [True, True, True]
