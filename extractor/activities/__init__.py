"""Stage 3: turn each activity record's cells into a normalized Activity."""

from __future__ import annotations

from extractor.activities.dates import date_mentions
from extractor.activities.work import city_work, council_work, extend
from extractor.models import (
    Activity,
    CellBox,
    ExtractionWarning,
    Goal,
    OcrRead,
    Provenance,
    Roles,
    Schedule,
    Shared,
    Target,
)
from extractor.normalize.dates import YearRange, parse_year_range, scanned_range
from extractor.normalize.keys import activity_key, unique_key
from extractor.normalize.targets import SlotYears, TargetCell, build_targets
from extractor.normalize.text import (
    clean,
    is_dash,
    parse_name,
    remove_wrap_spaces,
    split_bullets,
    unique,
)
from extractor.problems import WarningArg, WarningCode
from extractor.settings import ExtractSettings
from extractor.sources.document import UNSURE_BELOW
from extractor.structure.layout import ActivityRecord, Cell, GoalRef, Layout, Role
from extractor.vocabulary import TARGET_AREA


def _goal(ref: GoalRef | None, shared: Shared) -> Goal:
    if ref is None:
        return shared.get(Goal, number=0, title="")
    return shared.get(
        Goal, number=ref.number, title=ref.title, raw=ref.raw, line=ref.line, page=ref.page
    )


class ActivityBuilder:
    """Builds one Activity, collecting warnings as it goes."""

    def __init__(
        self,
        record: ActivityRecord,
        layout: Layout,
        settings: ExtractSettings,
        ident: str,
        shared: Shared,
    ):
        self.shared = shared
        self.record = record
        self.layout = layout
        self.settings = settings
        self.id = ident
        self.warnings: list[ExtractionWarning] = []

    def warn(self, code: WarningCode, cell: Cell | None, **args: WarningArg) -> None:
        self.warnings.append(
            ExtractionWarning.make(
                code,
                args,
                line=cell.line if cell else self.record.rows[0].line,
                page=cell.page if cell else self.record.rows[0].page,
                activity=self.id,
            )
        )

    def warn_unsure(self) -> None:
        """For a scan: warn of each cell text recognition was unsure of, so that no value
        it may have misread goes unmarked."""
        for row in self.record.rows:
            for role, cell in row.cells:
                if (
                    cell.read is not None
                    and not cell.spanned
                    and cell.read.confidence < UNSURE_BELOW
                ):
                    self.warn(
                        WarningCode.OCR_UNSURE,
                        cell,
                        field=str(role),
                        confidence=f"{cell.read.confidence:.2f}",
                        text=clean(cell.text)[:40],
                    )

    def cells(self, *roles: Role) -> list[Cell]:
        return [cell for row in self.record.rows for role, cell in row.cells if role in roles]

    def build(self) -> Activity:
        record, table = self.record, self.record.table
        name_raw = record.name_cells[0].text if record.name_cells else None
        name, status = parse_name(name_raw) if name_raw else (None, None)
        statuses = {parse_name(cell.text)[1] for cell in record.name_cells}
        if len(statuses) > 1:
            self.warn(
                WarningCode.STATUS_CONFLICT,
                record.name_cells[1],
                statuses=", ".join(sorted(map(str, statuses))),
            )
        if name is None:
            self.warn(WarningCode.ACTIVITY_WITHOUT_NAME, None)
        self.warn_unsure()
        descriptions = unique(
            clean(c.text) for c in self.cells(Role.DESCRIPTION) if not is_dash(c.text)
        )
        roles: list[str] = []
        for cell in self.cells(Role.ROLES):
            extend(roles, split_bullets(cell.text), cell.read is not None)
        city = city_work(record)
        return Activity(
            id=self.id,
            basic_goal=_goal(table.basic_goal, self.shared),
            activity_goal=_goal(table.activity_goal, self.shared),
            name=name,
            name_raw=name_raw,
            status=status,
            description="\n".join(descriptions) or None,
            roles=Roles(
                heading=remove_wrap_spaces(table.role_heading) if table.role_heading else None,
                items=roles,
            ),
            council=council_work(record),
            city=city,
            departments=unique(d for entry in city for d in entry.departments),
            schedule=self.schedule(),
            targets=self.targets(),
            dates=date_mentions(record, self.layout, self.warn),
            extra=self.extra(),
            source=self.provenance(),
        )

    def schedule(self) -> Schedule:
        cells = [c for c in self.cells(Role.SCHEDULE) if not is_dash(c.text)]
        if not cells:
            return self.shared.get(Schedule, raw=None, start_fiscal_year=None, end_fiscal_year=None)
        raws = unique(clean(c.text) for c in cells)
        if len(raws) > 1:
            self.warn(WarningCode.SCHEDULE_CONFLICT, cells[1], values=" / ".join(raws))
        table = self.record.table
        reference = (
            table.results_fiscal_year or table.actual_fiscal_year or self.layout.reference_year
        )
        span = parse_year_range(raws[0], reference, self.layout.era)
        mended = scanned_range(raws[0]) if span is None and cells[0].read is not None else None
        if mended is not None:
            span = parse_year_range(mended, reference, self.layout.era)
            if span is not None:
                self.warn(WarningCode.SCHEDULE_MARK_LOST, cells[0], raw=raws[0], used=mended)
        if span is None:
            self.warn(WarningCode.SCHEDULE_UNREADABLE, cells[0], raw=raws[0])
            span = YearRange(None, None)
        elif span.reversed:
            self.warn(WarningCode.YEAR_RANGE_REVERSED, cells[0], raw=raws[0])
        return self.shared.get(
            Schedule, raw=raws[0], start_fiscal_year=span.start, end_fiscal_year=span.end
        )

    def targets(self) -> list[Target]:
        table = self.record.table
        years = SlotYears(
            table.plan_fiscal_year, table.target_fiscal_year, table.actual_fiscal_year
        )
        targets: list[Target] = []
        for part in self.record.parts:
            cells = [
                TargetCell(
                    cell.text, TARGET_AREA[role], row_index, cell.line, cell.column, cell.year
                )
                for row_index, row in enumerate(part)
                for role, cell in row.cells
                if role in TARGET_AREA and not cell.spanned
            ]
            if not cells:
                continue
            part_targets, warnings = build_targets(cells, years, self.settings, self.shared)
            targets.extend(part_targets)
            for warning in warnings:
                self.warnings.append(
                    warning.model_copy(update={"activity": self.id, "page": part[0].page})
                )
        return targets

    def extra(self) -> dict[str, str]:
        """The cells of columns the tool does not know, by header in column order."""
        by_column: dict[int, tuple[str, list[str]]] = {}
        for cell in self.cells(Role.OTHER):
            header = remove_wrap_spaces(cell.header or "")
            _, texts = by_column.setdefault(cell.column, (header, []))
            extend(texts, [clean(cell.text)], cell.read is not None)
        extra: dict[str, str] = {}
        for column, (header, texts) in sorted(by_column.items()):
            name = header if header not in extra else f"{header} ({column + 1})"
            extra[name] = "\n".join(texts)
        return extra

    def provenance(self) -> Provenance:
        rows = self.record.rows
        boxes = [
            CellBox(page=c.box.page, x0=c.box.x0, top=c.box.top, x1=c.box.x1, bottom=c.box.bottom)
            for row in rows
            for _, c in row.cells
            if c.box is not None
        ]
        refs = [c.ref for row in rows for _, c in row.cells if c.ref is not None]
        reads = [
            OcrRead(
                box=CellBox(
                    page=c.box.page, x0=c.box.x0, top=c.box.top, x1=c.box.x1, bottom=c.box.bottom
                ),
                field=str(role),
                text=c.read.read_as or c.read.text,
                confidence=round(c.read.confidence, 4),
                corrected_to=c.read.text if c.read.read_as else None,
            )
            for row in rows
            for role, c in row.cells
            if c.read is not None and c.box is not None and not c.spanned
        ]
        return Provenance(
            lines=sorted({row.line for row in rows}),
            pages=sorted({row.page for row in rows if row.page is not None}),
            boxes=boxes,
            cells=list(dict.fromkeys(refs)),
            ocr=reads,
        )


def build_activities(
    layout: Layout, settings: ExtractSettings
) -> tuple[list[Activity], list[ExtractionWarning]]:
    """Given the reconstructed layout, return its normalized activities and their warnings."""
    activities: list[Activity] = []
    warnings: list[ExtractionWarning] = []
    positions: dict[tuple[int, int], int] = {}
    keys: set[str] = set()
    shared = Shared()
    # Each record is let go once built, so its cells are freed while the models grow.
    records, layout.records = layout.records, []
    records.reverse()
    while records:
        record = records.pop()
        table = record.table
        goal_key = (
            table.basic_goal.number if table.basic_goal else 0,
            table.activity_goal.number if table.activity_goal else 0,
        )
        positions[goal_key] = positions.get(goal_key, 0) + 1
        ident = f"{goal_key[0]}.{goal_key[1]}.{positions[goal_key]}"
        builder = ActivityBuilder(record, layout, settings, ident, shared)
        activity = builder.build()
        activity.key = unique_key(activity_key(activity), keys)
        activities.append(activity)
        warnings.extend(builder.warnings)
    return activities, warnings
