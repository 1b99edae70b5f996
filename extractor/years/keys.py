"""Activity keys: stable within a packet from its names, carried across years by linking."""

from __future__ import annotations

import hashlib
import re

from extractor.models import Activity
from extractor.normalize.text import nfkc

# Symbols that carry no meaning for matching names (ファミリー・サポート = ファミリーサポート).
MATCH_NOISE = re.compile(
    r"[\s・･、。,.()（）「」『』【】\[\]〔〕〈〉《》\"'“”‘’:：;；!！?？\-－―—~〜]"
)


def activity_key(activity: Activity) -> str:
    """Given an activity, return a key derived from its name (or description, if unnamed)."""
    basis = activity.name or activity.description or activity.id
    digest = hashlib.sha256(MATCH_NOISE.sub("", nfkc(basis)).encode("utf-8")).hexdigest()
    return f"a{digest[:10]}"


def next_key(key: str, seen: dict[str, int]) -> str:
    """Given a key and how often each key was seen so far in the year, return the key made
    unique: the second 座談会の開催 of a year gets key-2, the third key-3."""
    seen[key] = seen.get(key, 0) + 1
    return key if seen[key] == 1 else f"{key}-{seen[key]}"
