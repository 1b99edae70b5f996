"""What to check in the packets: every warning of every packet compared, grouped by what a
person checks, each item naming its packet and its place in it (平成24年度資料 95行目, a
page and row, or a sheet's cell), the sentence first and the warning's code small."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.eras import fiscal_year_short
from extractor.i18n import Words
from extractor.models import Dataset
from extractor.problems import check_sentence
from extractor.years.order import by_year, packet_year


@dataclass(frozen=True)
class CheckItem:
    packet: str  # 平成24年度資料 / FY2012 packet
    place: str  # 95行目 / line 95, page and row, or sheet!cell
    message: str
    code: str


@dataclass
class CheckGroup:
    code: str
    sentence: str
    items: list[CheckItem] = field(default_factory=list)


def check_groups(datasets: list[Dataset], w: Words) -> list[CheckGroup]:
    """Given the packets compared, return their warnings grouped by code, newest packet
    first within each group."""
    groups: dict[str, CheckGroup] = {}
    for dataset in reversed(by_year(datasets)):
        year = packet_year(dataset)
        packet = w._("{year} packet").format(year=fiscal_year_short(year, w.language))
        for warning in dataset.warnings:
            code = warning.code
            group = groups.setdefault(code, CheckGroup(code, check_sentence(code, w.language)))
            group.items.append(
                CheckItem(
                    packet, warning.place(dataset.source.format, w), warning.text(w.language), code
                )
            )
    return list(groups.values())
