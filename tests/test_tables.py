"""Table reconstruction on h24: headers mapped from their text, records grouped, rows aligned."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.settings import ExtractSettings
from extractor.sources import read_source
from extractor.structure.headers import header_role
from extractor.structure.layout import Layout, Role
from extractor.structure.reconstruct import reconstruct
from tests.packets import H24


@pytest.fixture(scope="module")
def layout() -> Layout:
    settings = ExtractSettings()
    return reconstruct(read_source(H24, settings), settings)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("活動名", Role.NAME),
        ("実施内容", Role.DESCRIPTION),
        ("住民、地域、関係機関の役割", Role.ROLES),
        ("企業、福祉施設の役割", Role.ROLES),
        ("市社協の取り組み", Role.COUNCIL_EFFORTS),
        ("市社協の取り組み (平成23年度実施状況)", Role.COUNCIL_RESULTS),
        ("市社協の取り組み (平成24年度実施予定)", Role.COUNCIL_PLANS),
        ("市の取り組み", Role.CITY_EFFORTS),
        ("担当課", Role.DEPARTMENT),
        ("市の取り組み (令和3年度実施状況)", Role.CITY_RESULTS),
        ("市の取組（令和4年度実施予定）", Role.CITY_PLANS),
        ("年次計画", Role.SCHEDULE),
        ("計画目標", Role.PLAN),
        ("23年度 実績", Role.ACTUAL),
        ("23年度実績", Role.ACTUAL),
        ("備考", None),
    ],
)
def test_header_roles(header: str, role: Role | None) -> None:
    assert header_role(header) == role


def test_sixteen_tables_with_their_years(layout: Layout) -> None:
    assert len(layout.tables) == 16
    first = layout.tables[0]
    assert (first.line, first.subheader_line) == (19, 20)
    assert (first.basic_goal.number, first.activity_goal.number) == (1, 1)  # type: ignore[union-attr]
    assert (first.results_fiscal_year, first.plans_fiscal_year) == (2011, 2012)
    assert (first.plan_fiscal_year, first.target_fiscal_year, first.actual_fiscal_year) == (
        2009,
        2013,
        2011,
    )
    roles = [c.role for c in first.columns]
    assert roles[10:] == [Role.SCHEDULE, Role.PLAN, Role.TARGET, Role.ACTUAL]


def test_table_with_a_trailing_column(layout: Layout) -> None:
    table = next(t for t in layout.tables if t.line == 141)
    assert [c.role for c in table.columns][-2:] == [Role.ACTUAL, Role.EXTRA]


def test_three_column_table_without_activity_names(layout: Layout) -> None:
    table = next(t for t in layout.tables if t.line == 132)
    assert [c.role for c in table.columns] == [Role.DESCRIPTION, Role.CITY_RESULTS, Role.CITY_PLANS]
    assert (table.basic_goal.number, table.activity_goal.number) == (2, 7)  # type: ignore[union-attr]
    (record,) = [r for r in layout.records if r.table is table]
    assert [row.line for row in record.rows] == [133]


def test_role_headings_per_table(layout: Layout) -> None:
    headings = {t.line: t.role_heading for t in layout.tables}
    assert headings[19] == "住民、地域、関係機関の役割"
    assert headings[38] == "教育機関、地域、関係機関の役割"
    assert headings[58] == "企業、福祉施設の役割"
    assert headings[123] == "民生委員・児童委員、福祉員の役割"
    assert headings[141] == "窓口利用者の役割"
    assert headings[166] == "当事者団体の役割"


def test_records_group_continuation_and_repeated_rows(layout: Layout) -> None:
    assert len(layout.records) == 54
    lines = [[row.line for row in record.rows] for record in layout.records]
    assert [41, 42] in lines  # department 学校教育課 on a continuation row
    assert [72, 73] in lines  # plan / target under 21 / 25 on the row below
    assert [86, 87] in lines  # a row with only the three figures
    salon = next(r for r in layout.records if r.rows[0].line == 83)
    assert [[row.line for row in part] for part in salon.parts] == [[83, 84], [85]]
    disaster = next(r for r in layout.records if r.rows[0].line == 108)
    assert [[row.line for row in part] for part in disaster.parts] == [[108, 109], [110]]
    codes = [(w.code, w.line) for w in layout.warnings]
    assert ("duplicate_row_merged", 85) in codes
    assert ("duplicate_row_merged", 110) in codes


def test_shifted_row_is_realigned_by_its_schedule_cell(layout: Layout) -> None:
    record = next(r for r in layout.records if r.rows[0].line == 143)
    row = record.rows[1]
    assert row.line == 144
    assert row.first(Role.DEPARTMENT).text == "健康福祉部政策管理室、窓口担当課"  # type: ignore[union-attr]
    assert row.first(Role.SCHEDULE).text == "21~25"  # type: ignore[union-attr]
    assert [c.text for c in row.get(Role.CITY_EFFORTS)] == [
        "・利用者に対する定期的なアンケート（満足度）調査"
    ]
    assert [c.text for c in row.get(Role.PLAN)] == ["アンケート実施回数/年"]
    assert [c.text for c in row.get(Role.ACTUAL)] == ["1回"]
    # Source columns stay those of the file: the department sat in column 9 (index 8).
    assert row.first(Role.DEPARTMENT).column == 8  # type: ignore[union-attr]
    assert [w.code for w in layout.warnings if w.line == 144] == ["row_shifted"]


def test_every_cell_is_counted_and_placed(layout: Layout) -> None:
    text = H24.read_text(encoding="utf-8")
    non_empty = sum(1 for line in text.split("\n") for cell in line.split("\t") if cell.strip())
    assert layout.cell_count == non_empty == 1028
    assert layout.unmapped == []
    # Read off the packet: 7 cover lines and 2 repeated page titles; 3 基本目標 and 16 活動目標
    # headings; 15 tables with 13 header cells and 21/25 under 計画目標, one three-column
    # table; the surplus dash of the shifted row at line 144; the rest are activity cells.
    assert layout.placed == {
        "cover": 9,
        "headings": 19,
        "headers": 15 * 15 + 3,
        "realigned": 1,
        "activities": 771,
        "unmapped": 0,
    }
    assert sum(layout.placed.values()) == layout.cell_count


def test_cover(layout: Layout) -> None:
    cover = layout.cover
    assert [c.text for c in cover.title_parts] == [
        "山口市地域福祉計画・山口市地域福祉活動計画",
        "評 価 委 員 会 資 料",
    ]
    assert cover.fiscal_year is not None and cover.fiscal_year.line == 3
    assert cover.date is not None and cover.date.line == 8
    assert [c.text for c in cover.issuers] == ["山口市健康福祉部社会課", "山口市社会福祉協議会"]
    assert [c.line for c in cover.page_titles] == [64, 135]


def test_unknown_column_stays_with_its_activity(tmp_path: Path) -> None:
    rows = [line.split("\t") for line in H24.read_text(encoding="utf-8").split("\n")]
    rows[18].append("備考")  # header of the first table gains a column…
    for index in range(19, 26):
        rows[index].append("")  # …so every row of that table does
    rows[20][-1] = "メモ"  # …and its first activity a note under it
    path = tmp_path / "extra.txt"
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    settings = ExtractSettings()
    result = reconstruct(read_source(path, settings), settings)
    assert result.unmapped == []
    layout_codes = {"unknown_column", "unmapped_cell"}  # h24's own warnings left aside
    assert [(w.code, w.line) for w in result.warnings if w.code in layout_codes] == [
        ("unknown_column", 19)
    ]
    (note,) = [
        cell for row in result.records[0].rows for role, cell in row.cells if role == Role.OTHER
    ]
    assert (note.text, note.header, note.line) == ("メモ", "備考", 21)


def test_a_cell_without_any_header_lands_in_unmapped(tmp_path: Path) -> None:
    rows = [line.split("\t") for line in H24.read_text(encoding="utf-8").split("\n")]
    rows[18].insert(3, "")  # an unnamed column before the targets…
    for index in range(19, 26):
        rows[index].insert(3, "")
    rows[20][3] = "メモ"  # …with a note under it
    path = tmp_path / "gap.txt"
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    settings = ExtractSettings()
    result = reconstruct(read_source(path, settings), settings)
    assert [(c.line, c.text) for c in result.unmapped] == [(21, "メモ")]
    assert [(w.code, w.line) for w in result.warnings if w.code == "unmapped_cell"] == [
        ("unmapped_cell", 21)
    ]
    assert "unknown_column" not in {w.code for w in result.warnings}
