"""Stages import only downward: a module never imports one of a later stage."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.packets import ROOT

# The package's layers, lowest first; a module may import its own layer and those below.
LAYERS: dict[str, int] = {
    # What every stage shares: messages, eras, vocabularies, errors, warnings, models,
    # settings, worker processes.
    "extractor.i18n": 0,
    "extractor.eras": 0,
    "extractor.vocabulary": 0,
    "extractor.errors": 0,
    "extractor.problems": 0,
    "extractor.models": 0,
    "extractor.settings": 0,
    "extractor.workers": 0,
    "extractor.schema": 0,
    "extractor.terminal": 0,
    "extractor.inputs": 0,
    "extractor.normalize": 1,  # text, dates, targets, matching forms, keys
    "extractor.sources": 2,  # stage 1: file → rows of cells
    "extractor.structure": 3,  # stage 2: rows → tables and records
    "extractor.activities": 4,  # stage 3: records → activities
    "extractor.pipeline": 5,  # the stages in order
    "extractor.output": 5,
    "extractor.years": 6,  # linking, the crosswalk, the diff, 判定
    "extractor.export": 7,
    "extractor.report": 7,
    "extractor.summary": 8,  # what people read on stderr
    "extractor.app": 8,
    "extractor.cli": 9,
    "extractor.clickwords": 9,
    "extractor.launch": 9,
    "extractor": 9,
}


def layer(module: str) -> int:
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        found = LAYERS.get(".".join(parts[:length]))
        if found is not None:
            return found
    raise AssertionError(f"{module}: in no layer; add it to LAYERS")


def imported(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("extractor"):
            if node.module == "extractor":  # from extractor import eras
                names += [f"extractor.{alias.name}" for alias in node.names]
            else:
                names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("extractor")]
    return names


def test_no_module_imports_a_later_stage() -> None:
    upward = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for name in imported(ast.parse(path.read_text(encoding="utf-8"))):
            if layer(name) > layer(module):
                upward.append(f"{module} imports {name}")
    assert upward == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    tree = ast.parse("from extractor.years.link import link\nfrom extractor import eras\n")
    assert imported(tree) == ["extractor.years.link", "extractor.eras"]
    assert layer("extractor.years.link") > layer("extractor.normalize.text")


def test_every_module_stays_maintainable() -> None:
    """No module under a maintainability index of 20 (radon's `mi`): split a module that
    falls under it into steps rather than packing its logic into fewer lines."""
    from radon.metrics import mi_visit

    low = {}
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        index = mi_visit(path.read_text(encoding="utf-8"), multi=True)
        if index < 20:
            low[path.relative_to(ROOT).as_posix()] = round(index, 1)
    assert low == {}
