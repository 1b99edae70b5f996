"""Exports of a fresh extraction: counts and hand-read rows, SQLite keys, the Data Package
validated by frictionless, cells that would be formulas neutralised, all-or-nothing writes."""

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
from extractor.output import load_dataset, to_json
from extractor.years.crosswalk import Crosswalk
from tests.conftest import extract_from_root
from tests.packets import H23, H24


def own_keys(dataset: Dataset) -> dict[str, str]:
    """A single year's series are its own keys."""
    return {a.key or a.id: a.key or a.id for a in dataset.activities}


@pytest.fixture(scope="module")
def committed() -> Dataset:
    """h24 freshly extracted from raw/h24.txt."""
    return extract_from_root("raw/h24.txt")


@pytest.fixture(scope="module")
def h24_file(committed: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("h24") / "h24.json"
    path.write_text(to_json(committed), encoding="utf-8")
    return path


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
        "actuals": sum(len(t.actuals) for a in dataset.activities for t in a.targets),
        "city_efforts": sum(
            len(c.efforts) + len(c.results) + len(c.plans)
            for a in dataset.activities
            for c in a.city
        ),
    }


def test_h24_counts(committed: Dataset) -> None:
    # 54 activities, 56 targets and 50 dates, as the extraction summary reports them.
    found = counts(committed)
    assert (found["activities"], found["targets"], found["dates"]) == (54, 56, 50)


def test_city_efforts_rows_read_by_hand(committed: Dataset, tmp_path: Path) -> None:
    """h24 lines 41–42, 福祉教育推進指定校の設置: 社会課 (one effort, one result, one plan)
    and 学校教育課 on the row below (one result, one plan; the effort cell is merged)."""
    path = tmp_path / "data.db"
    export([committed], own_keys, "sqlite", path)
    db = sqlite3.connect(path)
    found = db.execute(
        "SELECT entry, department, part, position, text FROM city_efforts JOIN activities "
        "USING (fiscal_year, key) WHERE name = '福祉教育推進指定校の設置' ORDER BY entry, part, position"
    ).fetchall()
    assert found == [
        (1, "社会課", "efforts", 1, "福祉教育推進指定校の支援"),
        (
            1,
            "社会課",
            "plans",
            1,
            "福祉教育推進指定校へ補助金を交付し福祉教育活動を支援(市社協へ委託：種まきリーディング事業)",
        ),
        (
            1,
            "社会課",
            "results",
            1,
            "福祉教育推進指定校(6校)へ補助金を交付し福祉教育活動を支援(市社協へ委託：種まきリーディング事業)",
        ),
        (2, "学校教育課", "plans", 1, "福祉教育推進協力校への調整及び支援"),
        (2, "学校教育課", "results", 1, "福祉教育推進協力校への調整及び支援"),
    ]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv(committed: Dataset, tmp_path: Path) -> None:
    export([committed], own_keys, "csv", tmp_path)
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
    export([committed], own_keys, "jsonl", path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 54
    assert sum(len(r["targets"]) for r in records) == 56
    assert sum(len(r["dates"]) for r in records) == 50
    assert {r["fiscal_year"] for r in records} == {2012}


def test_sqlite_counts_and_keys(committed: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "data.db"
    export([committed], own_keys, "sqlite", path)
    db = sqlite3.connect(path)
    tables = {
        name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name in ("packets", "activities", "targets", "actuals", "city_efforts", "dates")
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


def series(folder: Path) -> Crosswalk:
    from extractor.years.crosswalk import load

    return load(folder / "crosswalk.json")


def test_sqlite_joins_years_on_the_key(two_years: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "data.db"
    export([load_dataset(p) for p in two_years], series(two_years[0].parent).series, "sqlite", path)
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
    export(datasets, series(two_years[0].parent).series, "datapackage", tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == [
        "packets",
        "activities",
        "targets",
        "actuals",
        "city_efforts",
        "dates",
    ]
    rows = {r["name"]: len(read_csv(tmp_path / r["path"])) for r in descriptor["resources"]}
    expected = {
        name: sum(counts(d)[name] for d in datasets)
        for name in ("activities", "targets", "actuals", "dates", "city_efforts")
    }
    assert rows == {"packets": 2, **expected}


def test_datapackage_catches_a_broken_key(committed: Dataset, tmp_path: Path) -> None:
    """The check can fail: a target whose activity is missing breaks the foreign key."""
    export([committed], own_keys, "datapackage", tmp_path)
    targets = tmp_path / "targets.csv"
    lines = targets.read_bytes().decode("utf-8").split("\r\n")
    fields = lines[1].split(",")
    fields[1] = "no-such-key"
    lines[1] = ",".join(fields)
    targets.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_one_packet_per_fiscal_year(h24_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["export", str(h24_file), str(h24_file), "-f", "sqlite", "-o", str(tmp_path / "x.db")],
    )
    assert result.exit_code == 1
    assert result.stderr.endswith("are both the FY2012 packet; give one dataset per fiscal year\n")
    assert not (tmp_path / "x.db").exists()


def test_export_command(h24_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(h24_file), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"wrote {out / 'activities.csv'}",
        f"wrote {out / 'targets.csv'}",
        f"wrote {out / 'actuals.csv'}",
        f"wrote {out / 'dates.csv'}",
    ]
