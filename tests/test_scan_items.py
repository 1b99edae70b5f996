"""Whether a ・ that begins a wrapped line of a scanned cell begins an item or joins two
words: the year before, the page's own pairs, grammar (`extractor.sources.scan.items`)."""

from __future__ import annotations

import pytest

from extractor.sources.scan.items import (
    ItemStarts,
    ends_item,
    join_lines,
    joined_pairs,
    without_stray_brackets,
)
from extractor.sources.scan.lexicon import Lexicon


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("・講習会等の開催", "・人材派遣のコーディネート"),  # a phrase (の) ends an item
        ("・サロン会場費の支援", "・市社協との連携"),
        ("・市ホームページ等への掲載", "・当事者団体の周知"),
        ("参加者 延5回", "・民生委員の部会"),  # a count ends an item
        ("会場：山口県社会福祉会館", "・「山口市社協だより」や"),  # a bracket opens an item
        ("・情報提供", "・(仮称)推進プランの周知"),
    ],
)
def test_a_bullet_after_a_phrase_or_a_count_begins_an_item(before: str, after: str) -> None:
    assert ends_item(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("・各地区民生委員", "・児童委員定例会に出席"),  # a compound: no particle before
        ("(高齢", "・障害福祉課)"),  # the words since the bracket
        ("・人材・団体情報の集約", "・提供 ・人材派遣"),  # 提供 stands alone: a pair
        ("・地域の生活課題の発見", "・把握と仕組みづくり"),  # 把握 is followed by と
        ("・平成22年度", "・23年度指定している"),  # a count followed by another
        ("", "・民生委員"),
        ("・企業の参加", ""),
    ],
)
def test_a_bullet_between_parallel_words_joins_them(before: str, after: str) -> None:
    assert not ends_item(before, after)


def test_a_compound_begun_after_the_bullet_is_not_a_verbal_noun_alone() -> None:
    # 相談 is a verbal noun, but 相談体制 is one compound: the bullet begins an item.
    assert ends_item("・推進者との連携", "・相談体制の整備")


def test_the_pairs_a_page_joins_are_those_inside_its_lines() -> None:
    lines = ["・民生委員・児童委員の研修", "・講習会の開催 ・人材派遣", "・福祉員の周知"]
    assert joined_pairs(lines) == {"委員・児童"}  # not after a blank, not at a line's start
    assert joined_pairs(["(月・水・金)"]) == {"(月・水・", "・水・金)"}
    assert joined_pairs(["ａｂ・ｃｄ"]) == {"ab・cd"}  # widths made one


def test_the_page_s_own_pair_outweighs_grammar() -> None:
    before, after = "・福祉教育の必要性の周知", "・福祉体験学習推進プロジェクト"
    assert ItemStarts([])(before, after)  # grammar: の周知 ends an item
    starts = ItemStarts(["事業の周知・福祉体験学習の推進"])
    assert not starts(before, after)
    assert starts.guesses == 1


def test_the_year_before_outweighs_the_page_and_grammar_and_is_no_guess() -> None:
    lexicon = Lexicon(["講習会等の開催\n人材派遣のコーディネート", "民生委員・児童委員の活動"])
    starts = ItemStarts(["・講習会等の開催・人材派遣の推進"], lexicon)
    assert starts("・講習会等の開催", "・人材派遣のコーディネート")  # the page's pair loses
    assert not starts("・市内の民生委員", "・児童委員の活動")  # grammar would begin an item
    assert starts.guesses == 0
    # Where the year before shows neither, grammar guesses.
    unsettled = ItemStarts([], lexicon)
    assert unsettled("・見守りの実施", "・民生委員の研修")
    assert unsettled.guesses == 1


def test_a_cell_s_lines_are_joined_as_the_words_say() -> None:
    lines = [("・講習会等の開催", False), ("・人材派遣のコーディネート", True)]
    assert join_lines(lines) == "・講習会等の開催・人材派遣のコーディネート"  # nothing to tell
    assert join_lines(lines, item_starts=ItemStarts([])) == (
        "・講習会等の開催 ・人材派遣のコーディネート"
    )
    wrapped = [("・各地区民生委員", False), ("・児童委員定例会に出席", True)]
    assert (
        join_lines(wrapped, item_starts=ItemStarts([])) == "・各地区民生委員・児童委員定例会に出席"
    )
    # The rest of the cell is seen, not only the line: 相談 goes on into 相談体制.
    split = [("・推進者との連携", False), ("・相談", False), ("体制の整備", True)]
    assert join_lines(split, item_starts=ItemStarts([])) == "・推進者との連携 ・相談体制の整備"
    # A short line was broken on purpose, whatever the words: nothing is asked.
    asked = ItemStarts([])
    assert join_lines([("・高齢", True), ("・障害", True)], item_starts=asked) == "・高齢 ・障害"
    assert asked.guesses == 0


@pytest.mark.parametrize(
    ("lines", "meant"),
    [
        # Mincho's り read with a bracket after it (the reading of an r2 packet in HeiseiMin)
        (["友愛訪問(見守り)訪問)活動事業"], ["友愛訪問(見守り訪問)活動事業"]),
        (
            ["利用しやすい環境づくり)の推進", "(継続活動)"],
            ["利用しやすい環境づくりの推進", "(継続活動)"],
        ),
        (
            ["地域福祉活動(福祉の輪づくり)", "運動推進者研修会の開催)"],
            ["地域福祉活動(福祉の輪づくり", "運動推進者研修会の開催)"],
        ),
    ],
)
def test_a_closing_bracket_too_many_after_a_curved_kana_is_taken_out(
    lines: list[str], meant: list[str]
) -> None:
    found, taken = without_stray_brackets([(line, False) for line in lines])
    assert [text for text, _ in found] == meant
    assert taken


@pytest.mark.parametrize(
    "lines",
    [
        ["友愛訪問(見守り)活動事業"],  # as many closing brackets as opening ones
        ["・(仮称)協働推進プラン)の推進"],  # one too many, as h24 prints it, after no り
        ["地域福祉(つながり", "づくり)の推進"],  # the bracket after り closes one opened
    ],
)
def test_a_closing_bracket_not_too_many_or_after_another_character_stays(
    lines: list[str],
) -> None:
    found, taken = without_stray_brackets([(line, True) for line in lines])
    assert found == [(line, True) for line in lines]
    assert not taken
