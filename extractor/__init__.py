"""Turn Japanese municipal committee packets into a validated, year-linked JSON dataset.

`extract(path)` returns a `Dataset`; both load on first use, so importing the package (as the
command line does for `--help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.models import Dataset
    from extractor.pipeline import extract

__all__ = ["Dataset", "extract"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from extractor.pipeline import extract

        return extract
    if name == "Dataset":
        from extractor.models import Dataset

        return Dataset
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
