"""Warnings as data: every code the tool can report, what it says, and what a person checks.

A warning is made from its code and a few arguments; the dataset keeps the code, the
arguments and the English message, and people read it in their language with the sentence
that says what to check in the packet. Codes are a closed vocabulary (`WarningCode`), so
the JSON Schema lists them and a typo fails type checking.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from extractor.i18n import N_, Language, date_text, fiscal_year_text, quote, translation_for
from extractor.vocabulary import label


class WarningCode(StrEnum):
    """Every warning the tool can report."""

    MIXED_LINE_ENDINGS = "mixed_line_endings"
    HIDDEN_CELLS = "hidden_cells"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    ROW_OUTSIDE_TABLE = "row_outside_table"
    UNEXPECTED_TEXT = "unexpected_text"
    UNKNOWN_COLUMN = "unknown_column"
    UNMAPPED_CELL = "unmapped_cell"
    UNEXPECTED_SUBHEADER = "unexpected_subheader"
    SUBHEADER_DASH = "subheader_dash"
    HEADER_YEAR_MISMATCH = "header_year_mismatch"
    PLAN_PERIOD_MISMATCH = "plan_period_mismatch"
    PLAN_PERIOD_ASSUMED = "plan_period_assumed"
    ROW_SHIFTED = "row_shifted"
    ROW_MISALIGNED = "row_misaligned"
    DUPLICATE_ROW_MERGED = "duplicate_row_merged"
    CONTINUATION_WITHOUT_ACTIVITY = "continuation_without_activity"
    ACTIVITY_WITHOUT_NAME = "activity_without_name"
    OCR_UNSURE = "ocr_unsure"
    OCR_CORRECTED = "ocr_corrected"
    OCR_AS_ELSEWHERE = "ocr_as_elsewhere"
    SCAN_LOW_RESOLUTION = "scan_low_resolution"
    SCAN_SMALL_PRINT = "scan_small_print"
    SCANNED_PAGE_NOT_READ = "scanned_page_not_read"
    STATUS_CONFLICT = "status_conflict"
    SCHEDULE_CONFLICT = "schedule_conflict"
    SCHEDULE_UNREADABLE = "schedule_unreadable"
    SCHEDULE_MARK_LOST = "schedule_mark_lost"
    YEAR_RANGE_REVERSED = "year_range_reversed"
    TARGET_CELLS_REALIGNED = "target_cells_realigned"
    TARGET_SLOT_CONFLICT = "target_slot_conflict"
    TARGET_AMBIGUOUS = "target_ambiguous"
    TARGET_UNIT_MISSING = "target_unit_missing"
    TARGET_UNIT_MISMATCH = "target_unit_mismatch"
    TARGET_VALUES_MISSING = "target_values_missing"
    TARGET_FIGURE_MISSING = "target_figure_missing"
    TARGET_LABEL_IN_VALUE_CELL = "target_label_in_value_cell"
    WEEKDAY_MISMATCH = "weekday_mismatch"
    DATE_YEAR_UNKNOWN = "date_year_unknown"


WarningArg = str | int | float | None


@dataclass(frozen=True)
class Spec:
    """What a warning says (`template`, with named arguments) and what a person checks."""

    template: str
    check: str
    # Arguments quoted as packet text ('…' / 「…」) and arguments that are words to translate.
    quoted: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    # Arguments that hold a weekday as written in the packet (金), shown as a weekday's name.
    weekdays: tuple[str, ...] = ()
    # Arguments that hold fiscal years (2011, or "2011, 2010"), shown as people write them.
    years: tuple[str, ...] = ()


JA_QUOTE_SPACES = re.compile(r" ?(「[^」]*」) ?")
C = WarningCode
SPECS: dict[WarningCode, Spec] = {
    C.MIXED_LINE_ENDINGS: Spec(
        N_("the file mixes CRLF and LF line ends"),
        N_("Nothing was lost, but the file mixes Windows and Unix line ends; an export saved "
           "again in one piece is cleaner."),
    ),
    C.HIDDEN_CELLS: Spec(
        N_("hidden {what} {where} hold text; it was read like any other cell: {text}"),
        N_("Check the hidden rows and columns of the workbook: they hold text that may not "
           "be meant for the committee."),
        quoted=("text",),
        terms=("what",),
    ),
    C.FORMULA_WITHOUT_VALUE: Spec(
        N_("formula cells {where} have no saved result and were read as empty: {text}"),
        N_("Open the workbook in Excel or LibreOffice, let it calculate and save it, then "
           "extract again: the program that wrote it saved formulas without their results."),
        quoted=("text",),
    ),
    C.ROW_OUTSIDE_TABLE: Spec(
        N_("a row {where}; kept in unmapped: {text}"),
        N_("Check the row: it belongs to no table, so its text is kept in `unmapped` only."),
        quoted=("text",),
        terms=("where",),
    ),
    C.UNEXPECTED_TEXT: Spec(
        N_("text outside any table kept in unmapped: {text}"),
        N_("Check the text: it sits outside the tables and is not a heading, so it is kept "
           "in `unmapped` only."),
        quoted=("text",),
    ),
    C.UNKNOWN_COLUMN: Spec(
        N_("column header {header} is not one this tool knows ({kind} {places}); its cells "
           "are kept with their activity under `extra`"),
        N_("Check the new column: the tool does not know its header, so its cells are kept "
           "as written with each activity (`extra`)."),
        quoted=("header",),
        terms=("kind",),
    ),
    C.UNMAPPED_CELL: Spec(
        N_("a cell in column {column} has no header; kept in unmapped: {text}"),
        N_("Check the cell: its column has no header, so it is kept in `unmapped` only."),
        quoted=("text",),
    ),
    C.UNEXPECTED_SUBHEADER: Spec(
        N_("a third year {text} under the plan targets; kept in unmapped"),
        N_("Check the sub-header under the plan targets: it names more than the plan-start and "
           "target years."),
        quoted=("text",),
    ),
    C.SUBHEADER_DASH: Spec(
        N_("a dash {text} in the sub-header row beside the plan years; kept in unmapped"),
        N_("Check the sub-header row: a cell there holds a dash alone (on a scan, often an "
           "empty shaded cell read as one)."),
        quoted=("text",),
    ),
    C.HEADER_YEAR_MISMATCH: Spec(
        N_("the headers name different fiscal years for {what}: {years}; {used} is used"),
        N_("Check the table headers: they name different fiscal years, so some figures may "
           "belong to another year than the one given."),
        terms=("what",),
        years=("used",),
    ),
    C.PLAN_PERIOD_ASSUMED: Spec(
        N_("the table has no plan years under its plan targets; the packet's plan period "
           "{start}–{end} is used (from {source})"),
        N_("Check the table: it does not say its plan years, so those the packet states "
           "elsewhere were taken for its targets."),
        terms=("source",),
        years=("start", "end"),
    ),
    C.PLAN_PERIOD_MISMATCH: Spec(
        N_("the plan period {start}–{end} does not contain the report year {year}"),
        N_("Check the plan years under the plan targets: the plan period should contain the "
           "year the results report on."),
        years=("start", "end", "year"),
    ),
    C.ROW_SHIFTED: Spec(
        N_("cells shifted {direction}: the yearly schedule was in column {found}, expected "
           "{expected}; "
           "{change} at column {column} ({cell})"),
        N_("Check the row in the packet: its cells sat a column off and were put back where "
           "the yearly schedule belongs; make sure each value is under the right header."),
        quoted=("cell",),
        terms=("direction", "change"),
    ),
    C.ROW_MISALIGNED: Spec(
        N_("cannot re-align the row: the yearly schedule is in column {found}, expected "
           "{expected}; cells "
           "read by position"),
        N_("Check the row in the packet: its cells are off their columns and could not be "
           "put back, so values may be under the wrong header."),
    ),
    C.DUPLICATE_ROW_MERGED: Spec(
        N_("activity {name} repeats on this row (a merged cell exported twice); merged into "
           "the activity from line {first}"),
        N_("Check that the repeated name is one activity written over two rows, not two "
           "activities with the same name."),
        quoted=("name",),
    ),
    C.CONTINUATION_WITHOUT_ACTIVITY: Spec(
        N_("the row has no activity name and no activity above it in this table; kept as an "
           "unnamed "
           "activity"),
        N_("Check the row: it continues no activity, so it is kept as an activity without "
           "a name."),
    ),
    C.OCR_UNSURE: Spec(
        N_("text recognition is unsure of a cell of {field} (confidence {confidence}): {text}"),
        N_("Check the value against the scan: text recognition was unsure of a character in "
           "its cell, so it may be misread."),
        quoted=("text",),
    ),
    C.OCR_CORRECTED: Spec(
        N_("{field} read as {read} was taken as {used}, as the {year} packet writes it"),
        N_("Check against the scan that this packet prints the previous year's wording: text "
           "recognition was unsure of the cell, and the value was put back to it."),
        quoted=("read", "used"),
        years=("year",),
    ),
    C.OCR_AS_ELSEWHERE: Spec(
        N_("{field} read as {read} was taken as {used}, as the packet writes it elsewhere"),
        N_("Check against the scan: text recognition was unsure of the cell, and the value was "
           "put back to the spelling the packet gives it in other cells."),
        quoted=("read", "used"),
    ),
    C.SCAN_LOW_RESOLUTION: Spec(
        N_("the page was scanned at {dpi} dpi, too coarse for small print to be read well"),
        N_("Scan the page again at 300 dpi (200 at least), or give the packet's PDF or text "
           "export: at this resolution text recognition misreads many characters."),
    ),
    C.SCAN_SMALL_PRINT: Spec(
        N_("the page's print is small (as if printed reduced) and was scanned at {dpi} dpi: "
           "it is as coarse as full-size print scanned at {print_dpi} dpi, too coarse to be "
           "read well"),
        N_("Scan the page again finer (400 dpi or more for a page printed at 0.7 of its size), "
           "or give the packet's PDF or text export: at this resolution text recognition "
           "misreads many characters."),
    ),
    C.SCANNED_PAGE_NOT_READ: Spec(
        N_("the page is a scan's image, and what it shows was not read (--no-ocr)"),
        N_("Extract the packet again without --no-ocr, so that text recognition reads the "
           "page, or give the packet's text export: the page's activities are missing."),
    ),
    C.ACTIVITY_WITHOUT_NAME: Spec(
        N_("the activity has no name (the table has no activity-name column, or its cell is "
           "empty or holds marks alone)"),
        N_("Check the activity: it has no activity name, so it is known only by its place in "
           "the "
           "packet."),
    ),
    C.STATUS_CONFLICT: Spec(
        N_("repeated rows disagree on the status: {statuses}"),
        N_("Check the status mark: the rows of the activity say both continuing and new."),
    ),
    C.SCHEDULE_CONFLICT: Spec(
        N_("rows give different yearly schedules: {values}; the first is used"),
        N_("Check the yearly schedule: the rows of the activity give different year ranges."),
    ),
    C.SCHEDULE_UNREADABLE: Spec(
        N_("the yearly schedule {raw} is not a year range like 21~25"),
        N_("Check the yearly schedule: it is not a year range such as 21~25, so no years are "
           "given."),
        quoted=("raw",),
    ),
    C.SCHEDULE_MARK_LOST: Spec(
        N_("the scanned yearly schedule {raw} was taken as {used}"),
        N_("Check the yearly schedule against the scan: text recognition lost or misread the "
           "~ between its two years, and the years were read on either side of it."),
        quoted=("raw", "used"),
    ),
    C.YEAR_RANGE_REVERSED: Spec(
        N_("{raw} does not read as a forward range of years in any era; no years are given"),
        N_("Check the year range: read in any era, it ends before it starts."),
        quoted=("raw",),
    ),
    C.TARGET_CELLS_REALIGNED: Spec(
        N_("target cells run past the actual column; {count} figures re-read from the right "
           "(actual, then target, then plan): {cells}"),
        N_("Check the target figures of the row: they ran past the actual column and were "
           "read from the right as actual, target and plan."),
    ),
    C.TARGET_SLOT_CONFLICT: Spec(
        N_("two readings for the {slot} figure: {first} and {second}; value left empty, both "
           "kept in raw"),
        N_("Check the figure: the packet gives two readings for it (for example a figure "
           "and a dash); the value is left empty until someone says which the committee "
           "meant."),
        quoted=("first", "second"),
        terms=("slot",),
    ),
    C.TARGET_AMBIGUOUS: Spec(
        N_("{cells} cannot be placed as plan, target and actual ({count} figures for 3 "
           "slots); kept as raw text only"),
        N_("Check the target figures: they cannot be told apart as plan, target and actual, "
           "so they are kept as written only."),
    ),
    C.TARGET_UNIT_MISSING: Spec(
        N_("the {slot} figure {raw} has no unit; the other figures are in {unit}"),
        N_("Check the figure's unit: it has none while the other figures of the target do; "
           "it was read in their unit."),
        quoted=("raw",),
        terms=("slot",),
    ),
    C.TARGET_UNIT_MISMATCH: Spec(
        N_("the figures of one target use different units: {units}"),
        N_("Check the units: the figures of one target are written in different units."),
    ),
    C.TARGET_VALUES_MISSING: Spec(
        N_("target {label} has a label but no figures"),
        N_("Check the target: it names what is counted but gives no figures."),
        quoted=("label",),
    ),
    C.TARGET_FIGURE_MISSING: Spec(
        N_("the {slot} cell {raw} gives a unit but no figure; value left empty"),
        N_("Check the figure: its cell gives only a unit, so the number is missing from the "
           "packet or was not read (a scan may lose a narrow 1)."),
        quoted=("raw",),
        terms=("slot",),
    ),
    C.TARGET_LABEL_IN_VALUE_CELL: Spec(
        N_("{cell} carries its own label next to the qualitative target {text}; label taken "
           "from it"),
        N_("Check the actual: its cell names what it counts next to a target written in "
           "words."),
        quoted=("cell", "text"),
    ),
    C.WEEKDAY_MISMATCH: Spec(
        N_("{raw} in {field}: {date} ({how}) is a {actual}, not a {written}; the weekday "
           "fits {fits}"),
        N_("Check the date: the weekday written with it does not fit, so the year or the "
           "weekday may be wrong."),
        quoted=("raw",),
        terms=("how", "fits"),
        weekdays=("actual", "written"),
    ),
    C.DATE_YEAR_UNKNOWN: Spec(
        N_("{raw} in {field} has no year and its column names no fiscal year"),
        N_("Check the date: it has no year and its column names none, so no date is given."),
        quoted=("raw",),
    ),
}  # fmt: skip

# Words that arguments take, marked for the catalog.
TERMS = (
    N_("line"),
    N_("lines"),
    N_("page"),
    N_("pages"),
    N_("cell"),
    N_("cells"),
    N_("the other tables"),
    N_("the cover"),
    N_("rows"),
    N_("columns"),
    N_("rows and columns"),
    N_("outside any table"),
    N_("inside a table, as a line of text"),
    N_("the report year"),
    N_("the next-year plans"),
    N_("the plan start"),
    N_("the plan target"),
    N_("the results of the council and the city"),
    N_("the plans of the council and the city"),
    N_("the actual and the results"),
    N_("right"),
    N_("left"),
    N_("dropped a surplus cell"),
    N_("inserted an empty cell"),
    N_("plan"),
    N_("target"),
    N_("actual"),
    N_("year written"),
    N_("year taken from the column's fiscal year"),
    N_("no nearby year"),
)


WEEKDAYS = "月火水木金土日"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Arguments that hold an ISO date, shown as people write dates in the language.
DATE_ARGUMENTS = ("date", "fits")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _argument(name: str, value: WarningArg, spec: Spec, language: Language) -> object:
    gettext = translation_for(language).gettext
    if value is None:
        return "—"
    if name in spec.years and isinstance(value, int):
        return fiscal_year_text(value, language)
    if name in spec.quoted:
        return quote(value, language)
    if not isinstance(value, str):
        return value
    if name == "field":
        return label(value, language)
    if name in spec.weekdays and len(value) == 1 and value in WEEKDAYS:
        return f"{value}曜日" if language == "ja" else WEEKDAY_NAMES[WEEKDAYS.index(value)]
    if name in DATE_ARGUMENTS and ISO_DATE.fullmatch(value):
        return date_text(dt.date.fromisoformat(value), language)
    return gettext(value) if name in spec.terms else value


def render(code: WarningCode, args: dict[str, WarningArg], language: Language) -> str:
    """Given a warning's code and arguments, return its message in a language."""
    spec = SPECS[code]
    values = {name: _argument(name, value, spec, language) for name, value in args.items()}
    text = translation_for(language).gettext(spec.template).format(**values)
    if language == "ja":  # 「…」 needs no spaces around it
        text = JA_QUOTE_SPACES.sub(r"\1", text)
    return text


def check_sentence(code: WarningCode, language: Language) -> str:
    """Given a warning code, return what a person should check, in a language."""
    return translation_for(language).gettext(SPECS[code].check)
