"""The year-end appraisal sheet (.xlsx, SPEC §5): 得分表 and 扣分依据.

得分表: merged title, a line with the full marks and the weight, a two-level header (category over its
items, each item with its maximum), one row per village in the town's order, total, converted score
and rank, then the 制表人 / 审核人 / 日期 line. A4 landscape fit to width, header rows repeated on every
page, panes frozen below the header and right of the village. 扣分依据: every record behind a computed
deduction and every manual adjustment with its reason.

Written in openpyxl's normal mode (twenty villages; merges and styles need it) to a temporary file
that replaces the target only when complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.appraisal.sheet import EvidenceLine, Sheet
from ecodesk.dates import format_cn
from ecodesk.exports.xlsx_export import save_workbook
from ecodesk.exports.xlsx_style import (
    CENTER,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    column_width,
    display_width,
    put,
    set_print_layout,
    sheet_title,
)

SCORE_FORMAT = "0.00"
RANK_FORMAT = "0"
BODY_FONT = Font(name="宋体", size=11)
TOTAL_FONT = Font(name="宋体", size=11, bold=True)
NOTE_FONT = Font(name="宋体", size=10)
SIGN_FONT = Font(name="宋体", size=12)
BONUS_FILL = PatternFill("solid", fgColor="E2EFDA")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_ROWS = (3, 4)  # the two header rows, repeated on every printed page
FIRST_DATA_ROW = 5


def _header(ws: Worksheet, row: int, column: int, text: str, *, fill: PatternFill = HEADER_FILL) -> None:
    put(ws, row, column, text, font=HEADER_FONT, fill=fill, border=HEADER_BORDER, alignment=CENTER)


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _item_header(name: str, max_score: float, bonus: bool) -> str:
    return f"{name}\n（加分，≤{max_score:g}分）" if bonus else f"{name}\n（{max_score:g}分）"


def write_score_sheet(ws: Worksheet, data: Sheet, today: date) -> None:
    items = [i for _c, group in data.categories() for i in group]
    first_item_col = 3
    total_col = first_item_col + len(items)
    converted_col, rank_col = total_col + 1, total_col + 2
    last_col = rank_col

    ws.title = sheet_title("考核得分表")
    put(ws, 1, 1, f"{data.title}得分表", font=TITLE_FONT, alignment=CENTER)
    _merge(ws, 1, 1, 1, last_col)
    ws.row_dimensions[1].height = 36
    bonus = f"，另设加分项目{data.bonus_max:g}分" if data.bonus_max else ""
    state = f"已于{format_cn(data.finalised_at.date())}定稿" if data.finalised_at else "未定稿"
    put(
        ws,
        2,
        1,
        f"满分{data.full_marks:g}分{bonus}；考核结果按{data.weight:g}%纳入年终对村考核分值。（{state}）",
        font=NOTE_FONT,
        alignment=LEFT,
    )
    _merge(ws, 2, 1, 2, last_col)
    ws.row_dimensions[2].height = 20

    top, sub = HEADER_ROWS
    for column, text in (
        (1, "序号"),
        (2, "村（社区）"),
        (total_col, "合计"),
        (converted_col, f"折算分\n（×{data.weight:g}%）"),
        (rank_col, "排名"),
    ):
        _header(ws, top, column, text, fill=TOTAL_FILL if column >= total_col else HEADER_FILL)
        _header(ws, sub, column, "", fill=TOTAL_FILL if column >= total_col else HEADER_FILL)
        _merge(ws, top, column, sub, column)
    column = first_item_col
    for category, group in data.categories():
        fill = BONUS_FILL if all(i.bonus for i in group) else HEADER_FILL
        for offset, item in enumerate(group):
            _header(ws, top, column + offset, category if offset == 0 else "", fill=fill)
            _header(ws, sub, column + offset, _item_header(item.name, item.max_score, item.bonus), fill=fill)
        _merge(ws, top, column, top, column + len(group) - 1)
        column += len(group)
    ws.row_dimensions[top].height = 30
    ws.row_dimensions[sub].height = 62

    row = FIRST_DATA_ROW
    for n, village in enumerate(data.rows, 1):
        put(ws, row, 1, n, font=BODY_FONT, border=HEADER_BORDER, alignment=CENTER)
        put(ws, row, 2, village.village, font=BODY_FONT, border=HEADER_BORDER, alignment=CENTER)
        for offset, item in enumerate(items):
            cell = village.cells.get(item.id)
            put(
                ws,
                row,
                first_item_col + offset,
                cell.final if cell is not None else None,
                font=BODY_FONT,
                border=HEADER_BORDER,
                alignment=CENTER,
                number_format=SCORE_FORMAT,
            )
        put(
            ws,
            row,
            total_col,
            village.total,
            font=TOTAL_FONT,
            border=HEADER_BORDER,
            alignment=CENTER,
            number_format=SCORE_FORMAT,
        )
        put(
            ws,
            row,
            converted_col,
            village.converted,
            font=TOTAL_FONT,
            border=HEADER_BORDER,
            alignment=CENTER,
            number_format=SCORE_FORMAT,
        )
        put(
            ws,
            row,
            rank_col,
            village.rank,
            font=TOTAL_FONT,
            border=HEADER_BORDER,
            alignment=CENTER,
            number_format=RANK_FORMAT,
        )
        ws.row_dimensions[row].height = 22
        row += 1

    row += 1
    put(
        ws,
        row,
        1,
        "说明：各项得分不低于0分；计算扣分的依据见“扣分依据”工作表。排名按合计分，同分同名次。",
        font=NOTE_FONT,
        alignment=LEFT,
    )
    _merge(ws, row, 1, row, last_col)
    row += 2
    # 制表人 / 审核人 / 日期 spread over the width, each with room to sign.
    thirds = max(1, last_col // 3)
    for k, text in enumerate(("制表人：", "审核人：", f"日期：{today.year}年    月    日")):
        start = 1 + k * thirds
        end = last_col if k == 2 else start + thirds - 1
        put(ws, row, start, text, font=SIGN_FONT, alignment=LEFT)
        _merge(ws, row, start, row, end)
    ws.row_dimensions[row].height = 30

    widths = {1: 5, 2: 12, total_col: 8, converted_col: 9, rank_col: 6}
    for col in range(1, last_col + 1):
        width = widths.get(col, 10)
        ws.column_dimensions[get_column_letter(col)].width = column_width(width, "")
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=first_item_col).coordinate
    set_print_layout(ws, 2)
    ws.print_options.gridLines = False  # the table has its own borders; the title and signatures none
    ws.print_title_rows = f"{top}:{sub}"
    ws.page_margins.left = ws.page_margins.right = 0.3


def write_evidence_sheet(ws: Worksheet, data: Sheet, lines: Sequence[EvidenceLine]) -> None:
    headers = ("序号", "村（社区）", "考核项目", "日期", "扣分依据 / 调整原因", "分值")
    widths = (6, 12, 22, 11, 80, 8)
    put(ws, 1, 1, f"{data.title}扣分依据", font=TITLE_FONT, alignment=CENTER)
    _merge(ws, 1, 1, 1, len(headers))
    ws.row_dimensions[1].height = 32
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), 1):
        _header(ws, 2, col, text)
        ws.column_dimensions[get_column_letter(col)].width = column_width(width, text)
    row = 3
    for n, line in enumerate(lines, 1):
        item = line.item.rpartition(" / ")[2]  # the category is in the 得分表; the item names it here
        values: tuple[Any, ...] = (n, line.village, item, line.day, line.text, line.points)
        for col, value in enumerate(values, 1):
            put(
                ws,
                row,
                col,
                value,
                font=BODY_FONT,
                border=HEADER_BORDER,
                alignment=LEFT if col in (3, 5) else CENTER,
                number_format=SCORE_FORMAT if col == 6 else "General",
            )
        # Heights set, not left to the reader: Excel, WPS and LibreOffice do not all grow wrapped rows.
        wrapped = max(
            -(-display_width(line.text) // (widths[4] - 2)), -(-display_width(item) // (widths[2] - 2)), 1
        )
        ws.row_dimensions[row].height = 16 * wrapped + 2
        row += 1
    if not lines:
        put(ws, row, 1, "本年度没有计算扣分或人工调整。", font=NOTE_FONT)
        _merge(ws, row, 1, row, len(headers))
    ws.freeze_panes = "A3"
    set_print_layout(ws, 2)
    ws.print_options.gridLines = False


def adjustment_lines(data: Sheet) -> list[EvidenceLine]:
    """Every manual adjustment, as evidence lines (the reason is the basis)."""
    out = []
    names = {i.id: f"{i.category} / {i.name}" for i in data.items}
    for village in data.rows:
        for item in data.items:
            cell = village.cells.get(item.id)
            if cell is not None and cell.adjustment:
                sign = "加" if cell.adjustment > 0 else "减"
                out.append(
                    EvidenceLine(
                        names[item.id],
                        village.village,
                        "appraisal_scores",
                        cell.score_id,
                        "",
                        f"人工调整（{sign}{abs(cell.adjustment):g}分）：{cell.reason}",
                        cell.adjustment,
                    )
                )
    return out


def write_workbook(data: Sheet, lines: Sequence[EvidenceLine], path: Path, today: date) -> Path:
    wb = Workbook()
    score_ws = wb.active
    assert score_ws is not None
    write_score_sheet(score_ws, data, today)
    villages = {r.village: n for n, r in enumerate(data.rows)}
    items = {f"{i.category} / {i.name}": n for n, i in enumerate(data.items)}
    merged = sorted(
        [*lines, *adjustment_lines(data)],
        key=lambda e: (villages.get(e.village, 0), items.get(e.item, 0), e.table == "appraisal_scores"),
    )
    write_evidence_sheet(wb.create_sheet(sheet_title("扣分依据")), data, merged)
    return _save(wb, Path(path))


def _save(wb: Workbook, path: Path) -> Path:
    """Write beside the target and swap in: a failure (a full USB stick) never leaves half a file,
    nor a half-written zip to fail again at exit (see ``exports.xlsx_export.save_workbook``)."""
    return save_workbook(wb, path)
