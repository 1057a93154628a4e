"""Cell and sheet helpers shared by every Excel file EcoDesk writes (record exports, later reports).

Two promises live here so that no exporter can forget them:

* text stays text: a string that starts with = + - @ (or looks like an Excel error such as ``#REF!``)
  is written as a string cell, never as a formula — a complainant's name cannot become ``=HYPERLINK``;
* the sheet prints right: A4 landscape, fit to width, title and header rows repeated on each page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
MAX_CELL_TEXT = 32767  # Excel refuses longer cell text
MAX_COLUMN_WIDTH = 60
# Excel forbids these in sheet names; "企业/场所" must not crash an export.
_SHEET_NAME_BAD = re.compile(r"[\\/?*\[\]:]")
# Starting characters that Excel, WPS or a later CSV save may read as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@")
_ERRORS = frozenset(ERROR_CODES)

TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def display_width(text: str) -> int:
    """Width of ``text`` in Excel column units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_width(declared: int, header: str) -> float:
    """Excel width of a column: the declared width (in digit widths, as the screen uses), but never
    narrower than its header (bold CJK plus the autofilter button), never absurdly wide."""
    return float(min(MAX_COLUMN_WIDTH, max(declared, display_width(header) + 4, 4)))


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts (no / \\ ? * [ ] :, at most 31 characters, not empty)."""
    cleaned = _SHEET_NAME_BAD.sub("、", text).strip("'").strip() or "Sheet1"
    return cleaned[:31]


def clean_text(text: str) -> str:
    """Text fit for a cell: control characters (from pasted data) dropped, length capped."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[:MAX_CELL_TEXT]


def text_cell(ws: WriteOnlyWorksheet, text: str) -> Cell:
    """A cell that holds ``text`` as a string whatever it starts with (never a formula)."""
    cell = WriteOnlyCell(ws)
    cell._value = clean_text(text)  # set directly: the value setter would infer a formula
    cell.data_type = "s"
    return cell


def needs_text_cell(text: str) -> bool:
    """Whether openpyxl's own type guess could make this string something other than text."""
    return text.startswith(_FORMULA_START) or text in _ERRORS


def put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> Cell:
    """Write one cell of a normal (not write-only) sheet: text stays text (a name starting with = is
    never a formula), then the given styles (``font=``, ``fill=``, ``number_format=`` …)."""
    cell: Cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = clean_text(value)
        if needs_text_cell(value):
            cell.data_type = "s"
    else:
        cell.value = value
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def styled_cell(
    ws: WriteOnlyWorksheet,
    value: Any,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    border: Border | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    """A header or title cell: text forced to string, the given styles applied."""
    cell = text_cell(ws, value) if isinstance(value, str) else WriteOnlyCell(ws, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    return cell


class RowWriter:
    """Turns Python values into what a write-only sheet row holds, keeping text as text.

    Plain values go through as they are (the fast path: no cell object per value); dates get a
    date format; text that could be read as a formula or an error gets a forced string cell.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws

    def value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            if not value:
                return None  # an empty cell, not an empty string cell
            if needs_text_cell(value):
                return text_cell(self._ws, value)
            return clean_text(value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, int | float | Decimal):
            return value
        if isinstance(value, datetime):
            fmt = DATE_FORMAT if value.time() == time(0) else DATETIME_FORMAT
            return self._formatted(value.replace(tzinfo=None), fmt)
        if isinstance(value, date):
            return self._formatted(value, DATE_FORMAT)
        if isinstance(value, time):
            return self._formatted(value, TIME_FORMAT)
        return text_cell(self._ws, str(value))

    def row(self, values: Sequence[Any]) -> list[Any]:
        convert = self.value
        return [convert(v) for v in values]

    def _formatted(self, value: Any, number_format: str) -> Cell:
        cell = WriteOnlyCell(self._ws, value)
        cell.number_format = number_format
        return cell


def set_print_layout(ws: WriteOnlyWorksheet, title_rows: int = 2) -> None:
    """A4 landscape, fit all columns on the page width, title and header repeated on every page."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True  # ruled like a paper 台账 without a border on every cell
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_title_rows = f"1:{title_rows}"
