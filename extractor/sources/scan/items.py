"""How a scanned cell's lines, and a line's pieces, join into its text (`join_lines`,
`join_pieces`), and whether a ・ that begins a wrapped line begins an item or joins two
words (`ItemStarts`).

A cell's items are printed one after another, each after a blank and its ・, and the cell
wraps wherever its width runs out. When a line fills the cell and the next one begins with
a ・, the paper cannot tell which it was: the blank before an item fell at the line's end,
where it shows nothing, and a ・ between words (民生委員・児童委員) may wrap there as well.
The words around it can. In h24's text, of the ・ that follow words rather than a sentence's
end (those that would be in doubt at a line's start), 140 begin items and 158 join words.
Taking every one as joining gets 53% of them right; the grammar below gets 88%, and 92%
with the pairs found joined anywhere else in the text (the reader looks on its page). So,
in order:

- the year before's wording, when the reader has it (`Lexicon.starts_item`), else
- the same two words joined by a ・ in the middle of a line on the same page (where a blank
  before an item would show), else
- grammar: a ・ before an opening bracket begins an item (・「山口市社協だより」や); an
  item ends in a phrase, and a ・ joins parallel words under one head. The
  words since the last 、, bracket, blank or ・ hold a particle (講習会等の開催, 市社協との
  連携) or a figure not followed by another (延5回) in an item's end; but a verbal noun
  of two kanji standing alone after the ・ (集約・提供, 発見・把握と仕組みづくり, 調査・検討
  を行う) is the second of a pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import TYPE_CHECKING

from extractor.normalize.matching import tokenizer
from extractor.normalize.text import is_wide
from extractor.sources.scan.japanese import is_katakana

if TYPE_CHECKING:
    from extractor.sources.scan.grid import Rect
    from extractor.sources.scan.lexicon import Lexicon

SENTENCE_ENDS = "。）)」』"
SPACED_FIGURES = re.compile(r"\d\s+\d")
SURE_ITEM_GAP = 0.7  # a ・ after a blank this wide (in line heights) is an item's, after any
# character; after a narrower one (lines.ITEM_GAP and up), not after katakana
BREAKS = re.compile(r"[、，,（(「『\s・：:]")  # what ends the words a ・ may join
AFTER_BREAKS = re.compile(r"[、，,（(「『\s・：:。]")  # ... and the words after it
FIGURE = re.compile("[0-9０-９]")
# The round ones of the brackets `japanese.OPENING` and `CLOSING` pair
ROUND_OPENING, ROUND_CLOSING = "(（", ")）"
ITEM_OPENERS = "「『(（"  # a ・ before an opening bracket begins an item (h24: 5 of 5)
# Kana whose last stroke, a long curve, a recognizer may read once more as a closing
# bracket (a Mincho face: 環境づくり)の推進).
CURVED_LAST = "りリ"
PAIR_SIDE = 2  # characters on each side of a ・ that make a pair
LOOKED_AT = 12  # characters after the ・ that grammar looks at
VERBAL_NOUN = 2  # the length of a verbal noun that may stand alone after a joining ・
# What may follow a verbal noun standing alone: a particle, a verb or auxiliary (する), 等.
STANDS_ALONE_BEFORE = ("助詞", "助動詞", "動詞")


def _pair(before: str, after: str) -> str:
    """The key of the words on either side of a ・: PAIR_SIDE characters of each."""
    return unicodedata.normalize("NFKC", before[-PAIR_SIDE:] + "・" + after[:PAIR_SIDE])


def joined_pairs(lines: Iterable[str]) -> set[str]:
    """Given lines as read, return the pairs of words a ・ joins inside them: a ・ after a
    character (not a blank) and not at the line's start, which the image shows joined."""
    pairs = set()
    for line in lines:
        for k in range(PAIR_SIDE, len(line) - PAIR_SIDE):
            before, after = line[k - PAIR_SIDE : k], line[k + 1 : k + 1 + PAIR_SIDE]
            if line[k] == "・" and not before[-1].isspace() and not after[0].isspace():
                pairs.add(_pair(before, after))
    return pairs


def _verbal_noun_alone(after: str) -> bool:
    """Whether the words after a ・ begin with a verbal noun of two kanji that stands alone:
    followed by nothing, a particle, a verb or 等 (提供, 把握と, 検討を行う), not by another
    noun it makes a compound with (相談体制)."""
    words = tokenizer().tokenize(AFTER_BREAKS.split(after)[0][:LOOKED_AT])
    if not len(words):
        return False
    first = words[0]
    kind = first.part_of_speech()
    if kind[0] != "名詞" or "サ変可能" not in kind[2] or len(first.surface()) != VERBAL_NOUN:
        return False
    if len(words) == 1:
        return True
    following = words[1]
    return following.part_of_speech()[0] in STANDS_ALONE_BEFORE or following.surface() == "等"


def ends_item(before: str, after: str) -> bool:
    """Given a cell's text up to a ・ that follows words, and the text after the ・, return
    whether grammar reads the words before it as an item's end and the ・ as the next
    item's bullet (see the module's note)."""
    last = BREAKS.split(before.rstrip())[-1]
    after = after.lstrip("・ ")
    if not last or not after:
        return False
    if after[0] in ITEM_OPENERS:
        return True
    phrase = any(m.part_of_speech()[0] == "助詞" for m in tokenizer().tokenize(last))
    counted = FIGURE.search(last) is not None and FIGURE.match(after) is None
    return (phrase or counted) and not _verbal_noun_alone(after)


class ItemStarts:
    """Settles, for one page, whether a ・ that begins a wrapped line begins an item: by the
    year before's wording, the page's own pairs, then grammar. What the year before does
    not settle is a guess, and is counted (`guesses`): the reader marks its cell unsure."""

    def __init__(self, lines: Iterable[str], lexicon: Lexicon | None = None) -> None:
        self.pairs = joined_pairs(lines)
        self.lexicon = lexicon
        self.guesses = 0

    def __call__(self, before: str, after: str) -> bool:
        """Given a cell's text up to such a ・, and the text from it on, return whether the
        ・ begins an item."""
        said = self.lexicon.starts_item(before, after) if self.lexicon else None
        if said is not None:
            return said
        self.guesses += 1
        if _pair(before.rstrip(), after.lstrip("・ ")) in self.pairs:
            return False
        return ends_item(before, after)


def join_lines(
    lines: list[tuple[str, bool]],
    tight: bool = False,
    item_starts: Callable[[str, str], bool] | None = None,
    loose: bool = False,
) -> str:
    """Given a cell's lines as read, each with whether it ends short of the cell's right
    edge, return the cell's text. A line that fills the cell wrapped inside a sentence and
    joins the next without a space (but between two Latin letters); a short line was
    broken on purpose, and a line that begins with a ・ after a finished sentence starts
    an item: both are set off by a space, as the printed text has them. A line that begins
    with a ・ after words that filled the one before may do either (人材・団体 wrapped at
    the dot, or 講習会等の開催 ・人材派遣 with its blank at the line's end): `item_starts`,
    given the text so far and the rest, settles it (`ItemStarts`); without it, the
    ・ joins. `tight`: a line that breaks between two digits broke inside a number, even
    after figures printed apart; `loose`: it broke at the space between two figures, as
    a printer that wraps a number whole does (設置数 9529 / 10079 152)."""
    text = ""
    short = False
    previous = ""
    stripped = [(line.strip(), ends_short) for line, ends_short in lines]
    for k, (line, ends_short) in enumerate(stripped):
        if not line:
            continue
        starts_item = line[0] == "・" and (
            text[-1:] in SENTENCE_ENDS
            or bool(
                text
                and not short
                and item_starts
                and item_starts(text, "".join(rest for rest, _ in stripped[k:]))
            )
        )
        latin = text and not (is_wide(text[-1]) or is_wide(line[0]))
        # A number wrapped mid-way, unless the line before holds figures printed apart
        # (1050 1050 / 1421: the line broke at the space between two figures).
        figure = (
            text[-1:].isdigit()
            and line[0].isdigit()
            and not loose
            and (tight or not SPACED_FIGURES.search(previous))
        )
        if text and (short or starts_item or (latin and not figure)):
            text += " "
        text += line
        short, previous = ends_short, line
    return " ".join(text.split())


def without_stray_brackets(lines: list[tuple[str, bool]]) -> tuple[list[tuple[str, bool]], bool]:
    """Given a cell's lines as read, each with whether it ends short, return them with the
    closing brackets a recognizer added after a curved kana taken out, and whether any
    was. Such a bracket follows one of CURVED_LAST in a cell holding more closing brackets
    than opening ones; only as many are taken out as there are too many, the first first
    (友愛訪問(見守り)訪問)活動 is 友愛訪問(見守り訪問)活動)."""
    texts = [line.strip() for line, _ in lines]
    extra = sum(t.count(c) for t in texts for c in ROUND_CLOSING)
    extra -= sum(t.count(c) for t in texts for c in ROUND_OPENING)
    if extra <= 0:
        return lines, False
    found: list[tuple[str, bool]] = []
    taken = 0
    for text, (_, ends_short) in zip(texts, lines, strict=True):
        kept = ""
        for char in text:
            if taken < extra and char in ROUND_CLOSING and kept and kept[-1] in CURVED_LAST:
                taken += 1
                continue
            kept += char
        found.append((kept, ends_short))
    return found, taken > 0


def breaks_between_digits(lines: list[tuple[str, bool]]) -> bool:
    """Given a cell's lines as read, whether one ends in a digit and the next begins with
    one: the only place where `join_lines` joins `tight` or `loose` otherwise than plain."""
    stripped = [line.strip() for line, _ends_short in lines if line.strip()]
    return any(a[-1].isdigit() and b[0].isdigit() for a, b in pairwise(stripped))


def join_pieces(pieces: list[Rect], texts: list[str]) -> str:
    """Given a line's pieces and what each reads, return the line's text: the pieces
    joined by a space (a piece after the first begins with an item's ・, after a blank),
    but a ・ after katakana across a blank narrower than `SURE_ITEM_GAP` joins the words
    of a compound (ファミリー・サポート・センター: the blank after a ト is wide)."""
    text = ""
    for k, (piece, part) in enumerate(zip(pieces, texts, strict=True)):
        if not part:
            continue
        gap = piece[0] - pieces[k - 1][2] if k else 0
        narrow = gap < SURE_ITEM_GAP * (piece[3] - piece[1]) and part.startswith("・")
        text += "" if not text or (narrow and is_katakana(text[-1])) else " "
        text += part
    return text


__all__ = [
    "ItemStarts",
    "breaks_between_digits",
    "ends_item",
    "join_lines",
    "join_pieces",
    "joined_pairs",
    "without_stray_brackets",
]
