"""Render the report's first screen to docs/report.png, and as a laptop or tablet shows it at
800 px to docs/report-800.png (`make screenshot`).

Extracts raw/h24.txt with the synthetic previous year of the tests, writes their report,
and has headless Chromium take a picture of its first screen.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from extractor.cli import main
from tests.browser import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parent.parent


def screenshot(output: Path, width: int = 1280, language: str = "ja") -> None:
    if CHROMIUM is None:
        sys.exit("chromium is not installed: apt-get install chromium fonts-ipafont-gothic")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        h23 = work / "h23.txt"
        shutil.copy(ROOT / "tests" / "fixtures" / "h23-synthetic.txt", h23)
        runner = CliRunner()
        extracted = runner.invoke(
            main, [str(h23), str(ROOT / "raw" / "h24.txt"), "-o", str(work), "-q"]
        )
        assert extracted.exit_code == 0, extracted.output
        report = work / "report.html"
        written = runner.invoke(
            main,
            [
                "report",
                str(work / "h23.json"),
                str(work / "h24.json"),
                "-o",
                str(report),
                "--lang",
                language,
            ],
        )
        assert written.exit_code == 0, written.output
        subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                "--hide-scrollbars",
                f"--user-data-dir={work / 'profile'}",
                f"--screenshot={output}",
                f"--window-size={width},900",
                report.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


if __name__ == "__main__":
    screenshot(ROOT / "docs" / "report.png")
    screenshot(ROOT / "docs" / "report-800.png", width=800)
