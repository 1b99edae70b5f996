"""A scan read with the year before's wording: the recognizer's choices, item boundaries,
and a 。 that wrapped onto the next item's line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extractor.app import RunRequest, extract_packets, load_years, with_year_before
from extractor.output import to_json
from extractor.pipeline import extract
from extractor.settings import ExtractSettings
from extractor.sources.scan import wrapped_stop
from extractor.sources.scan.items import join_lines
from extractor.sources.scan.japanese import likelier, likelier_doubts, reads_as_well, sureness
from extractor.sources.scan.lexicon import Doubt, Lexicon, dataset_texts, filled, settle_doubts
from extractor.sources.scan.lines import lines_in
from extractor.sources.scan.marks import low_mark
from extractor.sources.scan.recognize import Gap, Reading
from tests.packets import H23, H24, ROOT
from tests.scans import BAD, CLEAN, differences, fields, print_next_year, scan_pdf

YEAR_BEFORE = Lexicon(
    [
        "見守り訪問活動グループ員研修会に参加した。",
        "企業の社会貢献活動の情報交換会を開催した。",
        "推進者との連携\n相談体制の整備",
        "民生委員・児童委員の活動",
    ]
)


Options = tuple[tuple[tuple[str, float], ...], ...]


def read_as(text: str, at: int, *choices: tuple[str, float]) -> Options:
    """The recognizer's options for a line read as `text`: sure of every character but
    the one `at`, for which it gives `choices`."""
    return tuple(choices if k == at else ((c, 0.99),) for k, c in enumerate(text))


def test_an_unsure_character_takes_the_choice_that_gives_the_year_befores_words() -> None:
    # 貢 is the recognizer's fourth choice for the character it read as 員.
    options = read_as("社会員献活動", 2, ("員", 0.34), ("貴", 0.15), ("貞", 0.13), ("貢", 0.06))
    assert likelier("社会員献活動", options, YEAR_BEFORE) == "社会貢献活動"
    # The year before writes neither way: the reading stands.
    assert likelier("社会員献活動", options, Lexicon(["市民活動の推進"])) == "社会員献活動"


def test_a_kanji_beyond_jis_x_0208_is_read_only_where_the_year_before_wrote_it() -> None:
    # 鷗 as the next year's clean scan read it: sure of it, but a packet's 毎 can be read as
    # surely as 每, so it was zeroed and 鴎 read instead, unsure.
    options = read_as("小鴎小学校", 1, ("鴎", 0.5), ("鴫", 0.004), ("鷗", 0.967))
    assert likelier("小鴎小学校", options, Lexicon(["新たに小学校2校(小鷗小学校)"])) == (
        "小鷗小学校"
    )
    assert likelier("小鴎小学校", options) == "小鴎小学校"  # not the dictionary's to choose
    options = read_as("毎月定例会", 0, ("毎", 0.5), ("海", 0.01), ("每", 0.95))
    assert likelier("毎月定例会", options, Lexicon(["毎月定例会を開催"])) == "毎月定例会"


def gapped(text: str, before: int, *choices: tuple[str, float]) -> Reading:
    """A line read as `text`, sure of every character, where the recognizer may have lost
    one before character `before` (counted without spaces), offering `choices` there."""
    chars = text.replace(" ", "")
    places = tuple(k / len(chars) for k in range(len(chars)))
    gap = Gap(before, (before - 0.5) / len(chars), choices)
    options = tuple(((c, 0.99),) for c in chars)
    return Reading(text, 0.99, places, (0.99,) * len(chars), options, gaps=(gap,))


def test_a_character_lost_between_two_is_put_back_where_the_year_before_writes_it() -> None:
    reading = gapped("地域の要援者 の福祉", 5, ("罩", 0.19), ("護", 0.13), ("援", 0.01))
    lexicon = Lexicon(["地域の要援護者の福祉課題をまとめる"])
    put = filled(reading, lexicon)
    assert put.text == "地域の要援護者 の福祉"  # the space read after 者 stays after it
    assert put.sureness[5] == pytest.approx(0.13)  # unsure, so warned
    assert put.places[5] == pytest.approx(4.5 / 9) and put.places[4:7] == tuple(
        sorted(put.places[4:7])
    )
    assert put.options[5][0] == ("護", 0.13) and ("罩", 0.19) in put.options[5]
    assert len(put.options) == len(put.places) == len(put.sureness) == 10
    # Without a year before that writes it, or where it writes nothing offered, as read.
    assert filled(reading, Lexicon(["市民活動の推進"])) == reading
    assert filled(reading, Lexicon(["地域の要援人者の福祉"])) == reading
    # Never a figure, whatever the year before writes.
    figures = gapped("研修会を回開催", 4, ("8", 0.3), ("人", 0.01))
    assert filled(figures, Lexicon(["研修会を8回開催した。"])) == figures


def test_the_year_before_never_changes_a_figure_nor_a_sure_character() -> None:
    lexicon = Lexicon(["研修会を8回開催した。"])
    options = read_as("3回開催した", 0, ("3", 0.5), ("8", 0.4))
    assert likelier("3回開催した", options, lexicon) == "3回開催した"
    options = read_as("研修会を6回開", 4, ("6", 0.6), ("8", 0.3))
    assert likelier("研修会を6回開", options, lexicon) == "研修会を6回開"
    # 貴 read surely stays 貴, whatever the year before says.
    options = read_as("社会貴献活動", 2, ("貴", 0.97), ("貢", 0.02))
    assert likelier("社会貴献活動", options, YEAR_BEFORE) == "社会貴献活動"


def test_a_kana_read_surely_may_still_take_its_other_voicing_the_year_before_writes() -> None:
    # ブ read surely, with プ its second choice: the voicing marks are what a scan blurs.
    options = read_as("グループ員研修", 3, ("ブ", 0.97), ("プ", 0.02))
    assert likelier("グルーブ員研修", options, YEAR_BEFORE) == "グループ員研修"
    assert likelier("グルーブ員研修", options) == "グルーブ員研修"  # the dictionary may not
    # Another kana as the second choice is no rival: the sure reading stands.
    options = read_as("グルーブ員研修", 3, ("ブ", 0.97), ("ズ", 0.02))
    assert likelier("グルーブ員研修", options, YEAR_BEFORE) == "グルーブ員研修"


def test_a_choice_must_find_clearly_more_of_the_year_befores_words() -> None:
    # Both readings are words of the year before: no choice is made.
    lexicon = Lexicon(["地域の活動", "地区の活動"])
    chars = list("地域の活動")
    assert lexicon.choose(chars, 1, ["区"]) is None
    assert chars == list("地域の活動")  # the line is left as it was
    assert YEAR_BEFORE.choose(list("グルーブ員研修"), 3, ["プ", "フ"]) == "プ"


def test_a_bullet_the_year_before_shows_between_items_starts_one() -> None:
    lines = [("・推進者との連携", False), ("・相談体制の整備", True)]
    assert join_lines(lines) == "・推進者との連携・相談体制の整備"  # a wrap, for all the image says
    assert YEAR_BEFORE.set_apart(join_lines(lines)) == "・推進者との連携 ・相談体制の整備"
    # 民生委員・児童委員 wrapped at its dot stays one item.
    wrapped = join_lines([("・民生委員", False), ("・児童委員の活動", True)])
    assert YEAR_BEFORE.set_apart(wrapped) == "・民生委員・児童委員の活動"
    # Inside a line, too: the blank before the bullet was too narrow to see.
    assert YEAR_BEFORE.set_apart("・推進者との連携・相談体制の整備") == (
        "・推進者との連携 ・相談体制の整備"
    )
    assert YEAR_BEFORE.set_apart("・民生委員・児童委員の活動") == "・民生委員・児童委員の活動"
    assert YEAR_BEFORE.starts_item("連携", "・相談") is None  # too few words to tell


def test_the_same_words_joined_outweigh_each_side_at_an_item_s_edge() -> None:
    # の周知 ends an item and 福祉体 begins one, but the year before also joins them.
    lexicon = Lexicon(["福祉員活動の周知\n福祉体験学習の指導", "必要性の周知・福祉体験学習"])
    assert lexicon.starts_item("・福祉教育の必要性の周知", "・福祉体験学習推進") is False
    assert Lexicon(["福祉員活動の周知\n福祉体験学習の指導"]).starts_item(
        "・福祉教育の必要性の周知", "・福祉体験学習推進"
    )


def test_a_full_stop_low_before_a_bullet_wrapped_from_the_line_before() -> None:
    line = np.zeros((20, 200), np.uint8)
    line[14:18, 2:6] = 255  # a 。 low in the line
    line[8:12, 20:24] = 255  # the next item's ・, in the middle
    line[2:18, 28:190] = 255  # its text
    assert low_mark(line[:, 0:10])
    assert not low_mark(line[:, 16:26])  # the bullet sits in the middle
    pieces = lines_in(line, (0, 0, 200, 20), 300.0, line=16)
    assert len(pieces) == 1 and len(pieces[0]) == 2  # the mark kept, apart from the item
    assert wrapped_stop(line, pieces[0])
    # The same mark in the middle of the line is no 。 (an item's bullet, or a speck).
    middle = line.copy()
    middle[14:18, 2:6] = 0
    middle[8:12, 2:6] = 255
    found = lines_in(middle, (0, 0, 200, 20), 300.0, line=16)
    assert not wrapped_stop(middle, found[0])


def test_the_year_befores_texts_are_its_datasets_words(tmp_path: Path) -> None:
    dataset = extract(H24)
    path = tmp_path / "h24.json"
    path.write_text(to_json(dataset), encoding="utf-8")
    settings = with_year_before(ExtractSettings(), load_years([path])[0])
    texts = set(settings.known_texts)
    assert "地域福祉活動の啓発推進による財源の確保" in texts  # 1.1.1's name
    assert "民間助成の活用" in texts  # an item of its council's efforts
    assert not any(w.message in texts for w in dataset.warnings)  # warnings are not words
    assert set(dataset_texts({"source": {"path": "raw/h24.txt"}, "x": ["a"]})) == {"a"}


@pytest.mark.slow
def test_a_bad_scan_of_the_next_year_reads_better_with_the_year_before(tmp_path: Path) -> None:
    """基本目標1 of the next year's packet printed in another font and scanned bad (200 dpi,
    skew, blur, noise, JPEG 60), read without and with h24's dataset as the year before:
    25 and 3 of its 326 fields differed from the printed PDF's when measured (38 and 8
    before the packet's own words settled what the recognizer was unsure of; 51 and 22
    before the words told items apart at a line's start). Every field read wrong carries
    a warning on its activity either way."""
    pdf = print_next_year(tmp_path / "next.pdf", last_line=62)
    truth = extract(pdf)
    scan = scan_pdf(pdf, tmp_path / "scan.pdf", BAD)
    before = tmp_path / "h24.json"
    before.write_text(to_json(extract(H24)), encoding="utf-8")
    wrong = {}
    for link_to in (None, before):
        request = RunRequest([scan], output=str(tmp_path / "out"), link=False, link_to=link_to)
        (outcome,) = extract_packets(request).outcomes
        assert outcome.dataset is not None
        read = outcome.dataset
        wrong[link_to] = differences(truth, read)
        warned = {w.activity for w in read.warnings}
        assert all(name.split()[0] in warned for name, _, _ in wrong[link_to])
    assert len(fields(truth)) == 326
    assert len(wrong[None]) <= 30, wrong[None]
    assert len(wrong[before]) <= 6, wrong[before]
    assert len(wrong[before]) < len(wrong[None]) - 15


@pytest.mark.slow
def test_a_clean_scan_of_h24_read_with_the_year_before_gives_every_field(tmp_path: Path) -> None:
    """A clean 300 dpi scan of raw/h24.pdf, read with the synthetic h23 packet's dataset as
    the year before, gives every one of its 940 fields as the PDF's text layer does. Read
    alone it gives 936: the image cannot tell 鷗 (beyond JIS X 0208) from 鴎, nor いっほ's
    small っ, nor two items' starts whose blank fell at a line's end; the year before's
    words can. The cells of the four are unsure alone, so warned."""
    pdf = ROOT / "raw" / "h24.pdf"
    truth = extract(pdf)
    scan = scan_pdf(pdf, tmp_path / "scan.pdf", CLEAN)
    before = tmp_path / "h23.json"
    before.write_text(to_json(extract(H23)), encoding="utf-8")
    request = RunRequest([scan], output=str(tmp_path / "out"), link=False, link_to=before)
    (outcome,) = extract_packets(request).outcomes
    assert outcome.dataset is not None
    assert len(fields(truth)) == 940
    assert differences(truth, outcome.dataset) == []


# --- the packet's own words ---------------------------------------------------------------------


def test_a_character_nothing_settled_is_a_doubt_with_the_characters_around_it() -> None:
    # プ unsure, ブ its second choice; ャ unsure too, with ヤ; nothing here settles either.
    unsure: dict[int, tuple[tuple[str, float], ...]] = {
        1: (("ャ", 0.71), ("ヤ", 0.29)),
        5: (("プ", 0.88), ("ブ", 0.12)),
    }
    read = tuple(unsure.get(k, ((c, 0.99),)) for k, c in enumerate("チャアキャプ※の貸出"))
    text, doubts, voicings = likelier_doubts("チャアキャプ※の貸出", read)
    assert text == "チャアキャプ※の貸出"
    assert doubts == (
        Doubt("チ", "ャ", "アキャ", ("ヤ",)),
        Doubt("アキャ", "プ", "※の貸", ("ブ",)),
    )
    assert voicings == (5,)  # プ or ブ; ャ or ヤ is no voicing
    # What the year before settles is no doubt; nor is a figure, nor a sure character.
    options: Options = read_as("社会員献活動", 2, ("員", 0.34), ("貢", 0.06))
    assert likelier_doubts("社会員献活動", options, YEAR_BEFORE) == ("社会貢献活動", (), ())
    assert (
        likelier_doubts("3回開催した", read_as("3回開催した", 0, ("3", 0.5), ("8", 0.4)))[1] == ()
    )
    assert likelier_doubts("社会貴献活動", read_as("社会貴献活動", 2, ("貴", 0.97)))[1] == ()
    # A kana read surely is no doubt, though the recognizer offered its other voicing; but
    # its voicing stays open (so it is unsure) unless the year before's words settle it.
    options = read_as("グループワーク", 3, ("プ", 0.974), ("ブ", 0.026))
    assert likelier_doubts("グループワーク", options) == ("グループワーク", (), (3,))
    assert likelier_doubts("グループワーク", options, YEAR_BEFORE) == ("グループワーク", (), ())
    options = read_as("グループワーク", 3, ("プ", 0.995), ("ブ", 0.005))  # no rival
    assert likelier_doubts("グループワーク", options) == ("グループワーク", (), ())


def test_how_sure_a_character_is_counts_its_forms_and_the_choice_words_made() -> None:
    # ） or ): the dataset writes them alike, so the two scores make one.
    options = read_as("(仮称)", 3, ("）", 0.59), (")", 0.41))
    assert sureness("(仮称)", options, (0.99, 0.99, 0.99, 0.59), (), 0.7)[3] == pytest.approx(1.0)
    # 齢 or its old form 齡, which the reader writes as 齢: one score too.
    options = read_as("高齢者", 1, ("齡", 0.55), ("齢", 0.44), ("令", 0.01))
    assert sureness("高齡者", options, (0.99, 0.55, 0.99), (), 0.7)[1] == pytest.approx(0.99)
    # 社 chosen by the words where the recognizer was 0.91 sure of 祉: as sure as 社 was.
    options = read_as("福社員", 1, ("祉", 0.91), ("社", 0.09))
    assert sureness("福社員", options, (0.99, 0.91, 0.99), (), 0.7) == (0.99, 0.09, 0.99)
    # A voicing nothing settled is no surer than a guess, however sure the recognizer was.
    options = read_as("グループ", 3, ("プ", 0.974), ("ブ", 0.026))
    assert sureness("グループ", options, (0.99, 0.99, 0.99, 0.974), (3,), 0.7)[3] == 0.7
    # Where the recognizer said nothing of each character, its scores stand.
    assert sureness("グループ", (), (0.5,), (), 0.7) == (0.5,)


def test_a_doubt_takes_the_reading_the_rest_of_the_packet_shows() -> None:
    texts = {
        "efforts": "・関係機関との連携 ・チャアキャプ※の貸出",
        "results": "・チャアキャブの貸出(324件)を行った。",
        "plans": "・チャアキャブの貸出を行う。",
    }
    doubts = {"efforts": [Doubt("アキャ", "プ", "※の貸", ("ブ",))]}
    assert settle_doubts(texts, doubts) == {"efforts": "・関係機関との連携 ・チャアキャブ※の貸出"}
    # The words of one other cell are enough (キャブ, アキャブ), of none they are not.
    del texts["plans"]
    assert settle_doubts(texts, doubts) == {"efforts": "・関係機関との連携 ・チャアキャブ※の貸出"}
    del texts["results"]
    assert settle_doubts(texts, doubts) == {}


def test_a_doubts_own_place_does_not_count_for_its_reading() -> None:
    # ど 0.58 and と 0.42 as the clean scan of raw/h24.pdf read 2.6.2's description.
    texts = {
        "2.6.2": "民生委員・児童委員の活動を強化するどともに、活動を周知PRします。",
        "1.3.1": "運営マニュアルを関係機関・団体へ配布するとともに職員研修で活用する。",
    }
    doubts = {"2.6.2": [Doubt("化する", "ど", "ともに", ("と",))]}
    settled = settle_doubts(texts, doubts)
    assert settled == {"2.6.2": "民生委員・児童委員の活動を強化するとともに、活動を周知PRします。"}
    # Read so twice in the packet, the reading is the packet's words as much as the choice.
    texts["2.6.3"] = "地域の見守り活動を強化するどともに"
    assert settle_doubts(texts, doubts) == {}


def test_two_copies_read_unsure_at_the_same_character_do_not_change_each_other() -> None:
    texts = {"1.4.1": "小地区ごとの災害時マニュアル", "2.4.1": "小地区ごとの災書時マニュアル"}
    doubts = {
        "1.4.1": [Doubt("との災", "害", "時マニ", ("書",))],
        "2.4.1": [Doubt("との災", "書", "時マニ", ("害", "吉"))],
    }
    assert settle_doubts(texts, doubts) == {}
    # A third copy read surely settles both.
    texts["2.4.2"] = "との災害時マニュアルの作成"
    assert settle_doubts(texts, doubts) == {"2.4.1": "小地区ごとの災害時マニュアル"}


def test_the_dictionary_vetoes_a_choice_that_makes_more_words() -> None:
    # Another copy of the sentence read 書 surely (so it is no doubt there): the packet's
    # runs back 書, but 災書時 is more words than 災害時.
    texts = {"1.4.1": "小地区ごとの災害時マニュアル", "2.4.1": "小地区ごとの災書時マニュアル"}
    doubts = {"1.4.1": [Doubt("との災", "害", "時マニ", ("書",))]}
    assert settle_doubts(texts, doubts) == {"1.4.1": "小地区ごとの災書時マニュアル"}
    assert settle_doubts(texts, doubts, reads_as_well) == {}
    # A name the dictionary knows neither way is the packet's to settle.
    texts = {"efforts": "・チャアキャプ※の貸出", "plans": "・チャアキャブの貸出を行う。"}
    doubts = {"efforts": [Doubt("アキャ", "プ", "※の貸", ("ブ",))]}
    assert settle_doubts(texts, doubts, reads_as_well) == {"efforts": "・チャアキャブ※の貸出"}


def test_a_doubt_the_characters_around_it_do_not_place_once_is_left() -> None:
    texts = {"a": "強化するどとも 強化するどとも", "b": "配布するとともに職員研修"}
    assert settle_doubts(texts, {"a": [Doubt("化する", "ど", "とも", ("と",))]}) == {}
    # Nor one whose neighbours read otherwise once the cell was put together.
    texts["a"] = "強化するどともに"
    assert settle_doubts(texts, {"a": [Doubt("化する", "ど", "とも、", ("と",))]}) == {}
    assert settle_doubts(texts, {"a": [Doubt("化する", "ど", "とも", ("と",))]}) == {
        "a": "強化するとともに"
    }


def test_the_packets_words_settle_a_doubt_on_another_page_in_its_rows_and_records() -> None:
    from extractor.sources.document import UNSURE_BELOW, Box, Read
    from extractor.sources.scan import GUESSED_MARK, ScanPage
    from extractor.sources.scan.packet import settled_by_packet

    efforts, results = Box(4, 10, 10, 50, 20), Box(5, 10, 10, 50, 20)
    misread = "・チャアキャプ※の貸出"
    first = ScanPage(
        4,
        [(10.0, 10.0, ("外出支援", misread), (None, efforts), frozenset())],
        {efforts: Read(misread, 0.88, 1)},
        0.0,
        doubts={efforts: (Doubt("アキャ", "プ", "※の貸", ("ブ",)),)},
    )
    second = ScanPage(5, [], {results: Read("・チャアキャブの貸出を行う。", 0.97)}, 0.0)
    settled, same = settled_by_packet([first, second])
    assert settled.items[0][2] == ("外出支援", "・チャアキャブ※の貸出")
    # The cell is unsure (so warned) however sure its reading, and the other page as it was.
    assert settled.reads[efforts] == Read("・チャアキャブ※の貸出", GUESSED_MARK, 1)
    assert GUESSED_MARK < UNSURE_BELOW
    assert same is second
