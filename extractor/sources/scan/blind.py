"""Kanji the recognizer cannot read, and what it reads in their place.

There are a few kanji of everyday Japanese the recognizer does not read in any print: 捗
(of 進捗, progress, in every year's packet) comes out as 挫, 抄, 拷 or 歩 (on h24's clean
scan 捗 was its 292nd likeliest character there). No choosing among what it offers can
then put the word right. `blind.json` lists such kanji of JIS X 0208's first level (the
kanji in everyday use) with what the recognizer read for each: its stand-ins. Where the
recognizer reads a stand-in unsure, the blind kanji is one more choice for the dictionary
(`japanese.likelier`) or the year before's words to make (進挫管理 → 進捗管理); it is taken
only where the words then read better, as any other choice.

The list is measured, not written by hand: `python -m extractor.sources.scan.blind FONT...`
prints each first-level kanji between two の in each font at two sizes, reads it, and keeps
the kanji read wrong in every printing, with the kanji and kana the recognizer put first
to third in its place. Run it again when the recognizer's model changes.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from extractor.sources.scan.recognize import KANJI_RANGE

TABLE = Path(__file__).with_name("blind.json")
SIZES = (24, 32)  # printed heights in pixels: 7 to 10 points scanned at 300 dpi
STAND_INS = 3  # the recognizer's likeliest characters kept as stand-ins, per printing
FIRST_LEVEL = (0x889F, 0x9872)  # JIS X 0208's first-level kanji, in Shift_JIS
STAND_IN = re.compile(f"[\u3041-\u309f\u30a1-\u30fa{KANJI_RANGE}]")  # kana and kanji


@cache
def blind_for() -> dict[str, tuple[str, ...]]:
    """For each stand-in, the blind kanji the recognizer may have read it for."""
    table: dict[str, list[str]] = json.loads(TABLE.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for kanji, stand_ins in table.items():
        for stand_in in stand_ins:
            found.setdefault(stand_in, []).append(kanji)
    return {stand_in: tuple(kanji) for stand_in, kanji in found.items()}


def first_level() -> list[str]:
    """The kanji of JIS X 0208's first level, in their order there."""
    found = []
    for code in range(FIRST_LEVEL[0], FIRST_LEVEL[1] + 1):
        if not 0x40 <= code & 0xFF <= 0xFC or code & 0xFF == 0x7F:
            continue  # not a second byte of Shift_JIS
        try:
            char = code.to_bytes(2, "big").decode("cp932")
        except UnicodeDecodeError:
            continue
        if re.fullmatch(f"[{KANJI_RANGE}]", char):
            found.append(char)
    return found


def survey(kanji: list[str], fonts: list[str], recognizer: Any) -> dict[str, list[str]]:
    """Given kanji, font files and a recognizer, return the kanji it read wrong in every
    printing, each with the stand-ins it read in their place (sorted)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    printings = [ImageFont.truetype(font, size) for font in fonts for size in SIZES]
    found: dict[str, list[str]] = {}
    for char in kanji:
        stand_ins: set[str] = set()
        for face in printings:
            size = int(face.size)
            image = Image.new("RGB", (size * 3 + 2 * size // 2, size * 3 // 2), "white")
            ImageDraw.Draw(image).text((size // 2, size // 4), f"の{char}の", font=face, fill=0)
            read = recognizer.read(np.asarray(image)[:, :, ::-1].copy())
            if read.text.replace(" ", "") == f"の{char}の" or len(read.options) != 3:
                break  # read right in one printing (or not as three characters): not blind
            offered = [c for c, _score in read.options[1][:STAND_INS]]
            stand_ins |= {c for c in offered if STAND_IN.fullmatch(c) and c != char}
        else:
            found[char] = sorted(stand_ins)
    return found


def main(fonts: list[str]) -> None:
    """Survey the first-level kanji in the given fonts and write the table."""
    from extractor.sources.scan.recognize import Recognizer

    found = survey(first_level(), fonts, Recognizer())
    text = json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True)
    TABLE.write_text(text + "\n", encoding="utf-8")
    print(f"{len(found)} blind kanji written to {TABLE}")


if __name__ == "__main__":
    main(sys.argv[1:])
