"""Turn Japanese municipal committee packets into a validated, year-linked JSON dataset."""

from extractor.models import Dataset
from extractor.pipeline import extract

__all__ = ["Dataset", "extract"]
