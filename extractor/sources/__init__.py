"""Stage 1: turn a file (text export, PDF, workbook or scan) into rows of cells with provenance.

The file is read within its caps before any parsing: only a regular file is read, never
more than `max_input_bytes` (whatever its size claims), and its first bytes say what it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from extractor.errors import (
    InputNotFoundError,
    InputTooLargeError,
    NotAPacketError,
    UnreadableInputError,
)
from extractor.i18n import N_
from extractor.settings import MB, ExtractSettings
from extractor.sources.document import (
    Box,
    Read,
    SourceDocument,
    SourceRow,
    cell_too_long,
    display_path,
)
from extractor.sources.scan import is_heic, is_image, read_scan

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
# The names of the image files a scanner or a phone saves a page to.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp", ".jp2")
LOOKED_AT = 1000  # the other entries of a folder of page images looked at, at most
# Files an operating system leaves in a folder of images, passed over as no page.
SYSTEM_FILES = ("thumbs.db", "desktop.ini", "ehthumbs.db")
PAGE_NUMBER = re.compile(r"(\d+)")
HEIC = N_(
    "{path}: is a HEIC image (a phone's photo), which is not read; save it as JPEG, PNG or "
    "PDF and give that"
)

__all__ = ["Box", "Read", "SourceDocument", "SourceRow", "display_path", "read_source"]


def _too_large(path: Path, limit: int, size: int | None = None) -> InputTooLargeError:
    if size is None:
        template = N_(
            "{path}: reads on past the {limit:,}-byte limit; raise it with --max-bytes if the "
            "file is right"
        )
    else:
        template = N_(
            "{path}: {size:,} bytes is over the {limit:,}-byte limit; raise it with "
            "--max-bytes if the file is right"
        )
    return InputTooLargeError(template, path=path, limit=limit, size=size)


def _page_order(name: str) -> list[str | int]:
    """The key that puts a folder's page images in page order: the name, its runs of
    digits as numbers (page2 before page10)."""
    parts: list[str | int] = []
    for k, part in enumerate(PAGE_NUMBER.split(name.lower())):
        parts.append(int(part) if k % 2 else part)
    return parts


def _page_names(folder: Path, settings: ExtractSettings) -> list[str]:
    """Given a folder, return the names of its page images (a packet scanned a page to a
    file) in page order; hidden files and those an operating system leaves (Thumbs.db)
    are passed over. Refused: a folder with no image file (no scan), one with other files
    or folders beside its images (which of them would be the packet?), and one of more
    images than a scan may have pages."""
    images: list[str] = []
    others: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name.lower() in SYSTEM_FILES:
                    continue
                if name.lower().endswith(IMAGE_SUFFIXES) and not entry.is_dir():
                    images.append(name)
                else:
                    others.append(name)
                if len(images) > settings.max_pdf_pages or len(others) > LOOKED_AT:
                    break
    except OSError as exc:
        raise UnreadableInputError(
            N_("{path}: cannot read ({reason}); check permissions"),
            path=folder,
            reason=exc.strerror,
        ) from exc
    if not images:
        raise InputNotFoundError(
            N_("{path}: is a folder, not a packet file; give the .txt, .pdf or .xlsx"), path=folder
        )
    if others:
        raise NotAPacketError(
            N_(
                "{path}: holds {name} beside page images; a folder is read as the pages of "
                "one scan, an image file each: move the other files out, or give each file"
            ),
            path=folder,
            name=sorted(others, key=_page_order)[0],
        )
    if len(images) > settings.max_pdf_pages:
        raise InputTooLargeError(
            N_(
                "{path}: holds more than {limit:,} page images; raise --max-pages if the "
                "folder is right"
            ),
            path=folder,
            limit=settings.max_pdf_pages,
        )
    return sorted(images, key=_page_order)


def _read_page_folder(folder: Path, settings: ExtractSettings) -> SourceDocument:
    """Given a folder of page images, read them as the pages of one scan, in the order of
    their names, each within the input's caps and all of them together too."""
    if not settings.ocr:
        raise NotAPacketError(
            N_("{path}: is a folder of page images (a scan); read it without --no-ocr"),
            path=folder,
        )
    files: list[tuple[Path, bytes]] = []
    digest = hashlib.sha256()
    size = 0
    for name in _page_names(folder, settings):
        path = folder / name
        data = read_bytes(path, settings)
        size += len(data)
        if size > settings.max_input_bytes:
            raise _too_large(folder, settings.max_input_bytes, size)
        if is_heic(data):
            raise NotAPacketError(HEIC, path=path)
        if not is_image(data):
            raise NotAPacketError(
                N_(
                    "{path}: is named as an image but holds none; take it out of the folder "
                    "of page images, or save that page again"
                ),
                path=path,
            )
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
        files.append((path, data))
    return read_scan(folder, b"", digest.hexdigest(), settings, "image", files=files)


def read_bytes(path: Path, settings: ExtractSettings) -> bytes:
    """Given a path, return its bytes, refusing what is missing, not a regular file (a
    folder, pipe or device), or larger than the limit, counted as read."""
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise InputNotFoundError(N_("{path}: no such file; check the path"), path=path) from exc
    except OSError as exc:
        raise UnreadableInputError(
            N_("{path}: cannot read ({reason}); check permissions"), path=path, reason=exc.strerror
        ) from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputNotFoundError(
            N_("{path}: is a folder, not a packet file; give the .txt, .pdf or .xlsx"), path=path
        )
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableInputError(
            N_(
                "{path}: is not a regular file (a pipe, socket or device); save the packet to "
                "a file and give that"
            ),
            path=path,
        )
    limit = settings.max_input_bytes
    if info.st_size > limit:
        raise _too_large(path, limit, info.st_size)
    chunks: list[bytes] = []
    size = 0
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(min(CHUNK, limit + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise _too_large(path, limit)
    except OSError as exc:
        raise UnreadableInputError(
            N_("{path}: cannot read ({reason}); check permissions"), path=path, reason=exc.strerror
        ) from exc
    return b"".join(chunks)


def read_source(path: Path, settings: ExtractSettings) -> SourceDocument:
    """Given a packet file, return its rows of cells: a PDF, a workbook or a text export,
    told apart by what the file holds, whatever its name says (a text export saved as
    .xlsx is read as text, a workbook named .pdf as a workbook); and a folder of page
    images as one scan, its pages in the order of the files' names."""
    if path.is_dir():
        document = _read_page_folder(path, settings)
        _check_cells(document, settings)
        return document
    data = read_bytes(path, settings)
    digest = hashlib.sha256(data).hexdigest()
    if PDF_MAGIC in data[:1024]:  # a PDF may have bytes before its header
        from extractor.sources.pdf import NoTextLayer, read_pdf

        try:
            document = read_pdf(path, data, digest, settings)
        except NoTextLayer:
            if not settings.ocr:
                raise
            document = read_scan(path, data, digest, settings, "pdf")
    elif is_heic(data):
        raise NotAPacketError(HEIC, path=path)
    elif is_image(data):
        if not settings.ocr:
            raise NotAPacketError(
                N_(
                    "{path}: is an image (a scan); read it without --no-ocr, or use the text export"
                ),
                path=path,
            )
        document = read_scan(path, data, digest, settings, "image")
    elif data.startswith(OLE2_MAGIC):
        from extractor.sources.xlsx import is_encrypted_workbook, refuse_encrypted

        if is_encrypted_workbook(data):
            raise refuse_encrypted(path)
        from extractor.sources.xls import read_xls

        document = _isolated(read_xls, path, data, digest, settings)
    elif data.startswith(ZIP_MAGIC):
        from extractor.sources.xlsx import read_xlsx

        document = _isolated(read_xlsx, path, data, digest, settings)
    else:
        from extractor.sources.tsv import read_tsv

        document = read_tsv(path, data, digest, settings)
    _check_cells(document, settings)
    return document


Reader = Callable[[Path, bytes, str, ExtractSettings], SourceDocument]


class _Task:
    """One file's reading, run in a worker process (forked: it holds the bytes already)."""

    def __init__(
        self, reader: Reader, path: Path, data: bytes, digest: str, settings: ExtractSettings
    ):
        self.reader, self.path, self.data, self.digest = reader, path, data, digest
        self.settings = settings

    def run(self, _: int) -> SourceDocument:
        return self.reader(self.path, self.data, self.digest, self.settings)


def _isolated(
    reader: Reader, path: Path, data: bytes, digest: str, settings: ExtractSettings
) -> SourceDocument:
    """Given a reader and a file, read it in a worker process within the memory cap of a
    page reader: a workbook's parts unpack and parse in memory the file does not show."""
    from extractor.workers import Caps, Pool, TaskFailed, TaskOutOfMemory, WorkerDied

    task = _Task(reader, path, data, digest, settings)
    with Pool(task.run, 1, Caps(memory_bytes=settings.max_memory)) as pool:
        try:
            (document,) = pool.map([0])
        except TaskOutOfMemory as exc:
            raise InputTooLargeError(
                N_(
                    "{path}: needed more than {limit:,} MB of memory to read; raise "
                    "--max-memory if the file is right"
                ),
                path=path,
                limit=settings.max_memory // MB,
            ) from exc
        except TaskFailed as exc:
            if isinstance(exc.error, Exception):
                raise exc.error from None
            raise
        except WorkerDied as exc:
            raise UnreadableInputError(
                N_("{path}: its reader stopped ({reason}); get a fresh copy of the file"),
                path=path,
                reason=exc,
            ) from exc
    return document


def _check_cells(document: SourceDocument, settings: ExtractSettings) -> None:
    """Refuse a document with a cell longer than the limit: no packet cell is that long."""
    limit = settings.max_cell_chars
    for row in document.rows:
        for column, text in enumerate(row.cells):
            if len(text) > limit:
                raise InputTooLargeError(
                    cell_too_long(document.path, row.where(), column, len(text), limit)
                )
