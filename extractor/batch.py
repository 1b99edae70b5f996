"""Extract several packets, in parallel processes when there are several, in input order."""

from __future__ import annotations

import os
import traceback
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.models import Dataset
from extractor.settings import ExtractSettings

MAX_WARNINGS_SHOWN = 40


@dataclass
class Outcome:
    """What extracting one packet gave: its JSON and summary, or why it failed."""

    path: Path
    json: str | None = None
    summary: list[str] = field(default_factory=list)
    error: str | None = None
    traceback: str | None = None


def summarize(dataset: Dataset, target: str) -> list[str]:
    """Given a dataset, return the lines of its stderr summary: counts, then every warning."""
    activities = dataset.activities
    targets = sum(len(a.targets) for a in activities)
    dates = sum(len(a.dates) for a in activities)
    coverage = dataset.coverage
    where = ", ".join(
        f"{name} {count}" for name, count in coverage.by_destination.items() if name != "unmapped"
    )
    lines = [
        f"{dataset.source.path} → {target}: {len(activities)} activities, {targets} targets, "
        f"{dates} dates; {coverage.mapped}/{coverage.cells} cells mapped ({where}), "
        f"{coverage.unmapped} unmapped; {len(dataset.warnings)} warnings"
    ]
    if dataset.warnings:
        counts = Counter(w.code for w in dataset.warnings)
        lines.append("  " + ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items())))
    # In a PDF, `line` counts rows in reading order across the document.
    unit = "row" if dataset.source.format == "pdf" else "line"
    for warning in dataset.warnings[:MAX_WARNINGS_SHOWN]:
        where = f"page {warning.page} " if warning.page else ""
        where += f"{unit} {warning.line}" if warning.line else ""
        where = warning.cell or where
        lines.append(f"  {where or '-':>10}  {warning.code}: {warning.message}")
    hidden = len(dataset.warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        lines.append(f"  … {hidden} more in the JSON's warnings list")
    return lines


def extract_one(path: Path, target: str, settings: ExtractSettings) -> Outcome:
    """Given a packet, return its JSON text and summary, or the error that stopped it."""
    from extractor.output import to_json
    from extractor.pipeline import extract

    try:
        dataset = extract(path, settings)
        return Outcome(path, to_json(dataset), summarize(dataset, target))
    except ExtractorError as exc:
        return Outcome(path, error=str(exc), traceback=traceback.format_exc())
    except Exception as exc:
        return Outcome(
            path,
            error=f"{path}: internal error ({type(exc).__name__}: {exc}); "
            "rerun with --verbose and report it",
            traceback=traceback.format_exc(),
        )


def _extract_star(job: tuple[Path, str, ExtractSettings]) -> Outcome:
    return extract_one(*job)


def default_jobs(count: int) -> int:
    """Given the number of packets, return how many processes to use."""
    return max(1, min(count, os.cpu_count() or 1))


def extract_all(
    jobs_list: list[tuple[Path, str]], settings: ExtractSettings, jobs: int
) -> Iterator[Outcome]:
    """Given (packet, output name) pairs, yield their outcomes in input order."""
    work = [(path, target, settings) for path, target in jobs_list]
    if jobs <= 1 or len(work) <= 1:
        yield from (_extract_star(job) for job in work)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_extract_star, work)
