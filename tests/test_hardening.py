"""Bad input gets one clear line and touches nothing; normalizers and the table stage hold
up under random input; interrupted runs leave no partial output; nothing uses the network."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from extractor.cli import main
from extractor.errors import (
    ExtractorError,
    InputTooLargeError,
    MalformedPacketError,
    NotAPacketError,
    UnreadableInputError,
)
from extractor.normalize.dates import DateContext, find_dates
from extractor.normalize.figures import read_cell
from extractor.pipeline import extract
from extractor.settings import ExtractSettings
from tests.packets import ROOT, h24_rows, h24_text, join_rows, write_packet
from tests.test_invariants import missing_cells

# --- the bad-input matrix --------------------------------------------------------------------


def rows_with(change: Any) -> str:
    rows = h24_rows()
    change(rows)
    return join_rows(rows)


def cut_mid_row() -> bytes:
    # Cut after the sixth cell of line 100 (ファミリー・サポート・センター事業の推進).
    lines = h24_text().split("\n")
    return ("\n".join(lines[:99]) + "\n" + "\t".join(lines[99].split("\t")[:6])).encode()


def no_headers(rows: list[list[str]]) -> None:
    for row in rows:
        if "活動名" in row or row[0] == "実施内容":
            row[:] = [""]


def unknown_column(rows: list[list[str]]) -> None:
    for index in range(18, 26):  # the first table: header, 21/25, six activities
        rows[index].append("備考" if index == 18 else "")


def long_cell(rows: list[list[str]]) -> None:
    rows[21][1] = "あ" * 100_000


def mixed_encodings() -> bytes:
    lines = h24_text().replace("—", "―").replace("鷗", "鴎").split("\n")
    encoded = [
        line.encode("utf-8" if number == 22 else "cp932") for number, line in enumerate(lines, 1)
    ]
    return b"\n".join(encoded)


MATRIX = [
    ("cut off mid-table", cut_mid_row, [],
     "the file ends mid-table: line 100 has 6 of 14 cells; it looks cut off, so export or copy it again"),
    ("header rows missing", lambda: rows_with(no_headers).encode(), [],
     "not a committee packet: no header row with an activity-name column in its 169 lines; is this the right file?"),
    ("unknown column, --strict", lambda: rows_with(unknown_column).encode(), ["--strict"],
     "line 19: column 15 header '備考' is not one this tool knows (--strict); without --strict "
     "its cells are kept with each activity under `extra`"),
    ("a row with a cell more", lambda: rows_with(lambda r: r[21].append("")).encode(), [],
     "line 22 has 15 cells but its table's header (line 19) has 14; a cell may hold an unquoted "
     "tab or line break: fix the export and try again"),
    ("a row with a cell fewer", lambda: rows_with(lambda r: r[21].pop()).encode(), [],
     "line 22 has 13 cells but its table's header (line 19) has 14; a cell may hold an unquoted "
     "tab or line break: fix the export and try again"),
    ("a cell of 100,000 characters", lambda: rows_with(long_cell).encode(), [],
     "line 22, column 2: a cell of 100,000 characters is over the 20,000-character limit; is this "
     "the right file? Raise the limit with --max-cell-chars"),
    ("mixed encodings", mixed_encodings, [],
     "mixed encodings: line 22 is UTF-8 but the rest of the file is cp932; re-save the whole file in one encoding"),
    ("over the size limit", lambda: h24_text().encode(), ["--max-bytes", "1000"],
     "79,712 bytes is over the 1,000-byte limit; raise it with --max-bytes if the file is right"),
]  # fmt: skip


# What each case raises to a library caller, with the settings its options stand for.
KINDS: dict[str, tuple[type[ExtractorError], dict[str, Any]]] = {
    "cut off mid-table": (MalformedPacketError, {}),
    "header rows missing": (NotAPacketError, {}),
    "unknown column, --strict": (MalformedPacketError, {"strict": True}),
    "a row with a cell more": (MalformedPacketError, {}),
    "a row with a cell fewer": (MalformedPacketError, {}),
    "a cell of 100,000 characters": (InputTooLargeError, {}),
    "mixed encodings": (UnreadableInputError, {}),
    "over the size limit": (InputTooLargeError, {"max_input_bytes": 1000}),
}


@pytest.mark.slow
@pytest.mark.parametrize(("case", "make", "options", "message"), MATRIX, ids=[m[0] for m in MATRIX])
def test_bad_input_raises_its_own_kind(
    tmp_path: Path, case: str, make: Any, options: list[str], message: str
) -> None:
    kind, settings = KINDS[case]
    path = tmp_path / "bad.txt"
    path.write_bytes(make())
    with pytest.raises(kind) as caught:
        extract(path, ExtractSettings(**settings))
    assert type(caught.value) is kind
    assert str(caught.value).endswith(message)


@pytest.mark.parametrize(("case", "make", "options", "message"), MATRIX, ids=[m[0] for m in MATRIX])
def test_bad_input(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    make: Any,
    options: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.txt").write_bytes(make())
    Path("normalized").mkdir()
    Path("normalized/bad.json").write_text("an older output that must survive")
    result = CliRunner().invoke(main, ["bad.txt", *options])
    assert result.exit_code == 1, case
    assert result.stderr == f"Error: bad.txt: {message}\n"
    assert sorted(os.listdir("normalized")) == ["bad.json"]
    assert Path("normalized/bad.json").read_text() == "an older output that must survive"


def test_the_limits_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("long.txt").write_text(rows_with(long_cell), encoding="utf-8")
    Path("extra.txt").write_text(rows_with(unknown_column), encoding="utf-8")
    result = CliRunner().invoke(main, ["long.txt", "--max-cell-chars", "200000", "-q"])
    assert result.exit_code == 0, result.stderr
    result = CliRunner().invoke(main, ["extra.txt"])
    assert result.exit_code == 0, result.stderr
    assert "column header '備考' is not one this tool knows (line 19)" in result.stderr


# --- property tests ---------------------------------------------------------------------------

DATE_ALPHABET = "0123456789０１２３４５６７８９平成令和昭和元年度月日HRS.~〜・、()（）月火水木金土日から 　第回期"


@given(st.text(alphabet=DATE_ALPHABET, max_size=60), st.one_of(st.none(), st.integers(1989, 2030)))
def test_dates_never_crash_and_keep_their_raw_text(text: str, fiscal_year: int | None) -> None:
    for found in find_dates(text, DateContext(fiscal_year, "平成")):
        assert text[found.start : found.end_index] == found.raw
        if found.date and found.end:
            assert found.date <= found.end
        assert found.precision in ("day", "month", "year", "fiscal_year")


NUMBER_ALPHABET = "0123456789０１２３４５６７８９,.%回校件人団体—―－ 計画数/年随時実施"


@given(st.text(alphabet=NUMBER_ALPHABET, max_size=40))
def test_target_cells_never_crash_and_keep_their_raw_text(text: str) -> None:
    reading = read_cell(text, ExtractSettings())
    for value in reading.values:
        assert value.raw in text
        assert value.number == value.number  # not NaN


def continuation_runs(rows: list[list[str]]) -> list[tuple[int, int]]:
    """Index ranges of rows that continue the named row above (empty 活動名)."""
    runs, start = [], None
    for index, row in enumerate(rows):
        is_continuation = len(row) > 3 and not row[0].strip() and any(c.strip() for c in row[1:])
        if is_continuation and start is None:
            start = index
        elif not is_continuation and start is not None:
            runs.append((start, index))
            start = None
    return runs


@given(
    st.randoms(use_true_random=False),
    st.lists(st.tuples(st.integers(0, 168), st.integers(0, 14)), max_size=12),
    st.lists(st.integers(0, 15), max_size=2),
)
def test_rearranged_rows_never_crash_nor_lose_a_cell(
    rng: random.Random, blanks: list[tuple[int, int]], widened: list[int]
) -> None:
    """Shuffle continuation rows, blank out cells, add a trailing column to whole tables:
    the result is a dataset in which every remaining cell lands somewhere."""
    rows = h24_rows()
    for start, end in continuation_runs(rows):
        block = rows[start:end]
        rng.shuffle(block)
        rows[start:end] = block
    for line, column in blanks:
        if column < len(rows[line]):
            rows[line][column] = ""
    headers = [i for i, row in enumerate(rows) if "活動名" in row or row[0] == "実施内容"]
    for choice in widened:
        first = headers[choice % len(headers)]
        last = next((h for h in headers if h > first), len(rows))
        for index in range(first, last):
            if len(rows[index]) > 1:
                rows[index].append(rng.choice(["", "", "メモ", "1回"]) if index > first + 1 else "")
    text = join_rows(rows)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"rearranged-{os.getpid()}.txt"
    path.write_text(text, encoding="utf-8")
    try:
        dataset = extract(path, ExtractSettings(strict=False))
    except ExtractorError as exc:  # only a packet with no header left at all may be refused
        assert "no 活動名 header row" in str(exc)
        return
    finally:
        path.unlink()
    assert missing_cells(text, dataset) == []
    coverage = dataset.coverage
    assert sum(coverage.by_destination.values()) == coverage.cells
    assert coverage.unmapped == len(dataset.unmapped)
    unmapped_lines = {cell.line for cell in dataset.unmapped}
    warned_lines = {w.line for w in dataset.warnings}
    assert unmapped_lines <= warned_lines


# --- interrupted runs -------------------------------------------------------------------------

SLOW_WRITE = """
import os, sys, time
os.fsync = lambda fd: time.sleep(60)  # hold the run between writing and renaming
from extractor.cli import main
main(sys.argv[1:])
"""


def _start_slow_extract(out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(ROOT / "raw" / "h24.txt"), "-o", str(out), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_temporary(out: Path, process: subprocess.Popen[bytes]) -> list[Path]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = list(out.glob(".h24.json.*.tmp"))
        if found and found[0].stat().st_size > 0:
            return found
        assert process.poll() is None, "the run ended before writing"
        time.sleep(0.05)
    raise AssertionError("no temporary file appeared")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_run_leaves_no_output(tmp_path: Path, signum: int) -> None:
    process = _start_slow_extract(tmp_path)
    _wait_for_temporary(tmp_path, process)
    process.send_signal(signum)
    process.wait(timeout=30)
    assert process.returncode != 0
    assert list(tmp_path.iterdir()) == []  # neither h24.json nor its temporary file


@pytest.mark.slow
def test_a_killed_run_leaves_no_partial_output(tmp_path: Path) -> None:
    (tmp_path / "h24.json").write_text("the previous, complete output")
    process = _start_slow_extract(tmp_path)
    _wait_for_temporary(tmp_path, process)
    process.kill()
    process.wait(timeout=30)
    # The output is the previous one, whole; only the hidden temporary file is left…
    assert (tmp_path / "h24.json").read_text() == "the previous, complete output"
    assert len(list(tmp_path.glob(".h24.json.*.tmp"))) == 1
    # …and the next run clears it away.
    assert (
        CliRunner()
        .invoke(main, [str(ROOT / "raw" / "h24.txt"), "-o", str(tmp_path), "-q"])
        .exit_code
        == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h24.json"]


# --- no network -------------------------------------------------------------------------------


@pytest.mark.slow
def test_nothing_uses_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    old = tmp_path / "h23.txt"
    write_packet(
        old, (ROOT / "tests" / "fixtures" / "h23-synthetic.txt").read_text(encoding="utf-8")
    )
    runner = CliRunner()
    assert (
        runner.invoke(
            main, [str(old), str(ROOT / "raw" / "h24.txt"), "-o", str(tmp_path), "-q", "-j", "1"]
        ).exit_code
        == 0
    )
    outputs = [str(tmp_path / "h23.json"), str(tmp_path / "h24.json")]
    assert runner.invoke(main, ["diff", *outputs]).exit_code == 0
    assert (
        runner.invoke(
            main, ["export", *outputs, "-f", "sqlite", "-o", str(tmp_path / "d.db")]
        ).exit_code
        == 0
    )
    assert runner.invoke(main, ["report", *outputs, "-o", str(tmp_path / "r.html")]).exit_code == 0
