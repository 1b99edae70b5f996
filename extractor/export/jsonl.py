"""JSON Lines: one activity per line, with its packet's fiscal years, source and series key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from extractor.export.flat import one_per_year
from extractor.models import Dataset
from extractor.output import write_atomic
from extractor.terminal import json_safe


def write_jsonl(
    datasets: list[Dataset], series: Callable[[Dataset], dict[str, str]], path: Path
) -> list[Path]:
    """Write one activity per line; `key` is the activity's series across years."""
    lines = []
    for year, dataset in one_per_year(datasets):
        keys = series(dataset)
        context = {
            "fiscal_year": year,
            "report_fiscal_year": dataset.packet.report_fiscal_year,
            "source_path": dataset.source.path,
        }
        for activity in dataset.activities:
            record = {**context, **activity.model_dump(mode="json")}
            record["key"] = keys.get(activity.key or activity.id, activity.key)
            lines.append(json_safe(json.dumps(record, ensure_ascii=False, separators=(",", ":"))))
    write_atomic(path, "".join(line + "\n" for line in lines))
    return [path]
