"""The command line: exit codes, exact messages, no traceback, no half-written output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.conftest import run
from tests.packets import H24, ROOT


def test_extract_writes_normalized_json_and_summarizes(workdir: Path) -> None:
    result = run("raw/h24.txt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = workdir / "normalized" / "h24.json"
    assert json.loads(written.read_text(encoding="utf-8"))["source"]["path"] == "raw/h24.txt"
    assert result.stderr.splitlines()[0] == (
        "raw/h24.txt → normalized/h24.json: 54 activities, 56 targets, 50 dates; "
        "1028/1028 cells mapped (activities 771, cover 9, headers 228, headings 19, realigned 1), "
        "0 unmapped; 11 warnings"
    )
    lines = result.stderr.splitlines()
    # Warnings come grouped by code, each code once with what to check, then each warning.
    shifted = lines.index(
        "  row_shifted ×1: Check the row in the packet: its cells sat a column off and were put "
        "back where the yearly schedule belongs; make sure each value is under the right header."
    )
    assert lines[shifted + 1] == (
        "          line 144  cells shifted right: the yearly schedule was in column 12, expected "
        "11; dropped a surplus cell at column 7 ('—')"
    )
    assert sum(1 for line in lines if line.startswith("  ") and " ×" in line) == 9


def test_summary_in_japanese(workdir: Path) -> None:
    result = run("raw/h24.txt", "--lang", "ja")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "raw/h24.txt → normalized/h24.json: 活動 54 件、目標 56 件、日付 50 件。セル 1028/1028 個"
        "を割り当て（活動 771、表紙 9、見出し行 228、目標見出し 19、整列で除去 1）、未割り当て 0 個。"
        "警告 11 件"
    )
    assert lines[1] == (
        "  target_label_in_value_cell ×1: 実績のセルに、文章で書かれた目標とは別に、数えている項目の"
        "名前が書かれています。確認してください。"
    )
    assert lines[2] == (
        "              21行目  「民間助成応募件数団体4件」には、文章の目標「随時実施」とは別に項目名が"
        "書かれています。項目名はこちらから取りました"
    )
    # The dataset is the same bytes in either language.
    japanese = (workdir / "normalized" / "h24.json").read_bytes()
    assert run("raw/h24.txt", "--lang", "en", "-q").exit_code == 0
    assert (workdir / "normalized" / "h24.json").read_bytes() == japanese


def test_the_language_follows_the_locale(workdir: Path) -> None:
    japanese = CliRunner(env={"LANG": "ja_JP.UTF-8", "LC_ALL": None, "LANGUAGE": None}).invoke(
        main, ["raw/none.txt"]
    )
    assert japanese.stderr == "エラー: raw/none.txt: ファイルがありません。パスを確認してください\n"
    english = CliRunner(env={"LANG": "C.UTF-8", "LC_ALL": None, "LANGUAGE": None}).invoke(
        main, ["raw/none.txt"]
    )
    assert english.stderr == "Error: raw/none.txt: no such file; check the path\n"


def test_quiet_and_output_folder(workdir: Path) -> None:
    result = run("-q", "-o", "out", "raw/h24.txt")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (workdir / "out" / "h24.json").is_file()


def test_stdout_output_is_the_json(workdir: Path) -> None:
    result = run("raw/h24.txt", "-o", "-", "-q")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["packet"]["fiscal_year"] == 2012
    assert not (workdir / "normalized").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Error: bad.txt: is empty; give the packet's exported .txt or its .pdf\n"),
        (
            b"\x00\x01\x02\xff\xfe\x00garbage" * 50,
            "Error: bad.txt: holds binary data that is not a PDF, a workbook or an image; give the "
            "packet's .txt, .pdf, .xlsx or .xls, or its scan as .pdf, .tif, .png or .jpg\n",
        ),
        (
            "ただのメモです\n二行目\n".encode(),
            "Error: bad.txt: not a committee packet: no header row with an activity-name column in its 2 lines; is this the right file?\n",
        ),
        (
            "活動名,実施内容,担当課\n活動A,内容,社会課\n".encode(),
            "Error: bad.txt: no tab-separated columns (commas instead?); export the packet as tab-delimited text\n",
        ),
        (
            b"\x8a\x88\x93\xae\x96\xbc\t\x8e\xc0\x8e\x7b\n" + "活動名\n".encode(),
            "Error: bad.txt: mixed encodings: line 2 is UTF-8 but the rest of the file is cp932; re-save the whole file in one encoding\n",
        ),
    ],
)
def test_bad_input_is_refused_with_one_line(workdir: Path, content: bytes, message: str) -> None:
    (workdir / "bad.txt").write_bytes(content)
    (workdir / "normalized").mkdir()
    (workdir / "normalized" / "keep.json").write_text("{}")
    result = run("bad.txt")
    assert result.exit_code == 1
    assert result.stderr == message
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (workdir / "normalized").iterdir()) == ["keep.json"]


def test_a_refusal_names_the_file_as_given_though_it_lies_elsewhere(
    workdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A file outside the working directory is stored in a dataset by its name alone; the
    line refusing it names it as the user gave it, so two files of one name in two folders
    are told apart (each stage's refusal: decoding, and the structure stage's)."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "memo.txt").write_text("ただのメモです\n二行目\n", encoding="utf-8")
    (elsewhere / "empty.txt").write_text("")
    result = run(str(elsewhere / "memo.txt"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {elsewhere / 'memo.txt'}: not a committee packet: no header row with an "
        "activity-name column in its 2 lines; is this the right file?\n"
    )
    result = run(str(elsewhere / "empty.txt"))
    assert result.stderr == (
        f"Error: {elsewhere / 'empty.txt'}: is empty; give the packet's exported .txt or its .pdf\n"
    )


def test_missing_path_and_folder(workdir: Path) -> None:
    result = run("raw/h25.txt")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: raw/h25.txt: no such file; check the path\n",
    )
    result = run("raw")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: raw: is a folder, not a packet file; give the .txt, .pdf or .xlsx\n",
    )
    pages = workdir / "scanned"
    pages.mkdir()
    for name in ("notes.txt", "scan_001.JPG", "scan_002.JPG"):
        (pages / name).write_bytes(b"")
    result = run("scanned")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: scanned: holds notes.txt beside page images; a folder is read as the pages "
        "of one scan, an image file each: move the other files out, or give each file\n",
    )
    (pages / "notes.txt").unlink()
    result = run("scanned")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: scanned/scan_001.JPG: is named as an image but holds none; take it out of the "
        "folder of page images, or save that page again\n",
    )
    assert not (workdir / "normalized" / "scanned.json").exists()
    # A name with a line break (and a terminal's escape) in it keeps the error one line.
    (pages / "scan_001.JPG").unlink()
    (pages / "scan_002.JPG").unlink()
    (pages / "page.png").write_bytes(b"")
    (pages / "notes\n\x1b[31m.txt").write_bytes(b"")
    result = run("scanned")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: scanned: holds notes\\n\\x1b[31m.txt beside page images; a folder is read as "
        "the pages of one scan, an image file each: move the other files out, or give each "
        "file\n",
    )


def test_forced_wrong_encoding(workdir: Path) -> None:
    result = run("--encoding", "ascii", "raw/h24.txt")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: raw/h24.txt: cannot decode as ascii (")
    assert result.stderr.endswith("; try another --encoding\n")


def test_one_bad_file_does_not_stop_the_others(workdir: Path) -> None:
    (workdir / "raw" / "empty.txt").write_text("")
    result = run("-q", "raw/empty.txt", "raw/h24.txt")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: raw/empty.txt: is empty; give the packet's exported .txt or its .pdf\n"
    )
    assert (workdir / "normalized" / "h24.json").is_file()
    assert not (workdir / "normalized" / "empty.json").exists()


def test_usage_errors_exit_2(workdir: Path) -> None:
    shutil.copy(workdir / "raw" / "h24.txt", workdir / "h24.txt")
    clash = run("raw/h24.txt", "h24.txt")
    assert clash.exit_code == 2
    assert "several inputs would write normalized/h24.json" in clash.stderr
    assert run("--no-such-option", "raw/h24.txt").exit_code == 2
    assert run("raw/h24.txt", "h24.txt", "-o", "-").exit_code == 2


def test_a_file_name_given_to_o_is_a_usage_error_not_a_folder(workdir: Path) -> None:
    named = run("raw/h24.txt", "-o", "h24.JSON")
    assert named.exit_code == 2
    assert named.stderr.endswith(
        "Error: -o h24.JSON: -o names the folder the datasets go to, and this is a file's "
        "name; give a folder (-o normalized), or -o - to write the JSON to stdout\n"
    )
    assert not (workdir / "h24.JSON").exists()
    (workdir / "years.json").mkdir()  # a folder that happens to be named so is one
    assert run("-q", "raw/h24.txt", "-o", "years.json").exit_code == 0
    assert (workdir / "years.json" / "h24.json").is_file()


def test_unwritable_output_folder(workdir: Path) -> None:
    (workdir / "locked").write_text("a file where a folder should be")
    result = run("raw/h24.txt", "-o", "locked/sub")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: locked/sub: cannot write there (")
    assert result.stderr.endswith("); choose another folder with -o\n")


def test_verbose_shows_the_traceback(workdir: Path) -> None:
    result = run("-v", "raw/h25.txt")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.endswith("Error: raw/h25.txt: no such file; check the path\n")


def test_schema_command_prints_the_committed_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "schema" / "dataset.schema.json").read_text(encoding="utf-8")


def test_debug_stage_dumps_rows(workdir: Path) -> None:
    result = run("raw/h24.txt", "--debug-stage", "source")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["rows"]
    assert rows[0] == {"line": 3, "page": None, "cells": ["平成 2 4 年度"]}


@pytest.mark.slow
def test_installed_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "extract"
    done = subprocess.run(
        [str(script), str(H24), "-o", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "h24.json").is_file()
    bad = subprocess.run(
        [str(script), str(tmp_path / "none.txt")], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
