"""Exports round-trip the counts of normalized/h24.json; SQLite keys hold; the Data Package
validates with frictionless."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from frictionless import validate

from extractor.cli import main
from extractor.export import export
from extractor.models import Dataset
from extractor.output import load_dataset
from tests.packets import H23, H24, ROOT

COMMITTED = ROOT / "normalized" / "h24.json"


@pytest.fixture(scope="module")
def committed() -> Dataset:
    return load_dataset(COMMITTED)


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """h23 (synthetic) and h24 extracted together, so their keys are linked."""
    folder = tmp_path_factory.mktemp("years")
    result = CliRunner().invoke(main, [str(H23), str(H24), "-o", str(folder), "-q"])
    assert result.exit_code == 0, result.stderr
    return [folder / "h23-synthetic.json", folder / "h24.json"]


def counts(dataset: Dataset) -> dict[str, int]:
    """What a person counts in the dataset: activities, targets, dates, city items."""
    return {
        "activities": len(dataset.activities),
        "targets": sum(len(a.targets) for a in dataset.activities),
        "dates": sum(len(a.dates) for a in dataset.activities),
        "city_efforts": sum(
            len(c.efforts) + len(c.results) + len(c.plans)
            for a in dataset.activities
            for c in a.city
        ),
    }


def test_h24_counts(committed: Dataset) -> None:
    # 54 activities, 56 targets and 50 dates, as the extraction summary reports them.
    assert counts(committed) == {
        "activities": 54,
        "targets": 56,
        "dates": 50,
        "city_efforts": counts(committed)["city_efforts"],
    }
    assert counts(committed)["city_efforts"] > 54


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv(committed: Dataset, tmp_path: Path) -> None:
    export([committed], "csv", tmp_path)
    assert (tmp_path / "activities.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    activities = read_csv(tmp_path / "activities.csv")
    targets = read_csv(tmp_path / "targets.csv")
    assert (len(activities), len(targets)) == (54, 56)
    assert list(activities[0])[:8] == [
        "fiscal_year",
        "key",
        "id",
        "basic_goal",
        "basic_goal_title",
        "activity_goal",
        "activity_goal_title",
        "name",
    ]
    first = next(t for t in targets if t["label"] == "交流会開催回数/年")
    assert (first["name"], first["plan_value"], first["target_value"], first["actual_value"], first["unit"]) == (
        "ボランティア活動団体の交流促進や効果的な情報発信", "1", "2", "1", "回"
    )  # fmt: skip
    # Lists become one item per line in a cell.
    assert activities[1]["council_efforts"].split("\n")[0] == "活動団体の支援"


def test_jsonl(committed: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    export([committed], "jsonl", path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 54
    assert sum(len(r["targets"]) for r in records) == 56
    assert sum(len(r["dates"]) for r in records) == 50
    assert {r["fiscal_year"] for r in records} == {2012}


def test_sqlite_counts_and_keys(committed: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "data.db"
    export([committed], "sqlite", path)
    db = sqlite3.connect(path)
    tables = {
        name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name in ("packets", "activities", "targets", "city_efforts", "dates")
    }
    assert tables == {"packets": 1, **counts(committed)}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    foreign = db.execute("PRAGMA foreign_key_list(targets)").fetchall()
    assert {(row[2], row[3], row[4]) for row in foreign} == {
        ("activities", "fiscal_year", "fiscal_year"),
        ("activities", "key", "key"),
    }
    value = db.execute(
        "SELECT actual_value FROM targets JOIN activities USING (fiscal_year, key) WHERE name = '活動拠点機能の充実'"
    ).fetchone()
    assert value == (188.0,)


def test_sqlite_joins_years_on_the_key(two_years: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "data.db"
    export([load_dataset(p) for p in two_years], "sqlite", path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT fiscal_year, activities FROM packets ORDER BY 1").fetchall() == [
        (2011, 54),
        (2012, 54),
    ]
    renamed = db.execute(
        "SELECT a.name, b.name FROM activities a JOIN activities b ON a.key = b.key "
        "AND a.fiscal_year = 2011 AND b.fiscal_year = 2012 WHERE a.name <> b.name ORDER BY b.id"
    ).fetchall()
    assert ("小地域見守り訪問活動の推進", "友愛訪問活動促進事業の推進") in renamed
    assert len(renamed) == 9
    both = db.execute(
        "SELECT count(*) FROM activities a JOIN activities b USING (key) WHERE a.fiscal_year = 2011 AND b.fiscal_year = 2012"
    ).fetchone()
    assert both == (52,)


def test_datapackage_validates(two_years: list[Path], tmp_path: Path) -> None:
    datasets = [load_dataset(p) for p in two_years]
    export(datasets, "datapackage", tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == [
        "packets",
        "activities",
        "targets",
        "city_efforts",
        "dates",
    ]
    rows = {r["name"]: len(read_csv(tmp_path / r["path"])) for r in descriptor["resources"]}
    expected = {
        name: sum(counts(d)[name] for d in datasets)
        for name in ("activities", "targets", "dates", "city_efforts")
    }
    assert rows == {"packets": 2, **expected}


def test_datapackage_catches_a_broken_key(committed: Dataset, tmp_path: Path) -> None:
    """The check can fail: a target whose activity is missing breaks the foreign key."""
    export([committed], "datapackage", tmp_path)
    targets = tmp_path / "targets.csv"
    lines = targets.read_bytes().decode("utf-8").split("\r\n")
    fields = lines[1].split(",")
    fields[1] = "no-such-key"
    lines[1] = ",".join(fields)
    targets.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_one_packet_per_fiscal_year(committed: Dataset, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["export", str(COMMITTED), str(COMMITTED), "-f", "sqlite", "-o", str(tmp_path / "x.db")],
    )
    assert result.exit_code == 1
    assert "are both the FY2012 packet; export one dataset per fiscal year" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_export_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(COMMITTED), "-f", "csv", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"wrote {tmp_path / 'activities.csv'}",
        f"wrote {tmp_path / 'targets.csv'}",
        f"wrote {tmp_path / 'dates.csv'}",
    ]
