"""Invariants: nothing lost, nothing different between runs, committed files up to date."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema

from extractor.models import Dataset
from extractor.output import to_json
from extractor.pipeline import extract
from extractor.schema import schema_json
from tests.packets import H23, ROOT, h24_text, shift_packet, write_packet

BULLET = re.compile(r"(?:^|\s)・")
DASH = re.compile(r"^\s*[—―－\-]\s*$")


def strings(value: Any) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def missing_cells(source_text: str, dataset: Dataset) -> list[tuple[int, str]]:
    """Source cells (split here, independently of the code) whose text is not in the output.

    A cell counts as present when each of its bullet items occurs in the output's strings,
    whitespace removed, either whole or as its space-separated words (a 担当課 cell naming
    two departments lists them apart; a sub-heading before a bullet starts the next item).
    A cell holding only a dash means "none" and needs no text.
    """
    haystack = "\x00".join(squeeze(s) for s in strings(dataset.model_dump(mode="json")))

    def present(piece: str) -> bool:
        words = [squeeze(w) for w in piece.split() if squeeze(w)]
        return squeeze(piece) in haystack or all(word in haystack for word in words)

    missing = []
    for number, line in enumerate(source_text.splitlines(), start=1):
        for cell in line.split("\t"):
            if not cell.strip() or DASH.match(cell):
                continue
            pieces = [p for p in BULLET.split(cell) if squeeze(p)]
            if not all(present(piece) for piece in pieces):
                missing.append((number, cell))
    return missing


def test_every_h24_cell_lands_in_the_output(h24: Dataset) -> None:
    assert missing_cells(h24_text(), h24) == []
    assert (h24.coverage.cells, h24.coverage.mapped, h24.coverage.unmapped) == (1028, 1028, 0)


def test_every_h23_cell_lands_in_the_output() -> None:
    dataset = extract(H23)
    assert missing_cells(H23.read_text(encoding="utf-8"), dataset) == []


def test_the_check_itself_catches_a_dropped_cell(h24: Dataset) -> None:
    trimmed = h24.model_copy(deep=True)
    trimmed.activities[1].council.efforts.pop()  # type: ignore[union-attr]
    assert missing_cells(h24_text(), trimmed) == [
        (22, "・活動団体の支援 ・交流会の開催 ・情報紙の発行 ・関係機関への活動の情報提供")
    ]


def test_other_year_cp932_crlf_cells_all_land(tmp_path: Path) -> None:
    text = shift_packet(h24_text(), report_year=26, plan_start=26)
    path = write_packet(tmp_path / "h27.txt", text, encoding="cp932", newline="\r\n")
    dataset = extract(path)
    assert missing_cells(path.read_bytes().decode("cp932").replace("\r\n", "\n"), dataset) == []


def test_same_input_gives_identical_json() -> None:
    first = to_json(extract(ROOT / "raw" / "h24.txt"))
    second = to_json(extract(ROOT / "raw" / "h24.txt"))
    assert first == second


def test_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "extractor", "raw/h24.txt", "-o", str(folder), "-q"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        outputs.append((folder / "h24.json").read_bytes())
    assert outputs[0] == outputs[1]


def test_committed_output_equals_a_fresh_extraction(h24: Dataset) -> None:
    committed = (ROOT / "normalized" / "h24.json").read_text(encoding="utf-8")
    assert committed == to_json(h24), "normalized/h24.json is stale: run `extract raw/h24.txt`"


def test_committed_schema_is_current_and_validates_the_output() -> None:
    committed = (ROOT / "schema" / "dataset.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), (
        "schema is stale: run `extract schema -o schema/dataset.schema.json`"
    )
    data = json.loads((ROOT / "normalized" / "h24.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(committed))
    broken = {**data, "activities": [{**data["activities"][0], "targets": "none"}]}
    try:
        jsonschema.validate(broken, json.loads(committed))
    except jsonschema.ValidationError:
        pass
    else:  # pragma: no cover - the schema must reject a wrong type
        raise AssertionError("schema accepted targets as a string")
