"""Names and status, wrap spaces, bullets, dashes, departments."""

from __future__ import annotations

import pytest

from extractor.normalize.text import (
    is_dash,
    parse_name,
    remove_wrap_spaces,
    split_bullets,
    split_departments,
)


@pytest.mark.parametrize(
    ("raw", "name", "status"),
    [
        (
            "地域福祉活動の啓発推進による財源の確保 (継続活動)",
            "地域福祉活動の啓発推進による財源の確保",
            "continuing",
        ),
        ("ボランティア養成事業の推進(継続活動)", "ボランティア養成事業の推進", "continuing"),
        ("福祉体験学習推進事業の実施(新規活動)", "福祉体験学習推進事業の実施", "new"),
        ("市民活動の資金確保の支援 （継続活動）", "市民活動の資金確保の支援", "continuing"),
        ("福祉員の任期の統一 ( 新規活動 )", "福祉員の任期の統一", "new"),
        # The status nested inside the name's own parentheses (h24 line 34).
        (
            "地域福祉活動(福祉の輪づくり運動推進者研修会の開催(継続活動))",
            "地域福祉活動(福祉の輪づくり運動推進者研修会の開催)",
            "continuing",
        ),
        # A line-wrap space inside Japanese text (h24 line 83).
        (
            "ふれあい・いきいきサロン 支援事業の推進 (継続活動)",
            "ふれあい・いきいきサロン支援事業の推進",
            "continuing",
        ),
        ("NPO法人 支えてネットワーク", "NPO法人支えてネットワーク", None),
        # Marks alone are no name (a scan's sub-header row, taken for data, read '・—').
        ("・—", None, None),
        ("— (継続活動)", None, "continuing"),
    ],
)
def test_parse_name(raw: str, name: str | None, status: str | None) -> None:
    assert parse_name(raw) == (name, status)


def test_wrap_spaces_stay_between_latin_words() -> None:
    assert (
        remove_wrap_spaces("NPO 法人 Social Welfare   Council") == "NPO法人Social Welfare Council"
    )


def test_bullets_split_on_leading_or_spaced_dots_only() -> None:
    cell = "・活動団体の支援 ・交流会の開催 ・情報紙の発行 ・関係機関への活動の情報提供"
    assert split_bullets(cell) == [
        "活動団体の支援",
        "交流会の開催",
        "情報紙の発行",
        "関係機関への活動の情報提供",
    ]
    # 高齢・障害 and 手話・点訳 are words, not bullets.
    assert split_bullets("・手話奉仕員養成講座、手話・点訳教室を実施 ・高齢・障害福祉課と連携") == [
        "手話奉仕員養成講座、手話・点訳教室を実施",
        "高齢・障害福祉課と連携",
    ]
    # Text before the first bullet is an item of its own.
    assert split_bullets("山口市建築物等環境整備基準に基づき推進 ・条例に基づき建設") == [
        "山口市建築物等環境整備基準に基づき推進",
        "条例に基づき建設",
    ]


def test_a_sub_heading_after_a_sentence_starts_the_next_item_in_a_cell_of_sub_headings() -> None:
    # As a scan reads h24's 小地域福祉活動計画: no space between 。 and the sub-heading.
    cell = "(第一次計画) ・島地地区社協を指定する。(第二次計画) ・吉敷地区社協を指定する。"
    assert split_bullets(cell) == [
        "(第一次計画) 島地地区社協を指定する。",
        "(第二次計画) 吉敷地区社協を指定する。",
    ]
    # A note on a sentence, in a cell that begins with no sub-heading, stays with it.
    assert split_bullets("・説明を行った。（高齢・障害福祉課） ・研修会を開催") == [
        "説明を行った。（高齢・障害福祉課）",
        "研修会を開催",
    ]
    # Not after a 。, nor at the cell's end: as before.
    assert split_bullets("(第一次計画) ・島地の支援(委託) ・吉敷の支援。(委託)") == [
        "(第一次計画) 島地の支援(委託)",
        "吉敷の支援。(委託)",
    ]


@pytest.mark.parametrize("dash", ["—", "―", "－", " — ", "-", "\u0336"])
def test_dash_means_none(dash: str) -> None:
    assert is_dash(dash)
    assert split_bullets(dash) == []
    assert split_departments(dash) == []


@pytest.mark.parametrize("dashes", ["— —", "― ― ―", " — — "])
def test_dashes_set_apart_mean_none(dashes: str) -> None:
    # One for each figure, or one long dash a scan broke in two (h24's 1.5.3 in Mincho).
    assert is_dash(dashes)


def test_not_dashes() -> None:
    assert not is_dash("— 3")
    assert not is_dash("—・—")
    assert not is_dash("—あり")
    assert not is_dash("")


@pytest.mark.parametrize(
    ("cell", "departments"),
    [
        ("社会課", ["社会課"]),
        ("高齢・障害福祉課 各担当課", ["高齢・障害福祉課", "各担当課"]),
        ("防災危機管理課、社会課", ["防災危機管理課", "社会課"]),
        ("健康福祉部政策管理室、窓口担当課", ["健康福祉部政策管理室", "窓口担当課"]),
        ("高齢・障害福祉課 こども家庭課", ["高齢・障害福祉課", "こども家庭課"]),
        # A wrap inside one name joins back: 健康福祉部政策 / 管理室.
        ("健康福祉部政策 管理室", ["健康福祉部政策管理室"]),
        ("社会課 社会課", ["社会課"]),
        # Two names run together (a scan lost the line break): cut after 課 or 室.
        ("社会教育課教育総務課", ["社会教育課", "教育総務課"]),
        ("健康福祉部政策管理室窓口担当課", ["健康福祉部政策管理室", "窓口担当課"]),
        ("高齢・障害福祉課各担当課", ["高齢・障害福祉課", "各担当課"]),
        ("健康福祉部各課", ["健康福祉部各課"]),
        ("社会課課", ["社会課課"]),
    ],
)
def test_split_departments(cell: str, departments: list[str]) -> None:
    assert split_departments(cell) == departments
