"""日报 and period summaries of the patrols: the data, the Excel files and the 通报 PDF.

"日督查、日通报、日报告" (reference 001): every village reports its patrol every day, and the office
circulates the day's result — who patrolled, what was found, where fires were, and which villages
reported nothing. :func:`daily_report` gathers that in a few SQL queries; :func:`write_daily_xlsx`
and :func:`render_daily_pdf` print it. :func:`period_summary` (weekly, monthly) counts patrols by
village and kind.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func, select

from ecodesk import dates
from ecodesk.dates import format_cn, format_iso
from ecodesk.db.database import Database
from ecodesk.documents.spec import Attachment, DocumentSpec, split_paragraphs
from ecodesk.errors import EcoDeskError
from ecodesk.exports import xlsx_export
from ecodesk.exports.xlsx_style import (
    CENTER,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    RowWriter,
    column_width,
    set_print_layout,
    sheet_title,
    styled_cell,
)
from ecodesk.files import atomic_file
from ecodesk.models.lifespan import lifespans, villages_during, villages_on
from ecodesk.models.patrol import PATROL_KINDS, FirePoint, Patrol
from ecodesk.services import settings as settings_service

# What clerks type when a patrol found nothing: such a patrol has no finding.
NOTHING_FOUND = frozenset(
    {"", "无", "没有", "未发现", "未发现问题", "无问题", "正常", "无异常", "未发现异常", "/", "-", "—"}
)
SILENT_FILL = PatternFill("solid", fgColor="FCE4D6")  # light red: a village that reported nothing
TOTAL_FONT = Font(name="宋体", size=11, bold=True)


def has_finding(text: str) -> bool:
    return text.strip().rstrip("。.") not in NOTHING_FOUND


# -- the daily report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatrolLine:
    id: int
    kind: str
    time: str
    grid: str
    patrollers: str
    place: str
    findings: str
    fire_count: int
    measures: str

    @property
    def has_finding(self) -> bool:
        return has_finding(self.findings)


@dataclass(frozen=True)
class FireLine:
    """A fire point of the day (from a patrol or a notice)."""

    id: int
    source: str
    place: str
    notice_no: str
    status: str
    from_patrol: bool


@dataclass(frozen=True)
class VillageDay:
    village_id: int
    village: str
    patrols: tuple[PatrolLine, ...]
    fires: tuple[FireLine, ...]

    @property
    def reported(self) -> bool:
        return bool(self.patrols)

    @property
    def findings(self) -> tuple[PatrolLine, ...]:
        return tuple(p for p in self.patrols if p.has_finding)

    @property
    def kind_counts(self) -> dict[str, int]:
        counts = Counter(p.kind for p in self.patrols)
        return {k: counts[k] for k in PATROL_KINDS if counts[k]}

    @property
    def kind_text(self) -> str:
        return "、".join(f"{k}{n}次" for k, n in self.kind_counts.items())

    @property
    def patroller_text(self) -> str:
        names: list[str] = []
        for p in self.patrols:
            names += [n for n in p.patrollers.split("、") if n]
        return "、".join(dict.fromkeys(names))


@dataclass(frozen=True)
class DailyReport:
    day: date
    town: str
    villages: tuple[VillageDay, ...]  # every village and community in being that day, in the town's order

    @property
    def silent(self) -> list[str]:
        """Villages (and communities) that reported no patrol that day."""
        return [v.village for v in self.villages if not v.reported]

    @property
    def reported(self) -> list[VillageDay]:
        return [v for v in self.villages if v.reported]

    @property
    def patrol_count(self) -> int:
        return sum(len(v.patrols) for v in self.villages)

    @property
    def finding_count(self) -> int:
        return sum(len(v.findings) for v in self.villages)

    @property
    def fire_count(self) -> int:
        return sum(len(v.fires) for v in self.villages)

    @property
    def kind_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for v in self.villages:
            counts.update(v.kind_counts)
        return {k: counts[k] for k in PATROL_KINDS if counts[k]}


def daily_report(db: Database, day: date) -> DailyReport:
    """Each village's patrols, findings and fire points on ``day``, and who reported nothing.

    Only the villages in being that day are listed: one set up later, or 撤销 by then, owed no report.
    """
    with db.session() as session:
        names = dict(villages_on(session, day))
        order = list(names)
        patrols = session.scalars(
            select(Patrol)
            .where(Patrol.date == day, Patrol.deleted_at.is_(None))
            .order_by(Patrol.village_id, Patrol.start_time, Patrol.id)
        ).all()
        fires = session.scalars(
            select(FirePoint)
            .where(FirePoint.date == day, FirePoint.deleted_at.is_(None))
            .order_by(FirePoint.village_id, FirePoint.id)
        ).all()
        by_village: dict[int, list[PatrolLine]] = defaultdict(list)
        for p in patrols:
            by_village[p.village_id].append(
                PatrolLine(
                    p.id,
                    p.kind,
                    p.time_text,
                    p.grid.name if p.grid else "",
                    p.patroller_text,
                    p.place,
                    p.findings,
                    p.fire_count,
                    p.measures,
                )
            )
        fires_of: dict[int, list[FireLine]] = defaultdict(list)
        for f in fires:
            fires_of[f.village_id].append(
                FireLine(f.id, f.source, f.place, f.notice_no, f.status, f.patrol_id is not None)
            )
    town = settings_service.load(db).town_name or "本镇"
    villages = tuple(
        VillageDay(vid, names[vid], tuple(by_village.get(vid, ())), tuple(fires_of.get(vid, ())))
        for vid in order
    )
    return DailyReport(day, town, villages)


# -- weekly and monthly summaries -------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    village_id: int
    village: str
    by_kind: dict[str, int]
    days_reported: int
    findings: int
    fire_points: int
    # Days of the period (up to today) the village was in being; None: all of them. A village set up
    # or 撤销 inside the period owes a report only for its own days.
    days_due: int | None = None

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass(frozen=True)
class PeriodSummary:
    title: str
    date_from: date
    date_to: date
    days: int  # days of the period up to today: the days a village could have reported
    rows: tuple[SummaryRow, ...]
    kinds: tuple[str, ...] = field(default=PATROL_KINDS)

    def days_due(self, row: SummaryRow) -> int:
        """The days ``row``'s village should have reported on."""
        return self.days if row.days_due is None else min(self.days, row.days_due)

    def days_silent(self, row: SummaryRow) -> int:
        return max(0, self.days_due(row) - row.days_reported)

    def kind_total(self, kind: str) -> int:
        return sum(r.by_kind.get(kind, 0) for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def period_summary(db: Database, date_from: date, date_to: date, title: str = "") -> PeriodSummary:
    """Patrols per village and kind, days reported, findings and fire points over a period (SQL-side)."""
    if date_to < date_from:
        raise EcoDeskError(f"结束日期 {format_iso(date_to)} 早于开始日期 {format_iso(date_from)}")
    live = (Patrol.deleted_at.is_(None), Patrol.date >= date_from, Patrol.date <= date_to)
    last = min(date_to, dates.today())
    with db.session() as session:
        names = dict(villages_during(session, date_from, date_to))
        order = list(names)
        spans = lifespans(session, order)
        by_kind: dict[int, dict[str, int]] = defaultdict(dict)
        for vid, kind, n in session.execute(
            select(Patrol.village_id, Patrol.kind, func.count())
            .where(*live)
            .group_by(Patrol.village_id, Patrol.kind)
        ):
            by_kind[vid][kind] = n
        days = dict(
            session.execute(
                select(Patrol.village_id, func.count(func.distinct(Patrol.date)))
                .where(*live)
                .group_by(Patrol.village_id)
            )
            .tuples()
            .all()
        )
        found: Counter[int] = Counter()
        for vid, text in session.execute(
            select(Patrol.village_id, Patrol.findings).where(*live, Patrol.findings != "")
        ):
            if has_finding(text):
                found[vid] += 1
        fires = dict(
            session.execute(
                select(FirePoint.village_id, func.count())
                .where(FirePoint.deleted_at.is_(None), FirePoint.date >= date_from, FirePoint.date <= date_to)
                .group_by(FirePoint.village_id)
            )
            .tuples()
            .all()
        )
    rows = tuple(
        SummaryRow(
            vid,
            names[vid],
            by_kind.get(vid, {}),
            days.get(vid, 0),
            found[vid],
            fires.get(vid, 0),
            spans[vid].days_in(date_from, last),
        )
        for vid in order
    )
    span = max(0, (last - date_from).days + 1)
    title = title or f"巡查情况汇总（{format_iso(date_from)} 至 {format_iso(date_to)}）"
    return PeriodSummary(title, date_from, date_to, span, rows)


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week ``day`` falls in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def weekly_summary(db: Database, day: date) -> PeriodSummary:
    monday, sunday = week_of(day)
    title = f"巡查情况周汇总（{format_cn(monday)}—{format_cn(sunday)}）"
    return period_summary(db, monday, sunday, title)


def monthly_summary(db: Database, year: int, month: int) -> PeriodSummary:
    if not 1 <= month <= 12:
        raise EcoDeskError(f"月份应在1到12之间（收到 {month}）")
    first = date(year, month, 1)
    return period_summary(db, first, month_end(first), f"巡查情况月汇总（{year}年{month}月）")


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)


# The periods the clerk picks most (巡查汇总 menu, ``ecodesk report range --period``).
PRESETS = ("本周", "上周", "本月", "上月")


def preset_range(name: str, today: date) -> tuple[date, date]:
    """First and last day of 本周 / 上周 / 本月 / 上月 as seen on ``today``."""
    first = today.replace(day=1)
    if name == "本周":
        return week_of(today)
    if name == "上周":
        return week_of(today - timedelta(days=7))
    if name == "本月":
        return first, month_end(first)
    if name == "上月":
        previous = (first - timedelta(days=1)).replace(day=1)
        return previous, month_end(previous)
    raise EcoDeskError(f"没有“{name}”这个期间（可选：{'、'.join(PRESETS)}）")


def range_summary(db: Database, date_from: date, date_to: date) -> PeriodSummary:
    """Any period the clerk chooses; a whole week or month keeps the 周汇总/月汇总 title."""
    if date_from.weekday() == 0 and date_to == date_from + timedelta(days=6):
        return weekly_summary(db, date_from)
    if date_from.day == 1 and date_to == month_end(date_from):
        return monthly_summary(db, date_from.year, date_from.month)
    title = f"巡查情况汇总（{format_cn(date_from)}—{format_cn(date_to)}）"
    return period_summary(db, date_from, date_to, title)


def summary_file_name(date_from: date, date_to: date, suffix: str = ".xlsx") -> str:
    """What the saved file is called: 巡查汇总2024-10-01至2024-10-31.xlsx."""
    return f"巡查汇总{format_iso(date_from)}至{format_iso(date_to)}{suffix}"


# -- Excel --------------------------------------------------------------------------------------------------

_DAILY_HEADERS = (
    "序号",
    "村（社区）",
    "巡查类型",
    "时间",
    "网格",
    "巡查人员",
    "巡查路线/地点",
    "发现问题",
    "火点",
    "处置措施",
    "报送情况",
)
_DAILY_WIDTHS = (5, 11, 9, 12, 14, 16, 22, 30, 5, 24, 9)


class TableSheet:
    """A titled, ruled, print-ready write-only sheet (the record export's look, with row fills)."""

    def __init__(
        self, wb: Workbook, name: str, title: str, headers: Sequence[str], widths: Sequence[int]
    ) -> None:
        ws: WriteOnlyWorksheet = wb.create_sheet(sheet_title(name))
        self.ws, self.columns = ws, len(headers)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            ws.column_dimensions[get_column_letter(index)].width = column_width(width, header)
        ws.freeze_panes = "A3"
        set_print_layout(ws, 2)
        ws.row_dimensions[1].height = 32
        ws.merged_cells.add(f"A1:{get_column_letter(self.columns)}1")
        ws.append([styled_cell(ws, title, font=TITLE_FONT, alignment=CENTER)])
        ws.append(
            [
                styled_cell(ws, h, font=HEADER_FONT, fill=HEADER_FILL, border=HEADER_BORDER, alignment=CENTER)
                for h in headers
            ]
        )
        self.writer = RowWriter(ws)
        self.rows = 2

    def add(
        self, values: Sequence[Any], *, fill: PatternFill | None = None, font: Font | None = None
    ) -> None:
        if fill is None and font is None:
            self.ws.append(self.writer.row(values))
        else:
            self.ws.append([styled_cell(self.ws, v, fill=fill, font=font) for v in values])
        self.rows += 1

    def note(self, text: str) -> None:
        """A full-width line under the table (未报送 list, 制表 line)."""
        self.ws.merged_cells.add(f"A{self.rows + 1}:{get_column_letter(self.columns)}{self.rows + 1}")
        self.ws.append([styled_cell(self.ws, text)])
        self.rows += 1


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Write beside the target and swap in: a failure never leaves half a file (nor a write-only
    sheet's stream to fail again at exit, see :func:`ecodesk.exports.xlsx_export.save_workbook`)."""
    return xlsx_export.save_workbook(wb, path)


def write_daily_xlsx(report: DailyReport, path: Path) -> Path:
    """Sheet 日报明细: one row per patrol, a red row per village that reported nothing;
    sheet 火点: the day's fire points."""
    wb = Workbook(write_only=True)
    title = f"{report.town}巡查日报（{format_cn(report.day)}）"
    detail = TableSheet(wb, "日报明细", title, _DAILY_HEADERS, _DAILY_WIDTHS)
    n = 0
    for v in report.villages:
        if not v.reported:
            n += 1
            detail.add(
                [n, v.village, "", "", "", "", "", "", len(v.fires) or None, "", "未报送"], fill=SILENT_FILL
            )
            continue
        for p in v.patrols:
            n += 1
            detail.add(
                [
                    n,
                    v.village,
                    p.kind,
                    p.time,
                    p.grid,
                    p.patrollers,
                    p.place,
                    p.findings if p.has_finding else "未发现问题",
                    p.fire_count or None,
                    p.measures,
                    "已报送",
                ]
            )
    detail.add(
        [
            "合计",
            f"{len(report.reported)}/{len(report.villages)}个村已报送",
            f"{report.patrol_count}次",
            "",
            "",
            "",
            "",
            f"发现问题{report.finding_count}个",
            report.fire_count,
            "",
            f"未报送{len(report.silent)}个",
        ],
        font=TOTAL_FONT,
    )
    silent = "、".join(report.silent) or "无"
    detail.note(f"未报送巡查情况的村（社区）：{silent}")

    fires = TableSheet(
        wb,
        "火点",
        f"{report.town}火点情况（{format_cn(report.day)}）",
        ("序号", "村（社区）", "来源", "位置", "通报编号", "处置状态"),
        (5, 11, 10, 28, 16, 9),
    )
    n = 0
    for v in report.villages:
        for f in v.fires:
            n += 1
            fires.add([n, v.village, f.source, f.place, f.notice_no, f.status])
    if not n:
        fires.note("当日未发现火点")
    return save_workbook(wb, path)


@dataclass(frozen=True)
class SummaryTable:
    """A period summary as the printed table: the Excel sheet and the PDF show the same cells."""

    headers: tuple[str, ...]
    widths: tuple[int, ...]  # in digit-characters, as the xlsx measures them
    rows: tuple[tuple[Any, ...], ...]  # one per village
    silent: tuple[bool, ...]  # per row: the village reported nothing in the period
    totals: tuple[Any, ...]
    note: str


def summary_table(summary: PeriodSummary) -> SummaryTable:
    """One row per village: patrols by kind, total, days reported / silent, findings, fire points."""
    headers = ("序号", "村（社区）", *summary.kinds, "巡查合计", "报送天数", "未报送天数", "发现问题", "火点")
    widths = (5, 11, *(7 for _ in summary.kinds), 8, 8, 9, 8, 6)
    rows: list[tuple[Any, ...]] = []
    for n, row in enumerate(summary.rows, 1):
        values = [n, row.village, *(row.by_kind.get(k, 0) for k in summary.kinds)]
        values += [row.total, row.days_reported, summary.days_silent(row), row.findings, row.fire_points]
        rows.append(tuple(values))
    totals = ["合计", f"{len(summary.rows)}个村（社区）", *(summary.kind_total(k) for k in summary.kinds)]
    totals += [
        summary.total,
        sum(r.days_reported for r in summary.rows),
        sum(summary.days_silent(r) for r in summary.rows),
        sum(r.findings for r in summary.rows),
        sum(r.fire_points for r in summary.rows),
    ]
    note = f"统计期间：{format_cn(summary.date_from)}至{format_cn(summary.date_to)}，应报送{summary.days}天。"
    partial = [
        f"{r.village}{summary.days_due(r)}天" for r in summary.rows if summary.days_due(r) < summary.days
    ]
    if partial:
        note += f"期间内设立或撤销的村（社区）按在册天数计：{'、'.join(partial)}。"
    silent = tuple(row.total == 0 and bool(summary.days_due(row)) for row in summary.rows)
    return SummaryTable(headers, widths, tuple(rows), silent, tuple(totals), note)


def write_summary_xlsx(summary: PeriodSummary, path: Path, town: str = "") -> Path:
    """One row per village: patrols by kind, total, days reported / silent, findings, fire points."""
    table = summary_table(summary)
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, "汇总", f"{town}{summary.title}", table.headers, table.widths)
    for values, silent in zip(table.rows, table.silent, strict=True):
        sheet.add(values, fill=SILENT_FILL if silent else None)
    sheet.add(table.totals, font=TOTAL_FONT)
    sheet.note(table.note)
    return save_workbook(wb, path)


def render_summary_pdf(db: Database, summary: PeriodSummary, path: Path) -> int:
    """The same table as :func:`write_summary_xlsx`, printed by the one list-PDF engine
    (:func:`ecodesk.exports.table_pdf.write_table_pdf`). Returns the page count."""
    from ecodesk.documents.fonts import resolve_fonts
    from ecodesk.exports.table_pdf import write_table_pdf

    current = settings_service.load(db)
    table = summary_table(summary)
    cells = [tuple("" if v is None else str(v) for v in row) for row in (*table.rows, table.totals)]
    return write_table_pdf(
        Path(path),
        f"{current.town_name}{summary.title}",
        table.headers,
        table.widths,
        cells,
        resolve_fonts(current.font_files or None),
        subtitle=table.note,
    )


def write_summary(db: Database, summary: PeriodSummary, path: Path) -> Path:
    """The summary as .xlsx or .pdf, by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_summary_xlsx(summary, path, settings_service.load(db).town_name)
    if suffix == ".pdf":
        render_summary_pdf(db, summary, path)
        return path
    raise EcoDeskError(f"巡查汇总只能保存为 .xlsx 或 .pdf（收到“{path.name}”）")


def write_fire_counts_xlsx(db: Database, year: int, path: Path) -> Path:
    """火点 per village (rows) and month (columns) of a year, with totals."""
    from ecodesk.services.patrols import fire_counts

    counts = fire_counts(db, year)
    town = settings_service.load(db).town_name
    headers = ("序号", "村（社区）", *(f"{m}月" for m in range(1, 13)), "合计")
    wb = Workbook(write_only=True)
    sheet = TableSheet(
        wb, "火点统计", f"{town}{year}年火点统计", headers, (5, 11, *(5 for _ in range(12)), 6)
    )
    for n, (vid, name) in enumerate(counts.villages, 1):
        sheet.add([n, name, *(counts.of(vid, m) or None for m in range(1, 13)), counts.village_total(vid)])
    sheet.add(["合计", "", *(counts.month_total(m) for m in range(1, 13)), counts.total], font=TOTAL_FONT)
    return save_workbook(wb, path)


# -- the 通报 PDF -------------------------------------------------------------------------------------------


def _organ(db: Database) -> tuple[str, str]:
    """(name, red mark) of the issuing organ: the environmental office when set up, else the first."""
    current = settings_service.load(db)
    organs = current.organ_list()
    for organ in organs:
        if "环" in organ.name:
            return organ.name, organ.mark
    if organs:
        return organs[0].name, organs[0].mark
    town = current.town_name or "本镇"
    return f"{town}人民政府", f"{town}人民政府文件"


def daily_report_spec(db: Database, report: DailyReport, issued: date | None = None) -> DocumentSpec:
    """The day's 通报 as a GB/T 9704 document: summary, findings, fire points, who did not report,
    and the per-village detail as its attachment."""
    name, mark = _organ(db)
    current = settings_service.load(db)
    total = len(report.villages)
    kinds = "、".join(f"{k}{n}次" for k, n in report.kind_counts.items())
    opening = (
        f"{format_cn(report.day)}，全镇{total}个村（社区）中{len(report.reported)}个报送了巡查情况，"
        f"共开展巡查{report.patrol_count}次"
        + (f"（{kinds}）" if kinds else "")
        + f"，发现问题{report.finding_count}个，发现火点{report.fire_count}处。现将有关情况通报如下："
    )
    paragraphs = [opening, "一、巡查发现的问题"]
    n = 0
    for v in report.villages:
        for p in v.findings:
            n += 1
            who = f"，{p.patrollers}" if p.patrollers else ""
            measures = (
                f"处置情况：{p.measures.strip().rstrip('。')}。" if p.measures.strip() else "尚未处置。"
            )
            paragraphs.append(
                f"{n}.{v.village}（{p.kind}{who}）：{p.findings.strip().rstrip('。')}。{measures}"
            )
    if not n:
        paragraphs.append("当日各村（社区）巡查均未发现问题。")
    paragraphs.append("二、火点情况")
    fire_lines = []
    for v in report.villages:
        if v.fires:
            sources = Counter(f.source for f in v.fires)
            detail = "、".join(f"{s}{c}处" for s, c in sources.items())
            fire_lines.append(f"{v.village}{len(v.fires)}处（{detail}）")
    if fire_lines:
        paragraphs.append(
            f"当日共发现火点{report.fire_count}处：{'；'.join(fire_lines)}。相关村（社区）要查明原因，落实整改。"
        )
    else:
        paragraphs.append("当日全镇未发现火点。")
    paragraphs.append("三、未报送巡查情况的村（社区）")
    if report.silent:
        paragraphs.append(
            f"{'、'.join(report.silent)}，共{len(report.silent)}个村（社区）未报送当日巡查情况。"
            "请以上村（社区）于次日上午10时前补报，并说明未报送原因。"
        )
    else:
        paragraphs.append("各村（社区）均已报送当日巡查情况。")
    paragraphs += [
        "四、工作要求",
        "各村（社区）要严格落实“日督查、日通报、日报告”制度，按时报送巡查结果；"
        "对巡查发现的问题要立行立改，不能立即整改的要明确责任人和整改时限，确保“无火、无烟、无斑”。",
    ]
    lines: list[str] = []
    for i, v in enumerate(report.villages, 1):
        if not v.reported:
            extra = f"，火点{len(v.fires)}处" if v.fires else ""
            lines.append(f"{i}.{v.village}：未报送{extra}。")
            continue
        found = f"发现问题{len(v.findings)}个" if v.findings else "未发现问题"
        fires = f"，火点{len(v.fires)}处" if v.fires else ""
        lines.append(f"{i}.{v.village}：巡查{len(v.patrols)}次（{v.kind_text}），{found}{fires}。")
    return DocumentSpec(
        kind="通报",
        organ_mark=mark,
        title=f"关于{format_cn(report.day)}全镇生态环境巡查情况的通报",
        body="\n\n".join(paragraphs),
        signature=name,
        date=issued or report.day,
        recipients=current.default_recipients or "各村（社区）、各单位",
        attachments=(Attachment("各村（社区）巡查情况", "\n\n".join(lines)),),
        printing_organ=current.printing_organ,
        printing_date=issued or report.day,
    )


def render_daily_pdf(db: Database, report: DailyReport, path: Path, issued: date | None = None) -> int:
    """The day's 通报 printed as a 信息: no red 文件 header and no 发文字号 (see SPEC §3.2).

    A town circulates one every day; numbering each as a 公文 would fill the register and spend the
    organ's 发文字号 on routine notices, and a red 文件 head without a number is wrong on paper. A
    通报 that needs the organ's authority goes through the register (问题整改's 起草整改通报).
    Returns the page count.
    """
    spec = daily_report_spec(db, report, issued)
    return render_info_pdf(spec, Path(path), settings_service.load(db).font_files or None)


_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def render_info_pdf(spec: DocumentSpec, path: Path, font_files: Any = None) -> int:
    """A 信息 on A4 portrait in the 公文 fonts and type area, without the red head: title, issuer and
    date, 主送, body (一、 headings in 黑体), 落款, then the attachment's lines. Written atomically."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    from ecodesk.documents.fonts import FANGSONG, HEI, KAI, SONG, XBS, resolve_fonts
    from ecodesk.documents.glyphs import markup

    fonts = resolve_fonts(font_files)
    fang, hei, kai, song = fonts.alias(FANGSONG), fonts.alias(HEI), fonts.alias(KAI), fonts.alias(SONG)
    body = ParagraphStyle("body", fontName=fang, fontSize=16, leading=28, firstLineIndent=32, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontName=hei)
    flush = ParagraphStyle("flush", parent=body, firstLineIndent=0)
    right = ParagraphStyle("right", parent=flush, alignment=2)
    title = ParagraphStyle("title", fontName=fonts.alias(XBS), fontSize=22, leading=34, alignment=1)
    byline = ParagraphStyle("byline", fontName=kai, fontSize=16, leading=28, alignment=1)

    def p(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(markup(text, style.fontName), style)  # user text is never markup

    story: list[Any] = [
        p(spec.title, title),
        p(f"{spec.signature}　{format_cn(spec.date)}", byline),
        Spacer(1, 6 * mm),
    ]
    if spec.recipients:
        story.append(p(f"{spec.recipients}：", flush))
    paragraphs = [p(text, heading if _HEADING.match(text) else body) for text in spec.paragraphs]
    signed = [Spacer(1, 10 * mm), p(f"{spec.signature}　　", right), p(f"{format_cn(spec.date)}　　", right)]
    # The 落款 never stands alone on a page: it goes over with the last paragraph.
    story += [*paragraphs[:-1], KeepTogether([*paragraphs[-1:], *signed])]
    for attachment in spec.attachments:
        story += [Spacer(1, 8 * mm), p(f"附：{attachment.title}", heading)]
        story += [p(line, body) for line in split_paragraphs(attachment.body)]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(song, 14)
        canvas.drawCentredString(A4[0] / 2, 18 * mm, f"— {doc.page} —")

    with atomic_file(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=28 * mm,
            rightMargin=26 * mm,
            topMargin=30 * mm,
            bottomMargin=30 * mm,
            title=spec.title,
            author=spec.signature,
            initialFontName=song,  # else reportlab puts a non-embedded Helvetica in the file
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return int(doc.page)


def write_daily(db: Database, day: date, path: Path, *, table: bool = False) -> Path:
    """The daily report for ``day`` as .pdf (the 通报, or with ``table`` the 日报表) or .xlsx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise EcoDeskError(f"日报只能保存为 .pdf 或 .xlsx（收到“{path.name}”）")
    report = daily_report(db, day)
    if suffix == ".pdf" and table:
        render_daily_table_pdf(db, report, path)
    elif suffix == ".pdf":
        render_daily_pdf(db, report, path)
    else:
        write_daily_xlsx(report, path)
    return path


# -- the 日报表: the same day as one ruled table (A4 landscape), for posting and filing --------------------

_TABLE_HEADERS = (
    "序号",
    "村（社区）",
    "巡查类型",
    "时间",
    "巡查人员",
    "巡查路线/地点",
    "发现问题",
    "火点",
    "处置措施",
)
_TABLE_WIDTHS_MM = (11, 22, 20, 24, 34, 40, 52, 11, 48)


def render_daily_table_pdf(db: Database, report: DailyReport, path: Path) -> int:
    """The daily report as a table, one row per patrol and a shaded row per silent village;
    header repeated on every page, fonts embedded. Written atomically; returns the page count."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from ecodesk.documents.fonts import HEI, SONG, XBS, resolve_fonts
    from ecodesk.documents.glyphs import markup

    fonts = resolve_fonts(settings_service.load(db).font_files or None)
    song, hei, xbs = fonts.alias(SONG), fonts.alias(HEI), fonts.alias(XBS)
    cell = ParagraphStyle("cell", fontName=song, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontName=hei, alignment=1)
    title = ParagraphStyle("title", fontName=xbs, fontSize=18, leading=26, alignment=1)
    note = ParagraphStyle("note", fontName=song, fontSize=10.5, leading=16)

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(markup(text, style.fontName), style)  # user text is never markup

    rows: list[list[Any]] = [[p(h, head) for h in _TABLE_HEADERS]]
    shaded: list[int] = []
    n = 0
    for v in report.villages:
        if not v.reported:
            n += 1
            shaded.append(len(rows))
            fires = str(len(v.fires)) if v.fires else ""
            rows.append([p(str(n)), p(v.village), p("未报送"), p(""), p(""), p(""), p(""), p(fires), p("")])
            continue
        for line in v.patrols:
            n += 1
            rows.append(
                [
                    p(str(n)),
                    p(v.village),
                    p(line.kind),
                    p(line.time),
                    p(line.patrollers),
                    p(line.place),
                    p(line.findings if line.has_finding else "未发现问题"),
                    p(str(line.fire_count) if line.fire_count else ""),
                    p(line.measures),
                ]
            )
    table = Table(rows, colWidths=[w * mm for w in _TABLE_WIDTHS_MM], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E1F2")),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#FCE4D6")) for r in shaded]
    table.setStyle(TableStyle(style))
    summary = (
        f"全镇{len(report.villages)}个村（社区），已报送{len(report.reported)}个，共巡查{report.patrol_count}次，"
        f"发现问题{report.finding_count}个，火点{report.fire_count}处。"
        f"未报送：{'、'.join(report.silent) or '无'}。"
    )
    story = [
        p(f"{report.town}生态环境巡查日报表", title),
        p(format_cn(report.day), head),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        p(summary, note),
        p("制表人：　　　　　　　审核人：　　　　　　　日期：", note),
    ]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(song, 9)
        canvas.drawCentredString(landscape(A4)[0] / 2, 8 * mm, f"第 {doc.page} 页")

    with atomic_file(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=landscape(A4),
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=14 * mm,
            title=f"{report.town}生态环境巡查日报表（{format_cn(report.day)}）",
            initialFontName=song,  # else reportlab puts a non-embedded Helvetica in the file
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return int(doc.page)
