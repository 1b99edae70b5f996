"""Read a tab-delimited text export: detect its encoding and split it into rows of cells."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from extractor.errors import NotAPacketError, UnreadableInputError
from extractor.models import ExtractionWarning
from extractor.problems import WarningCode
from extractor.settings import ExtractSettings
from extractor.sources.document import SourceDocument, SourceRow, display_path

PACKET_MARKERS = ("活動名", "実施内容")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Given BOM-less bytes holding NULs, return their UTF-16 text and codec when one reads
    as a packet (Japanese text has few NULs, so the NUL pattern alone cannot tell)."""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if any(marker in text for marker in PACKET_MARKERS):
            return text, codec
    return None


def _mixed(data: bytes, legacy: tuple[str, ...]) -> tuple[int, str] | None:
    """Given bytes no single encoding decodes, return a UTF-8 line and the legacy encoding
    the other lines are in, when that is what the file is: a mixture."""
    utf8_lines: list[int] = []
    others: dict[str, int] = {}
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if raw_line.isascii():
            continue
        try:
            raw_line.decode("utf-8")
            utf8_lines.append(number)
            continue
        except UnicodeDecodeError:
            pass
        for encoding in legacy:
            try:
                raw_line.decode(encoding)
                others[encoding] = others.get(encoding, 0) + 1
                break
            except UnicodeDecodeError:
                continue
    if utf8_lines and others:
        return utf8_lines[0], max(others, key=lambda e: others[e])
    return None


def _stray_utf8_line(data: bytes) -> int | None:
    """Given bytes decoded as a legacy encoding, return a line that is non-ASCII valid UTF-8."""
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if raw_line.isascii():
            continue
        try:
            raw_line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return number
    return None


def decode(path: Path, data: bytes, settings: ExtractSettings) -> tuple[str, str]:
    """Given a text file's bytes, return its text and the encoding used to decode it."""
    if settings.encoding:
        try:
            return data.decode(settings.encoding), settings.encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise UnreadableInputError(
                f"{path}: cannot decode as {settings.encoding} ({exc}); try another --encoding"
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(
                f"{path}: has a UTF-8 byte-order mark but invalid UTF-8 at byte {exc.start}; "
                "re-save it in one encoding or try --encoding"
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(
                f"{path}: has a UTF-16 byte-order mark but cannot be decoded as UTF-16; "
                "try --encoding"
            ) from exc
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return utf16
        raise NotAPacketError(
            f"{path}: is a binary file, not a text export; give the packet's .txt or .pdf"
        )
    decoded: list[tuple[str, str]] = []
    for encoding in settings.encodings_to_try:
        try:
            decoded.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if not decoded:
        mixed = _mixed(data, tuple(e for e in settings.encodings_to_try if e != "utf-8"))
        if mixed:
            raise UnreadableInputError(
                f"{path}: mixed encodings: line {mixed[0]} is UTF-8 but the rest of the file is "
                f"{mixed[1]}; re-save the whole file in one encoding"
            )
        raise UnreadableInputError(
            f"{path}: cannot decode as {', '.join(settings.encodings_to_try)} or UTF-16; "
            "try --encoding (e.g. --encoding cp932)"
        )
    text, encoding = next(
        ((t, e) for t, e in decoded if any(m in t for m in PACKET_MARKERS)), decoded[0]
    )
    if encoding != "utf-8":
        stray = _stray_utf8_line(data)
        if stray is not None:
            raise UnreadableInputError(
                f"{path}: mixed encodings: line {stray} is UTF-8 but the rest of the file is "
                f"{encoding}; re-save the whole file in one encoding"
            )
    return text, encoding


def split_rows(text: str) -> tuple[list[SourceRow], int]:
    """Given decoded text, return its rows of tab-separated cells and the number of lines.

    Quoted cells (as spreadsheet programs write cells holding tabs or line breaks) are read
    as one cell; `line` is the line the row starts on.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=False)
    rows: list[SourceRow] = []
    start = 1
    for cells in reader:
        rows.append(SourceRow(line=start, cells=tuple(cells)))
        start = reader.line_num + 1
    return rows, reader.line_num


def read_tsv(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a text export's bytes, return the document of rows, refusing empty input."""
    if not data.strip():
        raise NotAPacketError(f"{path}: is empty; give the packet's exported .txt or its .pdf")
    text, encoding = decode(path, data, settings)
    rows, line_count = split_rows(text)
    warnings: list[ExtractionWarning] = []
    if "\r\n" in text and "\n" in text.replace("\r\n", ""):
        warnings.append(ExtractionWarning.of(WarningCode.MIXED_LINE_ENDINGS))
    return SourceDocument(
        path=display_path(path),
        format="tsv",
        sha256=digest,
        size=len(data),
        rows=rows,
        encoding=encoding,
        lines=line_count,
        warnings=warnings,
    )
