"""Signing coverage and the list of who has not signed, as an Excel workbook or a PDF.

The workbook has two sheets, 签订情况 (one row per village, the total last) and 未签名单 (every 待签
letter by village and 组), each with a merged title, a ruled header, frozen panes and A4 print set-up
from :mod:`ecodesk.exports.xlsx_style`. The PDF prints the same two tables for the 督查 meeting.
Both are written beside the target and renamed when complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ecodesk import __version__
from ecodesk.dates import format_cn
from ecodesk.documents.fonts import HEI, SONG, XBS, FontReport
from ecodesk.exports.xlsx_export import save_workbook
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
from ecodesk.jobs import Job

COVERAGE_HEADERS = ("村（社区）", "应签", "已签", "未签", "作废", "签订率")
COVERAGE_WIDTHS = (18, 8, 8, 8, 8, 10)
UNSIGNED_HEADERS = ("编号", "类别", "村（社区）", "组", "户主/单位", "负责人", "地址")
UNSIGNED_WIDTHS = (10, 18, 14, 8, 20, 10, 28)


def coverage_values(row: Any) -> list[Any]:
    return [row.village, row.required, row.signed, row.pending, row.void, row.rate_text]


def unsigned_values(row: Any) -> list[Any]:
    person = "" if row.person == row.name else row.person  # a household head is not listed twice
    return [row.number, row.kind, row.village, row.group, row.name, person, row.address]


def _sheet(
    wb: Workbook,
    name: str,
    title: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[list[Any]],
) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(sheet_title(name))
    last = get_column_letter(len(headers))
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(index)].width = column_width(width, header)
    ws.freeze_panes = "A3"
    set_print_layout(ws, 2)
    ws.page_setup.orientation = "portrait"
    ws.row_dimensions[1].height = 32
    ws.merged_cells.add(f"A1:{last}1")
    ws.append([styled_cell(ws, title, font=TITLE_FONT, alignment=CENTER)])
    ws.append(
        [
            styled_cell(ws, h, font=HEADER_FONT, fill=HEADER_FILL, border=HEADER_BORDER, alignment=CENTER)
            for h in headers
        ]
    )
    writer = RowWriter(ws)
    for row in rows:
        ws.append(writer.row(row))
    ws.auto_filter.ref = f"A2:{last}{2 + max(len(rows), 1)}"


def write_xlsx(path: Path, title: str, coverage_rows: Sequence[Any], unsigned_rows: Sequence[Any]) -> None:
    wb = Workbook(write_only=True)
    _sheet(
        wb,
        "签订情况",
        f"{title}签订情况",
        COVERAGE_HEADERS,
        COVERAGE_WIDTHS,
        [coverage_values(r) for r in coverage_rows],
    )
    _sheet(
        wb,
        "未签名单",
        f"{title}未签名单（共{len(unsigned_rows)}份）",
        UNSIGNED_HEADERS,
        UNSIGNED_WIDTHS,
        [unsigned_values(r) for r in unsigned_rows],
    )
    save_workbook(wb, Path(path))  # closes the sheets' streams if the save fails


def _atomic(path: Path, suffix: str, write: Any) -> None:
    with atomic_file(Path(path)) as tmp:
        write(str(tmp))


# -- PDF -----------------------------------------------------------------------------------------

_MM = 72.0 / 25.4
_W, _H = float(A4[0]), float(A4[1])
_LEFT, _RIGHT = 20 * _MM, _W - 20 * _MM
_TOP, _BOTTOM = _H - 20 * _MM, 18 * _MM
_ROW = 20.0
_SIZE = 10.5


class _TablePdf:
    def __init__(self, canvas: Canvas, fonts: FontReport, footer: str) -> None:
        self.c = canvas
        self.song = fonts.alias(SONG)
        self.hei = fonts.alias(HEI)
        self.xbs = fonts.alias(XBS)
        self.footer = footer
        self.page = 1
        self.y = _TOP

    def title(self, text: str) -> None:
        w = stringWidth(text, self.xbs, 18)
        self.c.setFont(self.xbs, 18)
        self.c.drawString((_W - w) / 2, self.y - 18, text)
        self.y -= 18 * 2.2

    def fit(self, text: str, font: str, width: float) -> str:
        """Cut a cell's text to its column (a long address must not run into the next cell)."""
        if stringWidth(text, font, _SIZE) <= width:
            return text
        while text and stringWidth(text + "…", font, _SIZE) > width:
            text = text[:-1]
        return text + "…"

    def table(
        self, headers: Sequence[str], widths: Sequence[int], rows: Sequence[list[Any]], job: Job | None
    ) -> None:
        scale = (_RIGHT - _LEFT) / sum(widths)
        xs = [_LEFT]
        for w in widths:
            xs.append(xs[-1] + w * scale)

        def row(values: Sequence[Any], font: str, shade: bool = False) -> None:
            if self.y - _ROW < _BOTTOM:
                self.new_page()
                row(headers, self.hei, True)
            c = self.c
            if shade:
                c.setFillGray(0.9)
                c.rect(_LEFT, self.y - _ROW, _RIGHT - _LEFT, _ROW, stroke=0, fill=1)
                c.setFillGray(0)
            c.setLineWidth(0.5)
            c.line(_LEFT, self.y - _ROW, _RIGHT, self.y - _ROW)
            for x in xs:
                c.line(x, self.y, x, self.y - _ROW)
            if shade:
                c.line(_LEFT, self.y, _RIGHT, self.y)
            c.setFont(font, _SIZE)
            for k, value in enumerate(values):
                text = self.fit("" if value is None else str(value), font, xs[k + 1] - xs[k] - 6)
                if isinstance(value, int | float) or (isinstance(value, str) and value.endswith("%")):
                    c.drawRightString(xs[k + 1] - 3, self.y - _ROW + 6, text)
                else:
                    c.drawString(xs[k] + 3, self.y - _ROW + 6, text)
            self.y -= _ROW

        row(headers, self.hei, True)
        for n, values in enumerate(rows):
            if job is not None and n % 500 == 0:
                job.report(n, len(rows), "正在生成未签名单……")
            row(values, self.hei if values and values[0] == "合计" else self.song)
        self.y -= _ROW

    def new_page(self) -> None:
        self.finish_page()
        self.c.showPage()
        self.page += 1
        self.y = _TOP

    def finish_page(self) -> None:
        self.c.setFont(self.song, 9)
        self.c.setFillGray(0.35)
        self.c.drawString(_LEFT, _BOTTOM - 20, self.footer)
        self.c.drawRightString(_RIGHT, _BOTTOM - 20, f"第 {self.page} 页")
        self.c.setFillGray(0)


def write_pdf(
    path: Path,
    title: str,
    coverage_rows: Sequence[Any],
    unsigned_rows: Sequence[Any],
    fonts: FontReport,
    made: Any,
    job: Job | None = None,
) -> None:
    def write(tmp: str) -> None:
        c = Canvas(tmp, pagesize=A4, initialFontName=fonts.alias(SONG))
        c.setTitle(f"{title}签订情况")
        c.setCreator(f"EcoDesk {__version__}")
        pdf = _TablePdf(c, fonts, f"{title}签订情况　{format_cn(made)}制表")
        pdf.title(f"{title}签订情况")
        pdf.table(COVERAGE_HEADERS, COVERAGE_WIDTHS, [coverage_values(r) for r in coverage_rows], None)
        pdf.new_page()
        pdf.title(f"未签名单（共{len(unsigned_rows)}份）")
        if unsigned_rows:
            pdf.table(UNSIGNED_HEADERS, UNSIGNED_WIDTHS, [unsigned_values(r) for r in unsigned_rows], job)
        else:
            c.setFont(fonts.alias(SONG), 12)
            c.drawString(_LEFT, pdf.y - 12, "全部已签订。")
        pdf.finish_page()
        c.showPage()
        c.save()

    _atomic(path, ".pdf", write)
