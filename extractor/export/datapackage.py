"""A Frictionless Data Package: one CSV per table and datapackage.json with a Table Schema
for each (types, primary and foreign keys, missing values).

The package is read by tools (frictionless, pandas, open-data portals), which need every
value exactly as it is: its CSVs are not neutralised against spreadsheet formulas (a leading
' would change the data). People who open a CSV in Excel should use the `csv` export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.export.flat import TABLES, Rows, TableDef
from extractor.export.spreadsheet import csv_text
from extractor.output import write_folder


def package_cell(value: Any) -> Any:
    """Lists and mappings become JSON, booleans true/false, as Table Schema reads them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def table_schema(table: TableDef) -> dict[str, Any]:
    """Given a table, return its Table Schema."""
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


def write_datapackage(rows: Rows, folder: Path) -> list[Path]:
    """Write the package into `folder`, all files or none."""
    files: dict[str, str | bytes] = {}
    resources = []
    for table in TABLES:
        name = f"{table.name}.csv"
        files[name] = csv_text(table.names, rows[table.name], package_cell)
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
        )
    years = sorted(row["fiscal_year"] for row in rows["packets"])
    descriptor = {
        "profile": "tabular-data-package",
        "name": "yamaguchi-welfare-plan-evaluation",
        "title": "山口市地域福祉計画・地域福祉活動計画 評価委員会資料",
        "description": "Activities, targets and results reported to the evaluation committee, "
        f"fiscal years {', '.join(map(str, years))}",
        "resources": resources,
    }
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    return write_folder(folder, files)
