"""Build packet workbooks for tests with openpyxl: sheets, merged cells, formats, hidden cells."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from extractor.sources.document import SourceRow

BASIC_GOAL = re.compile(r"^基本目標\s*\d")


@dataclass
class Merge:
    row: int
    column: int
    last_row: int
    last_column: int


@dataclass
class Sheet:
    title: str
    rows: list[list[str]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)


def sheets_from_pdf_rows(rows: list[SourceRow]) -> list[Sheet]:
    """Lay out a PDF's rows as the city's workbook would hold them: a cover sheet, then a
    sheet per 基本目標; a cell the PDF shows spanning rows or columns becomes a merged cell.

    In the PDF's rows a cell merged down repeats in the rows below (marked `spanned`), and a
    cell spanning columns has no box in the columns it covers.
    """
    sheets = [Sheet("表紙")]
    open_merges: dict[int, Merge] = {}
    for row in rows:
        if len(row.cells) == 1 and BASIC_GOAL.match(row.cells[0]):
            sheets.append(Sheet(f"基本目標{len(sheets)}"))
            open_merges = {}
        sheet = sheets[-1]
        number = len(sheet.rows) + 1
        cells = [text if index not in row.spanned else "" for index, text in enumerate(row.cells)]
        sheet.rows.append(cells)
        boxes = row.boxes or (None,) * len(cells)
        for column in range(len(cells)):
            if column in row.spanned and column in open_merges:
                open_merges[column].last_row = number
                continue
            if boxes[column] is None or column in row.spanned:
                continue
            last = column
            while last + 1 < len(cells) and boxes[last + 1] is None and last + 1 not in row.spanned:
                last += 1
            merge = Merge(number, column + 1, number, last + 1)
            sheet.merges.append(merge)
            open_merges[column] = merge
    for sheet in sheets:
        sheet.merges = [m for m in sheet.merges if (m.last_row, m.last_column) != (m.row, m.column)]
    return sheets


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    """Write sheets (text cells and merged ranges) as an .xlsx workbook."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title)
        for r, cells in enumerate(sheet.rows, start=1):
            for c, text in enumerate(cells, start=1):
                if text:
                    ws.cell(r, c, text)
        for m in sheet.merges:
            ws.merge_cells(
                f"{get_column_letter(m.column)}{m.row}:{get_column_letter(m.last_column)}{m.last_row}"
            )
    workbook.save(path)
    return path


HEADER = [
    "活動名", "実施内容", "住民、地域、関係機関の役割", "市社協の取り組み",
    "市社協の取り組み (令和元年度実施状況)", "市社協の取り組み (令和2年度実施予定)",
    "市の取り組み", "担当課", "市の取り組み (令和元年度実施状況)",
    "市の取り組み (令和2年度実施予定)", "年次計画", "計画目標", "", "元年度 実績",
]  # fmt: skip


def packet_workbook(path: Path) -> Path:
    """A 令和2年度 packet: a cover sheet, then 基本目標1 with one table of two activities.

    Row 6 holds 地区住民座談会の開催, its 活動名 merged down over rows 6–7 (two departments),
    its actual 20 merged over both rows; row 7 holds the second department and the plan and
    target figures. Row 8 holds 防犯灯設置等補助事業の推進 with number-formatted figures and a
    date cell. Column P (hidden) holds a note; columns O and P are new: 評価, 課題.
    """
    workbook = openpyxl.Workbook()
    cover = workbook.active
    assert isinstance(cover, Worksheet)
    cover.title = "表紙"
    cover["B2"] = "令和 2 年度"
    cover["B4"] = "山口市地域福祉計画・山口市地域福祉活動計画"
    cover["B5"] = "評 価 委 員 会 資 料"
    cover["B7"] = "令和 2 年 6 月 2 3 日"
    cover["B9"] = "山口市健康福祉部社会課"
    goal = workbook.create_sheet("基本目標1")
    goal["A1"] = "基本目標1 自立支援と社会参加による支え合いの仕組みづくり"
    goal["A2"] = "活動目標1 地域の生活課題の発見・把握と仕組みづくり"
    for column, text in enumerate([*HEADER, "評価", "課題"], start=1):
        if text:
            goal.cell(4, column, text)
    goal.merge_cells("L4:M4")
    goal["L5"], goal["M5"] = "30", "4"
    goal["A6"] = "地区住民座談会の開催 (継続活動)"
    goal["B6"] = "地区住民座談会の開催を年次的に推進・支援します。"
    goal["G6"] = "・地区住民座談会開催の支援(委託)"
    goal["H6"] = "社会課"
    goal["I6"] = "・座談会開催支援(委託)"
    goal["K6"] = "30~4"
    goal["L6"] = "座談会開催地区数"
    goal["N6"] = 20
    goal["O6"] = "B"
    goal["P6"] = "開催地区の拡大が課題"
    goal.merge_cells("A6:A7")
    goal.merge_cells("B6:B7")
    goal.merge_cells("N6:N7")
    goal["H7"] = "各担当課"
    goal["I7"] = "・座談会へ参加"
    goal["L7"], goal["M7"] = 15, 24
    goal["A8"] = "防犯灯設置等補助事業の推進 (継続活動)"
    goal["B8"] = "街路灯等の新設、修繕の経費の一部を補助します。"
    goal["H8"] = "生活安全課"
    goal["I8"] = dt.datetime(2019, 5, 29)
    goal["I8"].number_format = "ge.m.d"
    goal["K8"] = "R元~R4"
    goal["L8"] = "防犯灯新設設置数"
    goal["L9"], goal["M9"], goal["N9"] = 9529, 10079, 10200
    for ref in ("L9", "M9", "N9"):
        goal[ref].number_format = "#,##0"
    goal["O8"] = "A"
    goal.column_dimensions["P"].hidden = True
    workbook.save(path)
    return path


def rewrite_part(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Replace bytes in one part of a workbook archive (to write what openpyxl cannot)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
