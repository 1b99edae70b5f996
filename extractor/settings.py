"""The knobs of every stage, with named defaults, in one settings object."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MB = 1024 * 1024


class ExtractSettings(BaseModel):
    """Settings for reading a packet and normalizing it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    encoding: str | None = Field(
        default=None, description="Force the text encoding instead of detecting it"
    )
    encodings_to_try: tuple[str, ...] = ("utf-8", "cp932", "euc_jp")
    max_input_bytes: int = Field(default=50 * MB, description="Refuse larger inputs")
    max_pdf_pages: int = Field(default=1000, description="Refuse PDFs with more pages")
    max_cell_chars: int = Field(default=20_000, description="Refuse inputs with longer cells")
    max_columns: int = Field(default=500, description="Refuse rows with more cells than this")
    max_cells: int = Field(
        default=200_000,
        description="Refuse inputs with more non-empty cells (h24 has 1,028; this is 200 such "
        "packets)",
    )
    max_seconds: float = Field(
        default=60.0,
        description="Stop extracting a file after this many seconds, whatever its format",
    )
    page_seconds: float = Field(default=10.0, description="Stop a PDF page read after this")
    scan_page_seconds: float = Field(
        default=60.0,
        description="Stop recognizing a scanned page after this; a scan's whole-file budget "
        "grows by this much per page (shared among the page workers)",
    )
    max_scan_pixels: int = Field(
        default=100_000_000,
        description="Refuse a scanned page image with more pixels (A3 at 600 dpi is 70 million)",
    )
    ocr: bool = Field(default=True, description="Read scanned packets (False: refuse them)")
    known_texts: tuple[str, ...] = Field(
        default=(),
        description="The year before's texts (its dataset's): an unsure character of a scan "
        "is read as the recognizer's other choice where that gives the year before's words",
    )
    max_memory: int = Field(
        default=1024 * MB, description="Memory a PDF page reader may use on top of its start"
    )
    max_stream_bytes: int = Field(
        default=64 * MB, description="Refuse a PDF stream that inflates past this"
    )
    jobs: int | None = Field(
        default=None, description="Processes for a PDF's pages (None: one, as in a batch)"
    )
    strict: bool = Field(
        default=False,
        description="Refuse a packet with a column header the tool does not know instead of "
        "keeping its cells with each activity under `extra`",
    )
    # A 計画目標 label names what is counted: it ends in 数/率/割合…, or has a "/unit" suffix.
    target_label_pattern: str = r"(数|率|割合|件数|人数|回数|量|額)(\s*/\s*\S{1,4})?$|/\S+$"
    # Unit words that may follow a number in a target cell.
    target_units: tuple[str, ...] = (
        "%",
        "回",
        "校",
        "団体",
        "件",
        "人",
        "名",
        "箇所",
        "か所",
        "カ所",
        "ヶ所",
        "地区",
        "世帯",
        "サロン",
        "グループ",
        "食",
        "組",
        "施設",
        "円",
        "千円",
        "万円",
        "時間",
        "日",
        "社",
        "基",
        "戸",
    )
