"""Read a PDF packet into rows of cells."""

from __future__ import annotations

from pathlib import Path

from extractor.errors import UnreadableInputError
from extractor.settings import ExtractSettings
from extractor.sources import SourceDocument


def read_pdf(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a PDF's bytes, return its table rows (not yet supported: use the text export)."""
    raise UnreadableInputError(f"{path}: PDF input is not supported yet; use the text export")
