"""One ordering of years for every command: by the packet's own fiscal year."""

from __future__ import annotations

from extractor.errors import DatasetError
from extractor.i18n import N_
from extractor.models import Dataset


def packet_year(dataset: Dataset) -> int:
    """Given a dataset, return the fiscal year that orders and keys it: the packet's own
    (平成24年度 = 2012), else the year after the one its results report on."""
    packet = dataset.packet
    if packet.fiscal_year is not None:
        return packet.fiscal_year
    if packet.report_fiscal_year is not None:
        return packet.report_fiscal_year + 1
    raise DatasetError(
        N_("{path}: the packet names no fiscal year; it cannot be placed among the years"),
        path=dataset.source.path,
    )


def by_year(datasets: list[Dataset]) -> list[Dataset]:
    """Given datasets, return them oldest first."""
    return sorted(datasets, key=packet_year)
