"""Hostile files, third round: workbooks whose declared size or merged ranges are huge,
number formats and formulas built to break their readers, a PDF of many cheap pages,
symlinks planted where outputs go, and names and streams the system refuses. Each ends
in a result or one line, within time and memory bounds, changing nothing outside the
output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.packets import H24, ROOT
from tests.pdfs import raw_pdf
from tests.test_hostile import MEGABYTES, SECONDS, measured, one_line
from tests.workbooks import packet_workbook, rewrite_part

SHEET, STYLES = "xl/worksheets/sheet2.xml", "xl/styles.xml"
LAST_ROW = b"</row></sheetData>"
FIRST_MERGE = b'<mergeCell ref="A6:A7" />'


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "victim.txt").write_text("must not change\n")
    return tmp_path


def victim_unchanged(work: Path) -> None:
    assert (work / "victim.txt").read_text() == "must not change\n"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("victim")) == ["victim.txt"]


def workbook(name: str, *edits: tuple[str, bytes, bytes]) -> Path:
    """The small 令和2年度 packet workbook, with parts of its XML rewritten."""
    path = packet_workbook(Path(name))
    for part, old, new in edits:
        rewrite_part(path, part, old, new)
    return path


# --- workbooks whose declared size is not what they hold ------------------------------------


def far_cell(cell: bytes) -> tuple[str, bytes, bytes]:
    return (SHEET, LAST_ROW, b'</row><row r="1048576">' + cell + b"</row></sheetData>")


BOMBS = {
    # one empty styled cell in the last row and column, and a used area declared to match
    "styled-corner": [
        (SHEET, b'<dimension ref="A1:P9" />', b'<dimension ref="A1:XFD1048576" />'),
        far_cell(b'<c r="XFD1048576" s="1" />'),
    ],
    "text-far-down": [far_cell(b'<c r="A1048576" t="inlineStr"><is><t>far away</t></is></c>')],
    "merge-whole-sheet": [(SHEET, FIRST_MERGE, FIRST_MERGE + b'<mergeCell ref="A1:XFD1048576" />')],
    "merge-column": [(SHEET, FIRST_MERGE, b'<mergeCell ref="A6:A1048576" />')],
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_workbook_declaring_a_million_rows_is_read_in_bounds(work: Path, bomb: str) -> None:
    """Each took minutes and gigabytes when every declared position became a cell. Cells
    under a merged range that hold text of their own keep it (Excel hides them; the file
    holds them): 防犯灯… at A8, under A6:A1048576, is still an activity."""
    path = workbook(f"{bomb}.xlsx", *BOMBS[bomb])
    assert path.stat().st_size < 10_000
    code, stderr, seconds, peak = measured(str(path), "-o", "out", "-q", cwd=work)
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    assert code == 0, stderr
    dataset = json.loads((work / "out" / f"{bomb}.json").read_text(encoding="utf-8"))
    names = [a["name"] for a in dataset["activities"]]
    assert names[:2] == ["地区住民座談会の開催", "防犯灯設置等補助事業の推進"]
    if bomb == "text-far-down":  # in the 活動名 column, a million rows down: an activity
        assert names[2:] == ["far away"]
        assert dataset["activities"][2]["source"]["cells"][0] == "基本目標1!A1048576"
    victim_unchanged(work)


@pytest.mark.slow
def test_a_sheet_of_a_million_rows_is_refused_at_the_cell_cap(work: Path) -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(10, 10**6)
    )
    path = workbook("million.xlsx", (SHEET, LAST_ROW, b"</row>" + rows + b"</sheetData>"))
    code, stderr, seconds, peak = measured(str(path), "-o", "out", cwd=work)
    assert code == 1
    assert one_line(stderr) == (
        "Error: million.xlsx: holds more than 200,000 cells with values; no packet is that "
        "large: is this the right file?"
    )
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    assert not (work / "out").exists()


def figure_format(name: str, code: bytes, value: bytes = b"10200") -> Path:
    """The workbook with its figure cells (L9:N9) under a number format of its own, and the
    actual N9 set to `value`."""
    return workbook(
        name,
        (STYLES, b'<xf numFmtId="3" ', b'<xf numFmtId="166" '),
        (
            STYLES,
            b'<numFmts count="2">',
            b'<numFmts count="3"><numFmt numFmtId="166" formatCode="' + code + b'" />',
        ),
        (
            SHEET,
            b'<c r="N9" s="2" t="n"><v>10200</v>',
            b'<c r="N9" s="2" t="n"><v>' + value + b"</v>",
        ),
    )


def lamp_figures(path: Path) -> tuple[str, str, str]:
    result = CliRunner().invoke(main, [str(path), "-o", "-", "-q"])
    assert result.exit_code == 0, result.stderr
    (target,) = json.loads(result.stdout)["activities"][1]["targets"]
    return target["plan"]["raw"], target["target"]["raw"], target["actual"]["raw"]


def test_number_formats_built_to_break_their_reader(work: Path) -> None:
    # 30,000 "[" (past Excel's 255-character limit): shown as General, at once
    brackets = figure_format("brackets.xlsx", b"[" * 30_000)
    cells = b"".join(
        b'<row r="%d"><c r="P%d" s="2"><v>%d</v></c></row>' % (r, r, r) for r in range(20, 320)
    )
    rewrite_part(brackets, SHEET, LAST_ROW, b"</row>" + cells + b"</sheetData>")
    code, stderr, seconds, peak = measured(str(brackets), "-o", "out", "-q", cwd=work)
    assert code == 0 and seconds < SECONDS and peak < MEGABYTES, (stderr, seconds, peak)
    assert lamp_figures(brackets) == ("9529", "10079", "10200")
    # 1E+30 under #,##0, as Excel shows it: every digit, grouped
    huge = figure_format("huge.xlsx", b"#,##0", b"1E+30")
    assert lamp_figures(huge)[2] == "1," + ",".join(["000"] * 10)
    # thirty decimals
    decimals = figure_format("decimals.xlsx", b"0." + b"0" * 30, b"9529.125")
    assert lamp_figures(decimals) == (
        "9529." + "0" * 30,
        "10079." + "0" * 30,
        "9529.125" + "0" * 27,
    )


def test_an_unterminated_shared_formula_keeps_its_saved_value(work: Path) -> None:
    path = workbook(
        "formula.xlsx",
        (
            SHEET,
            b'<c r="N6" t="n"><v>20</v></c>',
            b'<c r="N6"><f t="shared" ref="N6:N7" si="0">"unterminated</f><v>20</v></c>',
        ),
    )
    result = CliRunner().invoke(main, [str(path), "-o", "-", "-q"])
    assert result.exit_code == 0, result.stderr
    (target,) = json.loads(result.stdout)["activities"][0]["targets"]
    assert (target["actual"]["raw"], target["actual"]["value"]) == ("20", 20)


# --- a PDF of many cheap pages ----------------------------------------------------------------


@pytest.mark.slow
def test_a_thousand_pages_sharing_one_costly_stream_stop_at_the_whole_file_budget(
    work: Path,
) -> None:
    """Each page is within the per-page limits; together they would take many minutes."""
    content = b"".join(b"%d %d 2 2 re f\n" % (n % 500, n // 500) for n in range(15_000))
    (work / "rects.pdf").write_bytes(raw_pdf(zlib.compress(content, 9), True, pages=1000))
    assert (work / "rects.pdf").stat().st_size < 300_000
    code, stderr, seconds, peak = measured("rects.pdf", "--max-seconds", "3", cwd=work)
    assert code == 1
    assert one_line(stderr) == (
        "Error: rects.pdf: took more than 3 s to read; a file built to stall readers? Raise "
        "--max-seconds if the file is right"
    )
    assert seconds < 3 + 5 and peak < MEGABYTES, (seconds, peak)
    assert not (work / "normalized").exists()


# --- symlinks where outputs go ------------------------------------------------------------------


@pytest.fixture
def dataset(work: Path) -> Path:
    assert CliRunner().invoke(main, [str(H24), "-o", "n", "-q"]).exit_code == 0
    return work / "n" / "h24.json"


def test_symlinks_planted_where_outputs_go_are_replaced_not_followed(
    work: Path, dataset: Path
) -> None:
    for folder, name in (("csv", "targets.csv"), ("dp", "datapackage.json"), ("out", "h24.json")):
        (work / folder).mkdir()
        (work / folder / name).symlink_to(work / "victim.txt")
    (work / "data.db").symlink_to(work / "victim.txt")
    (work / "r.html").symlink_to(work / "victim-dangling.html")  # a link to nothing yet
    runner = CliRunner()
    for args in (
        ["export", str(dataset), "-f", "csv", "-o", "csv"],
        ["export", str(dataset), "-f", "datapackage", "-o", "dp"],
        ["export", str(dataset), "-f", "sqlite", "-o", "data.db"],
        ["report", str(dataset), "-o", "r.html"],
        [str(H24), "-o", "out"],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.stderr)
    for path in ("csv/targets.csv", "dp/datapackage.json", "out/h24.json", "data.db", "r.html"):
        assert not (work / path).is_symlink() and (work / path).is_file(), path
    victim_unchanged(work)


def test_an_output_folder_that_is_a_link_is_resolved_once_and_shown(work: Path) -> None:
    (work / "real").mkdir()
    (work / "link").symlink_to(work / "real")
    result = CliRunner().invoke(main, [str(H24), "-o", "link"])
    assert result.exit_code == 0, result.stderr
    assert f"h24.txt → {work / 'real' / 'h24.json'}:" in result.stderr
    assert (work / "real" / "h24.json").is_file()


# --- names and streams the system refuses -------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [str(H24), "-o", "{long}"],
        ["report", "n/h24.json", "-o", "{long}.html"],
        ["export", "n/h24.json", "-f", "csv", "-o", "{long}"],
        ["export", "n/h24.json", "-f", "sqlite", "-o", "{long}.db"],
    ],
)
def test_an_output_name_over_255_bytes_is_one_line(
    work: Path, dataset: Path, args: list[str]
) -> None:
    long = "長" * 90  # 270 bytes in UTF-8
    result = CliRunner().invoke(main, [a.format(long=long) for a in args])
    assert result.exit_code == 1
    assert one_line(result.stderr).endswith(
        ": the file name is longer than 255 bytes; choose a shorter one"
    )


def run_closed(shell: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell line with `extract` as this checkout's command."""
    return subprocess.run(
        ["sh", "-c", shell],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "EXTRACT": f"{sys.executable} -m extractor"},
        timeout=60,
        check=False,
    )


def test_a_closed_stdout_is_one_line_and_a_closed_stderr_loses_no_output(
    work: Path, dataset: Path
) -> None:
    closed = run_closed(f'$EXTRACT "{H24}" -o - >&-', work)
    assert closed.returncode == 1
    assert one_line(closed.stderr) == (
        "Error: cannot write to standard output (standard output is closed)"
    )
    (work / "a.txt").write_bytes(H24.read_bytes())
    (work / "b.txt").write_bytes(H24.read_bytes())
    quiet = run_closed("$EXTRACT a.txt b.txt -o both 2>&-; echo $?", work)
    assert quiet.stdout == "0\n"
    assert sorted(p.name for p in (work / "both").iterdir()) == ["a.json", "b.json"]
