"""Text cleaning for cells: wrap spaces, bullets, dashes, departments, activity names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from extractor.vocabulary import STATUS_WORDS, Status

WHITESPACE_RUN = re.compile(r"\s+")
# A dash alone in a cell means "none / not applicable". U+0336 is how pdfminer reads a dash
# printed in a non-embedded Japanese CID font.
DASHES = "—―－‐−\\-ー─\u0336"  # for a character class
DASH_ONLY = re.compile(rf"^\s*[{DASHES}]+(?:\s+[{DASHES}]+)*\s*$")  # — or — —
WORD = re.compile(r"[^\W_]")  # a letter, kana, kanji or digit
# A bullet is a ・ at the start of a cell or after whitespace; 高齢・障害福祉課 has no bullet.
BULLET_SPLIT = re.compile(r"(?:^|\s+)・\s*")
# (継続活動) / (新規活動), full- or half-width brackets, optional space before and inside.
STATUS_MARK = re.compile(r"\s*[(（]\s*(継続|新規)\s*活動\s*[)）]")
STATUS_VALUES = dict(zip(STATUS_WORDS, (Status.CONTINUING, Status.NEW), strict=True))
# A token that ends like a department name; one that does not was split by a line wrap.
DEPARTMENT_END = re.compile(r"(課|室|部|局|所|係|館|園|センター|委員会|担当|各課)$")
DEPARTMENT_SPLIT = re.compile(r"[\s、，,]+")
GLUED_AFTER = re.compile(r"[課室]")  # where one department's name may end inside a token
MIN_DEPARTMENT = 3  # the shortest name after such an end that counts as another (社会課)


def is_wide(char: str) -> bool:
    """Given one character, return whether it is East Asian wide or full-width (Japanese text)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def remove_wrap_spaces(text: str) -> str:
    """Given text, return it with whitespace runs touching Japanese characters removed.

    Spaces between two narrow (Latin) characters stay, collapsed to one.
    """
    text = text.strip()
    if not text:
        return text
    parts: list[str] = []
    last = 0
    for match in WHITESPACE_RUN.finditer(text):
        parts.append(text[last : match.start()])
        before = text[match.start() - 1]
        after = text[match.end()] if match.end() < len(text) else ""
        if not (is_wide(before) or (after and is_wide(after))):
            parts.append(" ")
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def clean(text: str) -> str:
    """Given cell text, return it stripped with whitespace runs (line breaks too) collapsed."""
    return WHITESPACE_RUN.sub(" ", text).strip()


def is_dash(text: str) -> bool:
    """Given cell text, return whether it is only a dash (none / not applicable), or
    dashes set apart (— —: one for each figure, or a long dash a scan broke)."""
    return bool(DASH_ONLY.match(text))


SUBHEADING = r"[(（][^()（）]{1,20}[)）]"  # a parenthesised sub-heading: (第二次計画)
# One just before a bullet, as in `… (第二次計画) ・…`.
SUBHEADING_BEFORE_BULLET = re.compile(rf"(?:^|\s+)({SUBHEADING})$")
# ... and one right after a sentence's 。, in a cell that begins with a sub-heading.
SUBHEADING_AFTER_SENTENCE = re.compile(rf"(?<=。)({SUBHEADING})$")
OPENS_WITH_SUBHEADING = re.compile(f"^{SUBHEADING}")


def split_bullets(text: str) -> list[str]:
    """Given a cell, return its items: one per ・ bullet, plus any text before the first.

    A parenthesised sub-heading just before a bullet (`(第二次計画) ・吉敷…`) starts the item
    that follows it rather than ending the one before. In a cell that begins with such a
    sub-heading, so does one right after a sentence's 。 with no space between (a scan
    shows none: `…行う。(第二次計画) ・吉敷…`), where a note on the sentence
    (`…移行。（高齢・障害福祉課） ・…`) would otherwise sit.
    """
    text = clean(text)
    if not text or is_dash(text):
        return []
    parts = [part.strip() for part in BULLET_SPLIT.split(text)]
    headed = OPENS_WITH_SUBHEADING.match(text) is not None
    items: list[str] = []
    carried = ""
    for index, part in enumerate(parts):
        part = f"{carried} {part}".strip() if carried else part
        carried = ""
        heading = SUBHEADING_BEFORE_BULLET.search(part) or (
            SUBHEADING_AFTER_SENTENCE.search(part) if headed else None
        )
        if heading and index + 1 < len(parts):
            carried = heading.group(1)
            part = part[: heading.start()].strip()
        if part:
            items.append(part)
    if carried:
        items.append(carried)
    return items


def _unglued(token: str) -> list[str]:
    """Given a token of a 担当課 cell, return it as the names run together in it, cut after
    a 課 or 室 that another whole name follows (社会教育課教育総務課, where a scan lost the
    line break between them); 健康福祉部政策管理室 and 健康福祉部各課 stay one name."""
    for match in GLUED_AFTER.finditer(token[:-1]):
        rest = token[match.end() :]
        if len(rest) >= MIN_DEPARTMENT and DEPARTMENT_END.search(rest):
            return [token[: match.end()], *_unglued(rest)]
    return [token]


def split_departments(text: str) -> list[str]:
    """Given a 担当課 cell, return the departments it names, in order, without duplicates."""
    text = clean(text)
    if not text or is_dash(text):
        return []
    tokens = [part for token in DEPARTMENT_SPLIT.split(text) if token for part in _unglued(token)]
    names: list[str] = []
    pending = ""
    for token in tokens:
        pending += token
        if DEPARTMENT_END.search(pending):
            names.append(pending)
            pending = ""
    if pending:
        names.append(pending)
    return unique(names)


def parse_name(raw: str) -> tuple[str | None, Status | None]:
    """Given a 活動名 cell, return the name without its status mark (None where no word is
    left: marks alone, '—' or '・', are no name), and the status."""
    matches = list(STATUS_MARK.finditer(raw))
    status = STATUS_VALUES[matches[-1].group(1)] if matches else None
    name = STATUS_MARK.sub("", raw) if matches else raw
    name = remove_wrap_spaces(name)
    return (name if WORD.search(name) else None), status


# NFKC would split ˜ (how pdfminer reads a tilde printed in a non-embedded CID font) into a
# space and a combining mark; read it as the ~ it was printed as.
BEFORE_NFKC = str.maketrans({"˜": "~"})


def nfkc(text: str) -> str:
    """Given text, return its NFKC form (full-width digits and brackets become ASCII)."""
    return unicodedata.normalize("NFKC", text.translate(BEFORE_NFKC))


def nfkc_with_offsets(text: str) -> tuple[str, list[int]]:
    """Given text, return its NFKC form and, per output character, the index it came from."""
    text = text.translate(BEFORE_NFKC)
    normalized = unicodedata.normalize("NFKC", text)
    if len(normalized) == len(text) and all(
        unicodedata.normalize("NFKC", text[i]) == normalized[i]
        for i in range(len(text))
        if text[i] != normalized[i]
    ):
        # The common case: every character maps to one character.
        return normalized, list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char):
            out.append(piece)
            offsets.append(index)
    return "".join(out), offsets


def unique(items: Iterable[str]) -> list[str]:
    """Given items, return them in first-seen order without repeats."""
    return list(dict.fromkeys(items))
