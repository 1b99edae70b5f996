"""One SQLite database of the flat tables, keyed on (fiscal_year, key) with foreign keys,
ready for datasette; lists and mappings are JSON (json_each works on them)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from extractor.export.flat import TABLES, Rows, TableDef
from extractor.output import staged_file

SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "array": "TEXT",
    "object": "TEXT",
}


def ddl(table: TableDef) -> str:
    """Given a table, return its CREATE TABLE statement."""
    columns = [f'"{c.name}" {SQL_TYPES[c.type]}' for c in table.columns]
    columns.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.primary_key) + ")")
    for key in table.foreign_keys:
        here = ", ".join(f'"{f}"' for f in key.fields)
        there = ", ".join(f'"{f}"' for f in key.reference)
        columns.append(f'FOREIGN KEY ({here}) REFERENCES "{key.table}" ({there})')
    return f'CREATE TABLE "{table.name}" (\n  ' + ",\n  ".join(columns) + "\n)"


def _value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def write_sqlite(rows: Rows, path: Path) -> list[Path]:
    """Write the tables into a new database that replaces `path` only when complete."""
    with staged_file(path) as building:
        building.unlink()
        connection = sqlite3.connect(building)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            for table in TABLES:
                connection.execute(ddl(table))
                placeholders = ", ".join("?" for _ in table.columns)
                connection.executemany(
                    f'INSERT INTO "{table.name}" VALUES ({placeholders})',
                    ([_value(row[c]) for c in table.names] for row in rows[table.name]),
                )
            connection.commit()
        finally:
            connection.close()
    return [path]
