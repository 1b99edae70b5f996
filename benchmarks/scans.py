"""Read a scan of a packet made at one degradation level and score it field by field."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from extractor.app import RunRequest, extract_packets
from extractor.output import to_json
from extractor.pipeline import extract
from extractor.settings import ExtractSettings
from tests.scans import LEVELS, differences, fields, print_next_year, scan_pdf

ROOT = Path(__file__).resolve().parent.parent
H24_PDF = ROOT / "raw" / "h24.pdf"
H24_TEXT = ROOT / "raw" / "h24.txt"
H23_TEXT = ROOT / "tests" / "fixtures" / "h23-synthetic.txt"


def read_scan_level(packet: str, level: int, pages: list[str]) -> tuple[float, dict[str, float]]:
    """Given a packet ("h24": raw/h24.pdf; "h24+h23": the same read with the synthetic h23
    packet's dataset as the year before, as `--link-to` gives it; "next": the next year's
    packet printed in another font, `tests.scans.print_next_year`; "next+h24": the same
    read with h24's dataset as the year before), a level of tests.scans.LEVELS and page numbers
    (none: all), scan the packet, read it with every core, and return the seconds the
    reading took and its score: fields right of the total, and how many of the wrong ones
    carry a warning on their activity."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = H24_PDF if packet.startswith("h24") else print_next_year(Path(folder) / "next.pdf")
        before = None
        if "+" in packet:
            year_before = {"h24+h23": H23_TEXT, "next+h24": H24_TEXT}[packet]
            before = Path(folder) / "before.json"
            before.write_text(to_json(extract(year_before)), encoding="utf-8")
        return _read_scan(pdf, level, pages, before)


def _read_scan(
    pdf: Path, level: int, pages: list[str], before: Path | None = None
) -> tuple[float, dict[str, float]]:
    numbers = [int(p) for p in pages] or None
    truth = extract(pdf)
    if numbers:
        truth = truth.model_copy(
            update={
                "activities": [a for a in truth.activities if set(a.source.pages) <= set(numbers)]
            }
        )
    with tempfile.TemporaryDirectory() as folder:
        scan = scan_pdf(pdf, Path(folder) / "scan.pdf", LEVELS[level], numbers)
        settings = ExtractSettings(jobs=os.cpu_count() or 1)
        out = str(Path(folder) / "out")
        request = RunRequest([scan], out, settings, link=False, link_to=before)
        start = time.perf_counter()
        (outcome,) = extract_packets(request).outcomes
        seconds = time.perf_counter() - start
        read = outcome.dataset
        assert read is not None, outcome.error
    wrong = differences(truth, read)
    warned = {w.activity for w in read.warnings if w.activity}
    total = len(fields(truth))
    return seconds, {
        "pages": float(read.source.pages or 0),
        "right": float(total - sum(1 for _, expected, _ in wrong if expected is not None)),
        "total": float(total),
        "wrong": float(len(wrong)),
        "warned": float(sum(1 for name, _, _ in wrong if name.split()[0] in warned)),
    }
