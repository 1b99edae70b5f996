"""Keys: an activity's key from its name, and the one rule that makes a key unique."""

from __future__ import annotations

import hashlib
import re

from extractor.models import Activity
from extractor.normalize.matching import MATCH_NOISE
from extractor.normalize.text import nfkc

SUFFIX = re.compile(r"-\d+$")


def activity_key(activity: Activity) -> str:
    """Given an activity, return a key derived from its name (or description, if unnamed)."""
    basis = activity.name or activity.description or activity.id
    digest = hashlib.sha256(MATCH_NOISE.sub("", nfkc(basis)).encode("utf-8")).hexdigest()
    return f"a{digest[:10]}"


def unique_key(key: str, taken: set[str]) -> str:
    """Given a key and the keys already taken, return it, or when taken the first free of
    key-2, key-3, … (the second 座談会の開催 of a year gets key-2); the result is taken."""
    if key in taken:
        base, number = SUFFIX.sub("", key), 2
        while f"{base}-{number}" in taken:
            number += 1
        key = f"{base}-{number}"
    taken.add(key)
    return key
