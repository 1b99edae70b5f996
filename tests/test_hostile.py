"""Hostile and unlucky inputs: each refused with exit code 1 and one line on stderr, no
traceback, nothing written or replaced; bombs within time and memory bounds; outputs that
cannot hurt their reader; writes that are all or nothing and safe together."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.output import to_json
from tests.packets import H23, H24, ROOT, h24_rows, h24_text, join_rows
from tests.pdfs import raw_pdf

EXTRACT = [sys.executable, "-m", "extractor"]
# Runs a command and reports, after it, the peak memory of it and everything it waited for.
MEASURED = (
    "import resource, subprocess, sys, time\n"
    "start = time.monotonic()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
    "sys.stdout.write(done.stderr)\n"
    "print(f'@@ {done.returncode} {time.monotonic() - start:.1f} {peak}')\n"
)
SECONDS, MEGABYTES = 20.0, 1024


def measured(*args: str, cwd: Path) -> tuple[int, str, float, int]:
    """Run `extract ARGS` in a fresh process; return exit code, stderr, seconds, peak MB."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, *EXTRACT, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"},
        timeout=120,
        check=False,
    )
    *lines, last = done.stdout.splitlines()
    _, code, seconds, peak = last.split()
    return int(code), "\n".join(lines) + "\n", float(seconds), int(peak)


def one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("Error: ")
    return stderr.strip()


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "normalized").mkdir()
    (tmp_path / "normalized" / "keep.json").write_text("an older output that must survive")
    return tmp_path


def untouched(work: Path) -> None:
    assert sorted(p.name for p in (work / "normalized").iterdir()) == ["keep.json"]
    assert (work / "normalized" / "keep.json").read_text() == "an older output that must survive"


# --- bounded PDFs ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_pdf_that_stalls_its_reader_is_stopped(work: Path) -> None:
    # 15 KB that inflates to 1.5 million one-character text operators on one page.
    content = b"BT /F1 10 Tf 10 10 Td " + b"(x) Tj " * 1_500_000 + b"ET"
    (work / "stall.pdf").write_bytes(raw_pdf(zlib.compress(content, 9), compressed=True))
    code, stderr, seconds, peak = measured("stall.pdf", "--page-seconds", "2", cwd=work)
    assert code == 1
    assert one_line(stderr) == (
        "Error: stall.pdf: page 1 took more than 2 s to read; a PDF built to stall readers? "
        "Raise --page-seconds if the file is right"
    )
    assert seconds < SECONDS and peak < MEGABYTES
    untouched(work)


@pytest.mark.slow
def test_a_pdf_stream_that_inflates_to_800_mb_is_refused(work: Path) -> None:
    inflater = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    data = b"".join(inflater.compress(chunk) for _ in range(800)) + inflater.flush()
    (work / "bomb.pdf").write_bytes(raw_pdf(data, compressed=True))
    assert (work / "bomb.pdf").stat().st_size < 1_000_000
    code, stderr, seconds, peak = measured("bomb.pdf", cwd=work)
    assert code == 1
    assert one_line(stderr) == (
        "Error: bomb.pdf: page 1: a compressed stream inflates past 64 MB; a PDF built to "
        "exhaust memory? Raise --max-stream-bytes if the file is right"
    )
    assert seconds < SECONDS and peak < MEGABYTES
    untouched(work)


@pytest.mark.slow
def test_a_page_reader_over_its_memory_cap_is_stopped(work: Path) -> None:
    content = b"BT /F1 10 Tf 10 10 Td " + b"(x) Tj " * 1_500_000 + b"ET"
    (work / "big.pdf").write_bytes(raw_pdf(zlib.compress(content, 9), compressed=True))
    code, stderr, seconds, peak = measured(
        "big.pdf", "--max-memory", "64", "--page-seconds", "60", cwd=work
    )
    assert code == 1
    assert one_line(stderr) == (
        "Error: big.pdf: page 1 needed more than 64 MB of memory to read; raise --max-memory "
        "if the file is right"
    )
    assert seconds < SECONDS and peak < MEGABYTES


def _fails_as_opencv_does(task: int) -> int:
    """A task that fails as OpenCV does when an allocation is refused under the cap."""
    raise RuntimeError(
        "OpenCV(5.1.0) /io/opencv/modules/core/src/alloc.cpp:73: error: (-4:Insufficient "
        "memory) Failed to allocate 69612752 bytes in function 'OutOfMemoryError'"
    )


def test_a_native_librarys_refused_allocation_is_the_memory_cap() -> None:
    """OpenCV, and sudachipy loading its dictionary, raise their own errors, not
    MemoryError, when the worker's cap refuses an allocation (measured on a scan of h24 at
    --max-memory 150, 250 and 400: each was once an "internal error ... report it")."""
    import errno

    from extractor.workers import Pool, TaskOutOfMemory, out_of_memory

    with Pool(_fails_as_opencv_does, 1) as pool, pytest.raises(TaskOutOfMemory):
        list(pool.map([1]))
    assert out_of_memory(MemoryError())
    assert out_of_memory(RuntimeError("std::bad_alloc"))
    assert out_of_memory(OSError(errno.ENOMEM, "Cannot allocate memory"))
    assert out_of_memory(
        RuntimeError(
            '"Error while constructing dictionary": system.dic: '
            "Cannot allocate memory (os error 12)"
        )
    )
    assert not out_of_memory(ValueError("a page that cannot be read"))


def _ends_as_glibc_does(task: int) -> int:
    """A task whose process ends as glibc ends it when a new thread's thread-local data
    cannot be allocated under the cap: "cannot allocate memory for thread-local data:
    ABORT" on stderr, exit code 127."""
    os._exit(127)


def test_a_thread_without_memory_for_its_local_data_is_the_memory_cap() -> None:
    """Seen once in a full test run, and in 5 of 69 runs of a scan of h24 with caps from 60
    to 400 MB: the worker ended with exit code 127, and the user was told to get a fresh copy
    of the scan. Without a cap, the same end is a worker that died."""
    from extractor.workers import Caps, Pool, TaskOutOfMemory, WorkerDied

    capped = Caps(memory_bytes=512 * 1024 * 1024)
    with Pool(_ends_as_glibc_does, 1, capped) as pool, pytest.raises(TaskOutOfMemory):
        list(pool.map([1]))
    with Pool(_ends_as_glibc_does, 1) as pool, pytest.raises(WorkerDied) as died:
        list(pool.map([1]))
    assert died.value.exitcode == 127


@pytest.mark.slow
def test_a_scan_over_the_memory_cap_is_said_in_one_line(work: Path) -> None:
    from tests.scans import CLEAN, scan_pdf

    scan_pdf(ROOT / "raw" / "h24.pdf", work / "scan.pdf", CLEAN)
    code, stderr, seconds, _ = measured("scan.pdf", "--max-memory", "150", "-j", "1", cwd=work)
    assert code == 1
    # the first page read: the heaviest (h24's page 5 stores the most image bytes)
    assert one_line(stderr) == (
        "Error: scan.pdf: page 5 needed more than 150 MB of memory to read; raise "
        "--max-memory if the file is right"
    )
    assert seconds < SECONDS
    untouched(work)


# --- bounded text input ---------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_not_read(work: Path, device: str) -> None:
    code, stderr, seconds, _ = measured(device, cwd=work)
    assert code == 1
    assert one_line(stderr) == (
        f"Error: {device}: is not a regular file (a pipe, socket or device); save the packet "
        "to a file and give that"
    )
    assert seconds < SECONDS
    untouched(work)


def test_a_fifo_is_not_waited_on(work: Path) -> None:
    os.mkfifo(work / "pipe.txt")
    code, stderr, seconds, _ = measured("pipe.txt", cwd=work)
    assert code == 1
    assert "pipe.txt: is not a regular file" in one_line(stderr)
    assert seconds < SECONDS


@pytest.mark.slow
def test_one_49_mb_line_of_tabs(work: Path) -> None:
    (work / "tabs.txt").write_bytes("活動名".encode() + b"\t" * (49 * 1024 * 1024))
    code, stderr, seconds, peak = measured("tabs.txt", cwd=work)
    assert code == 1
    assert one_line(stderr) == (
        "Error: tabs.txt: line 1 has more than 500 cells; no packet is that wide: is this the "
        "right file?"
    )
    assert seconds < SECONDS and peak < MEGABYTES
    untouched(work)


def test_a_cell_over_the_csv_modules_own_limit(work: Path) -> None:
    rows = h24_rows()
    rows[21][1] = "あ" * 200_000  # over 131,072: the csv module's default field limit
    Path("long.txt").write_text(join_rows(rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["long.txt"])
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: long.txt: line 22, column 2: a cell of 200,000 characters is over the "
        "20,000-character limit; is this the right file? Raise the limit with --max-cell-chars"
    )
    raised = CliRunner().invoke(main, ["long.txt", "--max-cell-chars", "300000", "-q"])
    assert raised.exit_code == 0, raised.stderr


def test_target_cells_built_to_stall_the_figure_patterns_are_read_in_bounds(work: Path) -> None:
    """Thirty figures and a word once took the figure patterns hours (every way of cutting
    the figures apart was tried); a long cell of figures took time growing with the square
    of its length. Each such cell is read at once and kept whole as a target in words."""
    rows = h24_rows()
    crafted = ["1 " * 30 + "x", "1 " * 9_000 + "x", "約 " * 9_000, "1年年" * 6_000 + "x"]
    for offset, text in enumerate(crafted):
        rows[21 + offset][13] = text
    Path("stall.txt").write_text(join_rows(rows), encoding="utf-8")
    code, stderr, seconds, peak = measured("stall.txt", "--max-seconds", "60", cwd=work)
    assert code == 0, stderr
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    dataset = json.loads((work / "normalized" / "stall.json").read_text(encoding="utf-8"))
    texts = [t["text"] for a in dataset["activities"] for t in a["targets"] if t["text"]]
    for text in crafted:
        assert text.strip() in texts


def test_a_utf8_file_with_one_cp932_line_names_that_line(work: Path) -> None:
    lines = h24_text().split("\n")
    encoded = [
        line.replace("—", "―").encode("cp932") if number == 22 else line.encode("utf-8")
        for number, line in enumerate(lines, start=1)
    ]
    Path("mixed.txt").write_bytes(b"\n".join(encoded))
    result = CliRunner().invoke(main, ["mixed.txt"])
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: mixed.txt: mixed encodings: line 22 is cp932 but the rest of the file is "
        "UTF-8; re-save the whole file in one encoding"
    )
    untouched(work)


def test_a_packet_of_headings_and_a_header_only(work: Path) -> None:
    rows = h24_rows()[:20]  # the cover, 基本目標1, 活動目標1, the table header and 21 / 25
    Path("empty.txt").write_text(join_rows(rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["empty.txt"])
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: empty.txt: no activity rows under the table headers; is this the whole packet?"
    )
    untouched(work)


def test_an_input_outside_the_working_folder_keeps_only_its_name(work: Path) -> None:
    result = CliRunner().invoke(main, [str(H24), "-o", "-", "-q"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["source"]["path"] == "h24.txt"
    assert str(ROOT) not in result.stdout


def test_a_file_is_read_by_what_it_holds_not_by_its_name(work: Path) -> None:
    """A text export saved as .xlsx, and a workbook named .pdf, are read as what they are;
    random bytes named .pdf say what they are not."""
    shutil.copy(H24, "export.xlsx")
    shutil.copy(ROOT / "tests" / "fixtures" / "h24.xls", "workbook.pdf")
    Path("junk.pdf").write_bytes(bytes(range(256)) * 8)
    runner = CliRunner()
    as_text = runner.invoke(main, ["export.xlsx", "-o", "-", "-q"])
    as_workbook = runner.invoke(main, ["workbook.pdf", "-o", "-", "-q"])
    assert as_text.exit_code == as_workbook.exit_code == 0, as_text.stderr + as_workbook.stderr
    text, workbook = json.loads(as_text.stdout), json.loads(as_workbook.stdout)
    assert (text["source"]["format"], workbook["source"]["format"]) == ("tsv", "xls")
    assert len(text["activities"]) == len(workbook["activities"]) == 54
    junk = runner.invoke(main, ["junk.pdf"])
    assert junk.exit_code == 1
    assert one_line(junk.stderr) == (
        "Error: junk.pdf: holds binary data that is not a PDF, a workbook or an image; give the "
        "packet's .txt, .pdf, .xlsx or .xls, or its scan as .pdf, .tif, .png or .jpg"
    )
    untouched(work)


@pytest.mark.slow
def test_two_years_whose_names_run_to_17000_characters_link_in_bounds(work: Path) -> None:
    """Names far longer than any real one are matched on their first part, with a note, in
    bounded time: the same activity still links to itself."""
    name = "地域福祉活動の啓発推進による財源の確保"
    for source, target in ((H23, "h23.txt"), (H24, "h24.txt")):
        text = source.read_text(encoding="utf-8")
        Path(target).write_text(text.replace(name, name + "の取組" * 5_700, 1), encoding="utf-8")
    code, stderr, seconds, peak = measured("h23.txt", "h24.txt", cwd=work)
    assert code == 0, stderr
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    assert "longer than 4,000 characters; they were linked on its first part" in stderr
    crosswalk = json.loads((work / "normalized" / "crosswalk.json").read_text(encoding="utf-8"))
    long = [m for m in crosswalk["members"] if len(m["name"] or "") > 17_000]
    assert len(long) == 2 and long[0]["series"] == long[1]["series"]


# --- outputs that cannot hurt their reader -----------------------------------------------------


def test_csv_cells_that_would_be_formulas_are_neutralised(work: Path) -> None:
    rows = h24_rows()
    rows[20][1] = '=HYPERLINK("http://example.invalid","click")'
    rows[21][1] = "+1+2"
    rows[22][1] = "-1-2"
    rows[23][1] = "@SUM(A1)"
    Path("formula.txt").write_text(join_rows(rows), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["formula.txt", "-o", "out", "-q"]).exit_code == 0
    assert (
        runner.invoke(main, ["export", "out/formula.json", "-f", "csv", "-o", "csv"]).exit_code == 0
    )
    with open("csv/activities.csv", encoding="utf-8-sig", newline="") as stream:
        descriptions = [row["description"] for row in csv.DictReader(stream)][:4]
    assert descriptions == [
        '\'=HYPERLINK("http://example.invalid","click")',
        "'+1+2",
        "'-1-2",
        "'@SUM(A1)",
    ]
    raw = runner.invoke(
        main, ["export", "out/formula.json", "-f", "csv", "-o", "raw", "--raw-cells"]
    )
    assert raw.exit_code == 0
    with open("raw/activities.csv", encoding="utf-8-sig", newline="") as stream:
        assert next(csv.DictReader(stream))["description"].startswith("=HYPERLINK")
    # Numbers stay numbers, even negative ones; the Data Package keeps every value as it is.
    with open("csv/targets.csv", encoding="utf-8-sig", newline="") as stream:
        assert {row["actual_value"] for row in csv.DictReader(stream)} >= {"188", "1421"}
    assert (
        runner.invoke(
            main, ["export", "out/formula.json", "-f", "datapackage", "-o", "dp"]
        ).exit_code
        == 0
    )
    with open("dp/activities.csv", encoding="utf-8", newline="") as stream:
        assert next(csv.DictReader(stream))["description"].startswith("=HYPERLINK")


CONTROLS = "\x1b[2J\x1b]52;c;eA==\x07\x9b31m\u202e\x7f"  # clear, clipboard, CSI, bidi
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")


def test_control_characters_in_a_packet_never_reach_the_terminal(work: Path) -> None:
    """Escape sequences in a line quoted in a warning, and in an activity's name:
    shown escaped on stderr (both languages), in the diff (text and JSON), in the JSON
    written to stdout and in the report; the dataset reads back with the exact text."""
    name = "地域福祉活動の啓発推進による財源の確保"
    lines = h24_text().replace(name, name + CONTROLS, 1).split("\n")
    lines.insert(22, f"メモ{CONTROLS}です")  # a line of text inside a table: quoted in a warning
    Path("h24.txt").write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(H23, "h23.txt")
    runner = CliRunner()
    outputs = []
    for language in ("ja", "en"):
        run = runner.invoke(main, ["h23.txt", "h24.txt", "-o", "out", "--lang", language])
        assert run.exit_code == 0, run.stderr
        assert "です" in run.stderr
        outputs.append(run.stderr)
    escaped = "\\x1b[2J\\x1b]52;c;eA==\\x07\\x9b31m<U+202E>\\x7f"
    assert f"メモ{escaped}です" in outputs[0]
    assert "メモ\\x1b[2J\\x1b]52;c;eA==\\x07\\x9b31m\\u202e\\x7fです" in outputs[1]  # repr()
    for args in (["--lang", "ja"], ["--lang", "en"], ["--json"]):
        diff = runner.invoke(main, ["diff", "out/h23.json", "out/h24.json", *args])
        assert diff.exit_code == 0, diff.stderr
        assert "財源の確保" + (escaped if args[0] == "--lang" else "") in diff.stdout
        outputs.append(diff.stdout + diff.stderr)
    stdout = runner.invoke(main, ["h24.txt", "-o", "-", "-q"])
    outputs.append(stdout.stdout)
    report = runner.invoke(main, ["report", "out/h23.json", "out/h24.json", "-o", "r.html"])
    assert report.exit_code == 0, report.stderr
    html = Path("r.html").read_text(encoding="utf-8")
    assert "財源の確保\\x1b[2J\\x1b]52;c;eA==\\x07\\x9b31m&lt;U+202E&gt;\\x7f" in html
    outputs += [html, Path("out/h24.json").read_text(encoding="utf-8")]
    for output in outputs:
        assert not [c for c in UNSAFE if c in output]
    dataset = json.loads(Path("out/h24.json").read_text(encoding="utf-8"))
    assert dataset["activities"][0]["name"] == name + CONTROLS
    assert json.loads(stdout.stdout) == dataset


# --- writes that are all or nothing, and safe together -----------------------------------------


@pytest.mark.slow
def test_forty_concurrent_runs_of_different_packets_leave_one_whole_output(
    tmp_path: Path,
) -> None:
    """Forty runs at once, each of another packet named h24.txt, all writing out/h24.json:
    what is left is exactly one run's dataset (its source hash and its names agree), never
    a mix of two."""
    import hashlib

    rows = h24_rows()[:27]  # the first table of h24: the race is in the writing
    sources: dict[str, int] = {}
    for number in range(40):
        changed = [list(row) for row in rows]
        for row in changed[20:26]:  # the six activities, each named for its run
            row[0] = f"{row[0]}・{number}"
        packet = tmp_path / f"in{number}" / "h24.txt"
        packet.parent.mkdir()
        packet.write_text(join_rows(changed), encoding="utf-8")
        sources[hashlib.sha256(packet.read_bytes()).hexdigest()] = number
    out = tmp_path / "out"

    def one(number: int) -> int:
        done = subprocess.run(
            [*EXTRACT, str(tmp_path / f"in{number}" / "h24.txt"), "-o", str(out), "-q", "-j", "1"],
            capture_output=True,
            cwd=ROOT,
            check=False,
        )
        return done.returncode

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(one, range(40)))
    assert codes == [0] * 40
    assert sorted(p.name for p in out.iterdir()) == ["h24.json"]
    dataset = json.loads((out / "h24.json").read_text(encoding="utf-8"))
    run = sources[dataset["source"]["sha256"]]
    names = [a["name"] for a in dataset["activities"]]
    assert len(names) == 6
    assert all(name.endswith(f"・{run}") for name in names), (run, names)


def test_a_fifo_or_a_device_is_never_replaced(work: Path) -> None:
    shutil_h24 = work / "h24.txt"
    shutil_h24.write_text(h24_text(), encoding="utf-8")
    os.mkfifo(work / "normalized" / "h24.json")
    result = CliRunner().invoke(main, ["h24.txt"])
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: normalized/h24.json: is not a regular file (a pipe or device); choose another "
        "output, or -o - for standard output"
    )
    assert stat.S_ISFIFO(os.stat(work / "normalized" / "h24.json").st_mode)
    full = CliRunner().invoke(main, ["schema", "-o", "/dev/full"])
    assert full.exit_code == 1
    assert one_line(full.stderr).startswith("Error: /dev/full: is not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_full_disk_on_stdout_and_a_folder_for_a_database(work: Path) -> None:
    (work / "h24.txt").write_text(h24_text(), encoding="utf-8")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*EXTRACT, "h24.txt", "-o", "-", "-q"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=work,
            env={**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"},
            check=False,
        )
    assert done.returncode == 1
    assert one_line(done.stderr) == (
        "Error: cannot write to standard output (No space left on device)"
    )
    assert CliRunner().invoke(main, ["h24.txt", "-q"]).exit_code == 0
    (work / "data.db").mkdir()
    result = CliRunner().invoke(
        main, ["export", "normalized/h24.json", "-f", "sqlite", "-o", "data.db"]
    )
    assert result.exit_code == 1
    assert one_line(result.stderr) == "Error: data.db: is a folder; give a file name as the output"


def test_a_csv_export_that_fails_on_its_third_file_replaces_none(work: Path) -> None:
    (work / "h24.txt").write_text(h24_text(), encoding="utf-8")
    assert CliRunner().invoke(main, ["h24.txt", "-q"]).exit_code == 0
    export = work / "export"
    export.mkdir()
    for name in ("activities.csv", "targets.csv"):
        (export / name).write_text(f"the previous {name}")
    (export / "dates.csv").mkdir()  # the third file cannot be written
    result = CliRunner().invoke(main, ["export", "normalized/h24.json", "-f", "csv"])
    assert result.exit_code == 1
    assert (
        one_line(result.stderr)
        == "Error: export/dates.csv: is a folder; give a file name as the output"
    )
    for name in ("activities.csv", "targets.csv"):
        assert (export / name).read_text() == f"the previous {name}"
    assert sorted(p.name for p in export.iterdir()) == [
        "activities.csv",
        "dates.csv",
        "targets.csv",
    ]


def test_a_dataset_of_another_schema_version_is_refused(work: Path) -> None:
    from extractor.pipeline import extract

    data = json.loads(to_json(extract(H24)))
    data["schema_version"] = "99.0"
    Path("future.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    expected = (
        "Error: future.json: dataset schema version 99.0, but this tool reads version 3.2; "
        "re-run `extract` on the packet with this version"
    )
    for args in (
        ["diff", "future.json", "future.json"],
        ["export", "future.json", "-f", "jsonl", "-o", "a.jsonl"],
        ["report", "future.json", "-o", "r.html"],
    ):
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, one_line(result.stderr)) == (1, expected), args
    assert not Path("a.jsonl").exists() and not Path("r.html").exists()
    # an earlier minor version is read (its warning codes are a subset of this one's);
    # a later one names what this tool cannot know
    for version, code in (("3.1", 0), ("3.0", 0), ("3.3", 1)):
        data["schema_version"] = version
        Path("other.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = CliRunner().invoke(main, ["diff", "other.json", "other.json"])
        assert result.exit_code == code, (version, result.stderr)


def test_contradictory_overrides_stop_the_run(work: Path) -> None:
    Path("links.toml").write_text(
        '[[force]]\nold = "活動拠点機能の充実"\nnew = "活動拠点機能の充実"\n'
        '[[force]]\nold = "活動拠点機能の充実"\nnew = "活動拠点機能の充実"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, [str(H23), str(H24)])
    assert result.exit_code == 1
    assert "the same pair is given twice" in one_line(result.stderr)
    untouched(work)


# --- stopping ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_stops_the_workers_at_once(tmp_path: Path) -> None:
    content = b"BT /F1 10 Tf 10 10 Td " + b"(x) Tj " * 1_500_000 + b"ET"
    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).write_bytes(raw_pdf(zlib.compress(content, 9), compressed=True))
    process = subprocess.Popen(
        [*EXTRACT, "a.pdf", "b.pdf", "-j", "2", "--page-seconds", "120", "--max-memory", "4096"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(3)  # the workers are busy on their pages
    assert process.poll() is None
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert time.monotonic() - started < 5
    assert process.returncode != 0
    # No worker of the run is left.
    left = subprocess.run(
        ["pgrep", "-s", str(process.pid)], capture_output=True, text=True, check=False
    )
    assert left.stdout.strip() == ""
    assert not (tmp_path / "normalized").exists() or not list((tmp_path / "normalized").iterdir())
