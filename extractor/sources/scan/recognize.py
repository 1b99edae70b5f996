"""Text recognition of one line image at a time, Japanese only.

RapidOCR's PP-OCR recognizer (an ONNX model inside its wheel, run by onnxruntime) reads a
line image into characters. Its dictionary mixes simplified Chinese with Japanese; the
packets are Japanese, so before decoding, every character a printed packet cannot hold
(see `japanese`) has its score set to zero: 实 is never read, 実 is. Loaded once per worker
process. The wheel's text detector and its line classifier (0° or 180°), each loaded when
first asked, tell which way up a page lies (`orient`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from extractor.sources.scan.lexicon import Doubt

# What the dictionary holds besides characters: CTC's blank (0) and the space.
SPECIAL = {"blank", " "}
MAX_RATIO = 60  # the longest line image the recognizer is given, in heights
OPTIONS = 10  # the likeliest characters kept for each one read
LAST_JIS_LEAD = 0xEA  # CP932 lead bytes past this are the vendors' extra kanji
KANJI_RANGE = "\u4e00-\u9fff"  # the unified ideographs (々 is added where it counts)
KANJI = re.compile(f"[{KANJI_RANGE}]")
# Where the recognizer's likeliest character is a kanji a packet cannot hold (鷗, beyond
# JIS X 0208) and at least this likely, taking it away must not leave the blank to win
# there (kanji only: a mark the reading leaves out, · for ・, is `marks`' to find again):
OUTSIDE_SURE = 0.5
STAND_IN_SCORE = 0.5  # ... the likeliest it allows is read instead, this unsure (warned)
# Two kanji read closer than this many of the line's heights apart are one read twice, in
# two forms at neighbouring steps of the recognizer (秋穗穂: 0.23 apart in a Mincho print,
# where a step is 0.23). Kanji are as wide as they are high in every face, so two side by
# side are read about one height apart (kana may be narrower in a proportional face).
DOUBLED = 0.35
# A character the recognizer lost: where two characters it read stand this many times
# their usual distance apart (in its steps) with only blank between, the likeliest
# character at the surest step between them, at least GAP_LEAST likely, is offered there
# (地域の要援者: 護 0.13 between 援 and 者, ten steps apart where a character takes five).
# Only the year before's words put it in (`lexicon.Lexicon.inserted`).
GAP_PITCHES = 1.6
GAP_LEAST = 0.05


@dataclass(frozen=True)
class Reading:
    """A line as read: its text and the recognizer's mean confidence in its characters."""

    text: str
    confidence: float
    # For each character but spaces: where it sits (share of the image's width), and the
    # recognizer's confidence in it; empty when the recognizer did not say.
    places: tuple[float, ...] = ()
    sureness: tuple[float, ...] = ()
    # For each character but spaces: the recognizer's likeliest characters there, with
    # their scores, best first; empty when the recognizer did not say.
    options: tuple[tuple[tuple[str, float], ...], ...] = ()
    # The characters nothing settled where the line was read, for the packet's own words
    # to settle once every page is read (`lexicon.settle_doubts`).
    doubts: tuple[Doubt, ...] = ()
    # Where the recognizer may have lost a character (GAP_PITCHES): the index (among the
    # characters but spaces) it would stand before, its place, and the likeliest
    # characters there with their scores, best first.
    gaps: tuple[Gap, ...] = ()


@dataclass(frozen=True)
class Gap:
    """A place between two characters read where the recognizer may have lost one."""

    before: int
    place: float
    options: tuple[tuple[str, float], ...]


def spaced_positions(text: str) -> list[int]:
    """Given a reading's text, return the indexes (among its non-space characters) of those
    a space follows."""
    found: list[int] = []
    count = 0
    for char in text:
        if char == " ":
            if count:
                found.append(count - 1)
        else:
            count += 1
    return found


def undoubled(reading: Reading, width: float, height: float) -> Reading:
    """Given a reading of a line's image `width` pixels wide, its text `height` pixels high,
    return it with each kanji read twice (two kanji closer than DOUBLED of the height, no
    blank between them) read once: the surer of the two, its place and choices kept."""
    if not reading.places or len(reading.sureness) != len(reading.places):
        return reading
    chars = reading.text.replace(" ", "")
    blank_before = {k + 1 for k in spaced_positions(reading.text)}  # by index in chars
    dropped: set[int] = set()
    kept = 0
    for k in range(1, len(chars)):
        close = (reading.places[k] - reading.places[kept]) * width < DOUBLED * height
        kanji = all(KANJI.fullmatch(c) for c in (chars[kept], chars[k]))
        if close and kanji and k not in blank_before:
            weaker = k if reading.sureness[k] <= reading.sureness[kept] else kept
            dropped.add(weaker)
            kept = kept if weaker == k else k
        else:
            kept = k
    if not dropped:
        return reading
    text, count = "", 0
    for char in reading.text:
        if char != " ":
            count += 1
            if count - 1 in dropped:
                continue
        text += char

    def keep(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(v for k, v in enumerate(values) if k not in dropped)

    options = keep(reading.options) if len(reading.options) == len(chars) else ()
    return replace(
        reading,
        text=text,
        places=keep(reading.places),
        sureness=keep(reading.sureness),
        options=options,
    )


def japanese(character: str) -> bool:
    """Whether a character can stand in a printed Japanese packet: ASCII, or JIS X 0208 and
    the row of circled numbers and symbols (①, Ⅱ, ㈱) as CP932 encodes them; not half-width
    kana, nor the kanji of CP932's vendor rows (髙, 﨑)."""
    if character in SPECIAL:
        return True
    if len(character) != 1:
        return False
    if character.isascii():
        return character.isprintable() and character != ":"  # packets print ：, and ・
    try:
        encoded = character.encode("cp932")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and encoded[0] <= LAST_JIS_LEAD


class _JapaneseDecode:
    """RapidOCR's CTC decoding, with each step's character the likeliest one a Japanese
    packet can hold (the recognizer's scores are not changed). Where that passes over the
    likeliest character, a kanji (OUTSIDE_SURE), for the blank, the likeliest Japanese one
    but the blank is read in its place, unsure (STAND_IN_SCORE): a kanji is never lost
    unseen. It keeps, for each character of the last line decoded, the recognizer's
    likeliest characters there with their scores (`options`), and the ruled-out one last.
    The whole dictionary is gone through once a line; where the recognizer's likeliest is
    Japanese, it is the one read."""

    def __init__(self, decode: Any) -> None:
        self.decode = decode
        self.allowed = np.array([japanese(c) for c in decode.character], dtype=bool)
        kanji = [re.fullmatch(f"[{KANJI_RANGE}]", c) is not None for c in decode.character]
        self.ruled_out_kanji = np.array(kanji, dtype=bool) & ~self.allowed
        self.kept = np.flatnonzero(self.allowed)  # the characters a choice can be
        self.options: list[tuple[tuple[str, float], ...]] = []
        self.gaps: list[Gap] = []
        # What a lost character can be: a packet's, neither the blank nor a space.
        self.fillers = np.array([k for k in self.kept[1:] if decode.character[k] != " "])

    def __call__(
        self,
        preds: Any,
        return_word_box: bool = False,
        wh_ratio_list: Any = (1.0,),
        max_wh_ratio: float = 1.0,
        **kwargs: Any,
    ) -> Any:
        likeliest = preds.argmax(axis=-1)  # the one pass over the whole dictionary
        top = np.take_along_axis(preds, likeliest[..., None], axis=-1)[..., 0]
        # the ruled-out kanji likeliest at each step, where it is sure enough; else 0
        zeroed = np.where(self.ruled_out_kanji[likeliest] & (top >= OUTSIDE_SURE), likeliest, 0)
        # The likeliest character a packet can hold: the recognizer's own where it can.
        best = likeliest.copy()
        outside = ~self.allowed[likeliest]
        if outside.any():
            best[outside] = self.kept[preds[outside][:, self.kept].argmax(axis=-1)]
        lost = (zeroed > 0) & (best == 0)  # the blank would win where a kanji was sure
        if lost.any():
            best[lost] = self.kept[1:][preds[lost][:, self.kept[1:]].argmax(axis=-1)]  # no blank
        scores = np.take_along_axis(preds, best[..., None], axis=-1)[..., 0]
        scores[lost] = np.maximum(scores[lost], STAND_IN_SCORE)
        if len(preds):
            raised = {int(t): float(scores[0, t]) for t in np.flatnonzero(lost[0])}
            line = best[0]
            # the steps CTC decoding emits a character at: not the blank, not the one before
            steps = np.flatnonzero((line != 0) & np.concatenate(([True], line[1:] != line[:-1])))
            self.options = self._options(preds[0], line, steps, top[0], zeroed[0], raised)
            self.gaps = self._gaps(preds[0], line, steps)
        else:
            self.options, self.gaps = [], []
        return self.decode.decode(
            best, scores, return_word_box, wh_ratio_list, max_wh_ratio, remove_duplicate=True
        )

    def _gaps(self, preds: Any, best: Any, emitted: Any) -> list[Gap]:
        """Given one line's scores (time step × character), the character decoded at each
        step and the steps a character is emitted at, return the places where two
        characters decoded stand GAP_PITCHES times their usual distance apart with only
        blank between (see `Gap`)."""
        if len(emitted) < 2:
            return []
        pitch = float(np.median(np.diff(emitted)))
        spaces = np.cumsum([self.decode.character[best[t]] == " " for t in emitted])
        found = []
        for k in np.flatnonzero(np.diff(emitted) >= GAP_PITCHES * pitch):
            steps = np.arange(emitted[k] + 1, emitted[k + 1])
            steps = steps[best[steps] == 0]
            if not len(steps):
                continue
            likeliest = preds[steps][:, self.fillers]
            step = int(likeliest.max(axis=1).argmax())
            if likeliest[step].max() < GAP_LEAST:
                continue
            order = np.argsort(-likeliest[step])[:OPTIONS]
            options = tuple(
                (self.decode.character[self.fillers[j]], float(likeliest[step, j])) for j in order
            )
            before = int(k + 1 - spaces[k])  # characters but spaces up to the gap
            found.append(Gap(before, float(steps[step]) / len(best), options))
        return found

    def _options(
        self,
        preds: Any,
        best: Any,
        steps: Any,
        top: Any,
        zeroed: Any,
        raised: dict[int, float],
    ) -> list[tuple[tuple[str, float], ...]]:
        """Given one line's scores (time step × character), the likeliest character a packet
        can hold at each step, the steps CTC decoding emits a character at (its best not the
        blank, 0, and not the step before's), the recognizer's own score of its likeliest
        at each step, the character ruled out at each step (0 for none; else that
        likeliest one), and the steps where a stand-in's score was raised
        (`STAND_IN_SCORE`), return each emitted character's likeliest characters. Equal
        scores rank by dictionary order."""
        if not len(steps):
            return []
        chosen = preds[steps][:, self.kept]
        for step, score in raised.items():
            row = np.searchsorted(steps, step)
            if row < len(steps) and steps[row] == step:
                column = np.searchsorted(self.kept, best[step])
                chosen[row, column] = score
        count = min(OPTIONS, len(self.kept))
        picked = np.argpartition(-chosen, count - 1, axis=1)[:, :count]
        values = np.take_along_axis(chosen, picked, axis=1)
        likeliest = self.kept[picked]
        order = np.lexsort((likeliest, -values))  # best first, then dictionary order
        ranked = np.take_along_axis(likeliest, order, axis=1).tolist()
        ranked_scores = np.take_along_axis(values, order, axis=1).tolist()
        ruled_out = zeroed[steps].tolist()
        raw = top[steps].tolist()
        characters = self.decode.character
        found = []
        for order_k, score_k, out, out_score in zip(
            ranked, ranked_scores, ruled_out, raw, strict=True
        ):
            options = [(characters[k], s) for k, s in zip(order_k, score_k, strict=True)]
            if out:  # last: the choices before it are the ones the dictionary weighs
                options.append((characters[out], out_score))
            found.append(tuple(options))
        return found


class Recognizer:
    """The recognizer of one worker: its model loaded once, one thread for onnxruntime
    (workers run side by side, one per core)."""

    def __init__(self, threads: int = 1) -> None:
        import logging

        from rapidocr import RapidOCR

        self.engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_det": False,
                "Global.use_cls": False,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self.decode: _JapaneseDecode | None = None
        self.read(np.full((32, 32, 3), 255, dtype=np.uint8))  # loads the model
        recognizer: Any = self.engine.text_rec
        self.decode = _JapaneseDecode(recognizer.postprocess_op)
        recognizer.postprocess_op = self.decode

    def read(self, image: Any) -> Reading:
        """Given one line's image (BGR), return what it says, with where each character
        sits (a share of the image's width) and how sure the recognizer is of it."""
        height, width = image.shape[:2]
        if not height or not width or width > MAX_RATIO * height or height > width * MAX_RATIO:
            return Reading("", 0.0)  # no line of text is shaped so; the caller cuts lines
        try:
            result = self.engine(
                image, use_det=False, use_cls=False, use_rec=True, return_word_box=True
            )
        except MemoryError:
            raise
        except Exception:  # the recognizer refuses an image it cannot scale: nothing read
            return Reading("", 0.0)
        texts = getattr(result, "txts", None) or ("",)
        scores = getattr(result, "scores", None) or (0.0,)
        words = (getattr(result, "word_results", None) or (None,))[0]
        text = str(texts[0])
        places: tuple[float, ...] = ()
        sureness: tuple[float, ...] = ()
        if words is not None and words.line_txt_len:
            places = tuple(col / words.line_txt_len for cols in words.word_cols for col in cols)
            sureness = tuple(float(c) for c in words.confs or ())
        if len(places) != len(text.replace(" ", "")):
            places, sureness = (), ()
        found = self.decode.options if self.decode is not None else []
        options = tuple(o for o, c in zip(found, text, strict=False) if c != " ")
        gaps: tuple[Gap, ...] = ()
        if len(found) != len(text) or any(o[0][0] != c for o, c in zip(found, text, strict=False)):
            options = ()  # not the line just decoded
        elif places and self.decode is not None:
            gaps = tuple(self.decode.gaps)
        return Reading(text, float(scores[0]), places, sureness, options, gaps=gaps)

    def detect(self, gray: Any) -> list[Any]:
        """Given a (reduced) page's grey pixels, return the text lines the detector finds
        there, each as its four corners (x, y) in the image's pixels. The detector's model
        is loaded the first time it is asked."""
        import cv2

        image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
        try:
            found = self.engine(image, use_det=True, use_cls=False, use_rec=False)
        except MemoryError:
            raise
        except Exception:  # the detector refuses an image it cannot scale: nothing found
            return []
        boxes = getattr(found, "boxes", None)
        return list(np.asarray(boxes)) if boxes is not None else []

    def turned(self, image: Any) -> bool:
        """Whether a line's image (BGR) shows its text upside down, as the line classifier
        in the wheel says (its model is loaded the first time it is asked)."""
        try:
            found = self.engine(image, use_det=False, use_cls=True, use_rec=False)
        except MemoryError:
            raise
        except Exception:  # the classifier refuses an image it cannot scale: not said
            return False
        said: Any = getattr(found, "cls_res", None) or ()
        return bool(len(said)) and "180" in str(said[0][0])
