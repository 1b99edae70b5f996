"""A year to link: one dataset with the file it came from, and that file's digest.

Kept apart from the crosswalk so that extracting a single packet, which links nothing,
does not load the linking machinery.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from extractor.models import Dataset

# The crosswalk's file, beside the datasets it links.
CROSSWALK_FILE = "crosswalk.json"


@dataclass(frozen=True)
class Year:
    """A dataset with its file (for the crosswalk's record) and that file's digest."""

    dataset: Dataset
    path: Path
    sha256: str


def digest(text: str | bytes | list[bytes]) -> str:
    """Given a dataset file's text or bytes (or its pieces), return its SHA-256."""
    hashed = hashlib.sha256()
    for piece in text if isinstance(text, list) else [text]:
        hashed.update(piece.encode("utf-8") if isinstance(piece, str) else piece)
    return hashed.hexdigest()
