"""Re-align a text-export row whose cells are shifted, by where its content fits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.models import ExtractionWarning
from extractor.normalize.dates import is_schedule
from extractor.normalize.text import clean, is_dash, split_departments
from extractor.problems import WarningArg, WarningCode
from extractor.sources import SourceRow
from extractor.structure.layout import Role, TableLayout


def _fit(role: Role, text: str) -> int:
    """Given a role and cell text, return how well the text fits that column."""
    text = clean(text)
    if not text:
        return 0
    if is_dash(text):
        return 1 if role not in (Role.NAME, Role.SCHEDULE) else -1
    if role == Role.SCHEDULE:
        return 4 if is_schedule(text) else -3
    if is_schedule(text):
        return -3
    if role == Role.DEPARTMENT:
        names = split_departments(text)
        looks = bool(names) and not text.startswith("・") and len(text) <= 60
        return 3 if looks else -2
    if role == Role.NAME:
        return 2 if re.search(r"(継続|新規)\s*活動", text) else (-1 if text.startswith("・") else 0)
    if role == Role.DESCRIPTION:
        return 1 if text.endswith(("。", "ます", "ます。")) and not text.startswith("・") else 0
    if role in (Role.PLAN, Role.TARGET, Role.ACTUAL):
        return 1 if len(text) <= 40 else -1
    return 1 if text.startswith("・") else 0


def _score(table: TableLayout, cells: list[tuple[int | None, str]]) -> int:
    return sum(_fit(table.role_at(i), text) for i, (_, text) in enumerate(cells))


@dataclass
class Alignment:
    """A row's cells as (source column, text), re-aligned, and what was done to them."""

    cells: list[tuple[int | None, str]]
    warnings: list[ExtractionWarning] = field(default_factory=list)
    dropped: int = 0  # non-empty (dash) cells dropped as surplus


def align(table: TableLayout, row: SourceRow) -> Alignment:
    """Given a data row, return its cells re-aligned so that the 年次計画 cell sits in its
    column: a surplus empty or dash cell is dropped, or an empty one added, wherever the rest
    of the row then fits its columns best."""
    cells: list[tuple[int | None, str]] = list(enumerate(row.cells))
    result = Alignment(cells)

    def warn(code: WarningCode, **args: WarningArg) -> None:
        result.warnings.append(ExtractionWarning.make(code, args, line=row.line, page=row.page))

    expected = table.index_of(Role.SCHEDULE)
    if expected is None:
        return result
    found = next(
        (i for i, (_, text) in enumerate(cells) if text.strip() and is_schedule(text)), None
    )
    if (
        found is None
        or found == expected
        or is_schedule(cells[expected][1] if expected < len(cells) else "")
    ):
        return result
    source_column = found
    while found > expected:
        candidates = [i for i in range(found) if not cells[i][1].strip() or is_dash(cells[i][1])]
        if not candidates:
            break
        best = max(candidates, key=lambda i: (_score(table, cells[:i] + cells[i + 1 :]), i))
        removed = cells.pop(best)[1]
        if removed.strip():
            result.dropped += 1
        found -= 1
        warn(
            WarningCode.ROW_SHIFTED,
            direction="right",
            found=source_column + 1,
            expected=expected + 1,
            change="dropped a surplus cell",
            column=best + 1,
            cell=clean(removed) or None,
        )
    while found < expected:
        best = max(
            range(found + 1),
            key=lambda i: (_score(table, [*cells[:i], (None, ""), *cells[i:]]), -i),
        )
        cells.insert(best, (None, ""))
        found += 1
        warn(
            WarningCode.ROW_SHIFTED,
            direction="left",
            found=source_column + 1,
            expected=expected + 1,
            change="inserted an empty cell",
            column=best + 1,
            cell=None,
        )
    if found != expected:
        warn(WarningCode.ROW_MISALIGNED, found=source_column + 1, expected=expected + 1)
    return result
