"""One home for cross-year identity: the crosswalk of which activity is which across years.

Each year's dataset keeps keys of its own (from its names), so it is the same bytes however
it was extracted. Linking consecutive years gives every activity a `series`: the key it had
when it first appeared, carried through renames. The crosswalk records, per fiscal year and
activity key, its series and how it was linked to the year before (score and band). It is
written by the linking step (`crosswalk.json` beside the datasets) and read by `diff`,
`report` and `export` alike, so they all agree on which activity is which.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from extractor.errors import CrosswalkError
from extractor.i18n import N_, FiscalYear, Message
from extractor.models import Activity, Dataset
from extractor.normalize.keys import unique_key
from extractor.normalize.matching import match_form
from extractor.years.link import Band, Link, Linkage, LinkSettings, link
from extractor.years.order import packet_year
from extractor.years.overrides import Overrides, StepOverrides, resolve
from extractor.years.year import CROSSWALK_FILE, Year, digest

__all__ = ["Crosswalk", "Member", "Step", "Year", "YearRef", "build", "digest", "load"]

CROSSWALK_VERSION = "1.0"
# How a chain of links through several years is summed up: its weakest band.
BAND_STRENGTH = {"review": 0, "sure": 1, "forced": 2}


class YearRef(BaseModel):
    """A dataset the crosswalk was built from."""

    fiscal_year: int
    path: str = Field(description="The dataset file, relative to the crosswalk's folder")
    sha256: str = Field(description="SHA-256 of the dataset file it was built from")
    activities: int


class Member(BaseModel):
    """One activity of one year: its series and its link to the year before."""

    fiscal_year: int
    key: str = Field(description="The activity's key in that year's dataset")
    id: str
    name: str | None
    series: str = Field(description="The same activity across years: its key when first seen")
    previous: str | None = Field(description="Key of the activity it continues, a year before")
    score: float | None = None
    band: Band | None = None


class Crosswalk(BaseModel):
    """Series of activities across the years the crosswalk was built from."""

    crosswalk_version: str = CROSSWALK_VERSION
    overrides: Overrides = Field(description="The links.toml entries applied")
    years: list[YearRef]
    members: list[Member]

    def series(self, dataset: Dataset) -> dict[str, str]:
        """Given one of its years, return each activity key's series."""
        year = packet_year(dataset)
        return {m.key: m.series for m in self.members if m.fiscal_year == year}


@dataclass(frozen=True)
class Step:
    """The linkage between two consecutive years, as built."""

    old: Year
    new: Year
    linkage: Linkage


def ordered(years: list[Year]) -> list[Year]:
    """Given years, return them oldest first, refusing two of one fiscal year."""
    result = sorted(years, key=lambda y: packet_year(y.dataset))
    for before, after in itertools.pairwise(result):
        if packet_year(before.dataset) == packet_year(after.dataset):
            raise CrosswalkError(
                N_("{a} and {b} are both the {year} packet; give one dataset per fiscal year"),
                a=before.path,
                b=after.path,
                year=f"FY{packet_year(after.dataset)}",
            )
    return result


def build(
    years: list[Year],
    overrides: Overrides,
    folder: Path,
    settings: LinkSettings | None = None,
) -> tuple[Crosswalk, list[Step]]:
    """Given datasets of several years, link each to the year before and return the
    crosswalk (paths relative to `folder`) and each step's linkage."""
    years = ordered(years)
    pairs = list(itertools.pairwise(years))
    resolved = (
        resolve(overrides, [(a.dataset, b.dataset) for a, b in pairs], match_form) if pairs else []
    )
    steps = [
        Step(a, b, link(a.dataset, b.dataset, step, settings))
        for (a, b), step in zip(pairs, resolved, strict=True)
    ]
    members: list[Member] = []
    used: set[str] = set()  # a series is never given to another activity, even years later
    previous_series: dict[str, str] = {}
    for number, year in enumerate(years):
        dataset = year.dataset
        before = years[number - 1].dataset.activities if number else []
        incoming = {item.new: item for item in steps[number - 1].linkage.links} if number else {}
        current: dict[str, str] = {}
        for index, activity in enumerate(dataset.activities):
            key = _key(activity)
            item = incoming.get(index)
            previous = _key(before[item.old]) if item is not None else None
            if previous is not None:
                series = previous_series[previous]
                used.add(series)
            else:
                series = unique_key(key, used)
            current[key] = series
            members.append(
                Member(
                    fiscal_year=packet_year(dataset),
                    key=key,
                    id=activity.id,
                    name=activity.name,
                    series=series,
                    previous=previous,
                    score=item.score if item is not None else None,
                    band=item.band if item is not None else None,
                )
            )
        previous_series = current
    crosswalk = Crosswalk(
        overrides=overrides,
        years=[
            YearRef(
                fiscal_year=packet_year(y.dataset),
                path=_relative(y.path, folder),
                sha256=y.sha256,
                activities=len(y.dataset.activities),
            )
            for y in years
        ],
        members=members,
    )
    return crosswalk, steps


def _key(activity: Activity) -> str:
    return activity.key or activity.id


def _relative(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()


def load(path: Path) -> Crosswalk:
    """Given a crosswalk file, return it, or say in one line why it cannot be used."""
    from extractor.inputs import DATASET_BYTES, load_json, read_capped

    missing = N_("{path}: no such crosswalk; build it with `extract link` on the datasets")
    data = read_capped(path, CrosswalkError, DATASET_BYTES, missing)
    rebuild = Message(N_("rebuild it with `extract link` on the datasets"))
    try:
        crosswalk = Crosswalk.model_validate(load_json(path, data, CrosswalkError, rebuild))
    except ValidationError as exc:
        raise CrosswalkError(
            N_("{path}: not a crosswalk written by this tool; rebuild it with `extract link`"),
            path=path,
        ) from exc
    if crosswalk.crosswalk_version != CROSSWALK_VERSION:
        raise CrosswalkError(
            N_(
                "{path}: crosswalk version {found}, but this tool reads version {known}; rebuild "
                "it with `extract link`"
            ),
            path=path,
            found=crosswalk.crosswalk_version,
            known=CROSSWALK_VERSION,
        )
    return crosswalk


def check_covers(crosswalk: Crosswalk, path: Path, years: list[Year], overrides: Overrides) -> None:
    """Refuse a crosswalk that was not built from exactly these datasets and overrides."""
    recorded = {y.fiscal_year: y for y in crosswalk.years}
    rebuild = Message(N_("rebuild it with `extract link` on the datasets"))
    for year in years:
        fiscal_year = packet_year(year.dataset)
        found = recorded.get(fiscal_year)
        if found is None:
            raise CrosswalkError(
                N_("{path}: has no {year} dataset ({dataset}); {rebuild}"),
                path=path,
                year=FiscalYear(fiscal_year),
                dataset=year.path,
                rebuild=rebuild,
            )
        if found.sha256 != year.sha256:
            raise CrosswalkError(
                N_("{path}: was built from another {year} dataset than {dataset}; {rebuild}"),
                path=path,
                year=FiscalYear(fiscal_year),
                dataset=year.path,
                rebuild=rebuild,
            )
        _check_members(crosswalk, path, year, rebuild)
    if crosswalk.overrides != overrides and len(years) > 1:
        raise CrosswalkError(
            N_("{path}: the links file has changed since it was built; {rebuild}"),
            path=path,
            rebuild=rebuild,
        )


def _check_members(crosswalk: Crosswalk, path: Path, year: Year, rebuild: Message) -> None:
    """Refuse a crosswalk whose members of a year are not exactly that year's activities,
    each once, each with a series of its own and continuing a different activity (a
    crosswalk edited by hand, or damaged)."""
    fiscal_year = packet_year(year.dataset)
    members = [m for m in crosswalk.members if m.fiscal_year == fiscal_year]
    keys = sorted(m.key for m in members)
    series = [m.series for m in members]
    previous = [m.previous for m in members if m.previous is not None]
    if (
        keys != sorted(_key(a) for a in year.dataset.activities)
        or len(set(series)) != len(series)
        or len(set(previous)) != len(previous)
    ):
        raise CrosswalkError(
            N_(
                "{path}: its members of {year} are not the activities of {dataset}, each once "
                "with a series of its own; {rebuild}"
            ),
            path=path,
            year=FiscalYear(fiscal_year),
            dataset=year.path,
            rebuild=rebuild,
        )


def find(years: list[Year], explicit: Path | None) -> tuple[Path, Crosswalk] | None:
    """Given datasets, return the crosswalk to read: the one given, else crosswalk.json in
    the folder of one of the datasets that records all their fiscal years, else None."""
    if explicit is not None:
        return explicit, load(explicit)
    wanted = {packet_year(y.dataset) for y in years}
    for folder in dict.fromkeys(y.path.parent for y in years):
        candidate = folder / CROSSWALK_FILE
        if candidate.is_file():
            crosswalk = load(candidate)
            if wanted <= {y.fiscal_year for y in crosswalk.years}:
                return candidate, crosswalk
    return None


def pairs_between(crosswalk: Crosswalk, old: Dataset, new: Dataset) -> Linkage:
    """Given two of its years (in order, not necessarily consecutive), return their pairs:
    activities of one series, with the weakest score and band of the links between them."""
    old_year, new_year = packet_year(old), packet_year(new)
    members = {(m.fiscal_year, m.key): m for m in crosswalk.members}
    years = sorted({m.fiscal_year for m in crosswalk.members})
    earlier = {year: years[n - 1] for n, year in enumerate(years) if n}
    old_index = {_key(a): i for i, a in enumerate(old.activities)}
    links: list[Link] = []
    for j, activity in enumerate(new.activities):
        member = members.get((new_year, _key(activity)))
        scores: list[float] = []
        bands: list[str] = []
        while member is not None and member.fiscal_year > old_year:
            if member.previous is None or member.score is None or member.band is None:
                member = None
                break
            scores.append(member.score)
            bands.append(member.band)
            member = members.get((earlier[member.fiscal_year], member.previous))
        if member is None or member.fiscal_year != old_year or member.key not in old_index:
            continue
        if not bands:  # the same year on both sides: each activity is itself
            links.append(Link(old=old_index[member.key], new=j, score=100.0, band="sure"))
            continue
        band = min(bands, key=lambda b: BAND_STRENGTH[b])
        links.append(Link(old=old_index[member.key], new=j, score=min(scores), band=band))
    linked_old = {x.old for x in links}
    linked_new = {x.new for x in links}
    return Linkage(
        links=links,
        added=[j for j in range(len(new.activities)) if j not in linked_new],
        removed=[i for i in range(len(old.activities)) if i not in linked_old],
    )


__all__ = [
    "CROSSWALK_FILE",
    "Crosswalk",
    "Member",
    "Step",
    "StepOverrides",
    "Year",
    "YearRef",
    "build",
    "check_covers",
    "digest",
    "find",
    "load",
    "ordered",
    "pairs_between",
]
