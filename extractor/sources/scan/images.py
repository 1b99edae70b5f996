"""The page images of a scan: an image-only PDF's pages, or the frames of a TIFF, PNG or
JPEG file, as grey pixels at a known resolution.

A PDF page is rendered (pypdfium2, which pdfplumber already uses) at the resolution of the
images placed on it, kept between 150 and 400 dpi; an image file is taken at the
resolution it records, or, when it records none (or one that makes no page's size), as an
A3 page, enlarged to 150 dpi when coarser, and turned (or mirrored) as its EXIF orientation
says it is viewed. Pages are read larger than 300 dpi only when they were scanned so;
anything finer is reduced to 300 dpi. The pixel count of every image (and of what it is
enlarged to) is checked before it is decoded, so a small file that declares a huge image
is refused without the memory it would take.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

MIN_DPI, MAX_DPI, WORKING_DPI = 150.0, 400.0, 300.0
GROUND_DPI = 50.0  # the reduced copy the ground around the paper is found on
GROUND_INCHES = 0.06  # ground is dark and broader than this; a stroke of ink is not
# A solid dark blot this broad each way is no character (a ● of 14 pt is 0.19 inch across).
BLOT_INCHES, BLOT_FILL = 0.22, 0.6
LIGHT_MARKS = 0.02  # a dark region this much of which is light marks inside is a fill, no blot
A3_LONG_INCHES = 420 / 25.4
PAGE_INCHES = (8.0, 20.0)  # a page's longer side: A4 is 11.7 inches, A3 16.5, B4 14.3
PDF_POINTS = 72.0
WEIGHING_SECONDS = 2.0  # the most spent weighing a scan's pages before reading them
# A page narrower than this holds no line of a packet's text (a 6 pt line in its ruled row
# is 0.15 inch high); it is read as blank.
MIN_PAGE_INCHES = 0.25
STRIP_BYTES, TILE_BYTES = 279, 325  # TIFF's tags of its frames' stored bytes


class ImageTooLarge(Exception):
    """An image (or a page rendered at its resolution) has more pixels than allowed; `part`:
    which of a folder's files it is (`PageFiles`), its own page number then `page`."""

    def __init__(self, page: int, pixels: int, part: int | None = None) -> None:
        super().__init__(page, pixels, part)  # the arguments, so that it crosses process lines
        self.page, self.pixels, self.part = page, pixels, part


class Animation(Exception):
    """An image file of several frames that is not a TIFF: an animation (GIF, PNG, WebP,
    AVIF), not the pages of a scan."""

    def __init__(self, frames: int, part: int | None = None) -> None:
        super().__init__(frames, part)
        self.frames, self.part = frames, part


class BadImage(Exception):
    """The image file or the PDF page cannot be decoded."""

    def __init__(self, page: int, part: int | None = None) -> None:
        super().__init__(page, part)
        self.page, self.part = page, part


EXIF_ORIENTATION = 0x0112


class PageImage(NamedTuple):
    """A page as read: its grey pixels, their resolution (dpi), and the resolution it was
    scanned at (None where the page holds no image)."""

    pixels: Any
    dpi: float
    scanned: float | None


def _recorded_dpi(recorded: Any, long_side: int) -> float:
    """Given the resolution an image file records (or None) and its longer side in
    pixels, return the resolution, or 0 where none is recorded or the one recorded would
    make the page no packet's size (many programs write 72 dpi whatever was scanned)."""
    try:
        dpi = float(recorded[0])
    except (TypeError, ValueError, IndexError):
        return 0.0
    if not dpi > 1:
        return 0.0
    inches = long_side / dpi
    return dpi if PAGE_INCHES[0] <= inches <= PAGE_INCHES[1] else 0.0


def _clamped(dpi: float) -> float:
    return min(MAX_DPI, max(MIN_DPI, dpi))


class Pages:
    """The pages of a scan, opened once in the worker that reads them."""

    def __init__(self, data: bytes, kind: str, max_pixels: int) -> None:
        self.data, self.kind, self.max_pixels = data, kind, max_pixels
        self._document: Any = None

    def _open(self) -> Any:
        if self._document is None:
            if self.kind == "pdf":
                import pypdfium2

                self._document = pypdfium2.PdfDocument(self.data)
            else:
                from PIL import Image

                Image.MAX_IMAGE_PIXELS = None  # checked here, before decoding, instead
                try:
                    self._document = Image.open(io.BytesIO(self.data))
                except Exception as exc:  # Pillow raises many kinds for a broken file
                    raise BadImage(1) from exc
        return self._document

    def count(self) -> int:
        """The number of pages: a PDF's pages, a TIFF's frames, or one. A JPEG's other
        frames (MPO: a camera's preview, or its other eye) are no pages; an animation is
        refused (`Animation`), as its frames are no pages either, and each would be decoded
        with all the frames before it."""
        document = self._open()
        if self.kind == "pdf":
            return len(document)
        frames = int(getattr(document, "n_frames", 1))
        if frames > 1 and document.format not in ("TIFF", "MPO"):
            raise Animation(frames)
        return frames if document.format == "TIFF" else 1

    def weights(self, count: int) -> tuple[float, ...]:
        """Given the page count, return each page's bytes of image data as the file stores
        them (compressed): a page of more text takes more bytes and longer to read (h24's
        clean scan: the cover 0.3 MB and 4.8 s, a full page 1.9 MB and 20 s). Empty where
        the file does not tell, or telling takes longer than WEIGHING_SECONDS."""
        started = time.monotonic()
        found: list[float] = []
        try:
            for number in range(1, count + 1):
                if time.monotonic() - started > WEIGHING_SECONDS:
                    return ()
                found.append(self._stored_bytes(number))
        except Exception:  # only a hint: the page itself tells what is wrong with it
            return ()
        return tuple(found)

    def _stored_bytes(self, number: int) -> float:
        if self.kind == "pdf":
            import pypdfium2.raw as pdfium_c

            page = self._open()[number - 1]
            try:
                stored = pdfium_c.FPDFImageObj_GetImageDataRaw
                return float(sum(stored(image.raw, None, 0) for image in _images(page)))
            finally:
                page.close()
        image = self._open()
        image.seek(number - 1)
        tags = getattr(image, "tag_v2", {})  # a TIFF frame's strips or tiles
        return float(sum(tags.get(STRIP_BYTES, ()) or tags.get(TILE_BYTES, ()) or (0,)))

    def page(self, number: int) -> PageImage:
        """Given a page number (from 1), return its grey pixels, the dark ground around the
        paper made paper (`without_ground`), their resolution, and the scan's own."""
        found = self._pdf_page(number) if self.kind == "pdf" else self._frame(number)
        return found._replace(pixels=without_ground(found.pixels, found.dpi))

    def _check(self, number: int, width: float, height: float) -> None:
        pixels = int(width) * int(height)
        if pixels > self.max_pixels:
            raise ImageTooLarge(number, pixels)

    def _pdf_page(self, number: int) -> PageImage:
        page = self._open()[number - 1]
        try:
            resolutions = []
            for image in _images(page):
                width, height = image.get_px_size()
                self._check(number, width, height)
                left, _bottom, right, _top = image.get_bounds()
                if right - left > 1:
                    resolutions.append(width / ((right - left) / PDF_POINTS))
            scanned = max(resolutions) if resolutions else None
            dpi = _clamped(scanned) if scanned else WORKING_DPI
            dpi = min(dpi, WORKING_DPI) if dpi > WORKING_DPI * 1.2 else dpi
            page_width, page_height = page.get_size()
            scale = dpi / PDF_POINTS
            self._check(number, page_width * scale, page_height * scale)
            bitmap = page.render(scale=scale, grayscale=True)
            pixels = np.array(bitmap.to_pil().convert("L"))
        except (ImageTooLarge, MemoryError):
            raise
        except Exception as exc:  # pdfium raises its own kinds for a damaged page
            raise BadImage(number) from exc
        finally:
            page.close()
        return PageImage(pixels, dpi, scanned)

    def _frame(self, number: int) -> PageImage:
        from PIL import Image

        image = self._open()
        try:
            image.seek(number - 1)
            width, height = image.size
            self._check(number, width, height)
            dpi = _recorded_dpi(image.info.get("dpi"), max(width, height))
            if not dpi:
                dpi = max(width, height) / A3_LONG_INCHES
            # Finer than 360 dpi is reduced to 300; coarser than 150 enlarged to 150, so that
            # every length the layout measures in inches holds.
            factor = WORKING_DPI / dpi if dpi > WORKING_DPI * 1.2 else max(1.0, MIN_DPI / dpi)
            size = (max(1, round(width * factor)), max(1, round(height * factor)))
            self._check(number, *size)
            grey = _grey(image)
            if factor != 1.0:
                grey = grey.resize(size, Image.Resampling.BICUBIC)
            pixels = np.array(_as_viewed(grey, image.getexif().get(EXIF_ORIENTATION, 1)))
        except (ImageTooLarge, MemoryError):
            raise
        except Exception as exc:  # Pillow raises many kinds for a broken file
            raise BadImage(number) from exc
        return PageImage(pixels, _clamped(dpi * factor), dpi)


class PageFiles:
    """The pages of a scan saved a page to a file (or a few, in a TIFF): each file's pages
    after those of the files before it. What is wrong with a page is told of its file:
    the error's `part` is the file's index, its page the file's own page number."""

    def __init__(self, files: Sequence[bytes], max_pixels: int) -> None:
        self.files = [Pages(data, "image", max_pixels) for data in files]
        self.max_pixels = max_pixels
        self._counts: list[int] = []

    def count(self) -> int:
        """The number of pages: each file's, added up (see `Pages.count`)."""
        if not self._counts:
            self._counts = [
                self._told(k, lambda pages: pages.count()) for k in range(len(self.files))
            ]
        return sum(self._counts)

    def weights(self, count: int) -> tuple[float, ...]:
        """Each page's stored bytes (see `Pages.weights`): a file of one page weighs its
        bytes, a TIFF's pages as it tells; empty where a file does not tell, or weighing
        takes longer than WEIGHING_SECONDS in all."""
        started = time.monotonic()
        found: list[float] = []
        for pages, pages_count in zip(self.files, self._counts, strict=True):
            if time.monotonic() - started > WEIGHING_SECONDS:
                return ()
            one = pages_count == 1
            weights = (float(len(pages.data)),) if one else pages.weights(pages_count)
            if len(weights) != pages_count:
                return ()
            found.extend(weights)
        return tuple(found) if len(found) == count else ()

    def page(self, number: int) -> PageImage:
        """Given a page number (from 1, over all the files), return the page (`Pages.page`)."""
        self.count()
        part = 0
        while number > self._counts[part]:
            number -= self._counts[part]
            part += 1
        found: PageImage = self._told(part, lambda pages: pages.page(number))
        return found

    def _told(self, part: int, call: Callable[[Pages], Any]) -> Any:
        try:
            return call(self.files[part])
        except Animation as exc:
            raise Animation(exc.frames, part) from exc
        except ImageTooLarge as exc:
            raise ImageTooLarge(exc.page, exc.pixels, part) from exc
        except BadImage as exc:
            raise BadImage(exc.page, part) from exc


def holds_text(pixels: Any, dpi: float) -> bool:
    """Whether a page's grey pixels, at their resolution, are broad enough each way to
    hold a line of text (MIN_PAGE_INCHES)."""
    return bool(min(pixels.shape[:2]) >= dpi * MIN_PAGE_INCHES)


def _images(page: Any) -> Any:
    """Given a PDF page (pypdfium2), return the images placed on it, also inside forms."""
    import pypdfium2.raw as pdfium_c

    return page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])


def _as_viewed(image: Any, orientation: int) -> Any:
    """Given a frame and the orientation its EXIF data records (1 to 8), return the frame
    as it is to be viewed: turned, or mirrored, as the camera or scanner says."""
    from PIL import Image

    turn = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(turn) if turn is not None else image


def _grey(image: Any) -> Any:
    """Given a decoded frame of any mode, return it as 8-bit grey: what is transparent is
    the white paper it was drawn on, and 16-bit or float grey is scaled (Pillow's own
    conversion would clip it to white)."""
    from PIL import Image

    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = float(values.max()) if values.size else 0.0
        if top > 255:
            values = values * (255 / (65535 if top <= 65535 else top))
        return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def without_ground(gray: Any, dpi: float) -> Any:
    """Given a page's grey pixels, return them with the dark ground a scanner shows around
    a sheet (an open lid, a feeder's black backing) made the paper's tone: dark regions
    broader than any stroke of ink that reach the image's edge; and so too dark blots
    broader than any character (a punch hole, a staple). Left there, the ground's edges
    would be read as a table's rulings, and its grain and a blot as text. A page too
    narrow to hold text (`holds_text`) has no ground to tell, and is given back as it is."""
    import cv2

    if not holds_text(gray, dpi):
        return gray
    scale = min(1.0, GROUND_DPI / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    threshold, dark = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    broad = max(3, round(GROUND_DPI * GROUND_INCHES))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (broad, broad))
    ground = cv2.morphologyEx(dark, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _centres = cv2.connectedComponentsWithStats(ground)
    if count < 2:
        return gray
    edge = set(np.concatenate((labels[0], labels[-1], labels[:, 0], labels[:, -1])).tolist())
    broad_blot = GROUND_DPI * BLOT_INCHES
    width, height = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    solid = stats[:, cv2.CC_STAT_AREA] >= BLOT_FILL * width * height

    def blot(k: int) -> bool:  # as dark as ink: a shaded cell, however broad, is not
        if min(width[k], height[k]) < broad_blot or not solid[k]:
            return False
        level = float(np.median(small[labels == k]))
        return level <= threshold / 2 and not holds_light(k, level)

    def holds_light(k: int, level: float) -> bool:
        """Whether light marks stand inside a dark region (lighter than halfway from its
        level to the paper's): a header filled dark with its words in white, not a hole."""
        x, y, w, h = (int(v) for v in stats[k, :4])
        mine = (labels[y : y + h, x : x + w] == k).astype(np.uint8)
        outline, _ = cv2.findContours(mine, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        whole = cv2.drawContours(np.zeros_like(mine), outline, -1, 1, cv2.FILLED)
        whole = cv2.erode(whole, np.ones((5, 5), np.uint8)) > 0  # not its blurred rim
        light = whole & (small[y : y + h, x : x + w] > (level + threshold) / 2)
        return bool(light.sum() >= LIGHT_MARKS * whole.sum())

    away = [k for k in range(1, count) if k in edge or blot(k)]
    if not away:
        return gray
    # what goes, and its blurred rim
    mask = cv2.dilate(np.isin(labels, away).astype(np.uint8), np.ones((3, 3), np.uint8))
    paper = int(np.median(small[mask == 0])) if (mask == 0).any() else 255
    full = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    cleared = gray.copy()
    cleared[full > 0] = paper
    return cleared
