"""Each language whole: what the commands print and write in English holds no Japanese
interface words, and what they print in Japanese no English ones. Packet text (every string
of the datasets, which stays as written) is taken out before looking."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.packets import H23, H24

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60\u3000-\u303f]")
# English words that may stand in Japanese output: names of formats and standards Japanese
# writes in Latin letters, and what the user types (commands, links.toml's keys). Words in
# capitals are click's placeholders (FILES, OPTIONS, TEXT), kept in every language.
ALLOWED_IN_JAPANESE = {
    "JSON", "CSV", "SQLite", "HTML", "PDF", "Excel", "Unicode", "BOM", "CRLF", "OCR", "zip",
    "extract", "run", "link", "diff", "export", "report", "schema", "csv", "jsonl", "sqlite",
    "datapackage", "git", "old", "new", "key", "force", "forbid", "Schema", "normalized",
    "source", "tables",
}  # fmt: skip


def packet_texts(*datasets: Path) -> list[str]:
    """Every string of the datasets (and each line of each), longest first."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
            found.update(line.strip() for line in value.splitlines())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in datasets:
        walk(json.loads(path.read_text(encoding="utf-8")))
    return sorted((t for t in found if t), key=len, reverse=True)


def without_packet_text(output: str, texts: list[str]) -> str:
    # An edited item shows what changed inside it; its newer text is packet text.
    output = re.sub(r"\[-.*?-\]", "", output)
    output = re.sub(r"\{\+(.*?)\+\}", r"\1", output)
    for text in texts:
        output = output.replace(text, " ")
    return output


def page_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    page = re.sub(r"<del>.*?</del>|</?ins>", "", page)  # an edited item's newer text, whole
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """What the commands print and write in each language, for two years."""
    folder = tmp_path_factory.mktemp("languages")
    shutil.copy(H23, folder / "h23.txt")
    shutil.copy(H24, folder / "h24.txt")
    runner = CliRunner()  # invoked as `extract`, as users do
    seen: dict[str, dict[str, str]] = {}
    cwd = Path.cwd()
    try:
        import os

        os.chdir(folder)
        for language in ("en", "ja"):
            said = seen[language] = {}
            done = runner.invoke(
                main,
                prog_name="extract",
                args=["h23.txt", "h24.txt", "-o", "out", "--lang", language],
            )
            said["summary"] = done.stderr
            pair = ["out/h23.json", "out/h24.json"]
            said["diff"] = runner.invoke(
                main, prog_name="extract", args=["diff", *pair, "--lang", language]
            ).stdout
            report = f"report-{language}.html"
            runner.invoke(
                main, prog_name="extract", args=["report", *pair, "-o", report, "--lang", language]
            )
            said["report"] = page_text(Path(report))
            said["error"] = runner.invoke(
                main, prog_name="extract", args=["none.txt", "--lang", language]
            ).stderr
            said["usage"] = runner.invoke(
                main, prog_name="extract", args=["diff", "out/h23.json", "--lang", language]
            ).stderr
            said["help"] = runner.invoke(
                main, prog_name="extract", args=["run", "--help", "--lang", language]
            ).stdout
        texts = packet_texts(folder / "out" / "h23.json", folder / "out" / "h24.json")
        for said in seen.values():
            for name in said:
                said[name] = without_packet_text(said[name], texts)
    finally:
        os.chdir(cwd)
    return seen


@pytest.mark.parametrize("what", ["summary", "diff", "report", "error", "usage", "help"])
def test_english_output_has_no_japanese_words(
    outputs: dict[str, dict[str, str]], what: str
) -> None:
    left = sorted(
        {m.group() for m in re.finditer(r"\S*" + JAPANESE.pattern + r"+\S*", outputs["en"][what])}
    )
    assert left == []


@pytest.mark.parametrize("what", ["summary", "diff", "report", "error", "usage", "help"])
def test_japanese_output_has_no_english_words(
    outputs: dict[str, dict[str, str]], what: str
) -> None:
    words = re.findall(r"(?<![\w./-])[A-Za-z][A-Za-z'-]{2,}(?![\w./])", outputs["ja"][what])
    assert sorted({w for w in set(words) - ALLOWED_IN_JAPANESE if not w.isupper()}) == []
