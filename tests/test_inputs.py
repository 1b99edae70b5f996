"""Files the tool reads besides packets: the crosswalk given among datasets (a glob takes it
too), and datasets, crosswalks and links files that are not what they should be — each
refused at once, in one line."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.packets import H23, H24


@pytest.fixture
def years(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """h23 and h24 extracted together into normalized/, crosswalk.json beside them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw").mkdir()
    shutil.copy(H23, tmp_path / "raw" / "h23.txt")
    shutil.copy(H24, tmp_path / "raw" / "h24.txt")
    assert CliRunner().invoke(main, ["raw/h23.txt", "raw/h24.txt", "-q"]).exit_code == 0
    assert (tmp_path / "normalized" / "crosswalk.json").is_file()
    return tmp_path


def glob() -> list[str]:
    return sorted(str(p) for p in Path("normalized").glob("*.json"))


def test_a_glob_that_takes_the_crosswalk_too_works(years: Path) -> None:
    runner = CliRunner()
    report = runner.invoke(main, ["report", *glob(), "-o", "report.html"])
    assert report.exit_code == 0, report.stderr
    assert report.stderr.splitlines()[0] == (
        "normalized/crosswalk.json: read as the crosswalk, not as a dataset"
    )
    export = runner.invoke(main, ["export", *glob(), "-f", "sqlite", "-o", "d.db", "-q"])
    assert export.exit_code == 0, export.stderr
    link = runner.invoke(main, ["link", *glob()])
    assert link.exit_code == 0, link.stderr
    assert "built again from the datasets" in link.stderr.splitlines()[0]


def test_a_crosswalk_where_a_dataset_goes_says_what_to_give(years: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "normalized/crosswalk.json", "normalized/h24.json"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: normalized/crosswalk.json: is the crosswalk of the datasets, not a dataset; "
    )
    japanese = CliRunner().invoke(
        main, ["diff", "normalized/crosswalk.json", "normalized/h24.json", "--lang", "ja"]
    )
    assert "データセットではなく年度対応表です" in japanese.stderr


def test_a_fifo_dataset_is_refused_at_once(years: Path) -> None:
    os.mkfifo("fifo.json")
    start = time.monotonic()
    result = CliRunner().invoke(main, ["diff", "fifo.json", "normalized/h24.json"])
    assert time.monotonic() - start < 1.0
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: fifo.json: is not a regular file (a pipe, socket or device); give the file "
        "itself\n",
    )


def test_a_device_dataset_is_refused_at_once(years: Path) -> None:
    start = time.monotonic()
    result = CliRunner().invoke(main, ["diff", "/dev/zero", "normalized/h24.json"])
    assert time.monotonic() - start < 1.0
    assert result.exit_code == 1 and "is not a regular file" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"schema_version": NaN}', "holds a number that is not finite (NaN)"),
        (b'{"schema_version": 1e999}', "holds a number that is not finite (1e999)"),
        (b"[" * 100_000 + b"]" * 100_000, "is nested too deeply"),
        (b"\xff\xfe", "is not UTF-8 JSON"),
    ],
)
def test_a_broken_dataset_is_one_line(years: Path, content: bytes, message: str) -> None:
    Path("bad.json").write_bytes(content)
    result = CliRunner().invoke(main, ["report", "bad.json", "-o", "r.html"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: bad.json: {message}")
    assert result.stderr.count("\n") == 1


def test_infinity_in_a_dataset_is_refused(years: Path) -> None:
    data = json.loads(Path("normalized/h24.json").read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False).replace('"value": 9529', '"value": Infinity', 1)
    Path("inf.json").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "inf.json", "-f", "csv", "-o", "out"])
    assert result.exit_code == 1
    assert "holds a number that is not finite (Infinity)" in result.stderr


def test_a_deep_or_special_links_file_is_one_line(years: Path) -> None:
    Path("deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    deep = CliRunner().invoke(main, ["link", *glob(), "--links", "deep.toml"])
    assert deep.exit_code == 1 and deep.stderr.count("\n") == 1
    assert "deep.toml: " in deep.stderr
    os.mkfifo("links.fifo")
    fifo = CliRunner().invoke(main, ["link", *glob(), "--links", "links.fifo"])
    assert fifo.exit_code == 1 and "is not a regular file" in fifo.stderr


def tamper(change: str) -> None:
    """Edit normalized/crosswalk.json as a careless hand or a hostile file might."""
    path = Path("normalized/crosswalk.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    members = [m for m in data["members"] if m["fiscal_year"] == 2012]
    if change == "dropped":
        data["members"].remove(members[0])
    elif change == "twice":
        data["members"].append(dict(members[0]))
    elif change == "one series":
        members[1]["series"] = members[0]["series"]
    elif change == "one previous":
        members[1]["previous"] = members[0]["previous"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("change", ["dropped", "twice", "one series", "one previous"])
def test_a_tampered_crosswalk_is_refused_in_one_line(years: Path, change: str) -> None:
    tamper(change)
    for command in (["diff"], ["report", "-o", "r.html"], ["export", "-f", "csv", "-o", "out"]):
        result = CliRunner().invoke(main, [*command, "normalized/h23.json", "normalized/h24.json"])
        assert result.exit_code == 1, (command, result.stderr)
        assert result.stderr == (
            "Error: normalized/crosswalk.json: its members of FY2012 are not the activities of "
            "normalized/h24.json, each once with a series of its own; rebuild it with `extract "
            "link` on the datasets\n"
        )
    assert not Path("r.html").exists() and not Path("out").exists()
    rebuilt = CliRunner().invoke(main, ["link", "normalized/h23.json", "normalized/h24.json"])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert CliRunner().invoke(main, ["diff", *glob()[1:]]).exit_code == 0


def test_a_crosswalk_naming_a_file_outside_its_folder_is_not_followed(years: Path) -> None:
    """Extracting into a folder links the new years with the datasets its crosswalk names in
    that folder only: a path leading out of it is never read."""
    Path("elsewhere").mkdir()
    shutil.move("normalized/h23.json", "elsewhere/h23.json")
    other = json.loads(Path("elsewhere/h23.json").read_text(encoding="utf-8"))
    other["activities"][0]["name"] = "ほかの場所の活動"
    Path("elsewhere/h23.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    path = Path("normalized/crosswalk.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["years"][0]["path"] = "../elsewhere/h23.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["raw/h24.txt", "-q"])
    assert result.exit_code == 0, result.stderr
    # h24 alone makes no crosswalk, so the old one is left as it was, not rebuilt from
    # ../elsewhere/h23.json
    assert json.loads(path.read_text(encoding="utf-8")) == data


def test_a_year_against_itself_links_each_activity_to_itself(years: Path) -> None:
    shutil.copy("normalized/h24.json", "copy.json")
    result = CliRunner().invoke(main, ["diff", "normalized/h24.json", "copy.json", "--json"])
    assert result.exit_code == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["summary"]["added"] == diff["summary"]["removed"] == 0
    assert diff["summary"]["renamed"] == 0
