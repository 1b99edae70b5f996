"""Two languages for people: the catalogs are complete and compiled, years read as people
write them, the diff and warnings in both languages, and every command's help."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from extractor.cli import main
from extractor.i18n import date_text, fiscal_year_text, locale_language
from extractor.models import ExtractionWarning
from extractor.problems import SPECS, WarningCode, check_sentence
from tests.packets import H23, H24, ROOT

CATALOG = ROOT / "extractor" / "locale" / "ja" / "LC_MESSAGES" / "extractor.po"


def catalog_ids() -> set[str]:
    with CATALOG.open("rb") as stream:
        catalog = read_po(stream)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_message_in_the_code_has_a_japanese_translation() -> None:
    method_map = [("extractor/**.py", "python"), ("extractor/report/templates/**.html", "jinja2")]
    options = {"extractor/report/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {**DEFAULT_KEYWORDS, "Plural": (1, 2)}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map=options, keywords=keywords
        )
    }
    assert found - catalog_ids() == set(), "run `make catalogs` and translate the new messages"
    with CATALOG.open("rb") as stream:
        catalog = read_po(stream)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


def test_the_compiled_catalog_is_current() -> None:
    with CATALOG.open("rb") as stream:
        catalog = read_po(stream)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert CATALOG.with_suffix(".mo").read_bytes() == compiled.getvalue(), "run `make catalogs`"


def test_placeholders_survive_translation() -> None:
    with CATALOG.open("rb") as stream:
        catalog = read_po(stream)
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        strings = message.string
        target = strings if isinstance(strings, str) else strings[0] if strings else ""
        pattern = r"\{[a-z_]+[^}]*\}|%\([a-z_]+\)s"
        assert sorted(re.findall(pattern, source)) == sorted(re.findall(pattern, target)), source


@pytest.mark.parametrize(
    ("year", "ja", "en"),
    [
        (2011, "平成23年度（2011年度）", "FY2011"),
        (1989, "平成元年度（1989年度）", "FY1989"),
        (2018, "平成30年度（2018年度）", "FY2018"),
        (2019, "令和元年度（2019年度）", "FY2019"),  # FY2019 is named by the era of most of it
        (2020, "令和2年度（2020年度）", "FY2020"),
    ],
)
def test_fiscal_years_as_people_write_them(year: int, ja: str, en: str) -> None:
    assert fiscal_year_text(year, "ja") == ja
    assert fiscal_year_text(year, "en") == en


def test_dates_across_the_era_change() -> None:
    import datetime as dt

    assert date_text(dt.date(2019, 4, 30), "ja") == "平成31年4月30日（2019年4月30日）"
    assert date_text(dt.date(2019, 5, 1), "ja") == "令和元年5月1日（2019年5月1日）"
    assert date_text(dt.date(2020, 6, 23), "ja") == "令和2年6月23日（2020年6月23日）"


def test_the_locale_chooses_the_language() -> None:
    assert locale_language({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert locale_language({"LANG": "en_US.UTF-8"}) == "en"
    assert locale_language({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}) == "ja"
    assert locale_language({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}) == "en"
    assert locale_language({}) == "en"


def test_every_warning_code_says_what_to_check_in_both_languages() -> None:
    assert set(SPECS) == set(WarningCode)
    for code in WarningCode:
        english = check_sentence(code, "en")
        japanese = check_sentence(code, "ja")
        assert english.endswith(".") and japanese.endswith("。"), code
        assert english != japanese


def test_a_warning_in_both_languages() -> None:
    warning = ExtractionWarning.of(
        WarningCode.TARGET_SLOT_CONFLICT, line=118, slot="actual", first="152", second="—"
    )
    assert warning.message == (
        "two readings for the actual figure: '152' and '—'; value left empty, both kept in raw"
    )
    assert warning.text("ja") == (
        "実績の数値に 2 通りの読み方があります:「152」と「—」。値は空にし、両方の読み方をそのまま残しました"
    )


def test_a_warning_names_fields_by_their_header_and_dates_by_era_in_japanese() -> None:
    warning = ExtractionWarning.of(
        WarningCode.WEEKDAY_MISMATCH,
        line=95,
        raw="3月30日(金)",
        field="council.plans",
        date="2013-03-30",
        how="year taken from the column's fiscal year",
        actual="土",
        written="金",
        fits="2012-03-30",
    )
    assert warning.message == (
        "'3月30日(金)' in the council's plans: 2013-03-30 (year taken from the column's fiscal "
        "year) is a Saturday, not a Friday; the weekday fits 2012-03-30"
    )
    assert warning.text("ja") == (
        "市社協の取り組み（実施予定）の「3月30日(金)」：平成25年3月30日（2013年3月30日）"
        "（年は列の年度から補った）は土曜日で、金曜日ではありません。"
        "この曜日に合うのは平成24年3月30日（2012年3月30日）です"
    )


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("i18n")
    assert CliRunner().invoke(main, [str(H23), str(H24), "-o", str(folder), "-q"]).exit_code == 0
    return str(folder / "h23-synthetic.json"), str(folder / "h24.json")


def test_the_diff_in_english(two_years: tuple[str, str]) -> None:
    text = CliRunner().invoke(main, ["diff", *two_years, "--lang", "en"]).stdout
    lines = text.splitlines()
    assert lines[0] == (
        "tests/fixtures/h23-synthetic.txt (FY2011 packet, FY2010 results) → raw/h24.txt (FY2012 packet, "
        "FY2011 results)"
    )
    assert lines[1].startswith(
        "52 matched (0 to review), 7 renamed, 2 spelled otherwise, 1 figures to check, 2 added"
    )
    assert "Spelled otherwise (2)" in lines
    assert (
        "  ファミリーサポートセンター事業の推進 → ファミリー・サポート・センター事業の推進" in lines
    )
    assert (
        "Not found in the newer packet (2)" in lines
        and "  - 福祉有償運送の推進  (2.3 地域のたすけあい活動の育成)" in lines
    )
    actual = lines.index(
        "  交流会開催回数/年 (ボランティア活動団体の交流促進や効果的な情報発信): 2回 (FY2010) → 1回 (FY2011)"
    )
    assert lines[actual + 1] == (
        "      plan 1回 (FY2009), target 2回 (FY2013); 0% of the way with 50% of the plan period "
        "gone: behind"
    )


def test_the_diff_in_japanese(two_years: tuple[str, str]) -> None:
    text = CliRunner().invoke(main, ["diff", *two_years, "--lang", "ja"]).stdout
    lines = text.splitlines()
    assert lines[0] == (
        "tests/fixtures/h23-synthetic.txt（平成23年度（2011年度）資料、平成22年度（2010年度）実績） → "
        "raw/h24.txt（平成24年度（2012年度）資料、平成23年度（2011年度）実績）"
    )
    assert "名称変更（7）" in lines and "表記ゆれ（2）" in lines and "見当たらない（2）" in lines
    assert "廃止" not in text
    # 見守り訪問グループ数: plan 604 → target 628, actual 662 in 平成23年度: 達成.
    assert any(line.endswith(": 達成") and "目標 628" in line for line in lines)
    work = next(n for n, line in enumerate(lines) if line.startswith("取り組み内容の変更（"))
    assert lines[work + 1].startswith("  ")
    # An item edited between the years shows what changed inside it, and only that.
    assert lines[work + 1 : work + 3] == [
        "  ボランティア活動団体の交流促進や効果的な情報発信 — 市社協の取り組み（実施状況）",
        "      ~ 山口市6地区ボランティア連絡協議会連絡会で、ボランティア相互の連携を図るため"
        "交流会を開催した。 日時：平成[-22-]{+23+}年9月12日（[-日-]{+月+}） 会場：秋穂地域"
        "交流センター 参加者：102名 内容：東日本大震災～災害VO活動を体験して～体験発表。 "
        "レクリエーション（交流と笑い）",
    ]
    # The summary counts what each section lists.
    count = int(lines[work].removeprefix("取り組み内容の変更（").removesuffix("）"))
    assert f"取り組み内容の変更 {count}" in lines[1]


def test_the_diff_json_keeps_english_keys_and_gives_judgements(two_years: tuple[str, str]) -> None:
    import json

    data = json.loads(
        CliRunner().invoke(main, ["diff", *two_years, "--json", "--lang", "ja"]).stdout
    )
    assert set(data) == {"old", "new", "summary", "matched", "added", "removed"}
    kinds = {c["kind"] for m in data["matched"] for c in m["changes"]}
    assert {"renamed", "actual", "work"} <= kinds
    center = next(m for m in data["matched"] if m["new"]["name"] == "活動拠点機能の充実")
    (actual,) = [c for c in center["changes"] if c["kind"] == "actual"]
    assert (actual["old"]["actual"], actual["new"]["actual"]) == (142, 188)
    assert actual["judgement"] == {
        "verdict": "achieved", "reason": None, "direction": "up", "share": 2.375, "expected": 0.5
    }  # fmt: skip


COMMANDS = [[], ["run"], ["link"], ["diff"], ["export"], ["report"], ["schema"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "extract" for c in COMMANDS])
def test_every_command_answers_help_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert re.search(r"^\s+extract \S", result.output, re.M), result.output  # an example line
    if command:
        assert "--lang" in result.output


def test_help_works_without_a_packet_in_sight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
