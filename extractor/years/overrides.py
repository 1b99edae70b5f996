"""What a person settled about linking (links.toml): pairs forced together or kept apart.

Each entry names an activity of the older year (`old`) and of the newer (`new`) by key, id
or name. An entry applies to the pair of consecutive years where both names are found; an
entry that names nothing, names more than one activity, or contradicts another is refused
with one line, never ignored.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.errors import OverridesError
from extractor.i18n import N_, Quoted, quote
from extractor.models import Activity, Dataset

DEFAULT_FILE = Path("links.toml")


class Pair(BaseModel):
    """One override: `old` and `new` name an activity by its key, id or name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    old: str
    new: str


class Overrides(BaseModel):
    """Pairs a person settled: forced ones are linked, forbidden ones never are."""

    model_config = ConfigDict(extra="forbid")

    force: list[Pair] = Field(default_factory=list)
    forbid: list[Pair] = Field(default_factory=list)


def load_overrides(path: Path) -> Overrides:
    """Given a links.toml, return its overrides, or say in one line what is wrong with it."""
    from extractor.inputs import LINKS_BYTES, read_capped

    data = read_capped(path, OverridesError, LINKS_BYTES, N_("{path}: no such links file"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OverridesError(
            N_("{path}: the links file is not UTF-8; save it as UTF-8 and try again"), path=path
        ) from exc
    try:
        return Overrides.model_validate(tomllib.loads(text))
    except RecursionError as exc:
        raise OverridesError(
            N_('{path}: is nested too deeply; entries look like [[force]] old = "…" new = "…"'),
            path=path,
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise OverridesError(
            N_("{path}: not valid TOML ({reason}); fix the file"), path=path, reason=exc
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OverridesError(
            N_(
                "{path}: {where} is missing or not what a links file holds; entries look like "
                '[[force]] old = "…" new = "…"'
            ),
            path=path,
            where=Quoted(where),
        ) from exc


def load_links_file(path: Path | None) -> Overrides:
    """Given an overrides path (or None for ./links.toml when present), return the overrides."""
    if path is not None:
        return load_overrides(path)
    return load_overrides(DEFAULT_FILE) if DEFAULT_FILE.is_file() else Overrides()


Kind = Literal["force", "forbid"]


@dataclass(frozen=True)
class StepOverrides:
    """The overrides that apply between two consecutive years, as activity indexes."""

    forced: list[tuple[int, int]]
    forbidden: set[tuple[int, int]]


def _entry(kind: Kind, pair: Pair) -> str:
    # As written in links.toml, whatever the language of the message around it.
    return f"[[{kind}]] old = {quote(pair.old, 'en')}, new = {quote(pair.new, 'en')}"


def _matches(
    activities: list[Activity], reference: str, name_form: Callable[[str], str]
) -> list[int]:
    """Given an override's reference (key, id or name), return the activities it names."""
    exact = [i for i, a in enumerate(activities) if reference in (a.key, a.id)]
    if exact:
        return exact
    wanted = name_form(reference)
    return [i for i, a in enumerate(activities) if a.name and name_form(a.name) == wanted]


def resolve(
    overrides: Overrides,
    steps: list[tuple[Dataset, Dataset]],
    name_form: Callable[[str], str],
) -> list[StepOverrides]:
    """Given the overrides and each pair of consecutive years, return what applies to each.

    An entry applies where its `old` names an activity of the older year and its `new` one
    of the newer. Refused (OverridesError, one line): an entry that applies nowhere, one
    that names more than one activity, the same pair forced twice, one activity forced to
    two, and a pair both forced and forbidden.
    """
    resolved = [StepOverrides([], set()) for _ in steps]
    entries: list[tuple[Kind, Pair]] = [("force", p) for p in overrides.force] + [
        ("forbid", p) for p in overrides.forbid
    ]
    origin: dict[tuple[int, Kind, int, int], Pair] = {}
    for kind, pair in entries:
        applied = False
        for number, (old, new) in enumerate(steps):
            olds = _matches(old.activities, pair.old, name_form)
            news = _matches(new.activities, pair.new, name_form)
            for side, found, dataset, reference in (
                ("old", olds, old, pair.old),
                ("new", news, new, pair.new),
            ):
                if len(found) > 1:
                    ids = ", ".join(dataset.activities[i].id for i in found)
                    raise OverridesError(
                        N_(
                            "{entry}: {side} = {reference} names {count} activities of "
                            "{path} ({ids}); name one by its id or key"
                        ),
                        entry=_entry(kind, pair),
                        side=side,
                        reference=Quoted(reference),
                        count=len(found),
                        path=dataset.source.path,
                        ids=ids,
                    )
            if not olds or not news:
                continue
            applied = True
            key = (number, kind, olds[0], news[0])
            if key in origin:
                raise OverridesError(
                    N_("{entry}: the same pair is given twice ({other})"),
                    entry=_entry(kind, pair),
                    other=_entry(kind, origin[key]),
                )
            origin[key] = pair
            if kind == "force":
                resolved[number].forced.append((olds[0], news[0]))
            else:
                resolved[number].forbidden.add((olds[0], news[0]))
        if not applied:
            raise OverridesError(
                N_(
                    "{entry}: names no pair of activities in consecutive years (old in the "
                    "older packet, new in the newer); check the names, or use an id or key"
                ),
                entry=_entry(kind, pair),
            )
    for number, step in enumerate(resolved):
        _check_contradictions(number, step, origin)
    return resolved


def _check_contradictions(
    number: int, step: StepOverrides, origin: dict[tuple[int, Kind, int, int], Pair]
) -> None:
    for old, new in step.forced:
        if (old, new) in step.forbidden:
            raise OverridesError(
                N_("{entry} contradicts {other}: one pair is both forced and forbidden"),
                entry=_entry("force", origin[(number, "force", old, new)]),
                other=_entry("forbid", origin[(number, "forbid", old, new)]),
            )
    for position, (old, new) in enumerate(step.forced):
        for other_old, other_new in step.forced[position + 1 :]:
            if old == other_old or new == other_new:
                raise OverridesError(
                    N_("{entry} contradicts {other}: one activity is forced to two"),
                    entry=_entry("force", origin[(number, "force", old, new)]),
                    other=_entry("force", origin[(number, "force", other_old, other_new)]),
                )
