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
