"""Excel 97–2003 workbooks (.xls), read through xlrd into the same dataset as the .xlsx of
the same packet. The .xls files were saved by LibreOffice from the workbooks the .xlsx tests
build (tests/fixtures/make_xls.py); bad .xls files get one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.errors import UnreadableInputError
from extractor.models import Dataset
from extractor.pipeline import extract
from extractor.sources import SourceDocument
from tests.packets import ROOT
from tests.test_pdf import differences
from tests.workbooks import packet_workbook, sheets_from_pdf_rows, write_workbook

FIXTURES = ROOT / "tests" / "fixtures"


def same_but_source(a: Dataset, b: Dataset) -> list[str]:
    """Every difference between two datasets outside `source` (what file they came from),
    provenance included: the same sheets, rows and cells."""
    left = a.model_dump(mode="json", exclude={"source"})
    right = b.model_dump(mode="json", exclude={"source"})
    found = differences(left, right)
    found += [f"{key}: provenance" for key in left if left[key] != right[key] and not found]
    return found


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, h24_pdf_document: SourceDocument
) -> tuple[Dataset, Dataset]:
    folder = tmp_path_factory.mktemp("xls")
    xlsx = write_workbook(folder / "h24.xlsx", sheets_from_pdf_rows(h24_pdf_document.rows))
    shutil.copy(FIXTURES / "h24.xls", folder / "h24.xls")
    return extract(xlsx), extract(folder / "h24.xls")


def test_h24_xls_gives_the_xlsx_dataset_field_for_field(pair: tuple[Dataset, Dataset]) -> None:
    xlsx, xls = pair
    assert same_but_source(xlsx, xls) == []
    assert (xls.source.format, xls.source.sheets) == ("xls", 4)
    assert len(xls.activities) == 54 and xls.coverage.unmapped == 0


def test_small_workbook_formats_merges_and_hidden_columns(tmp_path: Path) -> None:
    xlsx = extract(packet_workbook(tmp_path / "r2.xlsx"))
    shutil.copy(FIXTURES / "r2.xls", tmp_path / "r2.xls")
    xls = extract(tmp_path / "r2.xls")
    assert same_but_source(xlsx, xls) == []
    # Read by hand off the workbook: the date under ge.m.d, figures under #,##0, the merged
    # name over its continuation row, the note in the hidden column P.
    lights = xls.activities[1]
    assert lights.city[0].results == ["R1.5.29"]
    assert [lights.targets[0].plan.raw, lights.targets[0].target.raw] == ["9,529", "10,079"]
    assert [c.department for c in xls.activities[0].city] == ["社会課", "各担当課"]
    assert "hidden_cells" in {w.code for w in xls.warnings}


def test_bad_xls_files_get_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "damaged.xls").write_bytes(ole2 + b"Workbook".ljust(64, b"\x00"))
    data = (FIXTURES / "r2.xls").read_bytes()
    (tmp_path / "cut.xls").write_bytes(data[: len(data) // 3])
    expected = "the .xls workbook is corrupt and cannot be read; get a fresh copy, or open it in Excel or LibreOffice and save it again"
    for name in ("damaged.xls", "cut.xls"):
        with pytest.raises(UnreadableInputError) as caught:
            extract(Path(name))
        assert str(caught.value) == f"{name}: {expected}"
