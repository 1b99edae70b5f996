"""Scans made from printed packets, and the field-by-field comparison of what was read.

`scan_pdf` renders a PDF's pages (pypdfium2) at a resolution and, optionally, degrades them
as a copier does: a small rotation, blur, noise, a darker paper, JPEG compression. It saves
them as an image-only PDF (or TIFF) with Pillow. `fields` lists what a dataset says about
each activity, one value per field; `differences` compares a scan's dataset with the
dataset of the PDF it was printed from (the truth for its scan).

Run as a script to write the scans of the README's accuracy table:
    python -m tests.scans raw/h24.pdf out/
"""

from __future__ import annotations

import io
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from extractor.models import Dataset


@dataclass(frozen=True)
class Degradation:
    """How a scan departs from a clean print."""

    name: str
    dpi: int = 300
    skew: float = 0.0  # degrees
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # standard deviation of grey-level noise
    paper: int = 255  # grey level of the paper
    jpeg: int | None = None  # JPEG quality, None for lossless
    # The share of its size the sheet was printed at (an A3 packet printed on A4: 0.71):
    # the page is rendered this much coarser, and scanned at `dpi` all the same.
    reduced: float = 1.0


CLEAN = Degradation("clean 300 dpi")
BAD = Degradation("bad: 200 dpi, 0.7° skew, blur, noise, JPEG 60", 200, 0.7, 0.8, 12, 235, 60)
LEVELS = [
    CLEAN,
    Degradation("200 dpi", 200),
    Degradation("300 dpi, 1.5° skew, darker paper", 300, 1.5, 0, 0, 225),
    Degradation("300 dpi, blur, noise, JPEG 75", 300, 0, 0.8, 10, 245, 75),
    BAD,
]


def degrade(grey: Any, how: Degradation, seed: int = 0) -> Any:
    """Given a clean grey page, return it as a copier with these faults would give it."""
    import cv2

    page = grey.astype(np.float32)
    page = how.paper - (255 - page) * (how.paper / 255)
    if how.skew:
        height, width = page.shape
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), how.skew, 1.0)
        page = cv2.warpAffine(page, turn, (width, height), borderValue=(float(how.paper),))
    if how.blur:
        page = cv2.GaussianBlur(page, (0, 0), how.blur)
    if how.noise:
        page = page + np.random.default_rng(seed).normal(0, how.noise, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def page_images(pdf: Path, how: Degradation, pages: list[int] | None = None) -> list[Any]:
    """Given a PDF, return its pages (or the numbered ones) as degraded PIL images."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf)
    images = []
    for number in pages or range(1, len(document) + 1):
        page = document[number - 1]
        scale = how.dpi * how.reduced / 72
        grey = np.array(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
        image = Image.fromarray(degrade(grey, how, seed=number))
        if how.jpeg is not None:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=how.jpeg)
            image = Image.open(io.BytesIO(buffer.getvalue()))
        images.append(image)
    return images


def scan_pdf(
    pdf: Path, out: Path, how: Degradation = CLEAN, pages: list[int] | None = None
) -> Path:
    """Write the pages of a printed PDF as an image-only PDF (or TIFF, by `out`'s suffix)
    scanned with the given faults; return `out`."""
    images = page_images(pdf, how, pages)
    first, *rest = images
    if out.suffix.lower() in (".tif", ".tiff"):
        first.save(
            out,
            save_all=True,
            append_images=rest,
            dpi=(how.dpi, how.dpi),
            compression="tiff_deflate",
        )
    else:
        first.save(out, "PDF", save_all=True, append_images=rest, resolution=float(how.dpi))
    return out


WAVES = str.maketrans("〜～", "~~")  # one dash, however the font draws it


def _text(value: object) -> object:
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).translate(WAVES).split())
    if isinstance(value, list):
        return "\n".join(str(_text(v)) for v in value)
    return value


def fields(dataset: Dataset) -> dict[str, object]:
    """Given a dataset, return what it says of each activity, field by field (texts
    compared without spaces, in NFKC form and with 〜 as ~, as a reader would; figures
    exactly)."""
    found: dict[str, object] = {}
    for activity in dataset.activities:
        where = activity.id
        found[f"{where} name"] = _text(activity.name)
        found[f"{where} status"] = activity.status
        found[f"{where} description"] = _text(activity.description)
        found[f"{where} roles"] = _text(activity.roles.items)
        if activity.council is not None:
            for part in ("efforts", "results", "plans"):
                found[f"{where} council {part}"] = _text(getattr(activity.council, part))
        found[f"{where} departments"] = _text(activity.departments)
        for n, city in enumerate(activity.city):
            for part in ("efforts", "results", "plans"):
                found[f"{where} city {n} {part}"] = _text(getattr(city, part))
        found[f"{where} schedule"] = (
            activity.schedule.start_fiscal_year,
            activity.schedule.end_fiscal_year,
        )
        for n, target in enumerate(activity.targets):
            found[f"{where} target {n} label"] = _text(target.label)
            found[f"{where} target {n} text"] = _text(target.text)
            for slot in ("plan", "target", "actual"):
                figure = getattr(target, slot)
                found[f"{where} target {n} {slot}"] = (figure.value, _text(figure.unit))
    return found


def differences(truth: Dataset, read: Dataset) -> list[tuple[str, object, object]]:
    """Given the dataset of a printed PDF and of its scan, return each field that differs:
    (field, the truth, what the scan gave); a field either lacks counts as different."""
    expected, got = fields(truth), fields(read)
    return [
        (name, expected.get(name), got.get(name))
        for name in sorted(set(expected) | set(got))
        if expected.get(name) != got.get(name)
    ]


def print_next_year(out: Path, last_line: int | None = None) -> Path:
    """Print the next year's packet (h24 moved a year on, every actual one more: the
    ordinary packet of `tests.packets.with_actual_columns`), or its lines up to
    `last_line`, in reportlab's Gothic font and its own column widths: a packet neither in
    h24's font nor its layout. Return `out`."""
    from tests.packets import h24_text, with_actual_columns
    from tests.pdfs import CID_SAFE, WIDTHS_14, blocks_from_rows, print_pdf

    lines = with_actual_columns(h24_text(), insert=False).split("\n")[:last_line]
    rows = [[cell.translate(CID_SAFE) for cell in line.split("\t")] for line in lines if line]
    # A fifteenth cell the text export leaves empty is not printed (the printer's fourteen).
    rows = [r[:14] if not "".join(r[14:]).strip() else r for r in rows]
    print_pdf(out, blocks_from_rows(rows), [*WIDTHS_14[:12], 30, 40, 30, 40])
    return out


if __name__ == "__main__":
    source, folder = Path(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    for number, level in enumerate(LEVELS):
        print(scan_pdf(source, folder / f"{source.stem}-scan{number}.pdf", level), level.name)
