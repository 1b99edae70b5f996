"""Cross-year identity in one place: a year's JSON does not depend on what was extracted
beside it; the crosswalk carries series through renames, uniquely; diff, report and export
agree on every pair; a crosswalk that no longer fits is refused."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from html import unescape
from pathlib import Path

import pytest

from extractor.errors import CrosswalkError
from extractor.models import Activity, Dataset
from extractor.normalize.keys import activity_key, unique_key
from extractor.output import load_dataset
from extractor.pipeline import extract
from extractor.years.crosswalk import Year, build, digest, load, pairs_between
from extractor.years.overrides import Overrides
from tests.conftest import run
from tests.packets import H23

TRUTH = json.loads(
    (Path(__file__).parent / "fixtures" / "h23-h24-links.json").read_text(encoding="utf-8")
)


@pytest.fixture
def workdir(workdir: Path) -> Path:
    """The working directory with raw/h23.txt beside raw/h24.txt."""
    shutil.copy(H23, workdir / "raw" / "h23.txt")
    return workdir


def test_a_years_json_is_the_same_however_it_was_extracted(workdir: Path) -> None:
    assert run("raw/h24.txt", "-o", "alone", "-q").exit_code == 0
    assert run("raw/h23.txt", "raw/h24.txt", "-o", "together", "-q").exit_code == 0
    assert run("raw/h23.txt", "-o", "earlier", "-q").exit_code == 0
    linked = run("raw/h24.txt", "-o", "later", "--link-to", "earlier/h23.json", "-q")
    assert linked.exit_code == 0, linked.stderr
    alone = (workdir / "alone" / "h24.json").read_bytes()
    assert (workdir / "together" / "h24.json").read_bytes() == alone
    assert (workdir / "later" / "h24.json").read_bytes() == alone
    assert not (workdir / "alone" / "crosswalk.json").exists()
    assert (workdir / "together" / "crosswalk.json").is_file()
    assert (workdir / "later" / "crosswalk.json").is_file()


def test_the_crosswalk_carries_series_through_renames(workdir: Path) -> None:
    result = run("raw/h24.txt", "raw/h23.txt")  # newest first: linked oldest first all the same
    assert result.exit_code == 0, result.stderr
    assert "linked raw/h23.txt → raw/h24.txt: 52 pairs (0 to review), 2 added, 2 not found" in (
        result.stderr
    )
    crosswalk = load(workdir / "normalized" / "crosswalk.json")
    assert [(y.fiscal_year, y.path, y.activities) for y in crosswalk.years] == [
        (2011, "h23.json", 54),
        (2012, "h24.json", 54),
    ]
    members = {(m.fiscal_year, m.name): m for m in crosswalk.members}
    old = members[(2011, "小地域見守り訪問活動の推進")]
    new = members[(2012, "友愛訪問活動促進事業の推進")]
    assert (new.series, new.previous, new.band) == (old.key, old.key, "sure")
    assert new.key != old.key  # the year's own key comes from its own name
    assert new.score == 81.5
    added = members[(2012, "福祉員の任期の統一")]
    assert (added.series, added.previous, added.score) == (added.key, None, None)
    for year in (2011, 2012):
        series = [m.series for m in crosswalk.members if m.fiscal_year == year]
        assert len(series) == len(set(series)) == 54


def activity(template: Activity, name: str, ident: str) -> Activity:
    return template.model_copy(update={"id": ident, "name": name, "key": None})


def unique_keys(activities: list[Activity]) -> list[Activity]:
    """Given activities, return them keyed as extraction keys them (the name's key, -2, -3…)."""
    seen: set[str] = set()
    return [a.model_copy(update={"key": unique_key(activity_key(a), seen)}) for a in activities]


def test_series_are_unique_with_suffixed_keys_carried_over(h24: Dataset) -> None:
    """Year A has two activities named 座談会の開催 (keys k and k-2). In B the first is renamed
    (it carries series k), the second keeps its name (series k-2), and a new activity takes
    the name again: its own key is k-2, which is taken, so its series is fresh."""
    t = h24.activities[0]

    def act(ident: str, name: str, description: str) -> Activity:
        update = {"id": ident, "name": name, "description": description, "key": None}
        return t.model_copy(update=update)

    talk = "地域の生活課題について住民が話し合う座談会を地区ごとに開催します。"
    visit = "ひとり暮らし高齢者の見守り訪問を行うグループの結成を支援します。"
    first = [act("1.1.1", "座談会の開催", talk), act("1.1.2", "座談会の開催", visit)]
    a = h24.model_copy(update={"activities": unique_keys(first)})
    second = [
        act("1.1.1", "地区座談会の開催", talk),
        act("1.1.2", "座談会の開催", visit),
        act("1.1.3", "座談会の開催", "防犯灯の設置費用の一部を補助します。"),
    ]
    b = h24.model_copy(
        update={
            "activities": unique_keys(second),
            "packet": h24.packet.model_copy(update={"fiscal_year": 2013}),
        }
    )
    k = a.activities[0].key
    assert [x.key for x in a.activities] == [k, f"{k}-2"]
    assert [x.key for x in b.activities][1:] == [k, f"{k}-2"]
    crosswalk, _ = build(
        [Year(a, Path("a.json"), digest("a")), Year(b, Path("b.json"), digest("b"))],
        Overrides(),
        Path("."),
    )
    later = [(m.name, m.key, m.series) for m in crosswalk.members if m.fiscal_year == 2013]
    assert later == [
        ("地区座談会の開催", b.activities[0].key, k),
        ("座談会の開催", k, f"{k}-2"),
        ("座談会の開催", f"{k}-2", f"{k}-3"),
    ]


def test_diff_report_and_export_agree_on_every_pair(workdir: Path) -> None:
    assert run("raw/h23.txt", "raw/h24.txt", "-q").exit_code == 0
    old_path, new_path = workdir / "normalized" / "h23.json", workdir / "normalized" / "h24.json"
    old, new = load_dataset(old_path), load_dataset(new_path)
    diff = json.loads(run("diff", str(old_path), str(new_path), "--json").stdout)
    from_diff = {(m["old"]["id"], m["new"]["id"]) for m in diff["matched"]}
    assert run("export", str(old_path), str(new_path), "-f", "sqlite", "-o", "d.db").exit_code == 0
    db = sqlite3.connect(workdir / "d.db")
    from_export = set(
        db.execute(
            "SELECT a.id, b.id FROM activities a JOIN activities b ON a.key = b.key "
            "WHERE a.fiscal_year = 2011 AND b.fiscal_year = 2012"
        ).fetchall()
    )
    assert run("report", str(old_path), str(new_path), "-o", "r.html").exit_code == 0
    html = unescape((workdir / "r.html").read_text(encoding="utf-8"))
    anchors = dict(re.findall(r'<article id="a-([^"]+)">\s*<h4>([^<]*)<', html))
    crosswalk = load(workdir / "normalized" / "crosswalk.json")
    old_series = {m.series: m.id for m in crosswalk.members if m.fiscal_year == 2011}
    new_series = {m.series: m.id for m in crosswalk.members if m.fiscal_year == 2012}
    assert len(anchors) == len(new.activities) == 54
    from_report = {(old_series[s], new_series[s]) for s in anchors if s in old_series}
    truth = {(o.id, n.id) for o in old.activities for n in new.activities if (o.name, n.name) in
             {tuple(pair) for pair in TRUTH["matched"]}}  # fmt: skip
    assert truth <= from_diff
    assert from_diff == from_export == from_report
    assert len(from_diff) == 52


def test_link_subcommand_and_a_stale_crosswalk(workdir: Path) -> None:
    assert run("raw/h23.txt", "-o", "out", "-q").exit_code == 0
    assert run("raw/h24.txt", "-o", "out", "-q", "--no-link").exit_code == 0
    assert not (workdir / "out" / "crosswalk.json").exists()
    linked = run("link", "out/h23.json", "out/h24.json")
    assert linked.exit_code == 0, linked.stderr
    assert linked.stderr.splitlines()[-1] == "wrote out/crosswalk.json"
    assert run("diff", "out/h23.json", "out/h24.json", "--exit-code").exit_code == 1
    # The h24 dataset changes after the crosswalk was built: refused, with what to do.
    data = json.loads((workdir / "out" / "h24.json").read_text(encoding="utf-8"))
    data["activities"] = data["activities"][:-1]
    (workdir / "out" / "h24.json").write_text(
        json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )
    stale = run("diff", "out/h23.json", "out/h24.json")
    assert (stale.exit_code, stale.stderr) == (
        1,
        "Error: out/crosswalk.json: was built from another FY2012 dataset than out/h24.json; "
        "rebuild it with `extract link` on the datasets\n",
    )
    # So is a links file changed since.
    assert run("link", "out/h23.json", "out/h24.json", "-q").exit_code == 0
    Path("links.toml").write_text(
        '[[forbid]]\nold = "活動拠点機能の充実"\nnew = "活動拠点機能の充実"\n', encoding="utf-8"
    )
    changed = run("report", "out/h23.json", "out/h24.json")
    assert changed.exit_code == 1
    assert changed.stderr.endswith(
        "out/crosswalk.json: the links file has changed since it was built; rebuild it with "
        "`extract link` on the datasets\n"
    )


def test_link_to_the_same_or_a_later_year_is_refused(workdir: Path) -> None:
    assert run("raw/h24.txt", "-o", "a", "-q").exit_code == 0
    result = run("raw/h23.txt", "-o", "b", "--link-to", "a/h24.json")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --link-to a/h24.json is the FY2012 packet, not earlier than b/h23.json "
        "(FY2011); link a new year to an earlier one\n"
    )
    assert not (workdir / "b").exists()
    same = run("raw/h24.txt", "-o", "c", "--link-to", "a/h24.json")
    assert same.exit_code == 1 and "is the FY2012 packet, not earlier than" in same.stderr


def test_overrides_naming_nothing_stop_the_run(workdir: Path) -> None:
    Path("links.toml").write_text('[[force]]\nold = "存在しない"\nnew = "活動拠点機能の充実"\n')
    result = run("raw/h23.txt", "raw/h24.txt", "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: [[force]] old = '存在しない', new = '活動拠点機能の充実': names no"
    )
    assert result.stderr.count("\n") == 1
    Path("links.toml").write_bytes("[[force]]\nold = '福祉'\n".encode("cp932"))
    bad = run("raw/h23.txt", "raw/h24.txt", "-q")
    assert (bad.exit_code, bad.stderr) == (
        1,
        "Error: links.toml: the links file is not UTF-8; save it as UTF-8 and try again\n",
    )
    Path("links.toml").unlink()
    Path("links.toml").mkdir()  # unreadable: a folder where the file should be
    folder = run("diff", "raw/h23.txt", "raw/h24.txt")
    assert folder.exit_code == 1 and folder.stderr.count("\n") == 1


def test_pairs_between_years_that_are_not_consecutive(h24: Dataset) -> None:
    h23 = extract(H23)
    h25 = h24.model_copy(
        update={
            "packet": h24.packet.model_copy(
                update={"fiscal_year": 2013, "report_fiscal_year": 2012}
            )
        }
    )
    years = [Year(d, Path(f"{n}.json"), digest(n)) for d, n in ((h23, "a"), (h24, "b"), (h25, "c"))]
    crosswalk, _ = build(years, Overrides(), Path("."))
    skipped = pairs_between(crosswalk, h23, h25)
    direct = pairs_between(crosswalk, h23, h24)
    assert [(x.old, x.new) for x in skipped.links] == [(x.old, x.new) for x in direct.links]
    assert (skipped.added, skipped.removed) == (direct.added, direct.removed)


def test_an_unreadable_crosswalk_is_one_line(workdir: Path) -> None:
    assert run("raw/h23.txt", "raw/h24.txt", "-q").exit_code == 0
    (workdir / "normalized" / "crosswalk.json").write_text("{}", encoding="utf-8")
    result = run("diff", "normalized/h23.json", "normalized/h24.json")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: normalized/crosswalk.json: not a crosswalk written by this tool; rebuild it "
        "with `extract link`\n",
    )
    with pytest.raises(CrosswalkError):
        load(workdir / "normalized" / "crosswalk.json")
