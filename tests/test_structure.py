"""The steps of the table stage, each on its own: cover lines, headings, a header and its
years, the 計画目標 sub-header, a data row's cells and the record a row belongs to."""

from __future__ import annotations

import pytest

from extractor.errors import MalformedPacketError
from extractor.models import Dataset
from extractor.pipeline import extract_document
from extractor.settings import ExtractSettings
from extractor.sources import SourceDocument, SourceRow
from extractor.structure.cover import document_era, read_cover, read_heading
from extractor.structure.layout import ActivityRecord, Cell, MappedRow, Role
from extractor.structure.records import group_row, map_row
from extractor.structure.tables import Context, read_header, read_subheader

H24_HEADER = [
    "活動名",
    "実施内容",
    "住民、地域、関係機関の役割",
    "市社協の取り組み",
    "市社協の取り組み (平成23年度実施状況)",
    "市社協の取り組み (平成24年度実施予定)",
    "市の取り組み",
    "担当課",
    "市の取り組み (平成23年度実施状況)",
    "市の取り組み (平成24年度実施予定)",
    "年次計画",
    "計画目標",
    "",
    "23年度 実績",
]
CONTEXT = Context(path="p.txt", era="平成", reference_year=2012)


def cell(text: str, line: int = 1, column: int = 0) -> Cell:
    return Cell(text, line, column)


def test_the_cover_files_each_line_by_what_it_says() -> None:
    lines = [
        cell("平成 2 4 年度", 3),
        cell("山口市地域福祉計画・山口市地域福祉活動計画", 5),
        cell("評 価 委 員 会 資 料", 6),
        cell("平成 2 4 年 6 月 2 6 日", 8),
        cell("山口市健康福祉部社会課", 10),
        cell("山口市社会福祉協議会", 11),
    ]
    cover = read_cover(lines)
    assert cover.fiscal_year is not None and cover.fiscal_year.line == 3
    assert cover.date is not None and cover.date.line == 8
    assert [c.line for c in cover.title_parts] == [5, 6]
    assert [c.line for c in cover.issuers] == [10, 11]
    assert cover.report_title is None


def test_headings_keep_their_title_as_written() -> None:
    basic = read_heading(cell("基本目標１　地域でふれあい、支え合う仕組みづくり"))
    assert basic is not None and basic.level == "basic"
    assert (basic.goal.number, basic.goal.title) == (1, "地域でふれあい、支え合う仕組みづくり")
    activity = read_heading(cell("活動目標 12：情報提供の充実"))
    assert activity is not None and activity.level == "activity"
    assert (activity.goal.number, activity.goal.title) == (12, "情報提供の充実")
    assert read_heading(cell("目標を達成する")) is None


def test_the_document_era_is_the_first_one_written() -> None:
    assert document_era([SourceRow(1, ("R2.4.1 開催",)), SourceRow(2, ("平成30年",))]) == "令和"
    assert document_era([SourceRow(1, ("第3回",))]) is None


def test_a_header_gives_roles_and_years() -> None:
    header = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT)
    table = header.table
    assert [c.role for c in table.columns][10:] == [
        Role.SCHEDULE,
        Role.PLAN,
        Role.TARGET,
        Role.ACTUAL,
    ]
    assert (table.results_fiscal_year, table.plans_fiscal_year) == (2011, 2012)
    assert table.actual_fiscal_year == 2011
    assert header.warnings == []


def test_an_unknown_header_is_kept_or_refused_when_strict() -> None:
    texts = [*H24_HEADER, "備考"]
    header = read_header(SourceRow(19, tuple(texts)), texts, (None, None), CONTEXT)
    assert header.table.columns[-1].role == Role.OTHER
    assert [(u.header, u.column, u.line) for u in header.unknown] == [("備考", 14, 19)]
    assert header.warnings == []
    strict = Context(path="p.txt", era="平成", reference_year=2012, strict=True)
    with pytest.raises(MalformedPacketError, match="column 15 header '備考'"):
        read_header(SourceRow(19, tuple(texts)), texts, (None, None), strict)


def test_headers_that_name_different_years_are_warned_about() -> None:
    texts = list(H24_HEADER)
    texts[8] = "市の取り組み (平成22年度実施状況)"
    header = read_header(SourceRow(19, tuple(texts)), texts, (None, None), CONTEXT)
    assert [(w.code, w.args["years"]) for w in header.warnings] == [
        ("header_year_mismatch", "2011, 2010")
    ]


def test_the_subheader_gives_the_plan_period_read_forward_across_eras() -> None:
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    read = read_subheader(table, [cell("30", 20, 11), cell("4", 20, 12)], CONTEXT)
    assert read is not None
    assert (read.table.plan_fiscal_year, read.table.target_fiscal_year) == (2018, 2022)
    assert read.table.subheader_line == 20 and read.placed == 2
    assert table.plan_fiscal_year is None  # the table given is left as it was
    assert read_subheader(table, [cell("ボランティア", 20, 0)], CONTEXT) is None


def test_a_third_year_under_the_plan_goes_to_unmapped() -> None:
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    cells = [cell("21", 20, 11), cell("25", 20, 12), cell("23", 20, 13)]
    read = read_subheader(table, cells, CONTEXT)
    assert read is not None
    assert [c.text for c in read.unmapped] == ["23"]
    assert [w.code for w in read.warnings] == ["unexpected_subheader"]


def test_a_dash_alone_beside_the_plan_years_goes_to_unmapped_and_a_dash_row_is_no_subheader() -> (
    None
):
    """A bad scan read an empty shaded cell of the sub-header row as '—'; the row, taken
    for data, became a nameless activity and every activity after it was numbered on."""
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    cells = [cell("—", 20, 8), cell("21", 20, 11), cell("25", 20, 12)]
    read = read_subheader(table, cells, CONTEXT)
    assert read is not None
    assert (read.table.plan_fiscal_year, read.table.target_fiscal_year) == (2009, 2013)
    assert [(c.text, c.column) for c in read.unmapped] == [("—", 8)]
    assert [w.code for w in read.warnings] == ["subheader_dash"]
    assert read_subheader(table, [cell("—", 20, 11), cell("—", 20, 12)], CONTEXT) is None
    assert read_subheader(table, [cell("活動", 20, 0), cell("21", 20, 11)], CONTEXT) is None


def test_a_data_row_maps_its_cells_to_their_columns() -> None:
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    values = [
        "座談会の開催(継続活動)",
        "",
        "",
        "",
        "",
        "",
        "",
        "社会課",
        "",
        "",
        "21~25",
        "",
        "",
        "1回",
    ]
    read = map_row(table, SourceRow(21, tuple(values)))
    assert read.row is not None
    assert [(role, c.text) for role, c in read.row.cells] == [
        (Role.NAME, "座談会の開催(継続活動)"),
        (Role.DEPARTMENT, "社会課"),
        (Role.SCHEDULE, "21~25"),
        (Role.ACTUAL, "1回"),
    ]
    assert (read.placed, read.unmapped, read.warnings) == (4, [], [])


def test_a_row_a_cell_short_gets_an_empty_cell_back_with_a_warning() -> None:
    """A row whose yearly schedule sits one column left of its header (a cell lost before
    it) gets an empty cell inserted, and says so; the schedule lands under 年次計画."""
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    values = [
        "座談会の開催(継続活動)",
        "",
        "",
        "",
        "",
        "",
        "社会課",
        "",
        "",
        "21~25",
        "",
        "",
        "1回",
    ]
    read = map_row(table, SourceRow(21, tuple(values)))
    assert read.row is not None
    assert (Role.SCHEDULE, "21~25") in [(role, c.text) for role, c in read.row.cells]
    (warning,) = read.warnings
    assert warning.code == "row_shifted"
    assert warning.message.startswith(
        "cells shifted left: the yearly schedule was in column 10, expected 11; inserted an "
        "empty cell at column "
    )


def named(line: int, name: str | None) -> MappedRow:
    cells = [(Role.NAME, cell(name, line))] if name else []
    return MappedRow(line, None, [*cells, (Role.DESCRIPTION, cell("内容", line, 1))])


def test_rows_group_into_records_by_name() -> None:
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    first = group_row(None, table, named(21, "サロンの開催"))
    assert first.new and first.warning is None
    continued = group_row(first.record, table, named(22, None))
    assert not continued.new and continued.record is first.record
    repeated = group_row(first.record, table, named(23, "サロンの 開催"))
    assert not repeated.new and repeated.warning is not None
    assert repeated.warning.code == "duplicate_row_merged"
    assert [[r.line for r in part] for part in first.record.parts] == [[21, 22], [23]]
    other = group_row(first.record, table, named(24, "防災訓練"))
    assert other.new and other.record is not first.record


def test_a_row_printed_twice_and_scanned_is_one_activity_though_its_name_read_otherwise() -> None:
    from extractor.sources.document import Read

    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table

    def scanned(line: int, name: str) -> MappedRow:
        read = Cell(name, line, 0, read=Read(name, 0.6))
        return MappedRow(line, None, [(Role.NAME, read), (Role.DESCRIPTION, cell("内容", line, 1))])

    name = "災害ボランティアセンター設置・運営マニュアルの作成とシミュレーションの実施"
    first = group_row(None, table, scanned(92, name))
    again = group_row(first.record, table, scanned(94, name.replace("設置", "殺置")))
    assert not again.new and again.warning is not None
    assert again.warning.code == "duplicate_row_merged"
    # Read from a text export the two names are two activities; scanned, a name two
    # characters in fourteen off is another activity too.
    typed = group_row(None, table, named(92, name))
    assert group_row(typed.record, table, named(94, name.replace("設置", "殺置"))).new
    plan = group_row(None, table, scanned(30, "小地域福祉活動計画策定の支援"))
    assert group_row(plan.record, table, scanned(31, "小地域福祉活動計画実施の支援")).new


def test_a_continuation_row_at_a_tables_start_is_kept_and_warned_about() -> None:
    table = read_header(SourceRow(19, tuple(H24_HEADER)), H24_HEADER, (None, None), CONTEXT).table
    grouped = group_row(None, table, named(21, None))
    assert grouped.new and isinstance(grouped.record, ActivityRecord)
    assert grouped.warning is not None
    assert grouped.warning.code == "continuation_without_activity"


def test_a_row_printed_twice_and_scanned_gives_each_item_once() -> None:
    from extractor.activities.work import extend
    from extractor.normalize.matching import read_again

    # h24's 2.4.2 is printed twice; a bad scan read each copy with its own misreadings.
    first = [
        "災害ボランティアセンター設置・運営マニュアルの作成、とシミュレーションの実施",
        "災害ボランティアの啓発",
    ]
    again = [
        "災害ボランティアセンター殺置・運営マニュアルの作成、とシミュレーションの実施",
        "災害ボランティアの啓発",
    ]
    items: list[str] = []
    extend(items, first, scanned=True)
    extend(items, again, scanned=True)
    assert items == first
    # From a text export or a printed PDF both readings are what the packet says.
    items = []
    extend(items, first)
    extend(items, again)
    assert items == [*first, again[0]]
    # Two items of one activity are told apart by two characters in fourteen, or a figure.
    assert not read_again("小地域福祉活動計画実施の支援", "小地域福祉活動計画策定の支援")
    assert not read_again("研修会の開催支援(8地区)を行った。", "研修会の開催支援(9地区)を行った。")
    assert read_again(
        "策定委員として参画し内容を協議(防災危機機管理課、社会課)",
        "策定委員として参画し内容を協議(防災危機管理課、社会課)",
    )


def _under_headers(headers: list[SourceRow]) -> Dataset:
    """The dataset of one goal's table: the given header rows (lines 3 on), then one
    activity's row."""
    values = ["座談会の開催(継続活動)", "地区ごとに座談会を開く。"] + [""] * 5
    values += ["社会課", "", "", "21~25", "1回", "2回", "1回"]
    rows = [
        SourceRow(1, ("基本目標2 安全安心して生活できる地域づくり",), page=1),
        SourceRow(2, ("活動目標1 地域の生活課題の発見・把握と仕組みづくり",), page=1),
        *headers,
        SourceRow(3 + len(headers), tuple(values), page=1),
    ]
    document = SourceDocument("headers.pdf", "pdf", "0" * 64, 0, rows, pages=1)
    return extract_document(document, ExtractSettings())


def test_a_header_cell_split_over_two_rows_continues_the_header() -> None:
    """A scan's grid can split one header cell of a two-row header in two (its text sits on
    the line where the other columns' second row starts): 実施内容 then stands alone in
    the second row, the other columns' headers merged down into it. That row is the
    header's, not an activity made of header texts."""
    first = [text if index != 1 else "" for index, text in enumerate(H24_HEADER)]
    merged_down = frozenset(i for i, text in enumerate(H24_HEADER) if text and i != 1)
    subheader = [""] * 11 + ["21", "25", ""]
    dataset = _under_headers(
        [
            SourceRow(3, tuple(first), page=1),
            SourceRow(4, tuple(H24_HEADER), page=1, spanned=merged_down),
            SourceRow(5, tuple(subheader), page=1),
        ]
    )
    (activity,) = dataset.activities
    assert (activity.name, activity.description) == ("座談会の開催", "地区ごとに座談会を開く。")
    assert activity.departments == ["社会課"]
    (target,) = activity.targets
    assert (target.plan.value, target.target.value, target.actual.value) == (1, 2, 1)
    assert not dataset.unmapped
    assert not [w for w in dataset.warnings if w.code == "unknown_column"]


def test_the_headers_under_a_group_of_columns_go_on_the_header() -> None:
    """A header that names a group of columns (数値目標) over a second row of each one's
    header: that row is the header's (not an activity named 計画目標), and the year's
    figure goes to its actual."""
    first = [*H24_HEADER[:11], "数値目標", "", ""]
    second = [""] * 11 + ["計画目標", "目標", "23年度 実績"]
    dataset = _under_headers(
        [
            SourceRow(3, tuple(first), page=1),
            SourceRow(4, tuple(second), page=1, spanned=frozenset(range(11))),
        ]
    )
    (activity,) = dataset.activities
    assert activity.name == "座談会の開催"
    (target,) = activity.targets
    assert target.actual.value == 1 and target.actual.fiscal_year == 2011
    assert not dataset.unmapped
