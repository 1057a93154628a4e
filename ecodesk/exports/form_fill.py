"""Fill an office's own Excel form from placeholders typed into its cells (the county's 报表).

The county sends the same form every week or month; the clerk marks it once by typing placeholders
such as ``{{村}}``, ``{{巡查次数}}``, ``{{乡镇}}`` into its cells (full-width ``｛｛…｝｝`` works too), and
:func:`fill_form` writes a copy with the values in. This module knows nothing of EcoDesk's records:
it receives the values by name (:class:`FormData`) and the form's rules are:

- The row holding ``{{村}}`` (``FormData.row_key``) repeats once per item of ``FormData.rows``, in
  order; ``{{序号}}`` numbers them 1, 2, 3 …; a name in that row takes the item's value.
- A row labelled 合计 / 总计 (a cell reading so, spaces ignored) takes, for each name the repeating
  row carries, the sum of the items' numbers; anywhere else a name takes ``FormData.town``'s value.
- A cell that is exactly one placeholder gets the value itself — a number stays a number in the
  cell's own number format, a date stays a date when the cell is formatted as one; placeholders inside
  text are replaced as text (a date as 2026年11月1日).
- Nothing is written while any placeholder is unknown or misplaced: :class:`FormError` names every
  such cell (``B5：不认识的占位符 {{巡查数}}``).

Everything else of the form is kept: openpyxl's ``insert_rows`` moves only cells, so the rows below
the repeating one are moved here together with their merged cells, heights, formulas, the print area,
data validation, conditional formatting, page breaks, the autofilter, the frozen panes and hyperlinks.
A formula over the repeating row (``=SUM(C5:C5)``, ``=SUM(C5)`` in the 合计 row) is widened to all the
filled rows (``=SUM(C5:C12)``) rather than replaced by its number, so the form stays live if an
office corrects one village by hand. Column widths, fonts, borders, print settings and header and
footer are the form's own, loaded and saved as they are. openpyxl does not keep charts, text boxes
or drawn shapes (SPEC §5.8 says so).
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.header_footer import _HeaderFooterPart as _HeaderPart
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.dates import format_cn
from ecodesk.errors import EcoDeskError
from ecodesk.files import atomic_file

Value = int | float | str | date

# {{名称}} or ｛｛名称｝｝ (a Chinese input method types the full-width braces), spaces anywhere inside.
PLACEHOLDER = re.compile(r"[{｛]\s*[{｛]\s*([^{}｛｝]*?)\s*[}｝]\s*[}｝]")
# A cell that labels a total row: 合计, 合  计, 总计, 全镇合计 …
_TOTAL_LABEL = re.compile(r"^.{0,4}(合计|总计)$")
_SPACES = re.compile(r"[\s\u3000]+")
MAX_LISTED_PROBLEMS = 20
# What an office's other spreadsheet formats are, for the message telling how to convert.
_OTHER_FORMATS = {
    ".xls": "Excel 97-2003 工作簿",
    ".et": "WPS 表格",
    ".ett": "WPS 表格模板",
    ".xlsm": "启用宏的 Excel 工作簿",
    ".xltx": "Excel 模板",
    ".ods": "OpenDocument 表格",
    ".csv": "CSV 文本",
}
HOW_TO_CONVERT = "请用 WPS 或 Excel 打开它，“另存为”选“Excel 工作簿（*.xlsx）”，再选择另存的文件。"


class FormError(EcoDeskError):
    """The form cannot be filled as marked; the message lists each cell and what is wrong."""


@dataclass(frozen=True)
class FormData:
    """The values a form's placeholders take, by name.

    ``town``: names valid anywhere (the whole town's counts, dates, the town's name). ``rows``: one
    mapping per repeated row (a village), each with ``row_key``. ``row_names``: the names the
    repeating row may carry (its items' keys), even when there are no rows.
    """

    town: Mapping[str, Value]
    rows: Sequence[Mapping[str, Value]]
    row_names: frozenset[str]
    row_key: str = "村"
    index_key: str = "序号"

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.town) | self.row_names | {self.row_key, self.index_key}

    def totals(self) -> dict[str, Value]:
        """For each repeating name whose values are numbers, their sum over the rows."""
        sums: dict[str, Value] = {}
        for name in self.row_names - {self.row_key, self.index_key}:
            values = [row.get(name) for row in self.rows]
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                sums[name] = sum(v for v in values if isinstance(v, int | float))
        return sums


@dataclass(frozen=True)
class FilledForm:
    """What :func:`fill_form` wrote: the file, the sheets it filled, the repeated rows, the cells."""

    path: Path
    sheets: tuple[str, ...]
    rows: int
    cells: int


# -- reading the template ---------------------------------------------------------------------------------


def open_template(path: Path) -> Workbook:
    """The template as an openpyxl workbook, or a :class:`FormError` saying how to get an .xlsx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FormError(f"找不到表格文件：{path}")
    if suffix != ".xlsx":
        kind = _OTHER_FORMATS.get(suffix, f"“{suffix or '无扩展名'}”文件")
        raise FormError(f"“{path.name}”是{kind}，只能填写 .xlsx 格式的表格。{HOW_TO_CONVERT}")
    if _is_old_excel(path):
        raise FormError(
            f"“{path.name}”不是普通的 .xlsx：可能是改了扩展名的旧 .xls，或设了打开密码（请先在 WPS 或 Excel 中"
            f"取消密码）。{HOW_TO_CONVERT}"
        )
    try:
        return load_workbook(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormError(
            f"打不开“{path.name}”（{type(exc).__name__}），文件可能已损坏。{HOW_TO_CONVERT}"
        ) from None


def _is_old_excel(path: Path) -> bool:
    with open(path, "rb") as f:
        # the OLE header: .xls, .et, and an .xlsx with an opening password (encrypted inside OLE)
        return f.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def names_in(text: str) -> list[str]:
    return [_name(m) for m in PLACEHOLDER.finditer(text)]


def _name(match: re.Match[str]) -> str:
    """The placeholder's name; spaces an input method slipped in (``{{火 点}}``) do not count."""
    return _SPACES.sub("", match.group(1))


@dataclass
class _SheetPlan:
    """One sheet's placeholders: which cells hold which names, the repeating row, the total rows."""

    ws: Worksheet
    cells: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    repeat_row: int | None = None
    total_rows: set[int] = field(default_factory=set)


def _plan(ws: Worksheet, data: FormData, problems: list[str], prefix: str) -> _SheetPlan:
    plan = _SheetPlan(ws)
    labels: set[int] = set()
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or isinstance(cell, MergedCell) or cell.data_type == "f":
                continue
            found = names_in(cell.value)
            if found:
                plan.cells[(cell.row, cell.column)] = found
            elif _TOTAL_LABEL.match(_SPACES.sub("", cell.value)):
                labels.add(cell.row)
    repeat = sorted({r for (r, _c), names in plan.cells.items() if data.row_key in names})
    if len(repeat) > 1:
        rows = "、".join(f"第{r}行" for r in repeat)
        problems.append(f"{prefix}{rows}都有 {{{{{data.row_key}}}}}：一张表只能有一行按村重复")
    plan.repeat_row = repeat[0] if repeat else None
    plan.total_rows = labels - set(repeat)
    known = data.known
    for (r, c), found in sorted(plan.cells.items()):
        where = f"{prefix}{get_column_letter(c)}{r}："
        for name in found:
            if name not in known:
                problems.append(where + _unknown(name, known))
            elif r != plan.repeat_row and name == data.index_key:
                problems.append(f"{where}{{{{{name}}}}} 只能写在有 {{{{{data.row_key}}}}} 的那一行")
            elif r != plan.repeat_row and r not in plan.total_rows and name not in data.town:
                problems.append(f"{where}{{{{{name}}}}} 只能写在有 {{{{{data.row_key}}}}} 的那一行或合计行")
    return plan


def _unknown(name: str, known: frozenset[str]) -> str:
    if not name:
        return "空的占位符 {{}}"
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    hint = f"（是不是 {{{{{close[0]}}}}}？）" if close else ""
    return f"不认识的占位符 {{{{{name}}}}}{hint}"


# -- moving the rows below the repeating one --------------------------------------------------------------

_REF = re.compile(
    r"^(?P<sheet>.*!)?(?P<c1>\$?[A-Za-z]{1,3})?(?P<r1>\$?\d+)?(?::(?P<c2>\$?[A-Za-z]{1,3})?(?P<r2>\$?\d+)?)?$"
)


@dataclass(frozen=True)
class _Shift:
    """Rows after ``row`` (the repeating one) move down by ``extra``, making room for its copies."""

    row: int
    extra: int
    sheet: str

    def row_after(self, r: int) -> int:
        return r + self.extra if r > self.row else r

    def range(self, r1: int, r2: int) -> tuple[int, int]:
        """A range touching the repeating row grows over the copies; one below it moves."""
        return self.row_after(r1), (r2 + self.extra if r2 >= self.row else r2)

    def cell_range(self, rng: CellRange) -> str:
        first, last = self.range(rng.min_row, rng.max_row)
        return str(CellRange(min_col=rng.min_col, min_row=first, max_col=rng.max_col, max_row=last).coord)


def _rewrite_formula(formula: str, shift: _Shift, copy_index: int | None = None) -> str:
    """``formula`` with its references to this sheet moved as the rows moved.

    ``copy_index`` None: a cell outside the repeated rows (a reference to a row below moves down, one
    over the repeating row grows to all its copies). k: a cell of the k-th copy of the repeating row
    (0 the original), whose relative references to that row point to its own row instead.
    """
    try:
        items = Tokenizer(formula).items
    except Exception:  # noqa: BLE001 - a formula openpyxl cannot read is kept as it was
        return formula
    depth = 0
    parts = []
    for token in items:
        if token.type == Token.FUNC:
            depth += 1 if token.subtype == Token.OPEN else -1
        elif token.type == Token.OPERAND and token.subtype == Token.RANGE:
            token.value = _rewrite_ref(token.value, shift, copy_index, inside_function=depth > 0)
        parts.append(token.value)
    return "=" + "".join(parts)


def _rewrite_ref(ref: str, shift: _Shift, copy_index: int | None, *, inside_function: bool) -> str:
    match = _REF.match(ref)
    if match is None or match["r1"] is None:
        return ref  # a name, a whole column, an error value
    sheet = match["sheet"] or ""
    if sheet and sheet[:-1].strip("'") != shift.sheet:
        return ref
    c1, r1, c2, r2 = match["c1"] or "", match["r1"], match["c2"] or "", match["r2"]

    def row_text(text: str, new: int) -> str:
        return ("$" if text.startswith("$") else "") + str(new)

    def in_copy(text: str) -> str:
        row = int(text.lstrip("$"))
        if row == shift.row and not text.startswith("$"):
            return str(row + (copy_index or 0))
        return row_text(text, shift.row_after(row))

    if copy_index is not None:
        if r2 is None:
            return f"{sheet}{c1}{in_copy(r1)}" + (f":{c2}" if c2 else "")
        return f"{sheet}{c1}{in_copy(r1)}:{c2}{in_copy(r2)}"
    if r2 is None and not c2:
        row = int(r1.lstrip("$"))
        if row == shift.row and inside_function and shift.extra:
            return f"{sheet}{c1}{r1}:{c1}{row_text(r1, row + shift.extra)}"
        return f"{sheet}{c1}{row_text(r1, shift.row_after(row))}"
    if r2 is None:
        return ref
    first, last = shift.range(int(r1.lstrip("$")), int(r2.lstrip("$")))
    return f"{sheet}{c1}{row_text(r1, first)}:{c2}{row_text(r2, last)}"


def _repeat_row(ws: Worksheet, row: int, times: int) -> None:
    """Make ``row`` appear ``times`` times (styles, merges, height, formulas), moving everything
    below it down."""
    extra = max(0, times - 1)
    shift = _Shift(row, extra, ws.title)
    template = {c: cell for (r, c), cell in list(ws._cells.items()) if r == row}
    row_merges = [m.coord for m in ws.merged_cells.ranges if m.min_row == m.max_row == row]
    if extra:
        _move_merges(ws, shift)
        ws.insert_rows(row + 1, extra)
        _move_row_dimensions(ws, shift)
    for k in range(1, times):
        for column, source in template.items():
            target = ws.cell(row + k, column)
            target._style = copy(source._style)
            if not isinstance(source, MergedCell):
                target.value = source.value
        for coord in row_merges:
            first_col, _r, last_col, _r2 = range_boundaries(coord)
            ws.merge_cells(start_row=row + k, end_row=row + k, start_column=first_col, end_column=last_col)
            for column in range(first_col + 1, last_col + 1):  # keep each merged cell's own borders
                if column in template:
                    ws._cells[(row + k, column)]._style = copy(template[column]._style)
    block = range(row, row + extra + 1)
    for cell in _cells(ws):
        if cell.data_type == "f" and isinstance(cell.value, str):
            in_block = cell.row in block
            cell.value = _rewrite_formula(cell.value, shift, cell.row - row if in_block else None)
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
    if extra:
        _move_sheet_ranges(ws, shift)


def _cells(ws: Worksheet) -> Iterator[Cell]:
    for cell in list(ws._cells.values()):
        if isinstance(cell, Cell):
            yield cell


def _move_merges(ws: Worksheet, shift: _Shift) -> None:
    """Merged ranges below the row move down; one spanning the row (a column merged over the
    table) grows; one inside the row stays (its copies are merged as the rows are made)."""
    moved = []
    for merge in ws.merged_cells.ranges:
        if merge.min_row == merge.max_row == shift.row:
            moved.append(merge.coord)
        else:
            moved.append(shift.cell_range(merge))
    ws.merged_cells = MultiCellRange()
    for coord in moved:
        ws.merged_cells.add(MergedCellRange(ws, coord))


def _move_row_dimensions(ws: Worksheet, shift: _Shift) -> None:
    """Row heights (and hidden, outline) follow their rows; the copies get the repeating row's."""
    old = dict(ws.row_dimensions)
    ws.row_dimensions.clear()
    for index, dim in old.items():
        ws.row_dimensions[shift.row_after(index)] = _row_dimension(ws, dim, shift.row_after(index))
    if shift.row in old:
        for k in range(1, shift.extra + 1):
            ws.row_dimensions[shift.row + k] = _row_dimension(ws, old[shift.row], shift.row + k)


def _row_dimension(ws: Worksheet, dim: RowDimension, index: int) -> RowDimension:
    new = RowDimension(
        ws,
        index=index,
        ht=dim.ht,
        customHeight=dim.customHeight,
        hidden=dim.hidden,
        outlineLevel=dim.outlineLevel,
        collapsed=dim.collapsed,
        thickBot=dim.thickBot,
        thickTop=dim.thickTop,
    )
    new._style = copy(dim._style)
    return new


def _shift_multi(ranges: MultiCellRange | str, shift: _Shift) -> MultiCellRange:
    multi = ranges if isinstance(ranges, MultiCellRange) else MultiCellRange(ranges)
    return MultiCellRange(" ".join(shift.cell_range(r) for r in multi.ranges))


def _move_sheet_ranges(ws: Worksheet, shift: _Shift) -> None:
    """Print area, autofilter, frozen panes, page breaks, data validation, conditional formats."""
    if ws.print_area:
        areas = [a.split("!")[-1].replace("$", "") for a in ws.print_area.split(",")]
        ws.print_area = [shift.cell_range(CellRange(a)) for a in areas]
    if ws.auto_filter.ref:
        ws.auto_filter.ref = shift.cell_range(CellRange(ws.auto_filter.ref))
    if ws.freeze_panes:
        col, row, *_ = range_boundaries(ws.freeze_panes)
        if row is not None and row > shift.row + 1:
            ws.freeze_panes = f"{get_column_letter(col or 1)}{row + shift.extra}"
    for brk in ws.row_breaks.brk:
        if brk.id is not None and brk.id >= shift.row:
            brk.id += shift.extra
    for validation in ws.data_validations.dataValidation:
        validation.sqref = _shift_multi(validation.sqref, shift)
    rules = ConditionalFormattingList()
    for formatting in ws.conditional_formatting:
        moved = " ".join(r.coord for r in _shift_multi(formatting.sqref, shift).ranges)
        for rule in formatting.rules:
            rules.add(moved, rule)
    ws.conditional_formatting = rules


# -- writing the values -----------------------------------------------------------------------------------


def _as_text(value: Value) -> str:
    if isinstance(value, datetime):
        return format_cn(value.date())
    if isinstance(value, date):
        return format_cn(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _put(cell: Cell, text: str, lookup: Callable[[str], Value]) -> None:
    """Replace the placeholders of ``cell`` (whose text is ``text``) by their values."""
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole is not None:
        value = lookup(_name(whole))
        if isinstance(value, int | float) or (isinstance(value, date) and is_date_format(cell.number_format)):
            cell.value = value
            return
        _put_text(cell, _as_text(value))
        return
    _put_text(cell, PLACEHOLDER.sub(lambda m: _as_text(lookup(_name(m))), text))


def _put_text(cell: Cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # a village named "=…" stays text, never a formula


def _fill_sheet(plan: _SheetPlan, data: FormData) -> int:
    """Write every placeholder of one sheet (its repeating row already copied); returns the cells."""
    ws, totals, repeat = plan.ws, data.totals(), plan.repeat_row
    extra = len(data.rows) - 1 if repeat is not None else 0

    def town(name: str) -> Value:
        return data.town[name]

    def total(name: str) -> Value:
        return totals[name] if name in totals else data.town.get(name, "")

    written = 0
    for (r, c), _names in plan.cells.items():
        if r == repeat:
            continue  # written below, once per item
        cell = ws.cell(r + extra if repeat is not None and r > repeat else r, c)
        _put(cell, str(cell.value), total if r in plan.total_rows else town)
        written += 1
    if repeat is None:
        return written
    for k, item in enumerate(data.rows):

        def row_value(name: str, item: Mapping[str, Value] = item, number: int = k + 1) -> Value:
            if name == data.index_key:
                return number
            return item[name] if name in item else data.town[name]

        for (r, c), _names in plan.cells.items():
            if r == repeat:
                cell = ws.cell(repeat + k, c)
                _put(cell, str(cell.value), row_value)
                written += 1
    return written


def _header_footer_parts(ws: Worksheet) -> Iterator[tuple[str, _HeaderPart]]:
    for label, hf in (
        ("页眉", ws.oddHeader),
        ("页脚", ws.oddFooter),
        ("页眉", ws.evenHeader),
        ("页脚", ws.evenFooter),
        ("页眉", ws.firstHeader),
        ("页脚", ws.firstFooter),
    ):
        for part in (hf.left, hf.center, hf.right):
            if part.text:
                yield label, part


def _check_header_footer(ws: Worksheet, data: FormData, problems: list[str], prefix: str) -> bool:
    """页眉/页脚 may carry the town's names and dates too (``{{乡镇}}``); True when they have any."""
    found = False
    for label, part in _header_footer_parts(ws):
        for name in names_in(part.text or ""):
            found = True
            if name not in data.town:
                problems.append(f"{prefix}{label}：{_unknown(name, frozenset(data.town))}")
    return found


def _fill_header_footer(ws: Worksheet, data: FormData) -> None:
    for _label, part in _header_footer_parts(ws):
        part.text = PLACEHOLDER.sub(lambda m: _as_text(data.town[_name(m)]), part.text or "")


def fill_form(template: Path, out: Path, data: FormData) -> FilledForm:
    """Fill ``template`` with ``data`` into ``out`` (written whole or not at all; never the template)."""
    template, out = Path(template), Path(out)
    if out.suffix.lower() != ".xlsx":
        raise FormError(f"填好的表格只能保存为 .xlsx（收到“{out.name}”）")
    if out.resolve() == template.resolve():
        raise FormError("不能把填好的表格存回原表格（原表格下次还要用），请另选一个文件名")
    wb = open_template(template)
    problems: list[str] = []
    plans = []
    marked: set[str] = set()
    for ws in wb.worksheets:
        prefix = f"工作表“{ws.title}” " if len(wb.worksheets) > 1 else ""
        plans.append(_plan(ws, data, problems, prefix))
        if _check_header_footer(ws, data, problems, prefix):
            marked.add(ws.title)
    if not any(p.cells for p in plans) and not marked and not problems:
        raise FormError(
            f"“{template.name}”里没有占位符：先在要填数的单元格里写上 {{{{巡查次数}}}} 这样的占位符"
        )
    if any(p.repeat_row is not None for p in plans) and not data.rows:
        problems.append("这段时间没有在册的村（社区），按村重复的行无从填写")
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = f"\n……还有 {len(problems) - len(shown)} 处" if len(problems) > len(shown) else ""
        raise FormError("表格没有填写，请先改正这些占位符：\n" + "\n".join(shown) + more)
    cells = 0
    for plan in plans:
        if plan.repeat_row is not None:
            _repeat_row(plan.ws, plan.repeat_row, len(data.rows))
        cells += _fill_sheet(plan, data)
        _fill_header_footer(plan.ws, data)
    with atomic_file(out) as tmp:
        wb.save(tmp)
    filled = tuple(p.ws.title for p in plans if p.cells or p.ws.title in marked)
    rows = sum(len(data.rows) for p in plans if p.repeat_row is not None)
    return FilledForm(out, filled, rows, cells)
