"""Read a scanned packet (an image-only PDF, or TIFF, PNG or JPEG pages) into the same rows
of cells the PDF path gives.

Each page is read in a worker process, within the page time and memory caps: its image is
cleared of the scanner's dark ground (`images`), turned upright if fed on its side or upside
down (`orient`), straightened and its ruled tables found (`grid`), each cell and each line
outside the tables is cut into lines of text, and each line is recognized (`recognize`). A
table row becomes a row of cells, a merged cell's text sits in its first row and column
and a cell merged down belongs to each row it covers, as in the PDF path (`table_items`);
every cell keeps what the recognizer read and how sure it was (`Read`). Once every page is
read, the characters the recognizer was unsure of that no page could settle are settled by
the packet's own words (`lexicon.settle_doubts`). Coordinates are in PDF points (1/72 inch)
from the top left of the page as turned upright, as for a printed PDF.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.errors import InputTooLargeError, NotAPacketError, UnreadableInputError
from extractor.i18n import N_, Message, Plural
from extractor.settings import ExtractSettings
from extractor.sources.document import (
    BBox,
    Box,
    Item,
    PageCount,
    Read,
    SourceDocument,
    SourceRow,
    display_path,
    page_order,
    read_pages,
    table_items,
    worker_error,
)
from extractor.sources.scan.figures import Pitches, digits_apart

if TYPE_CHECKING:
    from extractor.sources.scan.grid import Layout, Table
    from extractor.sources.scan.items import ItemStarts
    from extractor.sources.scan.lexicon import Doubt, Lexicon
    from extractor.sources.scan.recognize import Reading

Rect = tuple[int, int, int, int]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
TIFF_MAGICS = (b"II*\x00", b"MM\x00*")
# Other kinds of image Pillow reads, by how their files begin: GIF; JPEG 2000 (its file
# format and a bare codestream); WebP (a RIFF file of kind WEBP, at byte 8); AVIF (an ISO
# media file whose brand, at byte 8, is avif or avis); BMP (BM, then at byte 14 the size
# of one of the headers BMP files have, so that a text export beginning with BM is text).
OTHER_IMAGE_MAGICS = (b"GIF87a", b"GIF89a", b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")
BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)
AVIF_BRANDS = (b"avif", b"avis")
# An ISO media image Pillow does not read (HEIC, a phone's photo): refused by name.
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
POINTS = 72.0
# Characters whose own glyph has a wide blank beside it: no space is read into that blank.
SET_OFF = set("、。，．「」『』（）()：・")
MARK_SURENESS = 0.9  # how sure a mark read by its shape alone is (a lone 。)
GUESSED_MARK = 0.7  # ... a mark whose place says 。 but whose shape cannot, a cell whose
# items the words were asked to tell apart (`items`), and one the packet's own words
# changed a character of (`lexicon.settle_doubts`): unsure, so warned
SHORT_PIECE = 3  # a piece no wider than this many heights is read with TIGHT_PAD pixels
TIGHT_PAD = 2  # of white around it (a longer one with the whole pixels under dpi / 75)
DASH = "—"  # what a lone dash in a cell stands for (an empty figure, as packets print it)
DOTS = "：.．。"  # what a recognizer may read a ・ between words as
COMMAS = ",，"  # ... and, blurred, between words (a packet writes 、 there, a comma in 1,234)
# ... and, in a Mincho face, as a hyphen (民生委員-児童委員; not between two figures)
HYPHENS = "-‐－"
# What a recognizer makes of an item's dot (and the blank after it)
BULLET_READINGS = "・·•∙:：.．;；,，、-－iIl!|'’`∴∵…‥ "
# A page with no ruled table and this many lines or more is not recognized at first (a
# packet's cover has a few lines; a page of prose, 40 and more): where no page of the scan
# has a table, it is no packet and is refused without reading its text (4 A4 pages of
# prose took 24 s to read before a refusal that did not depend on it). Where some page has
# a table, such pages are read in a second round.
TEXT_PAGE_LINES = 20
OCR_MODULES = ("rapidocr", "onnxruntime", "cv2", "pypdfium2", "PIL")
# A table's cells as read, by their first grid position: text, lowest confidence, lines,
# the characters nothing settled (`Reading.doubts`); and the other readings of a cell of
# figures where it wrapped between two digits (the number unbroken, two figures apart).
Cells = dict[tuple[int, int], tuple[str, float, int, tuple["Doubt", ...]]]
Wraps = dict[tuple[int, int], tuple[str, ...]]
# A cell's lines as read, each with whether it ends short of the cell's right edge.
CellLines = tuple[tuple["Reading", bool], ...]


def is_image(data: bytes) -> bool:
    """Whether the bytes are an image file the reader decodes: PNG, JPEG, TIFF, GIF, JPEG
    2000, WebP, AVIF or BMP."""
    if data.startswith((PNG_MAGIC, JPEG_MAGIC, *TIFF_MAGICS, *OTHER_IMAGE_MAGICS)):
        return True
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return True
    if data[4:8] == b"ftyp" and data[8:12] in AVIF_BRANDS:
        return True
    return data.startswith(b"BM") and int.from_bytes(data[14:18], "little") in BMP_HEADER_SIZES


def is_heic(data: bytes) -> bool:
    """Whether the bytes are a HEIC (HEIF) image, which the reader does not decode."""
    return data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS


@dataclass(frozen=True)
class ScanPage:
    """What one page gave: its number, its rows, each cell's reading by its box (on the
    page as turned upright), the small angle it was straightened by, and the resolution it
    was scanned at (None for a page with no image), and where it was printed reduced, the
    share of its size it was printed at (`lines.print_dpi`)."""

    number: int
    items: list[Item]
    reads: dict[Box, Read]
    angle: float
    scanned: float | None = None
    doubts: dict[Box, tuple[Doubt, ...]] = field(default_factory=dict)  # see `Reading`
    # A cell of figures that wrapped between two digits: its other readings there (the
    # number unbroken, or two figures apart), for the packet's cells of figures to settle
    # (`figures.agreed_wraps`).
    wraps: dict[Box, tuple[str, ...]] = field(default_factory=dict)
    printed_at: float = 1.0
    tables: int = 0  # the ruled tables found on it


@dataclass(frozen=True)
class TextPage:
    """A page with no ruled table and many lines, laid out but not yet recognized."""

    number: int


def wrapped_stop(ink: Any, pieces: list[Rect]) -> bool:
    """Whether a line's first piece is a mark alone, low in the line, before a piece that
    begins with a ・: a 。 that wrapped onto the line after its sentence filled the one
    before (a blurred scan shows it without its hole; the recognizer leaves it out)."""
    from extractor.sources.scan.marks import low_mark

    x0, top, x1, bottom = pieces[0]
    return len(pieces) > 1 and low_mark(ink[top:bottom, x0:x1])


def _dot_alone(piece: Rect, dpi: float) -> bool:
    """Whether a piece of a line that begins with a bullet holds nothing but its dot (an
    item begun at a line's end): a small mark, or no wider than a mark in its line."""
    from extractor.sources.scan.marks import is_small_mark, mark_wide

    return is_small_mark(piece, dpi) or mark_wide(piece)


def _bulleted(text: str) -> str:
    """Given the reading of a piece whose image begins with a bullet, return it beginning
    with ・ (the dot is often read as ・, ：, ., i or ;, blurred as a comma or a dash, or
    not at all)."""
    return "・" + text.lstrip(BULLET_READINGS)


def _settled(
    reading: Reading,
    ink: Any,
    gray: Any,
    piece: Rect,
    left: int,
    width: int,
    reread: Callable[[Rect], Reading] | None = None,
    ends_sentence: bool = True,
    pitches: Pitches | None = None,
) -> Reading:
    """Given a piece's reading, return it as the image settles it: each ：, . or 。 (or a
    comma not in a figure) that is a single dot in the middle of the line there read as ・
    (the recognizer often reads a ・ between words so: 22.23年度 for 22・23年度), and
    a space wherever the image has a blank as wide as a character between two characters
    the reading ran together (figures printed apart: 5 5 5, not 555), and each ・, 。 or 、
    the image holds apart from the characters read, where the reading left it out (but
    a low dot beside figures alone, `figures.dots_beside_figures`). With
    `reread` (what the recognizer makes of a part of the piece alone), ink of a character's
    size the reading left out is read again, and put in where it reads as a mark (○, ◇,
    ※; see `marks.mark_alone`), in place of the small marks found inside it. `ends_sentence`:
    whether the piece ends its line or comes before an item's ・, where a low mark after
    its last character whose ring the image blurred shut is a 。 (else a 、). Between two
    digits, how far apart they stand decides: held in `pitches` for the page to settle
    (a face's space is wide or narrow), or settled against the piece's own pairs if none
    is given."""
    from extractor.sources.scan.figures import dots_beside_figures
    from extractor.sources.scan.marks import (
        blanks,
        colon_or_bullet,
        dropped_marks,
        mark_alone,
        unread_runs,
        unread_stroke,
    )
    from extractor.sources.scan.recognize import Reading, spaced_positions

    if not reading.places:
        return reading
    chars = list(reading.text.replace(" ", ""))
    spaced = set(spaced_positions(reading.text))
    xs = [left + place * width for place in reading.places]
    sureness = list(reading.sureness)
    for k, char in enumerate(chars):
        if char in DOTS or (char in COMMAS + HYPHENS and not _in_figure(chars, k)):
            shape = colon_or_bullet(ink, piece, xs[k])
            chars[k] = "・" if shape == "・" else char
            if shape == chars[k] and k < len(sureness):  # the image settles which mark
                sureness[k] = max(sureness[k], MARK_SURENESS)
    boundaries = [(xs[k] + xs[k + 1]) / 2 for k in range(len(chars) - 1)]
    for start, end, wide in blanks(ink, piece):
        if not boundaries:
            break
        centre = (start + end) / 2  # the blank goes between the two characters nearest it
        k = min(range(len(boundaries)), key=lambda k: abs(boundaries[k] - centre))
        # a narrower blank is a space only beside a figure (131回 155回: a half-width space)
        figure = chars[k].isdigit() or chars[k + 1].isdigit()
        if (wide or figure) and not {chars[k], chars[k + 1]} & SET_OFF:
            spaced.add(k)
    held = digits_apart(chars, boundaries, ink, piece, spaced, pitches)
    found = dropped_marks(ink, gray, piece, xs, ends_sentence)
    found, lost_point = dots_beside_figures(chars, xs, found)
    if lost_point:
        sureness.append(GUESSED_MARK)
    if reread is not None:
        for start, end in unread_runs(ink, piece, xs, chars):
            k = sum(1 for c in xs if c < start)
            again = reread((start, piece[1], end, piece[3]))
            mark = mark_alone(again, chars[k - 1 : k] + chars[k : k + 1])
            if mark is not None:
                found = [(x, m) for x, m in found if not start <= x <= end]
                found.append(((start + end) / 2, mark))
                sureness.append(again.confidence)
            else:  # a character left out that reads as no mark: it stays out, unsure
                sureness.append(GUESSED_MARK)
        if unread_stroke(ink, piece, xs):
            sureness.append(GUESSED_MARK)  # a 1 left out, perhaps: unsure, warned
    marks: dict[int, str] = {}  # what goes before character k (len(chars): at the end)
    for x, mark in sorted(found):
        k = sum(1 for c in xs if c < x)
        marks[k] = marks.get(k, "") + mark
    after = {k: " " for k in spaced} | held  # what follows character k
    text = "".join(marks.get(k, "") + c + after.get(k, "") for k, c in enumerate(chars))
    text += marks.get(len(chars), "")
    return Reading(text.strip(), reading.confidence, reading.places, tuple(sureness))


def _in_figure(chars: list[str], k: int) -> bool:
    """Whether the character at k stands between two figures (1,234)."""
    return 0 < k < len(chars) - 1 and chars[k - 1].isdigit() and chars[k + 1].isdigit()


class _PageReader:
    """Reads one scan in a worker process: opens it and loads the recognizer once, then a
    page per task."""

    def __init__(
        self, data: bytes, kind: str, settings: ExtractSettings, files: Sequence[bytes] = ()
    ) -> None:
        from extractor.sources.scan.images import PageFiles, Pages

        self.pages: Pages | PageFiles = (
            PageFiles(files, settings.max_scan_pixels)
            if files
            else Pages(data, kind, settings.max_scan_pixels)
        )
        self.known = settings.known_texts
        self.max_pages = settings.max_pdf_pages
        self.recognizer: Any = None
        self.lexicon: Lexicon | None = None
        self.pitches = Pitches()  # the page's digits side by side (`figures.Pitches`)
        self.text_pages = False  # whether a page with no table and many lines is read

    def setup(self) -> None:
        from extractor.sources.scan.lexicon import Lexicon
        from extractor.sources.scan.recognize import Recognizer

        self.recognizer = Recognizer(threads=1)
        self.lexicon = Lexicon(self.known) if self.known else None

    def run(self, number: int) -> ScanPage | TextPage | PageCount:
        """Task 0 returns the page count, with each page's weight (`Pages.weights`) when
        the count is within the limit; task n reads page n (a page with no table and many
        lines only when `text_pages`)."""
        if number == 0:
            count = self.pages.count()
            weights = self.pages.weights(count) if count <= self.max_pages else ()
            return PageCount(count, weights)
        from extractor.sources.scan.images import holds_text
        from extractor.sources.scan.japanese import printed_heading, tidy
        from extractor.sources.scan.orient import upright_layout

        gray, page_dpi, scanned = self.pages.page(number)
        if not holds_text(gray, page_dpi):
            return ScanPage(number, [], {}, 0.0, scanned)
        upright = upright_layout(gray, page_dpi, self.recognizer, self.pages.max_pixels)
        layout, cells, outside = upright.layout, upright.cells, upright.outside
        # A page printed reduced is laid out and cut into lines at a coarser resolution than
        # its own (`dpi`); where things stand on the sheet is told in points all the same.
        dpi, scale = upright.dpi, POINTS / upright.sheet_dpi
        if not layout.tables and len(outside) >= TEXT_PAGE_LINES and not self.text_pages:
            return TextPage(number)
        reads: dict[Box, Read] = {}
        doubts: dict[Box, tuple[Doubt, ...]] = {}
        items: list[Item] = []
        self.pitches = Pitches()
        lines_read = [
            self._lines(layout, table, [cells[(t, c)] for c in range(len(table.cells))], dpi)
            for t, table in enumerate(layout.tables)
        ]
        # Where digits stand apart is settled once the page's tables are read (its face).
        lines_read = [
            [tuple((self.pitches.settle(r, GUESSED_MARK), e) for r, e in cell) for cell in table]
            for table in lines_read
        ]
        starts = self._item_starts(lines_read)
        found = [
            self._cells(table, read, starts)
            for table, read in zip(layout.tables, lines_read, strict=True)
        ]
        wraps: dict[Box, tuple[str, ...]] = {}
        for table, (read, wrapped) in zip(layout.tables, found, strict=True):
            items.extend(self._table(table, read, number, scale, reads, doubts, wrapped, wraps))
        lines: list[Item] = []
        for pieces in outside:
            reading = self._read_line(layout.gray, layout.ink, pieces, dpi)
            reading = self.pitches.settle(reading, GUESSED_MARK)
            read_as = tidy(reading.text)
            if not read_as.strip():
                continue
            printed = printed_heading(read_as)
            reading = replace(reading, text=printed or read_as)
            x0, top = pieces[0][0], min(p[1] for p in pieces)
            x1, bottom = pieces[-1][2], max(p[3] for p in pieces)
            box = Box(number, x0 * scale, top * scale, x1 * scale, bottom * scale)
            reads[box] = Read(reading.text, reading.confidence, 1, read_as if printed else None)
            if reading.doubts and not printed:
                doubts[box] = reading.doubts
            lines.append((box.top, box.x0, (reading.text,), (box,), frozenset()))
        tables: list[BBox] = [
            (x0 * scale, top * scale, x1 * scale, bottom * scale)
            for x0, top, x1, bottom in (table.rect for table in layout.tables)
        ]
        ordered = page_order(items, lines, tables)
        printed_at = dpi / upright.sheet_dpi
        return ScanPage(
            number,
            ordered,
            reads,
            layout.angle,
            scanned,
            doubts,
            wraps,
            printed_at,
            len(layout.tables),
        )

    def _lines(
        self, layout: Layout, table: Table, lines: list[list[list[Rect]]], dpi: float
    ) -> list[CellLines]:
        """Given a page's layout, one of its tables and each cell's lines, return what each
        line of each cell reads, with whether it ends short of the cell's right edge (more
        than two of its heights). A cell with no line found whose ink is of a character's
        size (`lines.unfound_ink`) has it read as one piece, unsure (warned)."""
        from extractor.sources.scan.lines import unfound_ink

        heights = [line[0][3] - line[0][1] for cell_lines in lines for line in cell_lines]
        usual = int(statistics.median(heights)) if heights else 0
        found: list[CellLines] = []
        for cell, cell_lines in zip(table.cells, lines, strict=True):
            if not cell_lines:
                piece = unfound_ink(layout.ink, table.cell_rect(cell), dpi, usual)
                lost = self._read(layout.gray, layout.ink, piece, dpi) if piece else None
                if lost is None or not lost.text.strip():
                    found.append(())
                    continue
                found.append(
                    ((replace(lost, confidence=min(lost.confidence, GUESSED_MARK)), False),)
                )
                continue
            readings = [self._read_line(layout.gray, layout.ink, line, dpi) for line in cell_lines]
            x1 = table.cell_rect(cell)[2]
            em = statistics.median(line[0][3] - line[0][1] for line in cell_lines)
            ends = [x1 - line[-1][2] > 2 * em for line in cell_lines]
            found.append(tuple(zip(readings, ends, strict=True)))
        return found

    def _item_starts(self, tables: list[list[CellLines]]) -> ItemStarts:
        """What settles whether a ・ that begins a wrapped line in one of the page's cells
        begins an item: the year before, the pairs the page's lines join, grammar."""
        from extractor.sources.scan.items import ItemStarts
        from extractor.sources.scan.japanese import tidy

        lines = (tidy(r.text) for cells in tables for cell in cells for r, _ in cell)
        return ItemStarts(lines, self.lexicon)

    def _cells(
        self,
        table: Table,
        lines: list[CellLines],
        item_starts: ItemStarts,
    ) -> tuple[Cells, Wraps]:
        """Given one of a page's tables and what each line of each cell reads, return what
        each cell reads (by its first grid position), and, for a cell of figures that
        wrapped between two digits, its other readings there: the number unbroken, or
        two figures apart (a printer that wraps a number whole breaks at a space)."""
        from extractor.sources.scan.items import (
            breaks_between_digits,
            join_lines,
            without_stray_brackets,
        )
        from extractor.sources.scan.japanese import tidy

        def starts(before: str, after: str) -> bool:
            return item_starts(tidy(before), tidy(after))

        read: Cells = {}
        wrapped: Wraps = {}
        for cell, cell_lines in zip(table.cells, lines, strict=True):
            if not cell_lines:
                continue
            joined, stray = without_stray_brackets([(r.text, e) for r, e in cell_lines])
            guesses = item_starts.guesses
            plain = join_lines(joined, item_starts=starts)
            # Joined otherwise only where a line breaks between two digits (words asked once).
            others = (
                [
                    join_lines(joined, tight=True, item_starts=starts),
                    join_lines(joined, item_starts=starts, loose=True),
                ]
                if breaks_between_digits(joined)
                else []
            )
            text = self._cell_text(plain)
            lowest = min(r.confidence for r, _ in cell_lines)
            # an item's start, or a ・ joining, guessed; a bracket taken out
            if item_starts.guesses > guesses or stray:
                lowest = min(lowest, GUESSED_MARK)
            doubts = tuple(d for r, _ in cell_lines for d in r.doubts)
            read[cell[:2]] = (text, lowest, len(cell_lines), doubts)
            # The other joins are tidied only where they differ (a figures wrap).
            apart = {self._cell_text(other) for other in others if other != plain} - {text}
            if apart:
                wrapped[cell[:2]] = tuple(sorted(apart))
        return read, wrapped

    def _table(
        self,
        table: Table,
        read: Cells,
        number: int,
        scale: float,
        reads: dict[Box, Read],
        doubts: dict[Box, tuple[Doubt, ...]],
        wrapped: Wraps,
        wraps: dict[Box, tuple[str, ...]],
    ) -> list[Item]:
        """Given one of a page's tables and what its cells read, return the table's rows;
        each cell's reading goes into `reads` by its box, its doubts into `doubts`, and its
        other readings where figures wrapped (`wrapped`) into `wraps`; `scale` is the page's
        points a pixel. A
        cell's printed wording is put back where it was misread (a header, a status mark),
        and, unsure, the marks a scan loses or makes mended (`japanese.mended_marks`);
        what was read is kept (`Read.read_as`)."""
        from extractor.sources.scan.japanese import mended_marks, printed_headers, printed_status

        owner: dict[tuple[int, int], tuple[int, int]] = {}
        origins: dict[tuple[int, int], BBox] = {}
        for cell in table.cells:
            first_row, first_column, last_row, last_column = cell
            for i in range(first_row, last_row + 1):
                for j in range(first_column, last_column + 1):
                    owner[(i, j)] = (first_row, first_column)
            x0, top, x1, bottom = table.cell_rect(cell)
            origins[(first_row, first_column)] = (
                x0 * scale,
                top * scale,
                x1 * scale,
                bottom * scale,
            )
        printed = printed_headers({k: v[0] for k, v in read.items()})
        texts: dict[tuple[int, int], str] = {}
        for position, (text, lowest, count, found) in read.items():
            used = printed.get(position) or printed_status(text)
            if not used and (used := mended_marks(text)):
                lowest = min(lowest, GUESSED_MARK)  # a mark put back or taken out: unsure
            texts[position] = used or text
            box = Box(number, *origins[position])
            reads[box] = Read(used or text, lowest, count, text if used else None)
            if found and not used:
                doubts[box] = found
            if position in wrapped and not used:
                wraps[box] = wrapped[position]
        grid = [
            (
                table.ys[i] * scale,
                table.xs[0] * scale,
                [origins.get((i, j)) for j in range(len(table.xs) - 1)],
            )
            for i in range(len(table.ys) - 1)
        ]
        return table_items(grid, owner, texts, number)

    def _cell_text(self, joined: str) -> str:
        """Given a cell's lines joined, return its text tidied (and its items set apart as
        the year before shows them)."""
        from extractor.sources.scan.japanese import tidy

        text = tidy(joined)
        return self.lexicon.set_apart(text) if self.lexicon else text

    def _read_line(self, gray: Any, ink: Any, pieces: list[Rect], dpi: float) -> Reading:
        """Given a line's pieces, return what they say, joined by spaces; a piece that
        begins with a bullet in the image begins with ・ whatever the recognizer made of
        the dot."""
        from extractor.sources.scan.items import join_pieces
        from extractor.sources.scan.marks import (
            full_stop_at,
            is_dash,
            is_small_mark,
            starts_with_bullet,
        )
        from extractor.sources.scan.recognize import Reading

        (first, *more) = pieces
        if not more and is_small_mark(first, dpi) and not is_dash(first, dpi):
            # lines.lines_in keeps a mark alone on a line only where a 。 wrapped: sure of
            # it when the image shows the ring, guessed from its place when blurred shut
            sure = full_stop_at(gray, first, dpi)
            return Reading("。", MARK_SURENESS if sure else GUESSED_MARK)
        bullets = [starts_with_bullet(ink, piece) for piece in pieces]
        readings = [
            self._read(
                gray,
                ink,
                piece,
                dpi,
                ends_sentence=k + 1 == len(pieces) or bullets[k + 1],
                bullet=bullets[k],
            )
            for k, piece in enumerate(pieces)
        ]
        texts = [
            _bulleted("" if _dot_alone(piece, dpi) else r.text) if bullet else r.text
            for r, piece, bullet in zip(readings, pieces, bullets, strict=True)
        ]
        # The line is as sure as its least sure character (a line's mean hides one bad one).
        lowest = min((min(r.sureness or (r.confidence,)) for r in readings), default=0.0)
        if wrapped_stop(ink, pieces):
            texts[0] = "。"  # the sentence before ended at the line's end; its 。 wrapped
            lowest = min(lowest, GUESSED_MARK)
        doubts = tuple(d for r in readings for d in r.doubts)
        return Reading(join_pieces(pieces, texts), lowest, doubts=doubts)

    def _read(
        self,
        gray: Any,
        ink: Any,
        piece: Rect,
        dpi: float,
        ends_sentence: bool = True,
        bullet: bool = False,
    ) -> Reading:
        """Given a piece of a line, return what it says, as the image settles it (see
        `_settled`, for `ends_sentence` too), and how sure it is of each character
        (`japanese.sureness`); `bullet`: the image shows the piece begin with a bullet,
        so what the recognizer read for its dot is as sure as a mark read by its shape."""
        import cv2

        from extractor.sources.scan.grid import under
        from extractor.sources.scan.japanese import likelier_doubts, sureness
        from extractor.sources.scan.lexicon import filled
        from extractor.sources.scan.marks import is_dash
        from extractor.sources.scan.recognize import Reading, undoubled

        if is_dash(piece, dpi):  # too thin to recognize, and nothing else
            return Reading(DASH, 1.0)
        x0, top, x1, bottom = piece
        # The margin of white around a piece: a short piece (a character or three) scaled
        # to the recognizer's height with much white around it loses a mark (/人 read 人).
        short = x1 - x0 <= SHORT_PIECE * (bottom - top)
        pad = TIGHT_PAD if short else max(TIGHT_PAD, under(dpi / 75))
        height, page_width = gray.shape

        def reread(part: Rect) -> Reading:
            """What the recognizer reads in a part of the page, with the piece's margin."""
            x0, top, x1, bottom = part
            crop = gray[max(0, top - pad) : min(height, bottom + pad), max(0, x0 - pad) : x1 + pad]
            found: Reading = self.recognizer.read(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
            return found

        left = max(0, x0 - pad)
        width = min(page_width, x1 + pad) - left  # the reading's places are shares of it
        reading = reread(piece)
        if self.lexicon:  # a character lost where the year before's words show one
            reading = filled(reading, self.lexicon)
        reading = undoubled(reading, width, bottom - top)
        text, doubts, voicings = likelier_doubts(reading.text, reading.options, self.lexicon)
        scores = sureness(text, reading.options, reading.sureness, voicings, GUESSED_MARK)
        if bullet:  # the dot the image shows, whatever the recognizer made of it
            chars = text.replace(" ", "")
            marks = len(chars) - len(chars.lstrip(BULLET_READINGS))
            scores = tuple(MARK_SURENESS if k < marks else s for k, s in enumerate(scores))
        chosen = replace(reading, text=text, sureness=scores)
        settled = _settled(
            chosen, ink, gray, piece, left, width, reread, ends_sentence, self.pitches
        )
        return replace(settled, doubts=doubts)


def _worker_error(
    path: Path,
    page: int,
    error: BaseException,
    settings: ExtractSettings,
    files: Sequence[Path] = (),
) -> Exception:
    """Given what stopped a page's worker, return the error to tell the user; `files`: the
    page images of a folder read as one scan, whose errors name the file they are of."""
    from extractor.sources.scan.images import Animation, BadImage, ImageTooLarge

    def known(cause: BaseException, where: Message) -> Exception | None:
        if isinstance(cause, Animation | BadImage | ImageTooLarge) and cause.part is not None:
            return known_of(cause, files[cause.part])
        return known_of(cause, path)

    def known_of(cause: BaseException, path: Path) -> Exception | None:
        if isinstance(cause, Animation):
            return NotAPacketError(
                N_(
                    "{path}: is an animation of {frames:,} frames, not a scan's pages; give "
                    "the scan as a PDF or a multi-page TIFF"
                ),
                path=path,
                frames=cause.frames,
            )
        if isinstance(cause, ImageTooLarge):
            return InputTooLargeError(
                N_(
                    "{path}: page {page} is an image of {pixels:,} pixels, over the "
                    "{limit:,}-pixel limit; an image built to exhaust memory? Raise "
                    "--max-scan-pixels if the file is right"
                ),
                path=path,
                page=cause.page,
                pixels=cause.pixels,
                limit=settings.max_scan_pixels,
            )
        if isinstance(cause, BadImage):
            return UnreadableInputError(
                N_(
                    "{path}: the image of page {page} cannot be decoded; get a fresh copy of "
                    "the scan"
                ),
                path=path,
                page=cause.page,
            )
        return None

    messages = (
        N_(
            "{path}: recognizing the text of {where} took more than {seconds:g} s; raise "
            "--scan-page-seconds if the scan is right"
        ),
        N_("{path}: the reader of {where} stopped ({reason}); get a fresh copy of the scan"),
    )
    return worker_error(
        path, page, error, messages, settings.scan_page_seconds, settings.max_memory, known
    )


def _check_installed(path: Path) -> None:
    """Refuse a scan in one line when what reads scans (the `ocr` extra) is not installed."""
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in OCR_MODULES):
        raise UnreadableInputError(
            N_(
                "{path}: is a scan, and reading scans needs the ocr extra: pip install "
                "'packet-extractor[ocr]' (or give the packet's text export)"
            ),
            path=path,
        )


def read_scan(
    path: Path,
    data: bytes,
    digest: str,
    settings: ExtractSettings,
    kind: str,
    only: list[int] | None = None,
    files: Sequence[tuple[Path, bytes]] = (),
) -> SourceDocument:
    """Given a scan's bytes (`kind` "pdf" for an image-only PDF, else "image"), return its
    tables and text lines as a document of rows, each cell with what was read; `only`:
    the numbers of the pages to read (a PDF's scanned pages among printed ones); `files`:
    for a folder of page images (`path`), each image file and its bytes, in page order
    (`data` is then not read)."""
    from extractor.sources.scan.packet import coarse_pages, settled_by_packet

    _check_installed(path)
    reader = _PageReader(data, kind, settings, [part for _, part in files])
    names = [name for name, _ in files]

    def read(numbers: list[int] | None) -> list[Any]:
        return read_pages(
            path,
            reader,
            settings.scan_page_seconds,
            settings,
            lambda page, error: _worker_error(path, page, error, settings, names),
            budget_pages=True,
            only=numbers,
        )

    pages = read(only)
    text_pages = [page.number for page in pages if isinstance(page, TextPage)]
    if text_pages:
        # A whole scan with no table anywhere has no header row: refused unread, as the
        # structure stage would refuse it read (the pages of a printed PDF that are scans
        # may have their tables in its printed pages).
        if only is None and not any(isinstance(p, ScanPage) and p.tables for p in pages):
            extent = Plural("its {count} page", "its {count} pages", count=len(pages))
            raise NotAPacketError.no_header_row(display_path(path), extent)
        reader.text_pages = True
        again = {page.number: page for page in read(text_pages)}
        pages = [again.get(page.number, page) for page in pages]
    pages = settled_by_packet(pages)
    rows: list[SourceRow] = []
    warnings = coarse_pages(pages)
    for page in pages:
        for _top, _x0, cells, boxes, spanned in page.items:
            reads = tuple(page.reads.get(b) if b else None for b in boxes)
            rows.append(SourceRow(len(rows) + 1, cells, page.number, boxes, spanned, reads=reads))
    count = len(pages)
    if not any(not row.is_blank() for row in rows):
        raise NotAPacketError(
            N_("{path}: no text was found on {pages} (a scan); is this the right file?"),
            path=path,
            pages=Plural("its {count} page", "its {count} pages", count=count),
        )
    return SourceDocument(
        path=display_path(path),
        format="scan",
        sha256=digest,
        size=sum(len(part) for _, part in files) if files else len(data),
        rows=rows,
        pages=count,
        warnings=warnings,
    )
