"""A later packet that adds columns the tool does not know: kept with each activity, one
warning per column, carried into the exports; refused with --strict."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.packets import h24_rows, join_rows

NEW_HEADERS = ("評価", "課題・今後の方向性")


def with_two_columns() -> str:
    """h24 with 評価 (A/B/C) and 課題・今後の方向性 after 実績 in every table with targets."""
    rows = h24_rows()
    grades = "ABC"
    in_table = False
    number = 0
    for row in rows:
        if "活動名" in row and "計画目標" in row:
            row.extend(NEW_HEADERS)
            in_table = True
            continue
        if in_table and len(row) > 1:
            if row[0].strip():  # a named activity row: give it a grade and a sentence
                row.extend([grades[number % 3], f"課題{number}について検討する。"])
                number += 1
            else:
                row.extend(["", ""])
            continue
        in_table = False
    return join_rows(rows)


@pytest.fixture
def packet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "h25.txt"
    path.write_text(with_two_columns(), encoding="utf-8")
    return path


def test_extra_columns_stay_with_their_activity(packet: Path) -> None:
    result = CliRunner().invoke(main, [str(packet.name), "-o", "out"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(Path("out/h25.json").read_text(encoding="utf-8"))
    first = data["activities"][0]
    # Line 21 is the first named row: grade A, sentence 課題0.
    assert first["name"] == "地域福祉活動の啓発推進による財源の確保"
    assert first["extra"] == {"評価": "A", "課題・今後の方向性": "課題0について検討する。"}
    second = data["activities"][1]
    assert second["extra"] == {"評価": "B", "課題・今後の方向性": "課題1について検討する。"}
    assert data["unmapped"] == []
    unknown = [w for w in data["warnings"] if w["code"] == "unknown_column"]
    # One warning per new column of the packet, naming every table it heads.
    tables = [t["line"] for t in data["tables"] if any(c["header"] == "評価" for c in t["columns"])]
    assert len(tables) == 15
    assert tuple(w["args"]["header"] for w in unknown) == NEW_HEADERS
    assert [w["args"]["count"] for w in unknown] == [15, 15]
    assert unknown[0]["args"]["places"] == ", ".join(map(str, tables))
    assert unknown[0]["message"].startswith(
        "column header '評価' is not one this tool knows (lines 19, 30, 38,"
    )


def test_extra_columns_reach_the_exports(packet: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, [str(packet.name), "-o", "out", "-q"]).exit_code == 0
    assert runner.invoke(main, ["export", "out/h25.json", "-f", "csv", "-o", "csv"]).exit_code == 0
    with open("csv/activities.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows[0]["extra"] == "評価: A\n課題・今後の方向性: 課題0について検討する。"
    assert (
        runner.invoke(main, ["export", "out/h25.json", "-f", "sqlite", "-o", "d.db"]).exit_code == 0
    )
    db = sqlite3.connect("d.db")
    (extra,) = db.execute("SELECT extra FROM activities WHERE id = '1.1.2'").fetchone()
    assert json.loads(extra) == {"評価": "B", "課題・今後の方向性": "課題1について検討する。"}
    grade = db.execute(
        "SELECT count(*) FROM activities WHERE json_extract(extra, '$.評価') = 'C'"
    ).fetchone()
    assert grade[0] > 10


def test_strict_refuses_them(packet: Path) -> None:
    result = CliRunner().invoke(main, [str(packet.name), "-o", "out", "--strict"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: h25.txt: line 19: column 15 header '評価' is not one this tool knows (--strict); "
        "without --strict its cells are kept with each activity under `extra`\n"
    )
    assert not Path("out").exists()
