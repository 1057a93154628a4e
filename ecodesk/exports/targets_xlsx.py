"""目标指标完成情况表 (.xlsx): indicators × twelve months, 年累计, 目标 and 状态, ready to print.

Laid out like the appraisal sheet (:mod:`ecodesk.appraisal.sheet_xlsx`) and with the same styles
(:mod:`ecodesk.exports.xlsx_style`): a merged title, a line saying as of when and how the figures are
made, one header row, one row per indicator with its unit, the months as numbers (formatted to the
indicator's decimals, so Excel can still add them up), then a 计算方法 sheet-foot with each
indicator's method. A4 landscape, one page wide, the header repeated on every page. Knows nothing of
records: the service hands it plain rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.exports.xlsx_export import save_workbook
from ecodesk.exports.xlsx_style import (
    CENTER,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    put,
    set_print_layout,
    sheet_title,
)

BODY_FONT = Font(name="宋体", size=11)
NOTE_FONT = Font(name="宋体", size=10)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
STATUS_FILLS = {
    "达标": PatternFill("solid", fgColor="E2EFDA"),
    "正常": PatternFill("solid", fgColor="E2EFDA"),
    "有风险": PatternFill("solid", fgColor="FFF2CC"),
    "未达标": PatternFill("solid", fgColor="FCE4D6"),
}
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = 4
MONTH_COLUMNS = 12
# 序号, 指标, 单位, 1–12月, 年累计, 目标, 状态
WIDTHS = (5, 16, 8, *([7] * MONTH_COLUMNS), 9, 10, 8)


@dataclass(frozen=True)
class TargetLine:
    name: str
    unit: str
    months: Sequence[float | None]  # twelve, January first
    decimals: int
    actual: float | None
    target: str  # ≤34μg/m³ / 未设目标
    status: str
    method: str


@dataclass(frozen=True)
class TargetSheet:
    title: str  # XX镇2026年度目标指标完成情况
    note: str  # 统计截至2026年11月28日 …
    lines: Sequence[TargetLine]
    status_rule: str


def _number_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


def write_targets_sheet(ws: Worksheet, data: TargetSheet) -> None:
    last_col = len(WIDTHS)
    ws.title = sheet_title("目标指标")
    put(ws, TITLE_ROW, 1, data.title, font=TITLE_FONT, alignment=CENTER)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_col)
    ws.row_dimensions[TITLE_ROW].height = 36
    put(ws, NOTE_ROW, 1, data.note, font=NOTE_FONT, alignment=LEFT)
    ws.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=last_col)
    ws.row_dimensions[NOTE_ROW].height = 20
    headers = ("序号", "指标", "单位", *(f"{m}月" for m in range(1, 13)), "年累计", "目标", "状态")
    for col, text in enumerate(headers, start=1):
        put(
            ws,
            HEADER_ROW,
            col,
            text,
            font=HEADER_FONT,
            fill=HEADER_FILL,
            border=HEADER_BORDER,
            alignment=CENTER,
        )
    ws.row_dimensions[HEADER_ROW].height = 24
    row = FIRST_ROW
    for number, line in enumerate(data.lines, start=1):
        style = {"font": BODY_FONT, "border": HEADER_BORDER, "alignment": CENTER}
        put(ws, row, 1, number, **style)
        put(ws, row, 2, line.name, font=BODY_FONT, border=HEADER_BORDER, alignment=LEFT)
        put(ws, row, 3, line.unit, **style)
        fmt = _number_format(line.decimals)
        for m in range(MONTH_COLUMNS):
            value = line.months[m] if m < len(line.months) else None
            cell = put(
                ws, row, 4 + m, None if value is None else round(value, max(0, line.decimals)), **style
            )
            cell.number_format = fmt
        actual = put(
            ws, row, 16, None if line.actual is None else round(line.actual, max(0, line.decimals)), **style
        )
        actual.number_format = fmt
        actual.font = Font(name="宋体", size=11, bold=True)
        put(ws, row, 17, line.target, **style)
        status = put(ws, row, 18, line.status, **style)
        if line.status in STATUS_FILLS:
            status.fill = STATUS_FILLS[line.status]
        ws.row_dimensions[row].height = 22
        row += 1
    row += 1
    put(ws, row, 1, "计算方法：", font=HEADER_FONT, alignment=LEFT)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    for line in data.lines:
        row += 1
        put(ws, row, 1, f"{line.name}：{line.method}", font=NOTE_FONT, alignment=LEFT)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        ws.row_dimensions[row].height = 28
    row += 1
    put(ws, row, 1, f"状态：{data.status_rule}", font=NOTE_FONT, alignment=LEFT)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 44
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=4).coordinate
    set_print_layout(ws, HEADER_ROW)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def write_workbook(data: TargetSheet, path: Path) -> Path:
    """Write the table to ``path`` (the whole file or the old one, never half)."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    write_targets_sheet(ws, data)
    return save_workbook(wb, Path(path))
