"""CSV for spreadsheets: activities, targets (the activity's columns repeated), every year's
actuals (one row per target and year) and dates,
UTF-8 with a byte-order mark so that Excel reads the Japanese, lists one item per line.

A cell that begins with =, +, -, @, a tab or a carriage return would be taken for a formula
by Excel or LibreOffice; such cells get a leading ' (OWASP's advice for CSV injection), so
what the packet says shows as text. `raw_cells` turns this off for tools that need the text
exactly as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extractor.export.flat import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    ACTUALS,
    DATES,
    TARGET_COLUMNS,
    Row,
    Rows,
)
from extractor.output import write_folder

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What actuals.csv repeats of its activity and target, to be read on its own.
NAMED = ("id", "name", "label", "unit")


def neutralise(text: str) -> str:
    """Given a cell's text, return it so that a spreadsheet shows it as text, never a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_cell(value: Any, raw: bool = False) -> Any:
    """Lists become one item per line (a multi-line cell in Excel), mappings "header: text"
    lines, None an empty cell; text that could start a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "\n".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = "\n".join(f"{key}: {item}" for key, item in value.items())
    elif isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str) and not raw:
        return neutralise(value)
    return value


def csv_text(columns: list[str], rows: Iterable[Row], cell: Any) -> str:
    """Given columns and rows, return CSV text (CRLF line ends, as spreadsheets write it)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[name]) for name in columns])
    return buffer.getvalue()


def write_csv(rows: Rows, folder: Path, raw_cells: bool = False) -> list[Path]:
    """Write activities.csv, targets.csv and dates.csv into `folder`, all or none."""
    activities = {(row["fiscal_year"], row["key"]): row for row in rows["activities"]}
    flat_targets = [{**activities[(t["fiscal_year"], t["key"])], **t} for t in rows["targets"]]
    target_columns = [c.name for c in ACTIVITY_COLUMNS] + [c.name for c in TARGET_COLUMNS]
    named_dates = [
        {
            **d,
            "id": activities[(d["fiscal_year"], d["key"])]["id"],
            "name": activities[(d["fiscal_year"], d["key"])]["name"],
        }
        for d in rows["dates"]
    ]
    date_columns = ["fiscal_year", "key", "id", "name", *DATES.names[2:]]
    targets = {(t["fiscal_year"], t["key"], t["position"]): t for t in flat_targets}
    named_actuals = [
        {**a, **{c: targets[(a["fiscal_year"], a["key"], a["position"])][c] for c in NAMED}}
        for a in rows["actuals"]
    ]
    actual_columns = [*ACTUALS.names[:2], *NAMED, *ACTUALS.names[2:]]

    def cell(value: Any) -> Any:
        return spreadsheet_cell(value, raw_cells)

    files: dict[str, str | bytes] = {
        name: "\ufeff" + csv_text(columns, table, cell)
        for name, columns, table in (
            ("activities.csv", ACTIVITIES.names, rows["activities"]),
            ("targets.csv", target_columns, flat_targets),
            ("actuals.csv", actual_columns, named_actuals),
            ("dates.csv", date_columns, named_dates),
        )
    }
    return write_folder(folder, files)
