"""Stage for other tools: CSV for spreadsheets, JSON Lines, SQLite, a Frictionless Data Package.

Every writer takes datasets (one per fiscal year) and writes atomically: a failure leaves
the previous file (or none), never half of a new one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extractor.errors import OutputError
from extractor.export.flat import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    DATES,
    TABLES,
    TARGET_COLUMNS,
    Row,
    TableDef,
    build_rows,
    packet_year,
)
from extractor.models import Dataset
from extractor.output import write_atomic

SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "array": "TEXT",
    "object": "TEXT",
}


def _csv_text(columns: list[str], rows: Iterable[Row], cell: Any) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in columns])
    return buffer.getvalue()


def _spreadsheet_cell(value: Any) -> Any:
    """Lists become one item per line (a multi-line cell in Excel); None an empty cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(f"{key}: {item}" for key, item in value.items())
    return value


def _package_cell(value: Any) -> Any:
    """Lists become JSON arrays and booleans true/false, as Table Schema reads them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def export_csv(datasets: list[Dataset], folder: Path) -> list[Path]:
    """Write activities.csv, targets.csv (one row per target, the activity's columns
    repeated) and dates.csv (one row per date, with the activity's id and name), UTF-8 with
    a byte-order mark so that Excel opens them as UTF-8."""
    tables = build_rows(datasets)
    activities = {(row["fiscal_year"], row["key"]): row for row in tables["activities"]}
    flat_targets = [{**activities[(t["fiscal_year"], t["key"])], **t} for t in tables["targets"]]
    target_columns = [c.name for c in ACTIVITY_COLUMNS] + [c.name for c in TARGET_COLUMNS]
    named_dates = [
        {
            **d,
            "id": activities[(d["fiscal_year"], d["key"])]["id"],
            "name": activities[(d["fiscal_year"], d["key"])]["name"],
        }
        for d in tables["dates"]
    ]
    date_columns = ["fiscal_year", "key", "id", "name", *DATES.names[2:]]
    written = []
    for name, columns, rows in (
        ("activities.csv", ACTIVITIES.names, tables["activities"]),
        ("targets.csv", target_columns, flat_targets),
        ("dates.csv", date_columns, named_dates),
    ):
        path = folder / name
        write_atomic(path, "\ufeff" + _csv_text(columns, rows, _spreadsheet_cell))
        written.append(path)
    return written


def export_jsonl(datasets: list[Dataset], path: Path) -> list[Path]:
    """Write one activity per line, each with its packet's fiscal years and source path."""
    lines = []
    for dataset in sorted(datasets, key=packet_year):
        context = {
            "fiscal_year": packet_year(dataset),
            "report_fiscal_year": dataset.packet.report_fiscal_year,
            "source_path": dataset.source.path,
        }
        for activity in dataset.activities:
            record = {**context, **activity.model_dump(mode="json")}
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    write_atomic(path, "".join(line + "\n" for line in lines))
    return [path]


def _ddl(table: TableDef) -> str:
    columns = [f'"{c.name}" {SQL_TYPES[c.type]}' for c in table.columns]
    columns.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.primary_key) + ")")
    for key in table.foreign_keys:
        here = ", ".join(f'"{f}"' for f in key.fields)
        there = ", ".join(f'"{f}"' for f in key.reference)
        columns.append(f'FOREIGN KEY ({here}) REFERENCES "{key.table}" ({there})')
    return f'CREATE TABLE "{table.name}" (\n  ' + ",\n  ".join(columns) + "\n)"


def _sql_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def export_sqlite(datasets: list[Dataset], path: Path) -> list[Path]:
    """Write a SQLite database with tables packets, activities, targets, city_efforts and
    dates, keyed on (fiscal_year, key) with foreign keys, ready for datasette."""
    tables = build_rows(datasets)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot write there ({exc.strerror}); choose another -o"
        ) from exc
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            for table in TABLES:
                connection.execute(_ddl(table))
                placeholders = ", ".join("?" for _ in table.columns)
                connection.executemany(
                    f'INSERT INTO "{table.name}" VALUES ({placeholders})',
                    ([_sql_value(row.get(c)) for c in table.names] for row in tables[table.name]),
                )
            connection.commit()
        finally:
            connection.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return [path]


def _table_schema(table: TableDef) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [
            {
                "name": c.name,
                "type": c.type,
                **({"description": c.description} if c.description else {}),
            }
            for c in table.columns
        ],
        "primaryKey": list(table.primary_key),
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(k.fields),
                "reference": {"resource": k.table, "fields": list(k.reference)},
            }
            for k in table.foreign_keys
        ]
    return schema


def export_datapackage(datasets: list[Dataset], folder: Path) -> list[Path]:
    """Write a Frictionless Data Package: one CSV per table and datapackage.json with a
    Table Schema for each (types, primary and foreign keys, missing values)."""
    tables = build_rows(datasets)
    written = []
    resources = []
    for table in TABLES:
        path = folder / f"{table.name}.csv"
        write_atomic(path, _csv_text(table.names, tables[table.name], _package_cell))
        written.append(path)
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "path": path.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": _table_schema(table),
            }
        )
    years = sorted(row["fiscal_year"] for row in tables["packets"])
    descriptor = {
        "profile": "tabular-data-package",
        "name": "yamaguchi-welfare-plan-evaluation",
        "title": "山口市地域福祉計画・地域福祉活動計画 評価委員会資料",
        "description": "Activities, targets and results reported to the evaluation committee, "
        f"fiscal years {', '.join(map(str, years))}",
        "resources": resources,
    }
    path = folder / "datapackage.json"
    write_atomic(path, json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    return [*written, path]


def export(datasets: list[Dataset], format: str, output: Path) -> list[Path]:
    """Given datasets, a format and a path (a folder for csv and datapackage), write the export."""
    writers = {
        "csv": export_csv,
        "jsonl": export_jsonl,
        "sqlite": export_sqlite,
        "datapackage": export_datapackage,
    }
    return writers[format](datasets, output)
