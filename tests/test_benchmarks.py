"""The benchmark script runs (quick mode: tiny sizes, one run each, no time assertions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.packets import ROOT


@pytest.mark.slow
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
        'python -c "import pydantic, click"',
        "extract --help",
        "extract raw/h24.txt (whole command)",
        "text path, h24 body ×4",
        "PDF path",
        "2 PDFs",
        "link 10 years",
        "2 years × 108 look-alike activities",
        "1 pair of years × 162 look-alike activities",
    ):
        assert f"| {measure}" in table, measure
    assert "| 108 of 108 linked to their own copy |" in table
    assert "| scan | pages | time | per page | fields right |" in table
    assert "| raw/h24.pdf: clean 300 dpi | 2 |" in table


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
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def top(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


@pytest.mark.slow
def test_heavy_modules_load_only_when_needed() -> None:
    heavy = {"pdfplumber", "pdfminer", "sudachipy", "scipy", "numpy", "rapidfuzz", "jinja2"}
    # --help prints its committed text: not even click is loaded.
    assert top(imported_modules("--help")) & (heavy | {"pydantic", "click"}) == set()
    text_path = imported_modules("raw/h24.txt", "-o", "-", "-q")
    assert top(text_path) & heavy == set()
    assert "concurrent" not in top(text_path)  # no process pool for one input
    # One packet links nothing: the linking and crosswalk modules stay unloaded.
    assert {"extractor.years.link", "extractor.years.crosswalk"} & text_path == set()
    assert "extractor.pipeline" in text_path
    pdf_path = top(imported_modules("raw/h24.pdf", "-o", "-", "-q"))
    assert {"pdfplumber", "pdfminer"} <= pdf_path


def test_pydantic_plugins_are_not_scanned() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "extractor", "raw/h24.txt", "-o", "-", "-q"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "importlib.metadata" not in done.stderr
    assert json.loads(done.stdout)["activities"]


@pytest.mark.slow
def test_the_committed_help_text_is_what_click_prints() -> None:
    from click.testing import CliRunner

    from extractor.cli import main

    for name, locale in (("help.txt", "C.UTF-8"), ("help.ja.txt", "ja_JP.UTF-8")):
        env = {"COLUMNS": "80", "LANG": locale, "LC_ALL": "", "LANGUAGE": ""}
        printed = CliRunner(env=env).invoke(main, ["--help"], prog_name="extract")
        committed = (ROOT / "extractor" / name).read_text(encoding="utf-8")
        assert printed.output == committed, f"extractor/{name} is stale: run `make help-text`"
        fast = subprocess.run(
            [sys.executable, "-m", "extractor", "--help"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, **env},
        )
        assert fast.stdout == committed
