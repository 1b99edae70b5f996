"""Every file the tool reads besides packets — datasets, the crosswalk, links.toml — read
with the same care as a packet: only a regular file (never a pipe, a device or a folder),
never more than a cap whatever its size claims, JSON and TOML nested within reason, and no
number that is not finite. Each problem is one line naming the file and what to do."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.i18n import N_, Message

MB = 1024 * 1024
# Caps on what the tool reads back: a dataset is a few times its packet.
DATASET_BYTES = 256 * MB
LINKS_BYTES = 1 * MB
CHUNK = MB
UNREADABLE = N_("{path}: cannot read it ({reason})")


def read_capped(path: Path, error: type[ExtractorError], limit: int, missing: str) -> bytes:
    """Given a path, return its bytes, refusing (as `error`) what is missing (with the advice
    `missing`), not a regular file, or larger than `limit`, counted as read."""
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise error(missing, path=path) from exc
    except OSError as exc:
        raise error(
            N_("{path}: cannot read it ({reason})"), path=path, reason=exc.strerror
        ) from exc
    if stat.S_ISDIR(info.st_mode):
        raise error(N_("{path}: is a folder, not a file the tool wrote"), path=path)
    if not stat.S_ISREG(info.st_mode):
        raise error(
            N_("{path}: is not a regular file (a pipe, socket or device); give the file itself"),
            path=path,
        )
    too_large = error(
        N_("{path}: is larger than {limit:,} bytes; no file the tool writes is that large"),
        path=path,
        limit=limit,
    )
    if info.st_size > limit:
        raise too_large
    chunks, size = [], 0
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(min(CHUNK, limit + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise too_large
    except OSError as exc:
        raise error(
            N_("{path}: cannot read it ({reason})"), path=path, reason=exc.strerror
        ) from exc
    return b"".join(chunks)


class _NotFinite(ValueError):
    """A number JSON cannot hold: NaN or an infinity."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def _constant(text: str) -> Any:
    raise _NotFinite(text)


def load_json(path: Path, data: bytes, error: type[ExtractorError], advice: Message) -> Any:
    """Given a file's bytes, return its JSON, refusing text that is not UTF-8 JSON, JSON
    nested past Python's recursion limit, and NaN or infinite numbers; each refusal ends
    with `advice`."""
    try:
        return json.loads(data.decode("utf-8"), parse_float=_finite, parse_constant=_constant)
    except _NotFinite as exc:
        raise error(
            N_("{path}: holds a number that is not finite ({number}); {advice}"),
            path=path,
            number=str(exc),
            advice=advice,
        ) from exc
    except RecursionError as exc:
        raise error(N_("{path}: is nested too deeply; {advice}"), path=path, advice=advice) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise error(N_("{path}: is not UTF-8 JSON; {advice}"), path=path, advice=advice) from exc


def is_crosswalk(data: bytes) -> bool:
    """Given a JSON file's first bytes, return whether it is a crosswalk this tool wrote."""
    return data[:200].lstrip().startswith(b'{\n  "crosswalk_version"')
