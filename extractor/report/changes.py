"""The changes table of the report: the diff since the year before, one row per entry, in
the order a committee member reads them; an edited item shows what changed inside it
(`<del>` / `<ins>` in the page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extractor.i18n import Words
from extractor.vocabulary import label
from extractor.years.diff import (
    ActualCorrected,
    ActualMoved,
    ActualToCheck,
    Diff,
    Match,
    Moved,
    Renamed,
    StatusChanged,
    TargetAdded,
    TargetChanged,
    TargetRemoved,
    WorkChanged,
)
from extractor.years.diff_text import band_word, verdict_text
from extractor.years.inline import Run


@dataclass
class ChangeRow:
    kind: str
    name: str
    detail: str
    css: str = ""
    group: str = ""
    # For changed work: each edited item's runs (same / removed / added), then lines.
    edits: list[list[Run]] = field(default_factory=list)


# The order of the changes table: the order in which a committee member reads them.
CHANGE_ORDER = (
    "renamed", "spelling", "review", "check", "added", "removed", "moved", "status", "targets",
    "actual", "corrected", "work",
)  # fmt: skip


def _renamed(m: Match, c: Renamed, w: Words) -> ChangeRow:
    if c.spelling_only:
        return ChangeRow(
            w._("Spelled otherwise"), m.new.name or "", f"{c.old} → {c.new}", group="spelling"
        )
    score = f"{w._('score')} {m.score:.1f}"
    detail = f"{c.old} → {c.new}" + w.paren(w.join([score, band_word(m.band, w)]))
    return ChangeRow(w._("Renamed"), m.new.name or "", detail, group="renamed")


def _moved(m: Match, c: Moved, w: Words) -> ChangeRow:
    detail = f"{c.old.title} → {c.new.title}"
    return ChangeRow(w._("Moved to another goal"), m.new.name or "", detail, group="moved")


def _status(m: Match, c: StatusChanged, w: Words) -> ChangeRow:
    old, new = label(c.old, w.language), label(c.new, w.language)
    return ChangeRow(w._("Status changed"), m.new.name or "", f"{old} → {new}", group="status")


def _target_changed(m: Match, c: TargetChanged, w: Words) -> ChangeRow:
    old, new = c.old, c.new
    shown = []
    if {"plan", "target", "kind", "unit"} & set(c.parts):
        shown.append(
            w._("plan {plan}, target {target}").format(plan=old.plan_text, target=old.target_text)
            + " ⇒ "
            + w._("plan {plan}, target {target}").format(plan=new.plan_text, target=new.target_text)
        )
    for part, slot, words in (
        ("plan_year", "plan", w._("plan year")),
        ("target_year", "target", w._("target year")),
    ):
        if part in c.parts:
            before = w.year(getattr(old, f"{slot}_fiscal_year"))
            after = w.year(getattr(new, f"{slot}_fiscal_year"))
            shown.append(f"{words} {before} → {after}")
    detail = f"{new.label or new.text}: " + "; ".join(shown)
    return ChangeRow(w._("Targets changed"), m.new.name or "", detail, group="targets")


def _target_added(m: Match, c: TargetAdded, w: Words) -> ChangeRow:
    detail = f"+ {c.new.label or c.new.text}"
    return ChangeRow(w._("Targets changed"), m.new.name or "", detail, group="targets")


def _target_removed(m: Match, c: TargetRemoved, w: Words) -> ChangeRow:
    detail = f"− {c.old.label or c.old.text}"
    return ChangeRow(w._("Targets changed"), m.new.name or "", detail, group="targets")


def _actual(m: Match, c: ActualMoved, w: Words) -> ChangeRow:
    detail = (
        f"{c.new.label or c.new.text}: {c.old.actual_text} → "
        f"{c.new.actual_text}{w.paren(verdict_text(c.judgement, w))}"
    )
    return ChangeRow(w._("Actuals"), m.new.name or "", detail, c.judgement.verdict, "actual")


def _to_check(m: Match, c: ActualToCheck, w: Words) -> ChangeRow:
    old = c.old.actual_text + w.paren(w.year(c.old.actual_fiscal_year))
    new = c.new.actual_text + w.paren(w.year(c.new.actual_fiscal_year))
    detail = f"{c.new.label or c.new.text}: {old} → {new}"
    return ChangeRow(w._("Figures to check"), m.new.name or "", detail, "to-check", "check")


def _corrected(m: Match, c: ActualCorrected, w: Words) -> ChangeRow:
    detail = f"{c.label}, {w.year(c.fiscal_year)}: {c.old} → {c.new}"
    kind = w._("Earlier actuals corrected")
    return ChangeRow(kind, m.new.name or "", detail, "to-check", "corrected")


def _work(m: Match, c: WorkChanged, w: Words) -> ChangeRow:
    part = label(c.part, w.language) + (w.paren(c.department) if c.department else "")
    lines = [f"+ {item}" for item in c.added] + [f"− {item}" for item in c.removed]
    row = ChangeRow(w._("Work changed"), m.new.name or "", part, group="work")
    row.edits = [edit.runs for edit in c.edited]
    row.detail = part + ("\n" + "\n".join(lines) if lines else "")
    return row


CHANGE_ROWS: dict[type, Callable[[Match, Any, Words], ChangeRow]] = {
    Renamed: _renamed,
    Moved: _moved,
    StatusChanged: _status,
    TargetChanged: _target_changed,
    TargetAdded: _target_added,
    TargetRemoved: _target_removed,
    ActualMoved: _actual,
    ActualToCheck: _to_check,
    ActualCorrected: _corrected,
    WorkChanged: _work,
}


def change_rows(result: Diff, w: Words) -> list[ChangeRow]:
    """The diff as rows of the changes table, in the order a committee member reads it."""
    groups: dict[str, list[ChangeRow]] = {kind: [] for kind in CHANGE_ORDER}
    for m in result.matched:
        if m.band == "review":
            detail = f"{m.old.name} ↔ {m.new.name}" + w.paren(f"{w._('score')} {m.score:.1f}")
            row = ChangeRow(w._("To review"), m.new.name or "", detail, "to-check")
            groups["review"].append(row)
        for change in m.changes:
            format_row = CHANGE_ROWS.get(type(change))
            if format_row is not None:
                row = format_row(m, change, w)
                groups[row.group].append(row)
    for group, kind, refs in (
        ("added", w._("New in the newer packet"), result.added),
        ("removed", w._("Not found in the newer packet"), result.removed),
    ):
        for r in refs:
            where = f"{r.basic_goal}.{r.activity_goal} {r.goal_title}"
            groups[group].append(ChangeRow(kind, r.name or "", where))
    return [row for kind in CHANGE_ORDER for row in groups[kind]]
