"""The HTML report: every activity by name, charts with on/behind track, the changes table,
and rendering in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.output import load_dataset
from extractor.report import Point, render_report, track
from tests.packets import H23, H24

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    folder = tmp_path_factory.mktemp("report")
    assert CliRunner().invoke(main, [str(H23), str(H24), "-o", str(folder), "-q"]).exit_code == 0
    result = CliRunner().invoke(
        main,
        [
            "report",
            str(folder / "h23-synthetic.json"),
            str(folder / "h24.json"),
            "-o",
            str(folder / "report.html"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    old = load_dataset(folder / "h23-synthetic.json")
    new = load_dataset(folder / "h24.json")
    return (
        folder / "report.html",
        [a.name for a in new.activities if a.name],
        [a.name for a in old.activities if a.name],
    )


def test_track_against_the_straight_line() -> None:
    # Plan 131 (2009) → target 155 (2013): the line is at 143 in 2011.
    assert track(Point(2009, 131), Point(2013, 155), Point(2011, 143)) is True
    assert track(Point(2009, 131), Point(2013, 155), Point(2011, 142)) is False
    # A falling target (fewer is better): 100 → 60, the line is at 80 in 2011.
    assert track(Point(2009, 100), Point(2013, 60), Point(2011, 79)) is True
    assert track(Point(2009, 100), Point(2013, 60), Point(2011, 81)) is False
    assert track(None, Point(2013, 60), Point(2011, 81)) is None


def test_every_activity_and_the_changes(report: tuple[Path, list[str], list[str]]) -> None:
    path, names, old_names = report
    html = unescape(path.read_text(encoding="utf-8"))
    assert html.startswith('<!doctype html><html lang="ja">')
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    missing = [n for n in names if n not in html]
    assert missing == []
    for removed in ("ボランティアセンターの機能強化", "福祉有償運送の推進"):
        assert removed in old_names and f"<td>廃止</td><td>{removed}</td>" in html
    assert (
        "<td>名称変更</td><td>友愛訪問活動促進事業の推進</td><td>小地域見守り訪問活動の推進 → 友愛訪問活動促進事業の推進</td>"
        in html
    )


def test_chart_and_verdict_for_one_target(report: tuple[Path, list[str], list[str]]) -> None:
    html = unescape(report[0].read_text(encoding="utf-8"))
    article = re.search(r"<article[^>]*><h4>活動拠点機能の充実.*?</article>", html)
    assert article is not None
    text = article.group(0)
    # Plan 131 (2009), actuals 142 (2010) and 188 (2011), target 155 (2013): on track.
    assert "計画 131回 (2009) → 実績 142回 (2010)、実績 188回 (2011) → 目標 155回 (2013)" in text
    assert '<span class="track on">順調</span>' in text
    assert text.count("<circle") == 3  # plan + two actuals
    behind = re.search(r"<article[^>]*><h4>地域住民交流事業の推進.*?</article>", html)
    assert behind is not None and '<span class="track behind">遅れ</span>' in behind.group(0)


def test_single_year_report_has_no_changes_table() -> None:
    html = render_report([load_dataset(Path(__file__).parent.parent / "normalized" / "h24.json")])
    assert 'id="changes"' not in html
    assert html.count("<article") == 54


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_renders_in_headless_chromium(
    report: tuple[Path, list[str], list[str]], tmp_path: Path
) -> None:
    path, names, _ = report
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = unescape(done.stdout)
    assert [n for n in names if n not in dom] == []
    assert dom.count("<svg") >= 10
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile2'}",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            path.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 20_000  # a page with text and charts, not a blank one
