"""The history a packet carries: one 実績 column per year in a plan's later packets, each
year's actual kept with its year; qualified figures; a plan period stated once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from extractor.models import Dataset
from extractor.pipeline import extract
from tests.packets import h24_text, with_actual_columns, write_packet

LAST_FIGURE = re.compile(r"(\d+(?:\.\d+)?\D*?)\s*$")


def earlier_figure(cell: str, line: int) -> str:
    """What the 23年度 column holds in the derived packet: h24's actual figure alone (the
    last of `1回 2回 1回`, the figure after a label), a dash as a dash."""
    found = LAST_FIGURE.search(cell.strip())
    return found.group(1) if found else cell


def packet(tmp_path: Path, name: str, **options: Any) -> Dataset:
    options.setdefault("earlier_cell", earlier_figure)
    text = with_actual_columns(h24_text(), **options)
    return extract(write_packet(tmp_path / name, text))


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return packet(tmp_path_factory.mktemp("ordinary"), "h25.txt", insert=False)


@pytest.mark.parametrize(
    ("earlier", "later_first"),
    [("23年度 実績", False), ("平成23年度実績", True), ("H23年度 実績", False)],
)
def test_a_packet_with_two_actual_columns_keeps_both_years(
    tmp_path: Path, ordinary: Dataset, earlier: str, later_first: bool
) -> None:
    both = packet(tmp_path, "h25.txt", earlier=earlier, later_first=later_first)
    assert both.packet.report_fiscal_year == ordinary.packet.report_fiscal_year == 2012
    # Every field of the ordinary packet is the same, but what the earlier column adds.
    for a, b in zip(both.activities, ordinary.activities, strict=True):
        mine = a.model_dump(exclude={"targets", "source"})
        theirs = b.model_dump(exclude={"targets", "source"})
        assert mine == theirs, a.name
        assert [t.model_dump(exclude={"actuals", "raw"}) for t in a.targets] == [
            t.model_dump(exclude={"actuals", "raw"}) for t in b.targets
        ], a.name
    codes = {w.code for w in both.warnings}
    assert codes - {w.code for w in ordinary.warnings} == set()
    assert sum(w.code == "target_slot_conflict" for w in both.warnings) == sum(
        w.code == "target_slot_conflict" for w in ordinary.warnings
    )


def test_each_years_actual_is_read_with_its_year(tmp_path: Path) -> None:
    both = packet(tmp_path, "h25.txt")
    # 地区住民座談会の開催 (line 72): 20 in 平成23年度 (h24's actual), 21 in 平成24年度.
    meeting = next(a for a in both.activities if a.name == "地区住民座談会の開催")
    (target,) = meeting.targets
    assert [(s.fiscal_year, s.value) for s in target.actuals] == [(2011, 20), (2012, 21)]
    assert (target.actual.fiscal_year, target.actual.value) == (2012, 21)
    # 交流会 開催回数/年: 1回 2回 1回 in 24年度, 1回 in 23年度.
    exchange = next(t for a in both.activities for t in a.targets if t.label == "交流会開催回数/年")
    assert [(s.fiscal_year, s.raw) for s in exchange.actuals] == [(2011, "1回"), (2012, "1回")]
    assert (exchange.plan.value, exchange.target.value) == (1, 2)


def test_an_empty_or_dash_earlier_cell(tmp_path: Path) -> None:
    def blank_or_dash(cell: str, line: int) -> str:
        return "" if line % 2 else "—"

    both = packet(tmp_path, "h25.txt", earlier_cell=blank_or_dash)
    meeting = next(a for a in both.activities if a.name == "地区住民座談会の開催")
    (target,) = meeting.targets
    # Line 72 is even: a dash, 平成23年度 has no figure; 平成24年度's 21 is the actual.
    assert [(s.fiscal_year, s.raw, s.value) for s in target.actuals] == [
        (2011, "—", None),
        (2012, "21", 21),
    ]
