from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from extractor.cli import main
from extractor.models import Activity, Dataset
from extractor.pipeline import extract, extract_document
from extractor.settings import ExtractSettings
from extractor.sources import SourceDocument, read_source
from tests.packets import H24, ROOT

# The test run reads scans in two test processes at once, each with its page workers: on a
# 2-core machine four readers share the cores, and a page that takes 25 s alone takes 50
# or more. No test is about the page's time cap (60 s), so its default is raised for
# them; a test of the cap would give its own.
ExtractSettings.model_fields["scan_page_seconds"].default = 240.0
ExtractSettings.model_rebuild(force=True)


def run(*args: str) -> Result:
    """Run the `extract` command in this process."""
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding raw/h24.txt, so paths print as users type them."""
    (tmp_path / "raw").mkdir()
    shutil.copy(H24, tmp_path / "raw" / "h24.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def extract_from_root(relative: str, settings: ExtractSettings | None = None) -> Dataset:
    """Extract a packet of the repository as `extract raw/…` run at its root would."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return extract(Path(relative), settings)
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="session")
def h24() -> Dataset:
    """The h24 text packet, extracted once."""
    return extract_from_root("raw/h24.txt")


@pytest.fixture(scope="session")
def h24_pdf_document() -> SourceDocument:
    """raw/h24.pdf read into rows once (reading a PDF is the slow part)."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return read_source(Path("raw/h24.pdf"), ExtractSettings())
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="session")
def h24_pdf(h24_pdf_document: SourceDocument) -> Dataset:
    """The h24 PDF, extracted once, as `extract raw/h24.pdf` at the root gives it."""
    return extract_document(h24_pdf_document, ExtractSettings())


def by_name(dataset: Dataset, name: str) -> Activity:
    matches = [a for a in dataset.activities if a.name == name]
    assert len(matches) == 1, f"{name!r}: {len(matches)} matches"
    return matches[0]


# Property tests: a few seconds of examples by default (CI); HYPOTHESIS_PROFILE=thorough
# runs many more.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow tests first (each keeps its file's order): with the suite spread over
    two processes (`make test`), the long scans start early and the many short tests fill
    the gaps after, instead of one long scan running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
