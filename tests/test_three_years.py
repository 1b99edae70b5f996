"""Three years of packets, as a committee keeps them: extracted into normalized/, then
linked, reported on, exported and compared through normalized/*.json; and the command
line's edges a reader meets (a mistyped command, a pipe closed early)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.packets import H23, ROOT, h24_text, shift_packet

LAMP = "防犯灯新設設置数 9529 10079 152\t\t—"  # h24: the actual given twice (152, and —)


@pytest.fixture
def three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """h23 (synthetic), h24 (the real packet) and h25 (h24 moved a year on, the lamps'
    actual now 10211, one reading only) extracted together into normalized/."""
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(H23, raw / "h23.txt")
    h24 = h24_text()
    assert LAMP in h24
    (raw / "h24.txt").write_text(h24, encoding="utf-8")
    h25 = shift_packet(h24, report_year=24, plan_start=21).replace(
        LAMP, "防犯灯新設設置数 9529 10079 10211\t\t"
    )
    (raw / "h25.txt").write_text(h25, encoding="utf-8")
    result = CliRunner().invoke(main, ["raw/h23.txt", "raw/h24.txt", "raw/h25.txt", "-q"])
    assert result.exit_code == 0, result.stderr
    return tmp_path


def datasets() -> list[str]:
    return sorted(str(p) for p in Path("normalized").glob("*.json"))


def test_three_years_link_report_and_export_through_the_folder(three: Path) -> None:
    assert [Path(p).name for p in datasets()] == [
        "crosswalk.json",
        "h23.json",
        "h24.json",
        "h25.json",
    ]
    runner = CliRunner()
    link = runner.invoke(main, ["link", *datasets()])
    assert link.exit_code == 0, link.stderr
    report = runner.invoke(main, ["report", *datasets(), "-o", "report.html"])
    assert report.exit_code == 0, report.stderr
    html = Path("report.html").read_text(encoding="utf-8")
    # h24's unplaced actual reaches the reader as written, marked 要確認
    lamp = html[html.index("防犯灯新設設置数") :]
    row = lamp[: lamp.index("</tr>")]
    assert "152" in row and "要確認" in row and "10,211" in row
    export = runner.invoke(main, ["export", *datasets(), "-f", "csv", "-o", "export", "-q"])
    assert export.exit_code == 0, export.stderr
    with open("export/actuals.csv", encoding="utf-8-sig", newline="") as stream:
        years = {row["fiscal_year"] for row in csv.DictReader(stream)}
    assert years == {"2011", "2012", "2013"}


def test_the_diff_names_the_lamps_whose_old_actual_is_to_check(three: Path) -> None:
    for language, heading, line in (
        ("ja", "要確認の数値（1）", "防犯灯新設設置数（防犯灯設置等補助事業の推進）: 152 | —"),
        (
            "en",
            "Figures to check (1)",
            "防犯灯新設設置数 (防犯灯設置等補助事業の推進): 152 | — (FY2011)",
        ),
    ):
        diff = CliRunner().invoke(
            main, ["diff", "normalized/h24.json", "normalized/h25.json", "--lang", language]
        )
        assert diff.exit_code == 0, diff.stderr
        section = diff.stdout[diff.stdout.index(heading) :].split("\n")
        assert section[1].strip().startswith(line), section[:3]
        assert "10,211" in section[1]


def test_a_mistyped_command_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["repot"])
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: no such command 'repot' — did you mean report?\n")


def test_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", '$EXTRACT "$PACKET" -o - | head -c 10 > /dev/null; echo "${PIPESTATUS[0]}"'],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "EXTRACT": f"{sys.executable} -m extractor",
            "PACKET": str(ROOT / "raw" / "h24.txt"),
        },
        timeout=60,
        check=False,
    )
    assert (done.stdout, done.stderr) == ("0\n", "")
