"""What a recognizer gets wrong in Japanese that the text around it can put right.

A recognizer reads each character by its shape, and some shapes are shared: the long
vowel ー and the kanji 一, small and large kana (ィ/イ, ッ/ツ), the katakana ロ and the
kanji 口, ヘ and へ. The context decides: a run of katakana is checked against sudachipy's
dictionary, and a look-alike is changed only when that turns an unknown run into one known
word (ボランテイア → ボランティア, センタ一 → センター, フ才口一アップ → フォローアップ, while
ページ一覧 keeps its 一), a hiragana twin that begins one included (支援せンター); a lone
katakana among kanji or kana is the look-alike it stands for (山ロ → 山口, よリ → より).
Digits and capitals swap only beside their own kind (NP0 → NPO, l回 → 1回); a long vowel mark
that follows no katakana is the kanji 一, and so is one between a katakana word and a kanji
where the run is no word with it (サービスー覧 → サービス一覧, センター長 stays); a 0 after kana
ends a sentence (。); a 〇 outside kanji numerals is the mark ○; つ between a kanji and た/て
is the small っ; i) after kana is り; a , or . after Japanese is 、 or 。; a blank between
two katakana is none; a pair of brackets read as two kinds, one of them 〔〕 or 【】, is
that kind (〔会員数] → 〔会員数〕). Nothing else is changed: old forms of kanji become the
current ones (穗 → 穂). Where the recognizer was unsure of
a kanji or kana, its next choice is taken when the dictionary then reads the neighbourhood
as fewer words (活勤 → 活動; `likelier`), or, with the year before's dataset at hand,
when the year before wrote the words around it so (`lexicon`); the cell stays unsure, and
is warned of downstream. Other wrong kanji stay wrong, for the checks downstream to flag.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import TYPE_CHECKING

from extractor.eras import names_pattern
from extractor.normalize.matching import tokenizer
from extractor.sources.scan.blind import blind_for
from extractor.sources.scan.recognize import KANJI_RANGE, japanese
from extractor.vocabulary import PRINTED_HEADERS, PRINTED_HEADINGS, STATUS_WORDS

if TYPE_CHECKING:
    from extractor.sources.scan.lexicon import Doubt, Lexicon

KATAKANA = "ァ-ヺーヽヾ"
HIRAGANA_RANGE = "\u3041-\u309f"
# Kanji and kana a recognizer reads for a katakana of the same shape, and the katakana.
LOOKALIKES = {"一": "ー", "卜": "ト", "工": "エ", "力": "カ", "夕": "タ", "二": "ニ", "八": "ハ"}
LOOKALIKES |= {"口": "ロ", "了": "ア", "才": "オ"}
# Hiragana a recognizer reads for the katakana of the same shape, where a katakana run
# begins (支援せンター); inside a run, a hiragana is more likely a particle (センターへ).
TWINS = {"へ": "ヘ", "べ": "ベ", "ぺ": "ペ", "り": "リ", "せ": "セ", "も": "モ", "か": "カ"}
SMALL = dict(zip("アイウエオツヤユヨカケ", "ァィゥェォッャュョヵヶ", strict=True))
# Voiced and half-voiced marks read one for the other, and ラ for フ.
SMALL |= dict(zip("パピプペポバビブベボラフ", "バビブベボパピプペポフラ", strict=True))
RUN = re.compile(f"[{''.join(TWINS)}]?[{KATAKANA}][{KATAKANA}{''.join(LOOKALIKES)}]+")
MAX_CHANGES = 3
# Choosing among the recognizer's likeliest characters (see `likelier`):
SURE_CHARACTER = 0.95  # a character read with at least this score is kept
LEAST_CHOICE = 0.002  # a next choice scored below this is not considered
VOICED_RIVAL = 0.01  # ... and, beside a sure kana, the same kana voiced otherwise below this
WORD_CHOICES = 3  # the recognizer's likeliest choices the dictionary chooses among
NEIGHBOURS = 3  # characters on each side that judge a choice
OOV_WORDS = 3  # what a word the dictionary does not know costs
LATIN_LETTER = re.compile("[A-Za-z]")  # read for a kana now and then: 及U for 及び
WORD_CHARACTER = re.compile(f"[{HIRAGANA_RANGE}\u30a1-\u30fa{KANJI_RANGE}々]")
SNAP_SCORE = 80  # how close (rapidfuzz ratio) a header as read must be to a printed one
LOOSE_SNAP_SCORE = 65  # ... in a row other cells of which read as headers
HEADER_ROWS = 2  # a table's header and its 計画目標 sub-header: printed wording
MAX_COMPOUND = 24  # longest katakana run cut into words
MIN_WORD = 3  # the shortest word a run is cut into changed (shorter ones fit anywhere)
# A katakana standing alone, and what it is beside kanji or hiragana.
ALONE = {
    "リ": "り",
    "ロ": "口",
    "ヘ": "へ",
    "ベ": "べ",
    "ペ": "ぺ",
    "ニ": "二",
    "エ": "工",
    "カ": "力",
}
KANJI = re.compile(f"[{KANJI_RANGE}々]")
HIRAGANA = re.compile(f"[{HIRAGANA_RANGE}]")
KANA = re.compile(f"[{HIRAGANA_RANGE}\u30a1-\u30fa]")
BULLETS = "・·•∙"
# Old forms of kanji a recognizer may prefer where packets print the current ones.
OLD_FORMS = str.maketrans(
    "穗齡圈續團實會國學體氣應發縣賣讀廳當黨舊號擔餘豫",
    "穂齢圏続団実会国学体気応発県売読庁当党旧号担余予",
)
PARTICLES = {"ヘ": "へ", "ニ": "に"}
DOUBLED = re.compile(r"([、。，．])\1+")
LONE_DASH = re.compile(f"(?<![{KATAKANA}])ー")  # the long vowel mark follows katakana only
RUN_DASH = re.compile(f"([{KATAKANA}]+)ー(?=[{KANJI_RANGE}])")  # サービスー覧: maybe 一覧
RI = re.compile(f"(?<=[{HIRAGANA_RANGE}])[iIl][)）]")  # り read as its two strokes: づくi)
# Brackets a recognizer reads for 〔 〕 (or 【 】): [ ] and, paired with one of them, ( ).
OPENING, CLOSING = "[〔【(（", "]〕】)）"
FULL_STOP = re.compile(f"(?<=[{HIRAGANA_RANGE}])0(?![0-9])")  # します0 → します。
SMALL_TSU = re.compile(f"(?<=[{KANJI_RANGE}])つ(?=[たてちと])")  # 行つた → 行った
KANJI_ZERO = re.compile(r"(?<![一二三四五六七八九十〇])〇(?![一二三四五六七八九十〇])")
KATAKANA_GAP = re.compile(f"(?<=[{KATAKANA}]) (?=[{KATAKANA}])")
WIDE = f"[{HIRAGANA_RANGE}\u30a1-\u30ff{KANJI_RANGE}々）」』]"
COMMA = re.compile(f"(?<={WIDE}),(?![0-9])")  # 、 read as , after Japanese
PERIOD = re.compile(f"(?<={WIDE})\\.(?![0-9])")  # 。 read as . after Japanese
ITEM_BULLET = re.compile(r"(^|\s)[・·•∙]\s*")
ZERO_AS_O = re.compile(r"(?<=[A-Z])0(?![0-9])|(?<![0-9])0(?=[A-Z])")
# A 1 read as l, I or |: beside a figure, or before a counter (l回 → 1回).
ONE_AS_L = re.compile(
    r"(?<![A-Za-z])[lI|](?=[0-9]|[回人件名校団箇所か月日年歳%％])|(?<=[0-9])[lI|](?![A-Za-z])"
)
O_AS_ZERO = re.compile(r"(?<=[0-9])[OoО](?![A-Za-z])|(?<![A-Za-z])[OoО](?=[0-9])")


def is_katakana(char: str) -> bool:
    """Whether a character is katakana or the long vowel mark."""
    return bool(char) and re.fullmatch(f"[{KATAKANA}]", char) is not None


def _known(word: str) -> bool:
    """Whether sudachipy reads the text as one word it knows."""
    morphemes = tokenizer().tokenize(word)
    return len(morphemes) == 1 and not morphemes[0].is_oov()


def _alternatives(char: str) -> set[str]:
    """The character itself and what a recognizer may have read it for: its katakana
    look-alike and that one's small or other-voiced form (才 for オ or ォ)."""
    found = {char}
    for one in (char, LOOKALIKES.get(char), TWINS.get(char)):
        if one:
            found |= {one, SMALL.get(one, one)}
    return found


def _spelled(word: str) -> str | None:
    """Given katakana, return the usual spelling when sudachipy knows it as one word
    written with large kana for small (ネツト is ネット), the word itself when it is known as
    written, or None when it is no one word."""
    morphemes = tokenizer().tokenize(word)
    if len(morphemes) != 1 or morphemes[0].is_oov():
        return None
    usual = str(morphemes[0].normalized_form())
    if len(usual) == len(word) and all(
        b in _alternatives(a) for a, b in zip(word, usual, strict=True)
    ):
        return usual
    return word


def _run(text: str) -> str:
    """Given a katakana run as read, return it with the fewest look-alike changes that make
    it one known word, or as read when none does (or it is already one). A hiragana that
    begins it is its katakana twin only where that makes the word (せンター → センター);
    else the run is the rest."""
    if text[0] in TWINS:
        word = _word(text)
        if word is not None and word[0] != text[0]:
            return word
        return text[0] + _run(text[1:])
    return _word(text) or text


def _word(text: str) -> str | None:
    """The katakana run as one known word (or known words, see `_compound`) with the fewest
    look-alike changes, or None when there is none."""
    spelled = _spelled(text)
    if spelled is not None:
        return spelled
    if text[-1] in PARTICLES and len(text) > 2:  # ワークショップヘ: a word, then the particle へ
        word = _spelled(text[:-1]) or _changed(text[:-1]) or _compound(text[:-1])
        if word is not None:
            return word + PARTICLES[text[-1]]
    return _changed(text) or _compound(text)


def _cost(option: tuple[int, int, str]) -> int:
    """Fewer words first, then fewer changes: a word more costs two changes."""
    changes, words, _ = option
    return 2 * words + changes


def _compound(text: str) -> str | None:
    """Given a katakana run that is no one word (ボランテイアリーダー), return it as known
    words with the fewest changes, or None when it cannot: words of MIN_WORD characters or
    more, changed or not, and words of two only as written (エコキヤップ → エコキャップ)."""
    if len(text) > MAX_COMPOUND:
        return None
    # best[i]: (changes, words, text) for the first i characters
    best: list[tuple[int, int, str] | None] = [(0, 0, "")] + [None] * len(text)
    for end in range(2, len(text) + 1):
        for start in range(0, end - 1):
            before = best[start]
            if before is None:
                continue
            word = text[start:end]
            if len(word) < MIN_WORD:
                fixed: str | None = word if _known(word) else None
            else:
                fixed = _spelled(word) or _changed(word)
            if fixed is None:
                continue
            changes = sum(a != b for a, b in zip(word, fixed, strict=True))
            option = (before[0] + changes, before[1] + 1, before[2] + fixed)
            if best[end] is None or _cost(option) < _cost(best[end]):  # type: ignore[arg-type]
                best[end] = option
    found = best[-1]
    return found[2] if found is not None and found[1] > 1 else None


def _changed(text: str) -> str | None:
    """Given katakana, return it with the fewest look-alike changes that make it one known
    word, or None when no change does."""
    options = [(i, sorted(_alternatives(c) - {c})) for i, c in enumerate(text)]
    options = [(i, others) for i, others in options if others]
    for count in range(1, min(MAX_CHANGES, len(options)) + 1):
        for chosen in itertools.combinations(options, count):
            for news in itertools.product(*(others for _i, others in chosen)):
                chars = list(text)
                for (i, _others), new in zip(chosen, news, strict=True):
                    chars[i] = new
                candidate = "".join(chars)
                if _known(candidate):
                    return candidate
    return None


def _alone(text: str) -> str:
    chars = list(text)
    for i, c in enumerate(chars):
        if c not in ALONE:
            continue
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        if re.match(f"[{KATAKANA}]", before) or re.match(f"[{KATAKANA}]", after):
            continue
        beside = before + after
        if KANJI.search(beside) or (HIRAGANA.search(beside) and c in "リヘベペ"):
            chars[i] = ALONE[c]
    return "".join(chars)


def _words(text: str) -> int:
    """How many words sudachipy cuts the text into, a word it does not know counting as
    OOV_WORDS: the fewer, the likelier the text reads as written."""
    return sum(OOV_WORDS if m.is_oov() else 1 for m in tokenizer().tokenize(text))


def reads_as_well(chars: list[str], k: int, char: str) -> bool:
    """Whether `char` in place of character k cuts the characters around it (NEIGHBOURS on
    each side) into no more words than the character there does: the dictionary's veto on
    a choice the packet's own words make, which a misreading printed surely elsewhere in
    the packet can back (災害 → 災書, などの → なとの are vetoed; a name the dictionary
    knows neither way, チャアキャプ → チャアキャブ, is not)."""
    start, end = max(0, k - NEIGHBOURS), min(len(chars), k + NEIGHBOURS + 1)
    near = "".join(chars[start:end])
    instead = "".join([*chars[start:k], char, *chars[k + 1 : end]])
    return _words(instead) <= _words(near)


def _inside(text: str, at: int) -> bool:
    """Whether the character at a place is inside one word of the text, as sudachipy cuts
    it: neither its first character nor its last (引きこもり's こ, not どの's ど)."""
    return any(m.begin() < at < m.end() - 1 for m in tokenizer().tokenize(text))


def _ends_word(text: str, at: int) -> bool:
    """Whether the character at a place ends a word of two characters or more, as sudachipy
    cuts the text (業 in 推進事業, not 揚 alone)."""
    return any(m.begin() < at < m.end() for m in tokenizer().tokenize(text))


def _offered(choices: tuple[tuple[str, float], ...], most: int | None = None) -> list[str]:
    """Given the recognizer's likeliest characters at a place, best first, return the
    kanji and kana after the first, among the first `most` (all when None), that it scored
    at least LEAST_CHOICE; then the kanji it cannot read that its first stands in for
    (`blind`: 捗 for 挫)."""
    offered = [
        c for c, score in choices[1:most] if score >= LEAST_CHOICE and WORD_CHARACTER.match(c)
    ]
    return offered + [c for c in blind_for().get(choices[0][0], ()) if c not in offered]


def _voiced_rival(choices: tuple[tuple[str, float], ...]) -> bool:
    """Whether the recognizer offered, beside its likeliest kana, the same kana with another
    voicing mark (ブ プ フ, ご こ): the marks are the finest strokes a scan blurs, so however
    sure it was, the year before's words may still choose (not the dictionary: ブ and プ
    both make words)."""
    base = unicodedata.normalize("NFD", choices[0][0])[:1]
    return bool(KANA.match(choices[0][0])) and any(
        score >= VOICED_RIVAL and unicodedata.normalize("NFD", char)[:1] == base
        for char, score in choices[1:]
        if char != choices[0][0] and KANA.match(char)
    )


def likelier(
    text: str,
    options: tuple[tuple[tuple[str, float], ...], ...],
    lexicon: Lexicon | None = None,
) -> str:
    """Given a line as read and, for each of its characters but spaces, the recognizer's
    likeliest characters there, return the line with each unsure kanji or kana replaced
    by the recognizer's next choice where that makes the words around it read as the year
    before wrote them (`lexicon`, when there is one), or else where that cuts its
    neighbourhood into fewer words (市民活勤の資金 → 市民活動の資金, 推進事集 → 推進事業;
    at the line's end only where it ends a longer word, as the word may go on past it);
    a hiragana for another only where it then stands inside a word (引きごもり →
    引きこもり; the dictionary's liking for longer words would make と の into どの).
    Figures and marks are never changed: what a figure says is not the dictionary's to
    decide; a kanji beyond JIS X 0208 (鷗; the recognizer is as sure of 每 for a printed 毎)
    is chosen only by the year before's words; a Latin letter only where they choose a kana
    (及U → 及び),
    and a kana read surely only where they choose its other voicing (ブラン → プラン)."""
    return likelier_doubts(text, options, lexicon)[0]


def likelier_doubts(
    text: str,
    options: tuple[tuple[tuple[str, float], ...], ...],
    lexicon: Lexicon | None = None,
) -> tuple[str, tuple[Doubt, ...], tuple[int, ...]]:
    """Given a line as for `likelier`, return what `likelier` makes of it; the characters
    the year before's words did not settle that the packet's own words may: each kanji
    or kana the recognizer was unsure of (see `lexicon.Doubt`); and where a kana stands
    whose other voicing the recognizer offered and the year before's words did not
    settle (an index among the characters but spaces): the voicing marks are the finest
    strokes a scan blurs, so such a kana is unsure however sure the recognizer was
    (`sureness`), unless the year before writes it as read (`Lexicon.keeps`). A kana
    read surely, whatever voicing it also offered, is no doubt: it is as the year
    before's words leave it, and it counts as read without doubt where the packet's
    words are weighed (グループワーク read surely settles グルーブ read unsure)."""
    from extractor.sources.scan.lexicon import respaced

    chars = list(text.replace(" ", ""))
    if len(options) != len(chars):
        return text, (), ()
    open_places: list[int] = []
    voicings: list[int] = []
    for k, choices in enumerate(options):
        sure = choices[0][1] >= SURE_CHARACTER
        voiced = _voiced_rival(choices)
        if sure and not voiced:
            continue
        if WORD_CHARACTER.match(chars[k]) or LATIN_LETTER.match(chars[k]):
            chosen = lexicon.choose(chars, k, _offered(choices)) if lexicon else None
            if chosen is not None:
                chars[k] = chosen
                continue
            if voiced and not (lexicon and lexicon.keeps(chars, k, _offered(choices))):
                voicings.append(k)
            if not sure:  # a kana read surely is the year before's alone to change
                open_places.append(k)
        if sure or not WORD_CHARACTER.match(chars[k]):
            continue
        start, end = max(0, k - NEIGHBOURS), min(len(chars), k + NEIGHBOURS + 1)
        best, fewest = chars[k], _words("".join(chars[start:end]))
        last = k == len(chars) - 1  # its word may go on past the piece
        for char in _offered(choices, WORD_CHOICES):
            if not japanese(char):
                continue  # beyond JIS X 0208 (鷗): only the year before's words choose it
            near = "".join([*chars[start:k], char, *chars[k + 1 : end]])
            if HIRAGANA.match(chars[k]) and HIRAGANA.match(char) and not _inside(near, k - start):
                continue  # the dictionary prefers longer words: と の would become どの
            if last and not _ends_word(near, k - start):
                continue  # 掲 alone is no word, but 掲載 may follow on the next line
            words = _words(near)
            if words < fewest:
                best, fewest = char, words
        chars[k] = best
    return respaced(text, chars), _doubts(chars, options, open_places), tuple(voicings)


def _doubts(
    chars: list[str], options: tuple[tuple[tuple[str, float], ...], ...], places: list[int]
) -> tuple[Doubt, ...]:
    """Given a line's characters as chosen, the recognizer's likeliest at each, and the
    places nothing settled, return the doubts there that have a Japanese word character
    to offer instead, each with its context."""
    from extractor.sources.scan.lexicon import CONTEXT, Doubt

    doubts = []
    for k in places:
        first = options[k][0][0]
        others = [c for c in (*_offered(options[k]), first) if c != chars[k]]
        others = [c for c in others if WORD_CHARACTER.match(c) and japanese(c)]
        if others:
            before = "".join(chars[max(0, k - CONTEXT) : k])
            after = "".join(chars[k + 1 : k + 1 + CONTEXT])
            doubts.append(Doubt(before, chars[k], after, tuple(dict.fromkeys(others))))
    return tuple(doubts)


def _written(char: str) -> str:
    """A character as the dataset writes it: its NFKC form, an old form of a kanji the
    current one (`tidy`: 齡 is 齢)."""
    return unicodedata.normalize("NFKC", char).translate(OLD_FORMS)


def sureness(
    text: str,
    options: tuple[tuple[tuple[str, float], ...], ...],
    scores: tuple[float, ...],
    guessed: tuple[int, ...],
    guess: float,
) -> tuple[float, ...]:
    """Given a line's characters as chosen (`likelier_doubts`), the recognizer's likeliest
    characters at each of them and its score of the one it read there, return how sure
    each character is: the recognizer's score of it, counting the forms the dataset
    writes alike together (） and ), 齢 and 齡 share one score: `_written`); for a
    character the words chose over the recognizer's likeliest, its score of the one
    chosen (the recognizer's 0.91 for 祉 does not make the 社 chosen instead sure); and
    for each of `guessed` (indexes among the characters but spaces), no more than
    `guess`. Where the recognizer said nothing of a character, the scores are kept."""
    chars = text.replace(" ", "")
    if len(options) != len(chars) or len(scores) != len(chars):
        return scores
    found: list[float] = []
    for k, (char, choices, score) in enumerate(zip(chars, options, scores, strict=True)):
        form = _written(char)
        alike = sum(s for c, s in choices if _written(c) == form)
        likeliest = _written(choices[0][0]) == form
        value = max(score, alike) if likeliest else alike
        found.append(min(value, guess) if k in guessed else value)
    return tuple(found)


def _dash_or_one(match: re.Match[str]) -> str:
    """A long vowel mark between katakana and a kanji is the kanji 一 that begins a word
    (サービス一覧) where the katakana are a word without it and not with it (センター長
    keeps its ー)."""
    run = match.group(1)
    one = _known(run) and not _known(run + "ー")
    return run + ("一" if one else "ー")


def _paired(text: str) -> str:
    """Given a text, return it with each pair of brackets read as two kinds made one kind
    where one of them is 〔 〕 or 【 】 ([会員数〕, 〔広報], 〔…(28名)] → 〔…〕): a packet
    does not print [ ], and a ( ) in it holds a ( ) of its own."""
    chars = list(text)
    open_at: list[int] = []
    for k, char in enumerate(chars):
        if char in OPENING:
            open_at.append(k)
        elif char in CLOSING and open_at:
            start = open_at.pop()
            kinds = {OPENING.index(chars[start]), CLOSING.index(char)}
            for kind in (1, 2):  # 〔〕, then 【】
                if kind in kinds and len(kinds) == 2 and kinds - {kind} <= {0, 3, 4}:
                    chars[start], chars[k] = OPENING[kind], CLOSING[kind]
                    break
    return "".join(chars)


def tidy(line: str) -> str:
    """Given a line as the recognizer read it, return it with the look-alikes the context
    settles put right."""
    text = KATAKANA_GAP.sub("", line.strip())  # a blank inside a word: ボランテ イア
    text = RUN.sub(lambda m: _run(m.group()), text)
    text = COMMA.sub("、", text)
    text = PERIOD.sub("。", text)
    text = _alone(text)
    text = LONE_DASH.sub("一", text)
    text = RUN_DASH.sub(_dash_or_one, text)
    text = RI.sub("り", text)
    text = ZERO_AS_O.sub("O", text)
    text = FULL_STOP.sub("。", text)
    text = SMALL_TSU.sub("っ", text)
    text = KANJI_ZERO.sub("○", text)
    text = O_AS_ZERO.sub("0", text)
    text = ONE_AS_L.sub("1", text)
    text = _paired(DOUBLED.sub(r"\1", text).translate(OLD_FORMS))
    return ITEM_BULLET.sub(r"\1・", text)  # an item's bullet, however it was read


ERA_NAMES = names_pattern()
MASKED = re.compile(f"({ERA_NAMES})|([0-9元])")


def _masked(text: str) -> tuple[str, list[str]]:
    """Given header text, return it with eras as E and digits as #, and what they were."""
    found: list[str] = []

    def mask(match: re.Match[str]) -> str:
        found.append(match.group())
        return "E" if match.group(1) else "#"

    return MASKED.sub(mask, "".join(text.split())), found


SHORT = 4  # a header this long at most is a short one (担当課, 計画目標)
SHORT_HEADERS = tuple(t for t in PRINTED_HEADERS if len(t) <= SHORT and not set(t) & set("E#"))


def is_printed_header(text: str) -> bool:
    """Whether a cell as read is one of the packet's printed header texts."""
    key, _values = _masked(text)
    return key in PRINTED_HEADERS


def printed_header(text: str, in_header_row: bool = False) -> str | None:
    """Given a header cell as read, return the packet's printed wording it misreads
    (担当腺 → 担当課, 市の取り粗み（平成23年度実施状況） → 市の取り組み（平成23年度実施状況）),
    with its years as read, or None when it is close to none (or is one already). In a row
    known to be a table's header (other cells of it read as headers), a short header may
    have two characters misread (爽旗内容 → 実施内容), and a long one be further off, as
    long as one printed header is nearest."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    key, values = _masked("".join(text.split()) if in_header_row else text)
    if not key or len(key) > 40 or key in PRINTED_HEADERS:
        return None
    templates = [t for t in PRINTED_HEADERS if t.count("#") + t.count("E") == len(values)]
    reach = 2 if in_header_row else 1
    distances = sorted((Levenshtein.distance(key, t), t) for t in templates if len(t) <= SHORT)
    short = [t for d, t in distances if d <= reach and d < len(t) - 1]
    nearest = len(short) == 1 or (len(short) > 1 and distances[0][0] < distances[1][0])
    score = LOOSE_SNAP_SCORE if in_header_row else SNAP_SCORE
    found = process.extractOne(key, templates, scorer=fuzz.ratio, score_cutoff=score)
    if short and nearest:  # a short header: a character misread (two in a header row)
        template = short[0]
    elif found is not None and abs(len(found[0]) - len(key)) <= 2:
        template = found[0]
    else:
        return None
    filled = iter(values)
    return "".join(next(filled) if c in "E#" else c for c in template)


def printed_headers(texts: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """Given a table's cells as read by grid position, return the printed header wording of
    those in its header rows that misread one. A row that holds a printed header (as read,
    or put right) is a header row, and its other cells are put right more boldly, to a
    header the row does not hold yet (a table continued from the page before has none)."""
    found: dict[tuple[int, int], str] = {}
    for row in range(HEADER_ROWS):
        cells = {p: t for p, t in texts.items() if p[0] == row}
        for position, text in cells.items():
            if (header := printed_header(text)) is not None:
                found[position] = header
        held = {found.get(p, t) for p, t in cells.items() if is_printed_header(found.get(p, t))}
        if not held:
            continue
        for position, text in cells.items():
            header = None if position in found else printed_header(text, in_header_row=True)
            if header is not None and header not in held:
                found[position] = header
                held.add(header)
    return found


def printed_heading(text: str) -> str | None:
    """Given a line outside the tables as read, return it with a misread 基本目標 or 活動目標
    that opens it (before its number) put right, or None when there is none to put right."""
    from rapidfuzz.distance import Levenshtein

    # The heading's word may be read with blanks inside it (活 動目標4).
    match = re.match(r"^((?:\S\s?){3,5}?)\s*([0-9０-９]+)", text)
    if match is None:
        return None
    read = "".join(match.group(1).split())
    for word in PRINTED_HEADINGS:
        if read == word != match.group(1) or Levenshtein.distance(read, word) == 1:
            return word + text[match.end(1) :]
    return None


# The mark's closing bracket may be read as another bracket, or lost.
HALF_BRACKETS = str.maketrans("()", "（）")
STATUS_READ = re.compile(r"[(（]\s*(\S)\s*(\S)\s*(\S)\s*(\S)\s*[)）》〉」』\]]?\s*$")


def printed_status(text: str) -> str | None:
    """Given a cell as read, return it with a misread status mark at its end put right
    ((継統活勤) → (継続活動)), or None when it ends in none to put right."""
    from rapidfuzz.distance import Levenshtein

    match = STATUS_READ.search(text)
    if match is None:
        return None
    status, activity = match.group(1, 2), match.group(3, 4)
    if Levenshtein.distance("".join(activity), "活動") > 1:
        return None
    for word in STATUS_WORDS:
        mark = f"（{word}活動）"
        as_read = "".join(match.group().split()).translate(HALF_BRACKETS)
        if as_read != mark and Levenshtein.distance("".join(status), word) <= 1:
            return text[: match.start()] + mark
    return None


# A target's label ends in what it counts and what per or in (開催回数/年, 利用者数/人). A
# scan may lose the thin / of a Mincho face, leaving 開催回数年 (or a speck of it, read as
# a mark: 回数。年), and the label then reads as a target in words; no other short cell
# ends so.
LOST_SLASH = re.compile(
    r"^(?P<label>[^\d/／。、]{3,20}数)\s*[。、・.,]?\s*(?P<per>年|月|週|人|回|件)$"
)


def label_slash(text: str) -> str | None:
    """Given a cell as read, return it with the / put back that a target's label lost
    before what it counts per (開催回数年 → 開催回数/年), or None when it ends in no such
    label."""
    match = LOST_SLASH.match(text.strip())
    return f"{match['label']}/{match['per']}" if match else None


def without_last_bullet(text: str) -> str | None:
    """Given a cell as read, return it without a ・ it ends in (a bullet begins an item,
    and nothing follows this one: a speck of the scan), or None when it ends in none."""
    stripped = text.rstrip()
    if len(stripped) > 1 and stripped.endswith("・"):
        return stripped[:-1].rstrip()
    return None


def mended_marks(text: str) -> str | None:
    """Given a cell as read, return it with the marks a scan loses or makes mended: a
    label's lost / put back (`label_slash`), a last ・ with nothing after it taken out
    (`without_last_bullet`); None when it needs neither."""
    return label_slash(text) or without_last_bullet(text)
