"""Read table headers: which role a column has, from its header text alone."""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.normalize.dates import DateContext, find_dates
from extractor.normalize.text import nfkc
from extractor.structure.layout import Role

# Header cells are short labels; a longer cell marks a data row.
MAX_HEADER_CHARS = 40


def squeeze(text: str) -> str:
    """Given header text, return it NFKC-normalized without any whitespace."""
    return re.sub(r"\s+", "", nfkc(text))


@lru_cache(maxsize=256)
def fiscal_year_in(text: str, era: str | None, reference: int | None = None) -> int | None:
    """Given header text such as 市の取り組み (平成23年度実施状況), return its fiscal year; a
    year without its era (23年度 実績) is read nearest the reference year."""
    for found in find_dates(text, DateContext(era=era, reference_year=reference)):
        if found.precision == "fiscal_year" and found.fiscal_year:
            return found.fiscal_year
    return None


@lru_cache(maxsize=1024)
def header_role(text: str) -> Role | None:
    """Given a header cell, return the role of its column, or None when it is not a header."""
    key = squeeze(text)
    if not key:
        return None
    if key == "活動名":
        return Role.NAME
    if key in ("実施内容", "内容", "活動内容"):
        return Role.DESCRIPTION
    if key.endswith("役割"):
        return Role.ROLES
    council = re.match(r"^(市社協|社協|社会福祉協議会)の?(取り?組み?|取組)", key)
    city = re.match(r"^市の?(取り?組み?|取組)", key)
    if council or city:
        if "実施状況" in key or "実績" in key:
            return Role.COUNCIL_RESULTS if council else Role.CITY_RESULTS
        if "予定" in key:
            return Role.COUNCIL_PLANS if council else Role.CITY_PLANS
        return Role.COUNCIL_EFFORTS if council else Role.CITY_EFFORTS
    if key in ("担当課", "担当部署", "所管課", "担当部局"):
        return Role.DEPARTMENT
    if key == "年次計画":
        return Role.SCHEDULE
    if key in ("計画目標", "目標"):
        return Role.PLAN
    if key.endswith("実績"):
        return Role.ACTUAL
    return None


def is_header_row(cells: list[str]) -> bool:
    """Given a row's cells, return whether it is a table header row."""
    texts = [c for c in cells if c.strip()]
    if any(len(c) > MAX_HEADER_CHARS for c in texts):
        return False
    roles = [header_role(c) for c in texts]
    if any(squeeze(c) == "活動名" for c in texts):
        return True
    return len(texts) >= 3 and all(role is not None for role in roles)
