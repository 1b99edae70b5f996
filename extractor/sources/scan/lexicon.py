"""The year before's wording, as a scan's reader consults it.

A committee packet repeats most of its wording from one year to the next: the activities'
descriptions and roles, the names of groups, events and departments, and whole sentences
of what was done. When the recognizer is unsure of a character and offers others in its
place, the one that makes the words around it read as the year before wrote them is the
likelier (グルーブ員研修 → グループ員研修, 地域員献 → 地域貢献). Only characters the
recognizer itself offered are chosen among, never figures; the cell stays unsure (and
warned) as before, and what was read is kept on its `source.ocr` record.

So too where the recognizer lost a character (its blank won over it): between two
characters read far apart (`recognize.GAP_PITCHES`), the characters it scored there are
offered (`recognize.Gap`), and one is put in where the year before's words take it, as
for a character read unsure (地域の要援者 → 要援護者; `filled`); without them nothing is
put in.

The same wording settles where a ・ the image did not set apart (at the start of a line
that wrapped, or after too narrow a blank) starts an item: the year before shows whether
the words on either side of it stood in one item (委員・児童委員) or ended one item and
began the next.

A packet repeats its own wording too: a name, an event or a phrase read unsure in one cell
is often read surely, or read right, in another (チャアキャブの貸出 in a row's results and
plans, ・チャアキャプ※の貸出 in its efforts; するとともに on several pages). Once every page
is read, each character the recognizer was unsure of and that nothing settled
(`Doubt`) takes the choice the rest of the packet's words show in the same way
(`settle_doubts`), counting only runs where a character read without doubt stands in its
place.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from extractor.sources.scan.recognize import Reading

GRAMS = (3, 4)  # the lengths of the runs of characters looked up
CONTEXT = 3  # characters on each side of a line break that are looked up
WIN_BY = 2  # how many more runs a choice must find in the year before than the reading

Key = TypeVar("Key", bound=Hashable)


def _key(text: str) -> str:
    """Text as looked up: widths made one (（ and ( alike)."""
    return unicodedata.normalize("NFKC", text)


def _runs(chars: Sequence[str], k: int) -> Iterable[tuple[str, int]]:
    """The runs of GRAMS characters through character k, as looked up, each with where
    in it character k stands."""
    for n in GRAMS:
        for start in range(max(0, k - n + 1), min(k, len(chars) - n) + 1):
            yield _key("".join(chars[start : start + n])), k - start


class Lexicon:
    """The runs of characters of the year before's texts (each item of a field a line of
    its own), or of a packet's own, with how often each occurs, for choosing among a
    recognizer's readings."""

    def __init__(self, texts: Iterable[str]) -> None:
        lines = [_key(line).strip() for text in texts for line in text.split("\n")]
        self.lines = [line for line in lines if line]
        self.text = "\n" + "\n".join(self.lines) + "\n"  # each line between two breaks
        self.grams = Counter(
            line[i : i + n] for line in self.lines for n in GRAMS for i in range(len(line) - n + 1)
        )

    def __bool__(self) -> bool:
        return bool(self.lines)

    def hits(
        self, chars: list[str], k: int, doubted: Counter[tuple[str, int]] | None = None
    ) -> int:
        """How many runs of GRAMS characters through character k the texts hold; with
        `doubted` (how often each run stands in the texts with a doubt in a given place),
        only where a character read without doubt stands in character k's place."""
        doubted = doubted or Counter()
        return sum(1 for run, at in _runs(chars, k) if self.grams[run] > doubted[run, at])

    def choose(
        self,
        chars: list[str],
        k: int,
        options: list[str],
        doubted: Counter[tuple[str, int]] | None = None,
    ) -> str | None:
        """Given a line's characters, one of them and the recognizer's other readings of
        it, return the one reading that puts clearly more of the line's runs of
        characters in the texts' words than the reading does (see WIN_BY), else None;
        `doubted`: as for `hits`."""
        return _winner(self._scored(chars, k, options, doubted), self.hits(chars, k, doubted))

    def keeps(self, chars: list[str], k: int, options: list[str]) -> bool:
        """Given a line's characters, one of them and the recognizer's other readings of
        it, return whether the reading as read puts WIN_BY more of the line's runs of
        characters in the texts' words than each other reading does: the year before
        writes it so (グループ, where ブ was offered beside プ)."""
        others = [o for o in options if o != chars[k]]
        best = max((hits for hits, _ in self._scored(chars, k, others)), default=0)
        return self.hits(chars, k) >= best + WIN_BY

    def _scored(
        self,
        chars: list[str],
        k: int,
        options: list[str],
        doubted: Counter[tuple[str, int]] | None = None,
    ) -> list[tuple[int, str]]:
        """Given a line's characters, one of them and other readings of it, return each
        reading with the runs it puts in the texts (`hits`) read in character k's place."""
        read = chars[k]
        scored = []
        for option in options:
            chars[k] = option
            scored.append((self.hits(chars, k, doubted), option))
        chars[k] = read
        return scored

    def inserted(self, chars: list[str], at: int, options: list[str]) -> str | None:
        """Given a line's characters, a place among them (the index of the character it
        stands before) where the recognizer may have lost one, and the characters it
        offered there, return the one that, put in, puts clearly more runs of characters
        through it in the texts' words than the character after the place has as read
        (see WIN_BY), else None."""
        if not chars:
            return None
        after = min(at, len(chars) - 1)
        scored = [(self.hits([*chars[:at], c, *chars[at:]], at), c) for c in options]
        return _winner(scored, self.hits(chars, after))

    def starts_item(self, before: str, after: str) -> bool | None:
        """Given a cell's text before a ・ and the text from the ・ on, return whether the
        year before ended an item with the words before it and began an item with the
        words after it (True), wrote them in one item joined by ・ (False: the same words
        joined outweigh each side found at an item's edge somewhere), or shows neither
        (None)."""
        tail = _key(before.rstrip("。 ")).replace(" ", "")[-CONTEXT:]
        head = _key(after.lstrip("・ ")).replace(" ", "")[:CONTEXT]
        if len(tail) < CONTEXT or len(head) < CONTEXT:
            return None
        inline = f"{tail}・{head}" in self.text
        if inline:
            return False
        ends = f"{tail}\n" in self.text or f"{tail}。\n" in self.text
        return True if ends and f"\n{head}" in self.text else None

    def set_apart(self, text: str) -> str:
        """Given a cell's text, return it with a space before each ・ not set apart that
        the year before shows between two items (see `starts_item`): a ・ that began a
        wrapped line, or followed a blank too narrow for the image to show."""
        parts = text.split("・")
        out = parts[0]
        for part in parts[1:]:
            apart = out and not out.endswith(" ") and self.starts_item(out, "・" + part)
            out += (" ・" if apart else "・") + part
        return out


def _winner(scored: list[tuple[int, str]], baseline: int) -> str | None:
    """Given readings each with the runs of characters it finds in the texts, and the runs
    the reading as read finds, return the one reading that finds WIN_BY more than that
    and more than any other, else None."""
    scored = sorted(scored, reverse=True)
    if not scored or scored[0][0] < baseline + WIN_BY:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def filled(reading: Reading, lexicon: Lexicon) -> Reading:
    """Given a line as read and the year before's words, return the line with a character
    put in at each of its gaps (`recognize.Gap`) where the words take a kanji or kana the
    recognizer offered there (`Lexicon.inserted`: 地域の要援者 → 要援護者; never a figure
    or a mark), with its place, and its score as its sureness: unsure, so warned."""
    from dataclasses import replace

    from extractor.sources.scan.japanese import WORD_CHARACTER
    from extractor.sources.scan.recognize import spaced_positions

    chars = list(reading.text.replace(" ", ""))
    count = len(chars)
    if not reading.gaps or not lexicon or not count:
        return reading
    if not len(reading.places) == len(reading.sureness) == len(reading.options) == count:
        return reading
    places, sureness = list(reading.places), list(reading.sureness)
    options = list(reading.options)
    put: list[int] = []  # where, among the characters as read
    for gap in sorted(reading.gaps, key=lambda g: -g.before):  # the last first
        offered = [c for c, _ in gap.options if WORD_CHARACTER.fullmatch(c)]
        chosen = lexicon.inserted(chars, gap.before, offered)
        if chosen is None:
            continue
        score = dict(gap.options)[chosen]
        chars.insert(gap.before, chosen)
        places.insert(gap.before, gap.place)
        sureness.insert(gap.before, score)
        others = tuple(option for option in gap.options if option[0] != chosen)
        options.insert(gap.before, ((chosen, score), *others))
        put.append(gap.before)
    if not put:
        return reading
    # a space read after a character stays after it, wherever it now stands
    spaced = {k + sum(1 for at in put if at <= k) for k in spaced_positions(reading.text)}
    text = "".join(char + (" " if k in spaced else "") for k, char in enumerate(chars))
    return replace(
        reading,
        text=text,
        places=tuple(places),
        sureness=tuple(sureness),
        options=tuple(options),
        gaps=(),
    )


def respaced(text: str, chars: Sequence[str]) -> str:
    """Given a text and its characters but spaces, some of them changed, return the text
    with them, its spaces where they stood."""
    changed = iter(chars)
    return "".join(c if c == " " else next(changed) for c in text)


@dataclass(frozen=True)
class Doubt:
    """A character the recognizer was unsure of that nothing settled where it was read:
    up to CONTEXT characters before it in its piece of line, it as read, as many after
    it, and the recognizer's other readings of it."""

    before: str
    read: str
    after: str
    options: tuple[str, ...]


def settle_doubts(
    texts: Mapping[Key, str],
    doubts: Mapping[Key, Sequence[Doubt]],
    allowed: Callable[[list[str], int, str], bool] | None = None,
) -> dict[Key, str]:
    """Given the text of each of a packet's cells and lines as read and the doubts read in
    them, return the texts changed where a doubt takes the reading that clearly more of
    the packet's runs of characters show than the one read (`Lexicon.choose`) and that
    `allowed` (given the text's characters, the doubt's place and the reading) lets
    stand. A run counts only where a character read without doubt stands in the doubt's
    place: not the doubt's own, nor another doubt's (two copies of a sentence, each read
    unsure at the same character, do not put each other's reading in). A doubt is placed
    by the characters around it, spaces aside; one they do not place exactly once in its
    text is left as read."""
    compact = {key: text.replace(" ", "") for key, text in texts.items()}
    placed: dict[Key, list[tuple[int, Doubt]]] = {}
    doubted: Counter[tuple[str, int]] = Counter()
    for key, found in doubts.items():
        read = compact[key]
        for doubt in found:
            near = doubt.before + doubt.read + doubt.after
            at = read.find(near)
            if at < 0 or read.find(near, at + 1) >= 0:
                continue
            k = at + len(doubt.before)
            placed.setdefault(key, []).append((k, doubt))
            doubted.update(_runs(read, k))
    lexicon = Lexicon(compact.values())
    changed: dict[Key, str] = {}
    for key, found_at in placed.items():
        chars = list(compact[key])
        for k, doubt in found_at:
            chosen = lexicon.choose(chars, k, list(doubt.options), doubted)
            if chosen is not None and (allowed is None or allowed(chars, k, chosen)):
                chars[k] = chosen
        if "".join(chars) != compact[key]:
            changed[key] = respaced(texts[key], chars)
    return changed


def dataset_texts(value: object) -> Iterable[str]:
    """Given a dataset as plain data (`model_dump`), yield every text in it but its
    source records and warnings."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("source", "warnings", "id", "key"):
                yield from dataset_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from dataset_texts(item)


__all__ = ["Doubt", "Lexicon", "dataset_texts", "filled", "respaced", "settle_doubts"]
