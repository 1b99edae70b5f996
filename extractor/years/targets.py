"""One rule for which target of an activity is which in another year: the same label (or
qualitative text) once normalized for matching, in order. Used by the diff, the report and
the exports alike."""

from __future__ import annotations

from extractor.models import Target
from extractor.normalize.matching import match_form


def target_key(target: Target) -> str:
    """Given a target, return what identifies it across years: its label (or text) in the
    form names are compared in (NFKC, no spaces or symbols, sudachipy's normalized forms)."""
    return match_form(target.label or target.text or "")


def pair_targets(
    old: list[Target], new: list[Target]
) -> tuple[list[tuple[Target, Target]], list[Target], list[Target]]:
    """Given one activity's targets in two years, return the pairs, the targets only in the
    newer year and those only in the older. Targets that are only dashes are left out."""
    unmatched = [t for t in old if t.kind != "none"]
    pairs: list[tuple[Target, Target]] = []
    added: list[Target] = []
    for target in (t for t in new if t.kind != "none"):
        partner = next((t for t in unmatched if target_key(t) == target_key(target)), None)
        if partner is None:
            added.append(target)
            continue
        unmatched.remove(partner)
        pairs.append((partner, target))
    return pairs, added, unmatched
