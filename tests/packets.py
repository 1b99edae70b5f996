"""Packets derived from h24 for tests: other years, other eras, other encodings and layouts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
H24 = ROOT / "raw" / "h24.txt"
H23 = ROOT / "tests" / "fixtures" / "h23-synthetic.txt"


def h24_text() -> str:
    return H24.read_text(encoding="utf-8")


def h24_rows() -> list[list[str]]:
    return [line.split("\t") for line in h24_text().split("\n")]


def join_rows(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(cells) for cells in rows)


def spaced(number: int) -> str:
    """Write a number as the cover does: 平成 2 4 年 → digits separated by spaces."""
    return " ".join(str(number))


def shift_packet(text: str, report_year: int, plan_start: int, era: str = "平成") -> str:
    """Rewrite h24 (reporting 平成23年度, plan 21~25) to report `report_year` of `era`,
    with a five-year plan starting at `plan_start`: cover, page titles, header years,
    sub-header years and 年次計画 ranges change; the text cells keep their own dates."""
    report, plan_end = report_year, plan_start + 4
    packet, next_year = report + 1, report + 1
    text = text.replace(f"平成 {spaced(24)} 年度", f"{era} {spaced(packet)} 年度")
    text = text.replace(
        f"平成 {spaced(24)} 年 6 月 {spaced(26)} 日",
        f"{era} {spaced(packet)} 年 6 月 {spaced(23)} 日",
    )
    text = text.replace("（平成23年度実績）", f"（{era}{report}年度実績）")
    text = text.replace("(平成23年度実施状況)", f"({era}{report}年度実施状況)")
    text = text.replace("(平成24年度実施予定)", f"({era}{next_year}年度実施予定)")
    text = re.sub(r"\t23年度( ?)実績", lambda m: f"\t{report}年度{m.group(1)}実績", text)
    text = text.replace("\t21\t25\t", f"\t{plan_start}\t{plan_end}\t")
    text = re.sub(
        r"\t2(\d)~25\t", lambda m: f"\t{plan_start + int(m.group(1)) - 1}~{plan_end}\t", text
    )
    return text


def write_packet(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write packet text with the given encoding and line ending.

    CP932 has no — (U+2014) nor 鷗: real CP932 files write ― and 鴎 instead.
    """
    if encoding.lower().replace("-", "").replace("_", "") == "cp932":
        text = text.replace("—", "―").replace("鷗", "鴎")
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def era_crossing_packet() -> str:
    """h24 rewritten as the 令和2年度 packet of a plan that runs 平成30年度–令和4年度: it
    reports 令和元年度 (2019); the 計画目標 sub-header reads 30 / 4 and the 年次計画 cells
    30~4, R元~R4 (was 22~25) and R2~R4 (was 23~25)."""
    text = h24_text()
    text = text.replace(f"平成 {spaced(24)} 年度", "令和 2 年度")
    text = text.replace(f"平成 {spaced(24)} 年 6 月 {spaced(26)} 日", "令和 2 年 6 月 2 3 日")
    text = text.replace("（平成23年度実績）", "（令和元年度実績）")
    text = text.replace("(平成23年度実施状況)", "(令和元年度実施状況)")
    text = text.replace("(平成24年度実施予定)", "(令和2年度実施予定)")
    text = re.sub(r"\t23年度( ?)実績", lambda m: f"\t元年度{m.group(1)}実績", text)
    text = text.replace("\t21\t25\t", "\t30\t4\t")
    text = text.replace("\t21~25\t", "\t30~4\t")
    text = text.replace("\t22~25\t", "\tR元~R4\t")
    return text.replace("\t23~25\t", "\tR2~R4\t")


ACTUAL_HEADER = re.compile(r"^\s*(?:平成)?\d+年度\s*実績\s*$")
FIGURE = re.compile(r"^(\d+(?:\.\d+)?)(\D*)$")


def bumped(cell: str) -> str:
    """A figure one more than the cell's (`1回` → `2回`); anything else as it is."""
    match = FIGURE.match(cell.strip())
    if not match:
        return cell
    number = match.group(1)
    value = float(number) + 1 if "." in number else int(number) + 1
    return f"{value}{match.group(2)}"


def with_actual_columns(
    text: str,
    earlier: str = "23年度 実績",
    later_first: bool = False,
    earlier_cell: Callable[[str, int], str] = lambda cell, line: cell,
    insert: bool = True,
) -> str:
    """Rewrite h24 as the next year's packet (reporting 平成24年度) whose tables carry the
    actual of 平成23年度 (the figures h24 gives, through `earlier_cell`) in a column of its
    own beside 24年度 実績 (each figure one more: `bumped`). With `insert=False`, the
    ordinary packet of that year: the 24年度 column alone.

    h24's drifted rows (a row shifted by a cell, figures run past 実績) keep their drift:
    the new column goes where that row's 実績 cell is, and holds nothing there."""
    rows = [line.split("\t") for line in shift_packet(text, 24, 21).split("\n")]
    column = schedule = width = None
    for number, cells in enumerate(rows, start=1):
        headers = [i for i, cell in enumerate(cells) if ACTUAL_HEADER.match(cell)]
        if headers:
            column, width, schedule = headers[0], len(cells), cells.index("年次計画")
            at, new, old = column, cells[column], earlier
        elif column is None or len(cells) != width:
            column = None if len(cells) <= 1 else column
            continue
        else:
            assert schedule is not None
            found = next((i for i, c in enumerate(cells) if re.fullmatch(r"\d+~\d+", c)), None)
            at = column + (found - schedule if found is not None else 0)
            drifted = at != column or any(c.strip() for c in cells[at + 1 :])
            new = bumped(cells[at])
            old = "" if drifted or not cells[at].strip() else earlier_cell(cells[at], number)
        if not insert:
            cells[at] = new
            continue
        cells[at : at + 1] = [new, old] if later_first else [old, new]
    return "\n".join("\t".join(cells) for cells in rows)
