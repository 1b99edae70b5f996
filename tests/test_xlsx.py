"""Excel workbooks: h24 laid out as the PDF shows it, small hand-built workbooks with merged
cells, formats, hidden cells and new columns, and workbooks that cannot be read."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from extractor.cli import main
from extractor.errors import NotAPacketError, UnreadableInputError
from extractor.models import Dataset
from extractor.pipeline import extract
from extractor.problems import WarningCode
from extractor.sources import SourceDocument
from extractor.sources.numfmt import display
from tests.conftest import by_name, extract_from_root
from tests.packets import h24_rows
from tests.test_pdf import differences
from tests.workbooks import packet_workbook, rewrite_part, sheets_from_pdf_rows, write_workbook


@pytest.fixture(scope="module")
def h24_workbook(
    tmp_path_factory: pytest.TempPathFactory, h24_pdf_document: SourceDocument
) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "h24.xlsx"
    return write_workbook(path, sheets_from_pdf_rows(h24_pdf_document.rows))


@pytest.fixture(scope="module")
def h24_xlsx(h24_workbook: Path) -> Dataset:
    return extract(h24_workbook)


def test_h24_as_the_pdf_shows_it_gives_the_pdf_dataset(h24_xlsx: Dataset, h24_pdf: Dataset) -> None:
    assert h24_xlsx.packet == h24_pdf.packet
    assert [a.id for a in h24_xlsx.activities] == [a.id for a in h24_pdf.activities]
    found = {
        a.id: d
        for a, b in zip(h24_xlsx.activities, h24_pdf.activities, strict=True)
        if (d := differences(a.model_dump(mode="json"), b.model_dump(mode="json")))
    }
    assert found == {}
    assert [(w.code, w.activity) for w in h24_xlsx.warnings] == [
        (w.code, w.activity) for w in h24_pdf.warnings
    ]
    assert (h24_xlsx.source.format, h24_xlsx.source.sheets) == ("xlsx", 4)
    assert h24_xlsx.coverage.unmapped == 0


def test_h24_workbook_provenance_names_sheet_and_cell(h24_xlsx: Dataset) -> None:
    first = h24_xlsx.activities[0]
    # 基本目標1's sheet: the heading (row 1), 活動目標1 (2), the header (3, 4), then the first
    # activity on row 5; its 担当課 cell is column H. (The page title before the heading
    # stays on the cover sheet.)
    assert first.source.cells[0] == "基本目標1!A5"
    assert "基本目標1!H5" in first.source.cells
    salon = by_name(h24_xlsx, "ふれあい・いきいきサロン支援事業の推進")
    sheet = salon.source.cells[0].split("!")[0]
    assert sheet == "基本目標2"
    warning = next(w for w in h24_xlsx.warnings if w.code == "weekday_mismatch")
    assert warning.cell is not None and warning.cell.startswith("基本目標2!")


# --- small workbooks built by hand ---------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return extract(packet_workbook(tmp_path_factory.mktemp("small") / "r2.xlsx"))


def test_cover_sheet_and_years(small: Dataset) -> None:
    p = small.packet
    assert (p.fiscal_year, p.date) == (2020, dt.date(2020, 6, 23))
    assert (p.report_fiscal_year, p.plan_fiscal_year, p.target_fiscal_year) == (2019, 2018, 2022)
    assert p.issuers == ["山口市健康福祉部社会課"]


def test_merged_name_covers_its_continuation_row(small: Dataset) -> None:
    a = by_name(small, "地区住民座談会の開催")
    assert [(c.department, c.results) for c in a.city] == [
        ("社会課", ["座談会開催支援(委託)"]),
        ("各担当課", ["座談会へ参加"]),
    ]
    # The merged actual (N6:N7) is read once, next to the figures of row 7.
    (target,) = a.targets
    assert (target.label, target.plan.value, target.target.value, target.actual.value) == (
        "座談会開催地区数", 15, 24, 20
    )  # fmt: skip
    assert (target.plan.fiscal_year, target.actual.fiscal_year) == (2018, 2019)
    assert a.description == "地区住民座談会の開催を年次的に推進・支援します。"
    assert a.source.cells[:2] == ["基本目標1!A6", "基本目標1!B6"]


def test_cells_as_displayed(small: Dataset) -> None:
    a = by_name(small, "防犯灯設置等補助事業の推進")
    (target,) = a.targets
    assert (target.plan.raw, target.target.raw, target.actual.raw) == ("9,529", "10,079", "10,200")
    assert (target.plan.value, target.target.value, target.actual.value) == (9529, 10079, 10200)
    # A date cell keeps what it shows: ge.m.d gives R1.5.29.
    (date,) = a.dates
    assert (date.raw, date.date) == ("R1.5.29", dt.date(2019, 5, 29))
    assert (a.schedule.start_fiscal_year, a.schedule.end_fiscal_year) == (2019, 2022)


def test_new_and_hidden_columns(small: Dataset) -> None:
    first = by_name(small, "地区住民座談会の開催")
    assert first.extra == {"評価": "B", "課題": "開催地区の拡大が課題"}
    assert by_name(small, "防犯灯設置等補助事業の推進").extra == {"評価": "A"}
    codes = [w.code for w in small.warnings]
    assert codes.count(WarningCode.UNKNOWN_COLUMN) == 2
    (hidden,) = [w for w in small.warnings if w.code == "hidden_cells"]
    assert hidden.args["where"] == "基本目標1!P4, 基本目標1!P6"  # its header, its note
    assert hidden.args["text"] == "課題 / 開催地区の拡大が課題"


def test_number_formats() -> None:
    assert display(0.103, "0.0%") == "10.3%"
    assert display(9529, "#,##0") == "9,529"
    assert display(3, '0"回"') == "3回"
    assert display(10.3, "General") == "10.3"
    assert display(dt.datetime(2012, 3, 8), '[$-411]ggge"年"m"月"d"日"') == "平成24年3月8日"
    assert display(dt.datetime(2012, 3, 8), 'm"月"d"日"(aaa)') == "3月8日(木)"
    assert display(-1234.5, "#,##0.00;(#,##0.00)") == "(1,234.50)"


def test_formulas_read_through_their_saved_results(tmp_path: Path) -> None:
    """The actual N9 is a formula saved with its result (10200); the actual N6 one saved
    without a result, as openpyxl and some other programs write them."""
    path = packet_workbook(tmp_path / "r2.xlsx")
    workbook = openpyxl.load_workbook(path)
    goal = workbook["基本目標1"]
    goal["N9"] = "=M9+121"
    goal["N6"] = "=SUM(N9,-10180)"
    workbook.save(path)
    sheet = "xl/worksheets/sheet2.xml"
    rewrite_part(path, sheet, b"<f>M9+121</f><v />", b"<f>M9+121</f><v>10200</v>")
    dataset = extract(path)
    (lamp,) = by_name(dataset, "防犯灯設置等補助事業の推進").targets
    assert (lamp.actual.raw, lamp.actual.value) == ("10,200", 10200)
    (meetings,) = by_name(dataset, "地区住民座談会の開催").targets
    assert (meetings.actual.raw, meetings.actual.value) == (None, None)
    (warning,) = [w for w in dataset.warnings if w.code == WarningCode.FORMULA_WITHOUT_VALUE]
    assert warning.args == {"where": "基本目標1!N6", "text": "=SUM(N9,-10180)"}
    assert warning.page == 2


# --- workbooks that cannot be read ----------------------------------------------------------


def test_bad_workbooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    packet_workbook(tmp_path / "good.xlsx")
    data = (tmp_path / "good.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "old.xls").write_bytes(ole2 + b"Workbook".ljust(64, b"\x00"))
    (tmp_path / "locked.xlsx").write_bytes(ole2 + "EncryptedPackage".encode("utf-16-le"))
    with zipfile.ZipFile(tmp_path / "notes.zip", "w") as archive:
        archive.writestr("notes.txt", "hello")
    memo = openpyxl.Workbook()
    memo_sheet = memo.active
    assert isinstance(memo_sheet, Worksheet)
    memo_sheet["A1"] = "買い物メモ"
    memo.save(tmp_path / "memo.xlsx")
    expected = {
        "cut.xlsx": "cut.xlsx: the workbook is corrupt and cannot be opened; get a fresh copy or "
        "save it again from Excel",
        "old.xls": "old.xls: the .xls workbook is corrupt and cannot be read; get a fresh copy, "
        "or open it in Excel or LibreOffice and save it again",
        "locked.xlsx": "locked.xlsx: the workbook is password-protected; save a copy without a "
        "password (or use the text export)",
        "notes.zip": "notes.zip: is a zip archive but not an Excel workbook; give the packet's "
        ".xlsx, .txt or .pdf",
        "memo.xlsx": "memo.xlsx: not a committee packet: no header row with an activity-name column in its 1 sheet; "
        "is this the right file?",
    }
    kinds = {
        "cut.xlsx": UnreadableInputError,
        "old.xls": UnreadableInputError,
        "locked.xlsx": UnreadableInputError,
        "notes.zip": NotAPacketError,
        "memo.xlsx": NotAPacketError,
    }
    for name, message in expected.items():
        with pytest.raises(kinds[name]) as caught:
            extract(Path(name))
        assert str(caught.value) == message
        result = CliRunner().invoke(main, [name, "-o", "out"])
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert not Path("out").exists()


def test_text_rows_and_workbook_rows_agree_cell_for_cell(tmp_path: Path) -> None:
    """h24's text export written one cell per cell into a single sheet reads the same."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for r, cells in enumerate(h24_rows(), start=1):
        for c, text in enumerate(cells, start=1):
            if text:
                sheet.cell(r, c, text)
    workbook.save(tmp_path / "flat.xlsx")
    flat = extract(tmp_path / "flat.xlsx")
    exported = extract_from_root("raw/h24.txt")
    assert [
        differences(a.model_dump(mode="json"), b.model_dump(mode="json"))
        for a, b in zip(flat.activities, exported.activities, strict=True)
    ] == [[]] * 54
    assert [(w.code, w.activity) for w in flat.warnings] == [
        (w.code, w.activity) for w in exported.warnings
    ]
