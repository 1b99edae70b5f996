"""The closed vocabularies every stage shares: what a column holds (`Role`), an activity's
status (`Status`), and the words people read for each, in one translatable table.

The dataset stores the English values (`council.plans`, `continuing`); people read the
labels (市社協の取り組み（実施予定）, 継続) in warnings, the diff and the report alike.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from extractor.i18n import N_, Language, translation_for


class Role(StrEnum):
    """What a column holds, read from its header text."""

    NAME = "name"
    DESCRIPTION = "description"
    ROLES = "roles"
    COUNCIL_EFFORTS = "council.efforts"
    COUNCIL_RESULTS = "council.results"
    COUNCIL_PLANS = "council.plans"
    CITY_EFFORTS = "city.efforts"
    DEPARTMENT = "city.department"
    CITY_RESULTS = "city.results"
    CITY_PLANS = "city.plans"
    SCHEDULE = "schedule"
    PLAN = "targets.plan"
    TARGET = "targets.target"
    ACTUAL = "targets.actual"
    EXTRA = "extra"  # target cells past the 実績 column, under no header
    OTHER = "other"  # a column whose header the tool does not know: kept in `extra`
    UNKNOWN = "unknown"  # a column with no header, outside the target area

    @property
    def field(self) -> str:
        """The activity field this column's text goes to (`targets` for the figures)."""
        if self in TARGET_ROLES:
            return "targets"
        return "extra" if self in (Role.EXTRA, Role.OTHER) else self.value


class Status(StrEnum):
    """Whether an activity continues from the plan's start or is new: (継続活動) / (新規活動)."""

    CONTINUING = "continuing"
    NEW = "new"


Slot = Literal["plan", "target", "actual"]
# Where a cell of the target area goes; "extra" is a cell past the 実績 column, placed by content.
CellSlot = Literal["plan", "target", "actual", "extra"]
TARGET_ROLES: dict[Role, Slot] = {Role.PLAN: "plan", Role.TARGET: "target", Role.ACTUAL: "actual"}
TARGET_AREA: dict[Role, CellSlot] = {**TARGET_ROLES, Role.EXTRA: "extra"}
COUNCIL_ROLES = (Role.COUNCIL_EFFORTS, Role.COUNCIL_RESULTS, Role.COUNCIL_PLANS)
CITY_ROLES = (Role.CITY_EFFORTS, Role.CITY_RESULTS, Role.CITY_PLANS)
# The parts of an activity's work the diff compares: efforts, results and plans of each actor.
WORK_ROLES = COUNCIL_ROLES + CITY_ROLES
# Roles whose cells are lists of items (one per ・ bullet).
ITEM_ROLES = (Role.ROLES, *WORK_ROLES)
# Roles whose cells are read for dates.
DATED_ROLES = (Role.NAME, Role.DESCRIPTION, *ITEM_ROLES, *TARGET_AREA)

# What people read for each role, each field of an activity named in a message, and each
# status: English here, Japanese in the catalog (the headers committee members know).
LABELS: dict[str, str] = {
    Role.NAME: N_("activity name"),
    Role.DESCRIPTION: N_("what is done"),
    Role.ROLES: N_("roles of residents and partners"),
    Role.COUNCIL_EFFORTS: N_("the council's efforts"),
    Role.COUNCIL_RESULTS: N_("the council's results"),
    Role.COUNCIL_PLANS: N_("the council's plans"),
    Role.CITY_EFFORTS: N_("the city's efforts"),
    Role.DEPARTMENT: N_("responsible department"),
    Role.CITY_RESULTS: N_("the city's results"),
    Role.CITY_PLANS: N_("the city's plans"),
    Role.SCHEDULE: N_("yearly schedule"),
    Role.PLAN: N_("plan-start figure"),
    Role.TARGET: N_("target figure"),
    Role.ACTUAL: N_("actual figure"),
    Role.EXTRA: N_("other columns"),
    Role.OTHER: N_("a column the tool does not know"),
    Role.UNKNOWN: N_("a column without a header"),
    "targets": N_("targets and actuals"),
    "target_label": N_("target label"),
    Status.CONTINUING: N_("continuing"),
    Status.NEW: N_("new"),
}


def label(term: str | None, language: Language) -> str:
    """Given a role, a field of an activity or a status, return what people read for it in
    a language (— for none; an unknown term as it is)."""
    if term is None:
        return "—"
    found = LABELS.get(term)
    return translation_for(language).gettext(found) if found else term


# The wording packets print in their table headers, as the header reader knows it (E for
# an era's name, # for a digit): what text recognition misreads in a header is put back
# to the nearest of these.
PRINTED_HEADERS = (
    "活動名",
    "実施内容",
    "住民、地域、関係機関の役割",
    "市社協の取り組み",
    "市社協の取り組み（E#年度実施状況）",
    "市社協の取り組み（E##年度実施状況）",
    "市社協の取り組み（E#年度実施予定）",
    "市社協の取り組み（E##年度実施予定）",
    "市の取り組み",
    "市の取り組み（E#年度実施状況）",
    "市の取り組み（E##年度実施状況）",
    "市の取り組み（E#年度実施予定）",
    "市の取り組み（E##年度実施予定）",
    "担当課",
    "年次計画",
    "計画目標",
    "#年度実績",
    "##年度実績",
)
# The words that open a goal heading (基本目標1 …, 活動目標2 …).
PRINTED_HEADINGS = ("基本目標", "活動目標")
# The words of the status mark after an activity's name: (継続活動), (新規活動).
STATUS_WORDS = ("継続", "新規")
