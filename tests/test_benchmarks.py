"""The benchmark script runs (quick mode: tiny sizes, one run each, no time assertions)."""

from __future__ import annotations

import subprocess
import sys

from tests.packets import ROOT


def test_quick_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    table = done.stdout
    assert table.startswith("Machine: ")
    for measure in (
        "python -c pass",
        "extract --help",
        "text path, h24 body ×4",
        "PDF path",
        "2 PDFs",
    ):
        assert f"| {measure}" in table, measure


def imported_modules(*args: str) -> set[str]:
    """Top-level packages a command imports (from python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "extractor", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_heavy_modules_load_only_when_needed() -> None:
    heavy = {"pdfplumber", "pdfminer", "sudachipy", "scipy", "numpy", "rapidfuzz"}
    assert imported_modules("--help") & (heavy | {"pydantic"}) == set()
    assert imported_modules("raw/h24.txt", "-o", "-", "-q") & heavy == set()
    assert {"pdfplumber", "pdfminer"} <= imported_modules("raw/h24.pdf", "-o", "-", "-q")
