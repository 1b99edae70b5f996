"""The PDF path: the same dataset as the text export, merged cells, page breaks, bad PDFs."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from extractor.cli import main
from extractor.models import Dataset
from extractor.output import to_json
from extractor.pipeline import extract
from extractor.settings import ExtractSettings
from tests.conftest import extract_from_root
from tests.packets import ROOT, h24_rows, join_rows
from tests.pdfs import CID_SAFE, FONT, WIDTHS_14, Span, Table, Text, blocks_from_rows, print_pdf

PROVENANCE = {"line", "lines", "page", "pages", "source", "boxes"}


def differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Paths where two JSON values differ, provenance (lines, pages, boxes) left out."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            d
            for key in old.keys() | new.keys()
            if key not in PROVENANCE
            for d in differences(old.get(key), new.get(key), f"{path}.{key}")
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if old == new else [path]


# Where the text export and the PDF legitimately differ, field by field: the text export
# writes a merged 市の取り組み cell on its first row only, while the PDF shows it spanning
# the rows of both departments, so it belongs to the second department's entry as well.
EXPORT_DEFECTS = {
    "1.3.2": [".city[1].efforts"],  # 福祉教育推進指定校の設置: 社会課 / 学校教育課
    "1.3.3": [".city[1].efforts"],  # 福祉教育情報交換会の開催
    "1.3.4": [".city[1].efforts"],  # 学校と地域と社協の福祉教育協働事業の推進
    "2.1.1": [".city[1].efforts"],  # 地区住民座談会の開催: 社会課 / 各担当課
    "2.1.2": [".city[1].efforts"],  # 小地域福祉活動計画の策定
}
# Warnings about the text export's own drift, which the PDF shows as merged cells instead.
EXPORT_ONLY_WARNINGS = {"duplicate_row_merged", "row_shifted", "target_cells_realigned"}


def test_pdf_and_text_export_give_the_same_dataset(h24: Dataset, h24_pdf: Dataset) -> None:
    assert h24_pdf.packet == h24.packet
    assert [a.id for a in h24_pdf.activities] == [a.id for a in h24.activities]
    found = {}
    for text, pdf in zip(h24.activities, h24_pdf.activities, strict=True):
        diff = differences(text.model_dump(mode="json"), pdf.model_dump(mode="json"))
        if diff:
            found[text.id] = sorted(diff)
    assert found == EXPORT_DEFECTS
    pdf_city = next(a for a in h24_pdf.activities if a.id == "2.1.1").city
    assert [c.efforts for c in pdf_city] == [
        ["地区住民座談会開催の支援(委託)", "地区住民座談会で出された生活課題解決への協力"]
    ] * 2


def test_pdf_warnings_are_the_text_ones_less_the_export_drift(
    h24: Dataset, h24_pdf: Dataset
) -> None:
    text = [(w.code, w.activity) for w in h24.warnings if w.code not in EXPORT_ONLY_WARNINGS]
    assert [(w.code, w.activity) for w in h24_pdf.warnings] == text


def test_pdf_source_and_provenance(h24_pdf: Dataset) -> None:
    assert (h24_pdf.source.format, h24_pdf.source.encoding, h24_pdf.source.pages) == (
        "pdf",
        None,
        6,
    )
    first = h24_pdf.activities[0]
    assert first.source.pages == [2]
    assert first.source.boxes and all(box.page == 2 for box in first.source.boxes)
    assert first.basic_goal.page == 2
    salon = next(
        a for a in h24_pdf.activities if a.name == "ふれあい・いきいきサロン支援事業の推進"
    )
    assert len(salon.targets) == 2  # both rows of the merged name, as in the text export
    assert h24_pdf.coverage.unmapped == 0


def cid_safe_rows(last_line: int) -> list[list[str]]:
    return [[cell.translate(CID_SAFE) for cell in row] for row in h24_rows()[:last_line]]


def same_as_text_export(
    tmp_path: Path, rows: list[list[str]], pdf: Path
) -> tuple[Dataset, Dataset]:
    txt = tmp_path / "same.txt"
    txt.write_text(join_rows(rows), encoding="utf-8")
    from_text, from_pdf = extract(txt), extract(pdf)
    assert [
        differences(a.model_dump(mode="json"), b.model_dump(mode="json"))
        for a, b in zip(from_text.activities, from_pdf.activities, strict=True)
    ] == [[]] * len(from_text.activities)
    assert from_pdf.packet == from_text.packet
    return from_text, from_pdf


def test_another_font_and_other_column_widths(tmp_path: Path) -> None:
    """基本目標1 printed with reportlab's CID Gothic font and its own column widths."""
    rows = cid_safe_rows(62)
    pdf = tmp_path / "printed.pdf"
    print_pdf(pdf, blocks_from_rows(rows), WIDTHS_14)
    from_text, _ = same_as_text_export(tmp_path, rows, pdf)
    assert len(from_text.activities) == 19


@pytest.mark.parametrize("repeat_header", [True, False])
def test_table_split_across_pages(tmp_path: Path, repeat_header: bool) -> None:
    """A large font pushes the first table over several pages, with or without its header."""
    rows = cid_safe_rows(27)
    pdf = tmp_path / "split.pdf"
    pages = print_pdf(pdf, blocks_from_rows(rows), WIDTHS_14, size=14, repeat_header=repeat_header)
    assert pages >= 3
    _, from_pdf = same_as_text_export(tmp_path, rows, pdf)
    assert len(from_pdf.activities) == 6
    table_pages = {page for a in from_pdf.activities for page in a.source.pages}
    assert len(table_pages) >= 2
    assert len(from_pdf.tables) == (len(table_pages) if repeat_header else 1)


def test_a_merged_cell_a_page_break_cuts_in_a_libreoffice_printing() -> None:
    """h24's 基本目標2 as a ruled workbook printed by LibreOffice
    (tests/fixtures/make_libreoffice_pdf.py): 2.2.1's 活動名 is merged down over rows a page
    break cuts. On the first page the cell has no bottom ruling, so no cell of the ruled
    grid held its name, which was lost; on the next page LibreOffice draws the cell's text
    again, clipped, above the page's top, where it was read as rows outside the table."""
    dataset = extract(ROOT / "tests" / "fixtures" / "h24-libreoffice.pdf")
    names = {a.id: a.name for a in dataset.activities}
    assert names["2.2.1"] == "ふれあい・いきいきサロン支援事業の推進"
    assert names["2.2.2"] == "地域住民交流事業の推進"
    (salons,) = [a for a in dataset.activities if a.id == "2.2.1"]
    assert salons.source.pages == [1, 2]
    # What is left to say is h24's own: a weekday, a unit, a dash beside a figure.
    assert sorted(w.code for w in dataset.warnings) == [
        "target_slot_conflict",
        "target_unit_missing",
        "weekday_mismatch",
    ]
    assert dataset.coverage.unmapped == 0


def merged_cells_packet(path: Path) -> None:
    """One activity whose 活動名 spans two rows (two departments) and whose actual value
    spans both rows, with the target label spanning the 21 and 25 columns."""
    rows = cid_safe_rows(20)
    blocks = blocks_from_rows(rows)
    table = blocks[-1]
    assert isinstance(table, Table)
    name = Span("福祉教育推進指定校の設置(新規活動)", rows=2)
    first: list[Span | None] = [
        name, Span("指定校の指定を年次的に進めます。", rows=2), Span("・学校をあげた福祉教育の実践", rows=2),
        Span("・年次的指定", rows=2), Span("・6校を指定した。", rows=2), Span("・6校を指定する。", rows=2),
        Span("・指定校の支援", rows=2), Span("社会課"), Span("・補助金を交付"), Span("・補助金を交付"),
        Span("22〜25", rows=2), Span("指定校数", cols=2), None, Span("6校", rows=2),
    ]  # fmt: skip
    second: list[Span | None] = [
        None, None, None, None, None, None, None, Span("学校教育課"), Span("・協力校への調整及び支援"),
        Span("・協力校への調整及び支援"), None, Span("―"), Span("8校"), None,
    ]  # fmt: skip
    table.grid.extend([first, second])
    print_pdf(path, blocks, WIDTHS_14)


def test_row_spanning_name_and_merged_actual(tmp_path: Path) -> None:
    pdf = tmp_path / "merged.pdf"
    merged_cells_packet(pdf)
    dataset = extract(pdf)
    (activity,) = dataset.activities
    assert (activity.name, activity.status) == ("福祉教育推進指定校の設置", "new")
    assert [c.department for c in activity.city] == ["社会課", "学校教育課"]
    assert activity.city[1].results == ["協力校への調整及び支援"]
    # 市の取り組み spans both rows: it belongs to both departments.
    assert [c.efforts for c in activity.city] == [["指定校の支援"], ["指定校の支援"]]
    (target,) = activity.targets
    assert (
        target.label,
        target.plan.raw,
        target.target.value,
        target.actual.value,
        target.unit,
    ) == ("指定校数", "―", 8, 6, "校")
    assert target.raw.count("6校") == 1  # the merged actual is read once
    assert (activity.schedule.start_fiscal_year, activity.schedule.end_fiscal_year) == (2010, 2013)
    assert [w.code for w in dataset.warnings] == []
    assert dataset.coverage.unmapped == 0


def test_pages_are_closed_as_they_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each page is closed (its objects freed) before the next one is read. Pages are read
    in a worker process, which logs to a file the test reads."""
    import pdfplumber.page

    log = tmp_path / "events.log"
    close, find_tables = pdfplumber.page.Page.close, pdfplumber.page.Page.find_tables

    def note(event: str) -> None:
        with log.open("a") as stream:
            stream.write(event + "\n")

    def logged_close(self: Any) -> None:
        note(f"close {self.page_number}")
        close(self)

    def logged_find_tables(self: Any, *args: Any, **kwargs: Any) -> Any:
        note(f"read {self.page_number}")
        return find_tables(self, *args, **kwargs)

    monkeypatch.setattr(pdfplumber.page.Page, "close", logged_close)
    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", logged_find_tables)
    pdf = tmp_path / "split.pdf"
    pages = print_pdf(pdf, blocks_from_rows(cid_safe_rows(27)), WIDTHS_14, size=14)
    assert pages >= 3
    extract(pdf, ExtractSettings(jobs=1))
    events = log.read_text().split()
    pairs = [" ".join(events[i : i + 2]) for i in range(0, len(events), 2)]
    assert pairs == [f"{event} {n}" for n in range(1, pages + 1) for event in ("read", "close")]


def test_pages_in_parallel_give_the_same_dataset(h24_pdf: Dataset) -> None:
    parallel = extract_from_root("raw/h24.pdf", ExtractSettings(jobs=3))
    assert to_json(parallel) == to_json(h24_pdf)


def test_pages_shown_sideways_or_upside_down_are_read_turned(
    tmp_path: Path, h24_pdf: Dataset
) -> None:
    """h24.pdf with its pages turned in a viewer and saved (/Rotate 90, 180, 270): the text
    of each runs down, up or right to left as shown, and it once read as no packet at all.
    Each is read turned back, into the dataset of the upright printing."""
    import pypdfium2

    document = pypdfium2.PdfDocument(ROOT / "raw" / "h24.pdf")
    for index in range(len(document)):
        page = document[index]
        page.set_rotation((page.get_rotation() + 90 * (1 + index % 3)) % 360)
    turned = tmp_path / "turned.pdf"
    document.save(turned)
    document.close()
    read = extract(turned)

    def without_boxes(dataset: Dataset) -> list[dict[str, Any]]:
        return [
            a.model_dump(mode="json", exclude={"source": {"boxes"}}) for a in dataset.activities
        ]

    assert without_boxes(read) == without_boxes(h24_pdf)
    assert [(w.code, w.activity) for w in read.warnings] == [
        (w.code, w.activity) for w in h24_pdf.warnings
    ]


def _chars(*quarters: int) -> list[dict[str, Any]]:
    turns = {0: (1, 0), 1: (0, 1), 2: (-1, 0), 3: (0, -1)}  # counter-clockwise quarters
    return [{"matrix": (*turns[q], 0, 0, 0, 0)} for q in quarters]


def test_a_page_is_turned_by_the_way_most_of_its_text_runs() -> None:
    from extractor.sources.pdf import text_turn

    assert text_turn(_chars(0, 0, 0)) == 0
    assert text_turn(_chars(1, 1, 1, 0)) == 90  # runs up: turned clockwise a quarter
    assert text_turn(_chars(3, 3, 3, 0)) == 270
    assert text_turn(_chars(2, 2, 0)) == 180
    assert text_turn(_chars(1, 1, 0, 0)) == 0  # a cell of rotated text is no turned page
    assert text_turn([]) == 0


# --- bad PDFs ----------------------------------------------------------------------------


def _text_pdf(path: Path, lines: list[str], **options: Any) -> Path:
    drawing = canvas.Canvas(str(path), **options)
    drawing.setFont(FONT, 10)
    for i, line in enumerate(lines):
        drawing.drawString(50, 780 - 14 * i, line)
    drawing.save()
    return path


def _image_only(path: Path) -> Path:
    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    drawing = canvas.Canvas(str(path))
    drawing.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 50, 600, 200, 100)
    drawing.save()
    return path


def _no_unicode_map(path: Path) -> Path:
    _text_pdf(path, ["活動名 実施内容 担当課 年次計画"] * 5)
    data = path.read_bytes()
    # Same byte lengths, so the cross-reference table stays valid.
    data = data.replace(b"/UniJIS-UCS2-H", b"/Identity-H   ").replace(b"(Japan1)", b"(Xxxxx1)")
    path.write_bytes(data)
    return path


def _truncated(path: Path) -> Path:
    data = (ROOT / "raw" / "h24.pdf").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _corrupt(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    return path


BAD_PDFS = [
    (lambda p: _text_pdf(p, ["活動名"], encrypt=pdfencrypt.StandardEncryption("secret")),
     "the PDF is encrypted (password-protected); save an unprotected copy or use the text export"),
    (_corrupt, "the PDF is corrupt and cannot be read; get a fresh copy or use the text export\n"),
    (_truncated, "the PDF is truncated (no %%EOF at its end); download or copy it again"),
    (_image_only, "no text was found on its 1 page (a scan); is this the right file?"),
    (_no_unicode_map, "the PDF's fonts have no Unicode map ("),
    (lambda p: _text_pdf(p, ["議事録", "出席者 10名"]),
     "not a committee packet: no header row with an activity-name column in its 1 page; is this the right file?"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "message"), BAD_PDFS)
def test_bad_pdfs_are_refused(
    tmp_path: Path, make: Any, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make(tmp_path / "bad.pdf")
    result = CliRunner().invoke(main, ["bad.pdf"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: bad.pdf: {message}")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "normalized").exists()


def test_page_limit(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, [str(ROOT / "raw" / "h24.pdf"), "--max-pages", "2", "-o", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert re.search(r"6 pages is over the 2-page limit; raise it with --max-pages", result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_blocks_from_rows_keeps_text_lines() -> None:
    blocks = blocks_from_rows(cid_safe_rows(20))
    assert isinstance(blocks[0], Text) and blocks[0].text == "平成 2 4 年度"
    assert isinstance(blocks[-1], Table) and len(blocks[-1].grid) == 2


def test_a_line_beside_a_table_comes_after_its_rows_not_between_them() -> None:
    """A note in the margin beside a table (or a scanned punch hole read as text) would
    cut the table's rows in two if the page were read by top alone."""
    from extractor.sources.document import Box, Item, page_order

    def item(top: float, left: float, text: str, height: float = 10) -> Item:
        box = Box(1, left, top, left + 50, top + height)
        return (top, left, (text,), (box,), frozenset())

    rows = [item(100, 20, "header"), item(120, 20, "row 1"), item(140, 20, "row 2")]
    lines = [
        item(50, 20, "heading"),
        item(131, 700, "note, lower"),
        item(118, 700, "note"),  # its middle, 123, lies within the table (90 to 160)
        item(85, 700, "above", height=8),  # its middle, 89, above the table
        item(170, 20, "after"),
    ]
    table = (20.0, 90.0, 600.0, 160.0)
    ordered = [i[2][0] for i in page_order(rows, lines, [table])]
    assert ordered == [
        "heading", "above", "header", "row 1", "row 2", "note", "note, lower", "after"
    ]  # fmt: skip
    # without a table there, by top and then left as before
    assert [i[2][0] for i in page_order(rows, lines, [])][:5] == [
        "heading", "above", "header", "note", "row 1"
    ]  # fmt: skip
