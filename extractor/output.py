"""Write outputs all or nothing, safely beside other runs; read datasets back.

Each file is written to a temporary file of its own (locked while written), then renamed
over the target, so readers see the old file or the whole new one. Several files that
belong together (a CSV set, a Data Package) are all written before any is renamed into
place. A temporary file left by a run that was killed is removed by a later run only when
no one holds its lock and it is old. Only regular files are ever replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ValidationError

from extractor.errors import DatasetError, OutputError
from extractor.i18n import N_, Message, Quoted
from extractor.models import SCHEMA_VERSION, Dataset
from extractor.terminal import UNSAFE, json_safe

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: stale files are judged by age alone
    fcntl = None  # type: ignore[assignment]

STALE_SECONDS = 600
NAME_MAX = 255  # bytes in one file name, on every common file system
# A new, empty temporary file may belong to a run that has not locked it yet.
FRESH_SECONDS = 5


def to_json(model: BaseModel) -> str:
    """Given a model, return its JSON: key order as declared, 2-space indent, Japanese as is
    (controls and bidi marks as escapes, see `terminal.json_safe`)."""
    return json_safe(model.model_dump_json(indent=2)) + "\n"


ACTIVITIES_SLOT = b'\n  "activities": [],\n'


def dataset_json(dataset: Dataset) -> list[bytes]:
    """Given a dataset, return its JSON (the same bytes as `to_json`, UTF-8) in pieces: the
    frame, then each activity on its own, so that a large packet never needs its whole JSON
    built twice in memory."""
    frame = dataset.model_copy(update={"activities": []})
    text = _json_safe_bytes(frame.__pydantic_serializer__.to_json(frame, indent=2)) + b"\n"
    head, slot, tail = text.partition(ACTIVITIES_SLOT)
    if not slot or not dataset.activities:
        return [text]
    chunks = [head, b'\n  "activities": [\n']
    serializer = dataset.activities[0].__pydantic_serializer__
    for number, activity in enumerate(dataset.activities):
        body = _json_safe_bytes(serializer.to_json(activity, indent=2))
        chunks.append((b",\n" if number else b"") + b"    " + body.replace(b"\n", b"\n    "))
    chunks.append(b"\n  ],\n" + tail)
    return chunks


def _json_safe_bytes(data: bytes) -> bytes:
    text = data.decode("utf-8")
    return json_safe(text).encode("utf-8") if UNSAFE.search(text) else data


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_names(path: Path) -> None:
    """Refuse an output path with a file or folder name longer than the system allows."""
    if any(len(os.fsencode(part)) > NAME_MAX for part in path.parts):
        raise OutputError(
            N_("{path}: the file name is longer than {limit} bytes; choose a shorter one"),
            path=path,
            limit=NAME_MAX,
        )


def _check_target(path: Path) -> Path:
    """Given an output path, return it, refusing what is not a regular file (a folder, a
    pipe, a device) or a name too long. A symlink standing there is never followed: the
    link itself is replaced by the file, so that a link planted in an output folder cannot
    make the tool write elsewhere."""
    check_names(path)
    if path.is_symlink():
        return path
    target = path
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return target  # a new file; its folder is created (or refused) when it is written
    except OSError as exc:
        raise OutputError(
            N_("{path}: cannot write there ({reason}); choose another output"),
            path=path,
            reason=_reason(exc),
        ) from exc
    if stat.S_ISDIR(mode):
        raise OutputError(N_("{path}: is a folder; give a file name as the output"), path=path)
    if not stat.S_ISREG(mode):
        raise OutputError(
            N_(
                "{path}: is not a regular file (a pipe or device); choose another output, or "
                "-o - for standard output"
            ),
            path=path,
        )
    return target


def _lock(handle: IO[bytes] | int) -> None:
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def clear_stale(folder: Path, name: str) -> None:
    """Remove temporary files of `name` that a killed run left behind.

    A live run holds a lock on its temporary file from the moment after creating it, so a
    file is abandoned when its lock can be taken and it already holds data (or is older
    than a few seconds: it was created but never locked). Without file locks (Windows),
    only files older than STALE_SECONDS count as abandoned.
    """
    for stale in folder.glob(f".{glob_escape(name)}.*.tmp"):
        try:
            info = stale.stat()
            age = time.time() - info.st_mtime
            if fcntl is None:
                if age > STALE_SECONDS:
                    stale.unlink()
                continue
            if info.st_size == 0 and age < FRESH_SECONDS:
                continue
            with open(stale, "rb") as handle:
                _lock(handle)  # held by a live run: OSError, left alone
                stale.unlink()
        except OSError:
            continue


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


class _Staged:
    """A temporary file beside its target, locked while this run owns it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        folder = target.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            clear_stale(folder, target.name)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(
                N_("{folder}: cannot write there ({reason}); choose another folder with -o"),
                folder=folder,
                reason=_reason(exc),
            ) from exc
        self.path = Path(name)
        self.handle = handle
        _lock(handle)

    def write(self, content: Content) -> None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(self.handle, 0o666 & ~umask)
        pieces = content if isinstance(content, list) else [content]
        for piece in pieces:
            view = memoryview(piece.encode("utf-8") if isinstance(piece, str) else piece)
            while view:
                written = os.write(self.handle, view)
                view = view[written:]
        os.fsync(self.handle)

    def commit(self) -> None:
        os.replace(self.path, self.target)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.handle)

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def _write_error(path: Path, exc: OSError) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(
            N_("{path}: cannot write: the disk is full; free some space and try again"), path=path
        )
    return OutputError(
        N_("{path}: cannot write ({reason}); check free space and permissions"),
        path=path,
        reason=_reason(exc),
    )


Content = str | bytes | list[bytes]


def write_files(files: Mapping[Path, Content]) -> None:
    """Given paths and contents, write them all or none: every file is written and flushed
    to a temporary file before any replaces its target."""
    targets = {path: _check_target(path) for path in files}
    staged: list[_Staged] = []
    try:
        for path, content in files.items():
            item = _Staged(targets[path])
            staged.append(item)
            try:
                item.write(content)
            except OSError as exc:
                raise _write_error(path, exc) from exc
        with _uninterrupted():  # Ctrl-C waits for the renames: every file, or (before) none
            for item in staged:
                try:
                    item.commit()
                except OSError as exc:
                    raise _write_error(item.target, exc) from exc
    except BaseException:
        for item in staged:
            item.discard()
        raise
    for item in staged:
        item.close()


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a block runs (renames that belong together); they
    are delivered when it ends."""
    import signal

    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def write_atomic(path: Path, text: Content) -> None:
    """Given a path and text, write it so readers see the old file or the whole new one."""
    write_files({path: text})


@contextlib.contextmanager
def staged_file(path: Path) -> Iterator[Path]:
    """Give a temporary path beside `path` to build a file in (a database); on success it
    replaces `path`, on failure it is removed."""
    target = _check_target(path)
    item = _Staged(target)
    try:
        yield item.path
        with open(item.path, "rb") as stream:
            os.fsync(stream.fileno())
        item.commit()
    except OSError as exc:
        item.discard()
        raise _write_error(path, exc) from exc
    except BaseException:
        item.discard()
        raise
    item.close()


def write_folder(folder: Path, files: Mapping[str, Content]) -> list[Path]:
    """Given a folder and its files' names and contents, write them all or none. A new
    folder is built aside and renamed into place; an existing one has every file staged
    before any is replaced (its other files are left alone)."""
    check_names(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            N_("{path}: is a file, but this export writes a folder; choose another -o"), path=folder
        )
    if folder.is_symlink():
        folder = folder.resolve()  # a link to a folder: its files are written there, said so
    paths = [folder / name for name in files]
    if folder.is_dir():
        write_files(dict(zip(paths, files.values(), strict=True)))
        return paths
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise _write_error(folder, exc) from exc
    try:
        write_files({building / name: content for name, content in files.items()})
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(building, 0o777 & ~umask)  # as a folder made by mkdir would be
        os.rename(building, folder)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise _write_error(folder, exc) from exc
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return paths


def load_dataset(path: Path) -> Dataset:
    """Given a JSON file written by `extract`, return the dataset, or say why it is not one."""
    return parse_dataset(path, read_dataset_bytes(path))


def readable(version: str) -> bool:
    """Whether a dataset of this schema version can be read: the same major version, and a
    minor version no later than this tool's (later minors add what this tool cannot know)."""
    ours = SCHEMA_VERSION.split(".")
    theirs = version.split(".")
    return (
        len(theirs) == 2
        and theirs[0] == ours[0]
        and theirs[1].isdigit()
        and int(theirs[1]) <= int(ours[1])
    )


def read_dataset_bytes(path: Path) -> bytes:
    """Given a dataset file, return its bytes, or say in one line why it cannot be read."""
    from extractor.inputs import DATASET_BYTES, read_capped

    missing = N_("{path}: no such file; run `extract` on the packet first")
    return read_capped(path, DatasetError, DATASET_BYTES, missing)


def parse_dataset(path: Path, data: bytes) -> Dataset:
    """Given a dataset file's bytes, return the dataset, refusing another schema version."""
    from extractor.inputs import is_crosswalk, load_json

    if is_crosswalk(data):
        raise DatasetError(
            N_(
                "{path}: is the crosswalk of the datasets, not a dataset; give the datasets "
                "(the crosswalk beside them is read by itself, or give it with --crosswalk)"
            ),
            path=path,
        )
    raw = load_json(path, data, DatasetError, Message(N_("re-run `extract` on the packet")))
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if isinstance(version, str) and not readable(version):
        raise DatasetError(
            N_(
                "{path}: dataset schema version {found}, but this tool reads version {known}; "
                "re-run `extract` on the packet with this version"
            ),
            path=path,
            found=version,
            known=SCHEMA_VERSION,
        )
    try:
        return Dataset.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DatasetError(
            N_(
                "{path}: not a dataset written by this tool ({where} is missing or not what "
                "the tool writes); re-run `extract` on the packet"
            ),
            path=path,
            where=Quoted(where),
        ) from exc
