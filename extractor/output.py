"""Write datasets as deterministic JSON, atomically, and read them back."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extractor.errors import DatasetError, OutputError
from extractor.models import Dataset


def to_json(model: BaseModel) -> str:
    """Given a model, return its JSON: key order as declared, 2-space indent, Japanese as is."""
    return model.model_dump_json(indent=2) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Given a path and text, write it so readers see the old file or the whole new one."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A run killed outright (SIGKILL, power loss) can leave its temporary file behind.
        for stale in folder.glob(f".{glob.escape(path.name)}.*.tmp"):
            stale.unlink(missing_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot write there ({exc.strerror}); choose another folder with -o"
        ) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path}: cannot write ({exc.strerror}); check free space and permissions"
            ) from exc
        raise


def load_dataset(path: Path) -> Dataset:
    """Given a JSON file written by `extract`, return the dataset, or say why it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DatasetError(f"{path}: no such file; run `extract` on the packet first") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read it as UTF-8 JSON ({exc})") from exc
    try:
        return Dataset.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DatasetError(
            f"{path}: not a dataset written by this tool ({where}: {first['msg']}); "
            "re-run `extract` on the packet"
        ) from exc
