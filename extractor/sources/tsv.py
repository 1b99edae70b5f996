"""Read a tab-delimited text export: detect its encoding and split it into rows of cells.

Within caps that are checked before the work they bound: a line with more cells than any
packet has, more cells in all than the cap, or a cell longer than `max_cell_chars` stop the
reading with one line, before the text is split into millions of cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from extractor.errors import InputTooLargeError, NotAPacketError, UnreadableInputError
from extractor.i18n import N_, Message
from extractor.models import ExtractionWarning
from extractor.problems import WarningCode
from extractor.settings import ExtractSettings
from extractor.sources.document import SourceDocument, SourceRow, cell_too_long, display_path

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


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mixed(data: bytes, legacy: tuple[str, ...]) -> tuple[int, str, str] | None:
    """Given bytes that mix UTF-8 with a legacy encoding line by line, return the first line
    that is not in the file's own encoding (the one most lines are in), that encoding, and
    the line's; None when the file is not such a mixture."""
    utf8: list[int] = []
    others: dict[str, list[int]] = {}
    order: list[str] = []
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if raw_line.isascii():
            continue
        if _decodes(raw_line, "utf-8"):
            utf8.append(number)
            order.append("utf-8")
            continue
        for encoding in legacy:
            if _decodes(raw_line, encoding):
                others.setdefault(encoding, []).append(number)
                order.append(encoding)
                break
    if not utf8 or not others:
        return None
    legacy_name = max(others, key=lambda e: (len(others[e]), -legacy.index(e)))
    legacy_lines = others[legacy_name]
    first_kind = order[0]
    file_is_utf8 = len(utf8) > len(legacy_lines) or (
        len(utf8) == len(legacy_lines) and first_kind == "utf-8"
    )
    if file_is_utf8:
        return min(n for lines in others.values() for n in lines), "utf-8", legacy_name
    return utf8[0], legacy_name, "utf-8"


def _mixed_error(path: Path, mixed: tuple[int, str, str]) -> UnreadableInputError:
    line, file_encoding, line_encoding = mixed
    names = {"utf-8": "UTF-8"}
    return UnreadableInputError(
        N_(
            "{path}: mixed encodings: line {line} is {line_encoding} but the rest of the file "
            "is {file_encoding}; re-save the whole file in one encoding"
        ),
        path=path,
        line=line,
        line_encoding=names.get(line_encoding, line_encoding),
        file_encoding=names.get(file_encoding, file_encoding),
    )


def _decode_forced(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableInputError(
            N_("{path}: cannot decode as {encoding} ({reason}); try another --encoding"),
            path=path,
            encoding=encoding,
            reason=exc,
        ) from exc


def _decode_bom(path: Path, data: bytes) -> tuple[str, str] | None:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(
                N_(
                    "{path}: has a UTF-8 byte-order mark but invalid UTF-8 at byte {byte}; "
                    "re-save it in one encoding or try --encoding"
                ),
                path=path,
                byte=exc.start,
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(
                N_(
                    "{path}: has a UTF-16 byte-order mark but cannot be decoded as UTF-16; "
                    "try --encoding"
                ),
                path=path,
            ) from exc
    return None


def decode(path: Path, data: bytes, settings: ExtractSettings) -> tuple[str, str]:
    """Given a text file's bytes, return its text and the encoding used to decode it."""
    if settings.encoding:
        return _decode_forced(path, data, settings.encoding)
    marked = _decode_bom(path, data)
    if marked is not None:
        return marked
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return utf16
        raise NotAPacketError(
            N_(
                "{path}: holds binary data that is not a PDF, a workbook or an image; give the "
                "packet's .txt, .pdf, .xlsx or .xls, or its scan as .pdf, .tif, .png or .jpg"
            ),
            path=path,
        )
    legacy = tuple(e for e in settings.encodings_to_try if e != "utf-8")
    decoded: list[tuple[str, str]] = []
    for encoding in settings.encodings_to_try:
        try:
            decoded.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
        if any(marker in decoded[-1][0] for marker in PACKET_MARKERS):
            break  # the first encoding that reads as a packet is the one
    if not decoded:
        mixed = _mixed(data, legacy)
        if mixed:
            raise _mixed_error(path, mixed)
        raise UnreadableInputError(
            N_(
                "{path}: cannot decode as {encodings} or UTF-16; try --encoding (e.g. "
                "--encoding cp932)"
            ),
            path=path,
            encodings=", ".join(settings.encodings_to_try),
        )
    text, encoding = next(
        ((t, e) for t, e in decoded if any(m in t for m in PACKET_MARKERS)), decoded[0]
    )
    if encoding != "utf-8":
        mixed = _mixed(data, legacy)
        if mixed:
            raise _mixed_error(path, mixed)
    return text, encoding


def _check_widths(path: Path, text: str, settings: ExtractSettings) -> None:
    """Refuse a line with more cells than `max_columns` before splitting anything."""
    wide = re.search(rf"(?m)^(?:[^\n\t]*\t){{{settings.max_columns}}}", text)
    if wide is None:
        return
    line = text.count("\n", 0, wide.start()) + 1
    raise InputTooLargeError(
        N_(
            "{path}: line {line} has more than {limit:,} cells; no packet is that wide: is this "
            "the right file?"
        ),
        path=path,
        line=line,
        limit=settings.max_columns,
    )


def split_rows(
    text: str, settings: ExtractSettings | None = None, path: Path | str = ""
) -> tuple[list[SourceRow], int]:
    """Given decoded text, return its rows of tab-separated cells and the number of lines.

    Quoted cells (as spreadsheet programs write cells holding tabs or line breaks) are read
    as one cell; `line` is the line the row starts on. A cell over `max_cell_chars` or more
    cells in all than `max_cells` stop the reading.
    """
    settings = settings or ExtractSettings()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=False)
    rows: list[SourceRow] = []
    start = 1
    total = 0
    previous = csv.field_size_limit()
    csv.field_size_limit(settings.max_cell_chars + 1)
    try:
        for cells in reader:
            rows.append(SourceRow(line=start, cells=tuple(cells)))
            total += len(cells)
            if total > settings.max_cells:
                raise InputTooLargeError(
                    N_(
                        "{path}: more than {limit:,} cells by line {line}; no packet is that "
                        "large: is this the right file?"
                    ),
                    path=path,
                    limit=settings.max_cells,
                    line=start,
                )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputTooLargeError(_long_cell(text, reader.line_num, path, settings)) from exc
    finally:
        csv.field_size_limit(previous)
    return rows, reader.line_num


def _long_cell(text: str, line: int, path: Path | str, settings: ExtractSettings) -> Message:
    """Given the line where the csv reader met a cell over the limit, return the message
    naming that cell's column and length."""
    start = 0
    for _skipped in range(line - 1):
        start = text.find("\n", start) + 1
    end = text.find("\n", start)
    cells = text[start : end if end != -1 else len(text)].split("\t")
    limit = settings.max_cell_chars
    column, cell = next(
        ((i, c) for i, c in enumerate(cells) if len(c) > limit), (0, cells[0] if cells else "")
    )
    return cell_too_long(str(path), Message(N_("line {line}"), line=line), column, len(cell), limit)


def read_tsv(path: Path, data: bytes, digest: str, settings: ExtractSettings) -> SourceDocument:
    """Given a text export's bytes, return the document of rows, refusing empty input."""
    if not data.strip():
        raise NotAPacketError(
            N_("{path}: is empty; give the packet's exported .txt or its .pdf"), path=path
        )
    text, encoding = decode(path, data, settings)
    _check_widths(path, text, settings)
    rows, line_count = split_rows(text, settings, path)
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
