"""The dataset's JSON Schema, generated from the pydantic models."""

from __future__ import annotations

import json

from extractor.models import SCHEMA_VERSION, Dataset


def schema_json() -> str:
    """Return the JSON Schema of a dataset file as deterministic JSON text."""
    schema = Dataset.model_json_schema(mode="serialization")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": f"dataset schema_version {SCHEMA_VERSION}",
        **schema,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
