"""Linking years: the h23↔h24 truth file, each kind of rename, overrides, keys, the diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.models import Activity, Dataset, Goal
from extractor.pipeline import extract
from extractor.years.diff import diff_datasets, render_text
from extractor.years.link import (
    Overrides,
    Pair,
    carry_keys,
    link,
    link_years,
    load_overrides,
    match_form,
)
from tests.packets import H23, H24

TRUTH = json.loads(
    (Path(__file__).parent / "fixtures" / "h23-h24-links.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def years() -> tuple[Dataset, Dataset]:
    return extract(H23), extract(H24)


def names(
    old: Dataset, new: Dataset, overrides: Overrides | None = None
) -> tuple[set[tuple[str | None, str | None]], list[str | None], list[str | None]]:
    linkage = link(old, new, overrides)
    pairs = {(old.activities[x.old].name, new.activities[x.new].name) for x in linkage.links}
    added = [new.activities[j].name for j in linkage.added]
    removed = [old.activities[i].name for i in linkage.removed]
    return pairs, added, removed


def test_h23_h24_links_match_the_truth_file(years: tuple[Dataset, Dataset]) -> None:
    pairs, added, removed = names(*years)
    truth = {(old, new) for old, new in TRUTH["matched"]}
    assert truth <= pairs  # every true pair found
    assert pairs - truth == {(None, None)}  # the only other pair: the unnamed 活動目標7 record
    assert sorted(added) == sorted(TRUTH["added"])
    assert sorted(removed) == sorted(TRUTH["removed"])


def test_scores_and_bands(years: tuple[Dataset, Dataset]) -> None:
    old, new = years
    linkage = link(old, new)
    by_name = {new.activities[x.new].name: x for x in linkage.links}
    assert by_name["活動拠点機能の充実"].score == 100.0
    assert by_name["友愛訪問活動促進事業の推進"].band == "sure"  # renamed, same description
    assert all(x.band == "sure" for x in linkage.links)


# --- each kind of rename, on small made-up years ------------------------------------------


def activity(
    template: Activity,
    name: str,
    description: str,
    goal: tuple[int, int] = (1, 1),
    status: str = "continuing",
) -> Activity:
    return template.model_copy(
        update={
            "name": name,
            "name_raw": name,
            "status": status,
            "description": description,
            "basic_goal": Goal(number=goal[0], title=f"基本目標{goal[0]}"),
            "activity_goal": Goal(number=goal[1], title=f"活動目標{goal[1]}"),
            "departments": [],
            "targets": [],
            "key": None,
        }
    )


def year(template: Dataset, *activities: Activity) -> Dataset:
    return template.model_copy(update={"activities": list(activities)})


@pytest.fixture(scope="module")
def base(years: tuple[Dataset, Dataset]) -> Dataset:
    return years[1]


OTHER = ("防犯灯設置等補助事業の推進", "自治会等が行う防犯灯の新設、修繕の経費の一部を補助します。")


@pytest.mark.parametrize(
    ("old_name", "new_name", "old_description", "new_description"),
    [
        # 表記揺れ 障がい / 障害, with the description changed the same way.
        (
            "障がい者の社会参加の推進",
            "障害者の社会参加の推進",
            "障がいのある人の社会参加を支援します。",
            "障害のある人の社会参加を支援します。",
        ),
        # 取組 / 取り組み.
        (
            "職員の資質向上のための取組",
            "職員の資質向上のための取り組み",
            "研修会を行います。",
            "勉強会や研修会を行います。",
        ),
        # こども / 子供 / 子ども.
        (
            "こどもの見守り活動の推進",
            "子どもの見守り活動の推進",
            "登下校時の見守りを進めます。",
            "登下校時の見守り活動を進めます。",
        ),
        # Reordered wording.
        (
            "生活支援事業の充実強化",
            "生活支援事業の強化充実",
            "判断能力が低下している人の生活を支援します。",
            "判断能力が低下した人の生活を支援します。",
        ),
        # Shortened, with ひきこもり / 引きこもり.
        (
            "ひきこもりの方へのボランティア養成講座の開催",
            "引きこもりの方へのボランティア養成講座",
            "ボランティアの養成を関係機関が連携して行います。",
            "ボランティアの養成を関係機関が連携して行います。",
        ),
        # Wrapped in a broader name.
        (
            "福祉の輪づくり運動推進者研修会の開催",
            "地域福祉活動(福祉の輪づくり運動推進者研修会の開催)",
            "推進者研修会を開催します。",
            "推進者研修会を開催します。",
        ),
        # Renamed outright; the description tells.
        (
            "小地域見守り訪問活動の推進",
            "友愛訪問活動促進事業の推進",
            "見守り訪問グループを結成し、ひとり暮らし高齢者等へ見守り訪問活動を行います。",
            "見守り訪問グループを結成し、ひとり暮らし高齢者等へ見守り訪問活動を行います。",
        ),
    ],
)
def test_renames_are_linked(
    base: Dataset, old_name: str, new_name: str, old_description: str, new_description: str
) -> None:
    template = base.activities[0]
    old = year(base, activity(template, old_name, old_description), activity(template, *OTHER))
    new = year(base, activity(template, *OTHER), activity(template, new_name, new_description))
    pairs, added, removed = names(old, new)
    assert pairs == {(old_name, new_name), (OTHER[0], OTHER[0])}
    assert (added, removed) == ([], [])


def test_sudachi_folds_spelling_variants() -> None:
    assert match_form("障がい者支援") == match_form("障害者支援")
    assert match_form("地域の取組") == match_form("地域の取り組み")
    assert match_form("ファミリー・サポート・センター (継続活動)") == match_form(
        "ファミリーサポートセンター"
    )


def test_status_change_and_move_are_linked_and_reported(base: Dataset) -> None:
    template = base.activities[0]
    old = year(
        base,
        activity(
            template,
            "福祉員の任期の統一",
            "福祉員任期の統一を目指します。",
            goal=(2, 6),
            status="new",
        ),
    )
    new = year(
        base,
        activity(
            template,
            "福祉員の任期の統一",
            "福祉員任期の統一を目指します。",
            goal=(2, 5),
            status="continuing",
        ),
    )
    result = diff_datasets(old, new)
    (match,) = result.matched
    fields = {c.field: (c.old, c.new) for c in match.changes}
    assert fields["status"] == ("new", "continuing")
    assert fields["goal"][0]["activity_goal"] == 6 and fields["goal"][1]["activity_goal"] == 5
    text = render_text(result)
    assert "Moved to another goal (1)" in text and "新規 → 継続" in text


def test_different_activities_with_similar_names_are_not_paired(base: Dataset) -> None:
    template = base.activities[0]
    old = year(
        base,
        activity(
            template,
            "福祉員の活動強化及び周知啓発",
            "福祉員活動ガイドブックを作成し、資質の向上を進めます。",
        ),
    )
    new = year(
        base,
        activity(
            template,
            "民生委員・児童委員の活動強化及び周知啓発",
            "民児協専門部会の研修を充実させ、活動をPRします。",
        ),
    )
    pairs, added, removed = names(old, new)
    assert pairs == set()
    assert (added, removed) == (
        ["民生委員・児童委員の活動強化及び周知啓発"],
        ["福祉員の活動強化及び周知啓発"],
    )


def test_similar_names_pair_with_their_own_partners(years: tuple[Dataset, Dataset]) -> None:
    """Both 活動強化及び周知啓発 activities exist in both years: each keeps its own partner."""
    pairs, _, _ = names(*years)
    assert ("福祉員の活動強化及び周知啓発", "福祉員の活動強化及び周知啓発") in pairs
    assert (
        "民生委員・児童委員の活動強化及び周知啓発",
        "民生委員・児童委員の活動強化及び周知啓発",
    ) in pairs


def test_overrides_force_and_forbid(years: tuple[Dataset, Dataset], tmp_path: Path) -> None:
    path = tmp_path / "links.toml"
    path.write_text(
        '[[force]]\nold = "ボランティアセンターの機能強化"\nnew = "福祉教育情報交換会の開催"\n\n'
        '[[forbid]]\nold = "小地域見守り訪問活動の推進"\nnew = "友愛訪問活動促進事業の推進"\n',
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert overrides.force == [
        Pair(old="ボランティアセンターの機能強化", new="福祉教育情報交換会の開催")
    ]
    linkage = link(*years, overrides)
    old, new = years
    forced = [x for x in linkage.links if x.band == "forced"]
    assert [(old.activities[x.old].name, new.activities[x.new].name) for x in forced] == [
        ("ボランティアセンターの機能強化", "福祉教育情報交換会の開催")
    ]
    linked_new = {new.activities[x.new].name for x in linkage.links}
    assert "友愛訪問活動促進事業の推進" not in linked_new
    assert "友愛訪問活動促進事業の推進" in [new.activities[j].name for j in linkage.added]


def test_bad_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "links.toml"
    path.write_text('[[force]]\nold = "a"\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"links.toml: force.0.new: Field required"):
        load_overrides(path)


def test_keys_are_carried_across_years(years: tuple[Dataset, Dataset]) -> None:
    old, new = years
    (keyed_old, keyed_new), steps = link_years([old, new])
    assert len(steps) == 1
    old_keys = {a.name: a.key for a in keyed_old.activities}
    new_keys = {a.name: a.key for a in keyed_new.activities}
    assert new_keys["友愛訪問活動促進事業の推進"] == old_keys["小地域見守り訪問活動の推進"]
    assert new_keys["活動拠点機能の充実"] == old_keys["活動拠点機能の充実"]
    assert new_keys["福祉員の任期の統一"] not in old_keys.values()
    assert len(set(new_keys.values())) == len(keyed_new.activities)
    # Without linking, a renamed activity's key comes from its own name, so it differs.
    assert (
        new.activities[[a.name for a in new.activities].index("友愛訪問活動促進事業の推進")].key
        != new_keys["友愛訪問活動促進事業の推進"]
    )
    assert carry_keys(keyed_old, keyed_new, steps[0][2]) == keyed_new


def test_diff_of_h23_and_h24(years: tuple[Dataset, Dataset]) -> None:
    result = diff_datasets(*years)
    s = result.summary
    assert (s.matched, s.renamed, s.added, s.removed, s.review) == (52, 9, 2, 2, 0)
    center = next(m for m in result.matched if m.new.name == "活動拠点機能の充実")
    (actual,) = [c for c in center.changes if c.field == "actual"]
    assert (actual.old["value"], actual.new["value"]) == (142, 188)
    assert actual.progress is not None
    # plan 131 (FY2009) → target 155 (FY2013); 188 is (188-131)/(155-131) = 2.375 of the way.
    assert (
        actual.progress.new_share,
        actual.progress.expected_share,
        actual.progress.on_track,
    ) == (2.375, 0.5, True)
    text = render_text(result)
    assert "Renamed (9)" in text
    assert "  小地域見守り訪問活動の推進 → 友愛訪問活動促進事業の推進" in text
    assert "  + 福祉員の任期の統一" in text and "  - 福祉有償運送の推進" in text
    assert (
        "交流会開催回数/年 (ボランティア活動団体の交流促進や効果的な情報発信): 2回 (FY2010) → 1回 (FY2011)"
        in text
    )


# --- the command line ----------------------------------------------------------------------


def test_extract_several_years_links_them(tmp_path: Path) -> None:
    # Given newest first: linking still runs oldest to newest.
    result = CliRunner().invoke(main, [str(H24), str(H23), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert (
        "h23-synthetic.txt → " in result.stderr
        and ": 52 pairs (0 to review), 2 added, 2 removed" in result.stderr
    )
    h23 = json.loads((tmp_path / "h23-synthetic.json").read_text(encoding="utf-8"))
    h24 = json.loads((tmp_path / "h24.json").read_text(encoding="utf-8"))
    old = {a["name"]: a["key"] for a in h23["activities"]}
    new = {a["name"]: a["key"] for a in h24["activities"]}
    assert new["友愛訪問活動促進事業の推進"] == old["小地域見守り訪問活動の推進"]


def test_link_to_an_earlier_output(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, [str(H23), "-o", str(tmp_path / "a"), "-q"]).exit_code == 0
    result = runner.invoke(
        main,
        [
            str(H24),
            "-o",
            str(tmp_path / "b"),
            "--link-to",
            str(tmp_path / "a" / "h23-synthetic.json"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    old = {
        a["name"]: a["key"]
        for a in json.loads((tmp_path / "a" / "h23-synthetic.json").read_text())["activities"]
    }
    new = {
        a["name"]: a["key"]
        for a in json.loads((tmp_path / "b" / "h24.json").read_text())["activities"]
    }
    assert (
        new["ファミリー・サポート・センター事業の推進"]
        == old["ファミリーサポートセンター事業の推進"]
    )


def test_diff_command(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, [str(H23), str(H24), "-o", str(tmp_path), "-q"]).exit_code == 0
    old, new = str(tmp_path / "h23-synthetic.json"), str(tmp_path / "h24.json")
    text = runner.invoke(main, ["diff", old, new])
    assert text.exit_code == 0
    assert "52 matched (0 to review), 9 renamed" in text.stdout
    as_json = runner.invoke(main, ["diff", old, new, "--json"])
    data = json.loads(as_json.stdout)
    assert {"matched", "added", "removed"} <= data.keys()
    assert {"old", "new", "score", "changes"} <= data["matched"][0].keys()
    assert sorted(a["name"] for a in data["added"]) == sorted(TRUTH["added"])
    assert runner.invoke(main, ["diff", old, new, "--exit-code"]).exit_code == 1
    assert runner.invoke(main, ["diff", new, new, "--exit-code"]).exit_code == 0


def test_diff_refuses_what_is_not_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"hello": 1}', encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "x.json"), str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert "not a dataset written by this tool" in result.stderr
    missing = CliRunner().invoke(
        main, ["diff", str(tmp_path / "none.json"), str(tmp_path / "x.json")]
    )
    assert missing.exit_code == 1
    assert missing.stderr.endswith("none.json: no such file; run `extract` on the packet first\n")


def test_the_committed_overrides_file_is_valid_and_empty() -> None:
    assert load_overrides(Path(__file__).parent.parent / "links.toml") == Overrides()
