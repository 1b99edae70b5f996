"""h24 end to end: values a person read off the packet, checked in the dataset."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from extractor.models import Dataset
from tests.conftest import by_name


def test_packet(h24: Dataset) -> None:
    p = h24.packet
    assert p.title == "山口市地域福祉計画・山口市地域福祉活動計画 評価委員会資料"
    assert (p.date, p.date_raw) == (dt.date(2012, 6, 26), "平成 2 4 年 6 月 2 6 日")
    assert (p.fiscal_year, p.fiscal_year_raw) == (2012, "平成 2 4 年度")
    assert (p.report_fiscal_year, p.next_fiscal_year) == (2011, 2012)
    assert (p.plan_fiscal_year, p.target_fiscal_year) == (2009, 2013)
    assert p.issuers == ["山口市健康福祉部社会課", "山口市社会福祉協議会"]
    assert (
        p.report_title == "山口市地域福祉計画・山口市地域福祉活動計画実施状況報告（平成23年度実績）"
    )


def test_source(h24: Dataset) -> None:
    s = h24.source
    assert (s.path, s.format, s.encoding, s.lines) == ("raw/h24.txt", "tsv", "utf-8", 169)
    assert len(s.sha256) == 64


def test_activities_per_goal(h24: Dataset) -> None:
    counts = Counter((a.basic_goal.number, a.activity_goal.number) for a in h24.activities)
    assert counts == {
        (1, 1): 6, (1, 2): 3, (1, 3): 4, (1, 4): 3, (1, 5): 3,
        (2, 1): 4, (2, 2): 3, (2, 3): 6, (2, 4): 2, (2, 5): 4, (2, 6): 4, (2, 7): 1,
        (3, 1): 2, (3, 2): 3, (3, 3): 4, (3, 4): 2,
    }  # fmt: skip
    assert len({a.id for a in h24.activities}) == 54
    assert h24.activities[0].id == "1.1.1"
    # The packet has 35 (継続活動) and 20 (新規活動) name cells; one of each is a repeated row.
    status = Counter(a.status for a in h24.activities)
    assert status == {"continuing": 34, "new": 19, None: 1}


def test_every_heading_is_listed(h24: Dataset) -> None:
    assert len(h24.goals) == 19  # 3 基本目標 and 16 活動目標
    first, second = h24.goals[:2]
    assert (first.level, first.number, first.line) == ("basic", 1, 15)
    assert (second.level, second.number, second.basic_goal, second.title) == (
        "activity",
        1,
        1,
        "ボランティア活動や市民活動の推進",
    )
    assert h24.goals[-1].raw == "活動目標4 当事者団体への支援"


def test_goal_titles(h24: Dataset) -> None:
    first = h24.activities[0]
    assert (first.basic_goal.number, first.basic_goal.title) == (
        1,
        "自立支援と社会参加による支え合いの仕組みづくり",
    )
    assert first.activity_goal.title == "ボランティア活動や市民活動の推進"
    last = h24.activities[-1]
    assert (last.basic_goal.title, last.activity_goal.title) == (
        "総合的な福祉サービスの向上",
        "当事者団体への支援",
    )


def test_one_ordinary_activity(h24: Dataset) -> None:
    a = by_name(h24, "ボランティア活動団体の交流促進や効果的な情報発信")
    assert (a.status, a.name_raw) == (
        "continuing",
        "ボランティア活動団体の交流促進や効果的な情報発信 (継続活動)",
    )
    assert a.roles.heading == "住民、地域、関係機関の役割"
    assert a.roles.items == [
        "ボランティア活動団体間の交流の場への積極的な参加",
        "活動団体内での助け合い",
        "活動団体の活動紹介",
    ]
    assert a.council is not None
    assert a.council.efforts == [
        "活動団体の支援",
        "交流会の開催",
        "情報紙の発行",
        "関係機関への活動の情報提供",
    ]
    assert len(a.council.results) == 1 and a.council.results[0].startswith(
        "山口市6地区ボランティア"
    )
    (city,) = a.city
    assert (city.department, city.efforts, city.plans) == (
        "社会課",
        ["情報発信活動への支援"],
        ["情報発信活動への支援の継続"],
    )
    assert a.departments == ["社会課"]
    assert (a.schedule.raw, a.schedule.start_fiscal_year, a.schedule.end_fiscal_year) == (
        "21~25",
        2009,
        2013,
    )
    (target,) = a.targets
    assert (target.label, target.unit, target.plan.value, target.target.value, target.actual.value) == (
        "交流会開催回数/年", "回", 1, 2, 1
    )  # fmt: skip
    held, planned, same_year = a.dates
    assert (held.raw, held.date, held.field, held.weekday_matches) == (
        "平成23年9月12日（月）", dt.date(2011, 9, 12), "council.results", True
    )  # fmt: skip
    # 日時：平成24年度中に開催予定 ※平成24年度は… in the plans.
    assert [(d.raw, d.fiscal_year, d.field) for d in (planned, same_year)] == [
        ("平成24年度", 2012, "council.plans")
    ] * 2
    assert a.source.lines == [22]


def test_dash_cells_name_nothing(h24: Dataset) -> None:
    a = by_name(h24, "地域福祉活動の啓発推進による財源の確保")
    assert a.city == [] and a.departments == []
    b = by_name(h24, "山口市バリアフリー基本構想に基づくバリアフリー化事業の推進")
    assert b.council is not None
    assert (b.council.efforts, b.council.results, b.council.plans) == ([], [], [])
    assert b.departments == ["都市計画課"]


def test_continuation_row_adds_a_department(h24: Dataset) -> None:
    a = by_name(h24, "福祉教育推進指定校の設置")
    assert [c.department for c in a.city] == ["社会課", "学校教育課"]
    assert a.city[1].results == ["福祉教育推進協力校への調整及び支援"]
    assert (a.schedule.start_fiscal_year, a.schedule.end_fiscal_year) == (2010, 2013)
    (target,) = a.targets
    assert (target.label, target.plan.raw, target.target.value, target.actual.value, target.unit) == (
        "指定校数", "—", 8, 6, "校"
    )  # fmt: skip


def test_plan_and_target_on_the_row_below_the_actual(h24: Dataset) -> None:
    a = by_name(h24, "地区住民座談会の開催")
    (target,) = a.targets
    assert (target.plan.value, target.target.value, target.actual.value) == (15, 24, 20)
    b = by_name(h24, "小地域福祉活動計画の策定")
    assert [(t.plan.value, t.target.value, t.actual.value) for t in b.targets] == [(13, 23, 19)]
    assert [c.department for c in b.city] == ["社会課", "各担当課"]


def test_repeated_name_is_one_activity_with_both_rows(h24: Dataset) -> None:
    a = by_name(h24, "ふれあい・いきいきサロン支援事業の推進")
    assert a.source.lines == [83, 84, 85]
    assert a.description is not None
    assert a.description.split("\n") == [
        "ふれあい・いきいきサロンや子育てサロンの開設を支援します。",
        "サロン活動の相談、器材の貸出、サロンだよりの発行、サロン交流会の開催、傷害保険の加入等を進めます。",
    ]
    assert a.departments == ["こども家庭課", "高齢・障害福祉課"]
    assert [(t.kind, t.plan.value, t.target.value, t.actual.value) for t in a.targets] == [
        ("numeric", 170, 200, 230),
        ("qualitative", None, None, None),
    ]
    b = by_name(h24, "災害ボランティアセンター設置・運営マニュアルの作成とシミュレーションの実施")
    (city,) = b.city
    assert city.departments == ["防災危機管理課", "社会課"]
    assert len(city.results) == 3  # identical on both rows: kept once
    assert city.plans[0].startswith("制度のさらなる周知により登録を促進した。")
    assert city.plans[-1] == "災害ボランティアセンターについて啓発を促進する。"
    assert next((t.label, t.actual.value, t.unit) for t in b.targets) == (
        "要援護者登録数/人",
        995,
        "人",
    )


def test_shifted_row_and_its_target(h24: Dataset) -> None:
    a = by_name(h24, "利用しやすい総合相談窓口の推進")
    assert (
        a.description
        == "利用時のフロー図等を作成します。\n利用者に対して定期的に窓口対応等に関するアンケート調査を実施します。"
    )
    assert a.roles.items == ["アンケート調査に回答し、利用しやすい総合相談窓口にするための提言"]
    (city,) = a.city
    assert city.departments == ["健康福祉部政策管理室", "窓口担当課"]
    assert city.efforts == [
        "利用促進のための相談フロー図づくり",
        "総合相談窓口の周知",
        "利用者に対する定期的なアンケート（満足度）調査",
    ]
    assert city.plans[-1] == "福祉総合相談窓口利用者アンケートの実施"
    none, survey = a.targets
    assert none.kind == "none"
    assert (survey.label, survey.plan.value, survey.target.value, survey.actual.value) == (
        "アンケート実施回数/年",
        None,
        1,
        1,
    )
    (date,) = a.dates
    assert (date.kind, date.date, date.end) == ("range", dt.date(2012, 3, 8), dt.date(2012, 3, 30))


def test_three_column_table_is_an_activity(h24: Dataset) -> None:
    (a,) = [x for x in h24.activities if x.name is None]
    assert (a.id, a.basic_goal.number, a.activity_goal.number) == ("2.7.1", 2, 7)
    assert a.activity_goal.title == "その他地域福祉推進のために必要な活動"
    assert a.description is not None and a.description.startswith("市民意識調査の結果により")
    assert a.council is None
    (city,) = a.city
    assert (city.department, city.results, city.plans) == (
        None,
        ["H23.7 市民意識調査実施 (※H24.4 結果公表)"],
        ["市民意識調査実施"],
    )
    assert [(d.raw, d.date) for d in a.dates] == [
        ("H23.7", dt.date(2011, 7, 1)),
        ("H24.4", dt.date(2012, 4, 1)),
    ]


def test_targets_read_by_hand(h24: Dataset) -> None:
    def figures(name: str) -> list[tuple[object, ...]]:
        return [
            (t.label, t.plan.value, t.target.value, t.actual.value, t.unit)
            for t in by_name(h24, name).targets
        ]

    assert figures("活動拠点機能の充実") == [("センター開催講座数/年", 131, 155, 188, "回")]
    assert figures("地域住民交流事業の推進") == [("補助金交付団体数/年", 2, 5, 2, "団体")]
    assert figures("地域型つどいの広場設置助成事業の推進") == [
        ("つどいの広場設置数", 5, 8, 7, None)
    ]
    assert figures("友愛訪問活動促進事業の推進") == [("見守り訪問グループ数", 604, 628, 662, None)]
    assert figures("ふれあい型給食サービス事業の推進") == [
        ("サービス利用者数/人", 1050, 1050, 1421, "人")
    ]
    assert figures("有償在宅福祉サービス事業の推進") == [("各地区協力委員確保数/人", 1, 2, 4, "人")]
    assert figures("ファミリー・サポート・センター事業の推進") == [("設置箇所数", 5, 5, 5, None)]
    assert figures("地域における共助の災害予防体制づくりの推進") == [
        ("自主防災組織加入世帯/全世帯", 0.43, 16, 10.3, "%")
    ]
    assert figures("初期相談に関する研修会の開催") == [("研修会開催回数/年", 1, 1, 1, "回")]
    assert figures("引きこもりの方へのボランティア養成講座") == [
        ("研修会開催回数/年", 1, 1, 1, "回")
    ]
    assert figures("障がいや病気のために判断能力が低下している人への生活支援事業の強化充実") == [
        ("生活支援員研修会開催回数/年", 1, 2, 2, "回")
    ]
    # The 実績 column's — contradicts the third figure of the combined cell.
    assert figures("防犯灯設置等補助事業の推進") == [("防犯灯新設設置数", 9529, 10079, None, None)]
    text = by_name(h24, "福祉員の任期の統一").targets[0]
    assert (text.kind, text.text) == ("qualitative", "平成23年4月から福祉員任期を3年間に統一")
    assert by_name(h24, "市民活動の資金確保の支援").targets[0].text == "随時実施"


def test_nested_status_name(h24: Dataset) -> None:
    a = by_name(h24, "地域福祉活動(福祉の輪づくり運動推進者研修会の開催)")
    assert a.status == "continuing"


def test_weekday_mismatch_is_reported_with_a_hint(h24: Dataset) -> None:
    a = by_name(h24, "住民による地域福祉を推進する組織の再構築のための研究")
    (date,) = a.dates
    assert (date.field, date.date, date.weekday, date.weekday_matches) == (
        "council.plans",
        dt.date(2013, 3, 30),
        "金",
        False,
    )
    (warning,) = [w for w in h24.warnings if w.code == "weekday_mismatch"]
    assert warning.line == 95 and warning.activity == a.id
    assert "2012-03-30" in warning.message


def test_warnings_are_the_ones_read_off_the_packet(h24: Dataset) -> None:
    assert [(w.line, w.code) for w in h24.warnings] == [
        (21, "target_label_in_value_cell"),
        (85, "duplicate_row_merged"),
        (95, "weekday_mismatch"),
        (107, "target_unit_missing"),  # 10.3 sits on the row below its label
        (110, "duplicate_row_merged"),
        (118, "target_slot_conflict"),
        (125, "target_values_missing"),
        (127, "target_values_missing"),
        (133, "activity_without_name"),
        (144, "row_shifted"),
        (153, "target_cells_realigned"),
    ]


def test_a_department_cell_naming_several_keeps_them_apart(h24: Dataset) -> None:
    # Lines 53, 85, 116 and 126: 高齢・障害福祉課 各担当課 and the like, one cell each.
    cases = {
        "利用しやすい建築物整備のための環境づくりの推進": ["高齢・障害福祉課", "各担当課"],
        "児童、生徒の登下校時の安全の確保": ["社会教育課", "教育総務課"],
        "民生委員・児童委員の活動強化及び周知啓発": ["各担当課", "社会課"],
    }
    for name, departments in cases.items():
        (city,) = by_name(h24, name).city
        assert (city.department, city.departments) == ("、".join(departments), departments)
    salon = by_name(h24, "ふれあい・いきいきサロン支援事業の推進")
    assert [c.department for c in salon.city] == [
        "こども家庭課",
        "高齢・障害福祉課",
        "高齢・障害福祉課、こども家庭課",
    ]


def test_a_sub_heading_before_a_bullet_starts_the_next_item(h24: Dataset) -> None:
    # Line 74: (第一次計画) ・出雲… (第二次計画) ・吉敷…
    council = by_name(h24, "小地域福祉活動計画の策定").council
    assert council is not None
    assert council.results == [
        "(第一次計画) 出雲地区社協及び八坂地区社協を指定し、第一次計画策定の支援を行った。",
        "(第二次計画) 吉敷地区社協及び名田島地区社協を指定し、第二次計画策定の支援を行った。",
    ]
