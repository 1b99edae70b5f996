"""Activity keys: stable within a packet from its names, carried across years by linking."""

from __future__ import annotations

import hashlib
import re

from extractor.models import Activity, Dataset
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


def unique_keys(activities: list[Activity]) -> list[Activity]:
    """Given activities, return them with keys set where missing and made unique (-2, -3…)."""
    seen: dict[str, int] = {}
    result = []
    for activity in activities:
        key = activity.key or activity_key(activity)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        result.append(activity if activity.key == key else activity.model_copy(update={"key": key}))
    return result


def with_keys(dataset: Dataset) -> Dataset:
    """Given a dataset, return it with every activity keyed (by its name where not linked)."""
    return dataset.model_copy(update={"activities": unique_keys(list(dataset.activities))})
