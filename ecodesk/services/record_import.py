"""Excel rosters (花名册) and lists into records of any kind, all or nothing, nothing lost.

A roster typed in a village office is never clean: a merged title above the header, blank rows,
"户主姓名*" instead of "户主姓名", phone numbers stored as numbers, dates typed four ways, the 村 column
merged down each village's households, a gap of blank rows in the middle, rows hidden by a filter,
the real data on a hidden sheet, villages not yet registered on the first day. So:

* the header row is found, not assumed (the row among the first 30 that names most fields), on the
  visible sheet that names most; a hidden sheet that holds this kind's header is named, never
  silently skipped and never silently taken (it may be an old copy or a drop-down's list);
* every row to the sheet's last value is read: blank rows are skipped and counted wherever they are,
  hidden rows are imported and counted, and a vertically merged cell's value belongs to every row of
  its range (``exports/xlsx_read.py`` reads the merges, hidden rows and last row from the sheet XML);
  a horizontal merge across imported columns is a warning naming the cells;
* every cell goes through the kind's own parsing (``records.parse_values``), so the import accepts
  exactly what the form accepts, and every bad cell is reported with its Excel row and column;
* villages (村/社区) the file names but the data file lacks are listed once, not per row, and can be
  registered by the same import (``create_villages``);
* a row that repeats an existing record or an earlier row of the file (the kind's identity key,
  ``services/duplicates.py``) is listed with the record it repeats, then skipped (the default),
  made an update of that record (only the cells the sheet fills), or imported anyway
  (``on_duplicate``); every skipped row is counted and listed. A row like a *deleted* record is not
  a duplicate: it is imported as a new record and the deleted one is named (it can be restored);
* all rows (and any new villages) are added in ONE transaction that is rolled back when any row is
  wrong, on a dry run, on cancel, or on any failure: the database is either untouched or has every row;
* hostile files (not an xlsx, corrupt, password-protected, a million blank rows, a zip bomb of
  strings) end with a clear Chinese message, never a traceback or a frozen program.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ecodesk.db.database import Database, write_failure
from ecodesk.errors import EcoDeskError, FieldProblem, ValidationError
from ecodesk.exports.xlsx_read import Book, CellRange, SavedResults, SheetLayout
from ecodesk.jobs import Job
from ecodesk.models import VILLAGE_KINDS, Unit
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.duplicates import IdentityIndex, Key, Known, key_of_values, row_shown
from ecodesk.services.duplicates import labels as duplicate_labels
from ecodesk.services.org import (
    VILLAGE_REF,
    add_village,
    groups_added_since,
    last_group_id,
    village_category,
)
from ecodesk.services.validation import normalise_text

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30
MAX_COLUMNS = 256  # a roster with more columns than this is not a roster
MAX_SHEETS_SCANNED = 50  # sheets whose header is looked for when no sheet is named
MAX_DATA_ROWS = 200_000
REPORT_EVERY = 200
FLUSH_EVERY = 1_000  # keeps the session small on big files; still one transaction
MAX_LISTED_ERRORS = 1_000
MAX_LISTED_WARNINGS = 20
MAX_LISTED_NAMES = 30  # villages named in one line
NAME_LIMIT = 40  # a header, sheet or cell text quoted in a message is cut to this many characters
SKIP_TARGETS = frozenset({"", "-", "skip", "不导入"})
BY_NAME = "按名称"  # create_villages: 社区 for a name ending in 社区, else 村 (org.village_category)
CREATE_CHOICES = (BY_NAME, *VILLAGE_KINDS)
CREATE_HINT = "导入时可以选择一并新建这些村（社区）。"
SHEET_HINT = "要导入那张表，请选择工作表“{sheet}”。"
SKIP_DUPLICATES, UPDATE_DUPLICATES, ADD_DUPLICATES = "skip", "update", "add"
# What an import does with a row that repeats a record, and its name on screen.
ON_DUPLICATE = {SKIP_DUPLICATES: "跳过重复", UPDATE_DUPLICATES: "更新已有", ADD_DUPLICATES: "仍然导入"}
MAX_LISTED_DUPLICATES = 1_000

_REQUIRED_MARKS = ("（必填）", "(必填)", "【必填】", "[必填]")
_STAR_CHARS = "*＊※"
_ERRORS = frozenset(ERROR_CODES)
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PLAIN_TYPES = (str, int, float, bool, datetime, date, time, timedelta)
_LONG_QUOTE = re.compile(f"“([^”]{{{NAME_LIMIT + 1},}})”")


def shorten(text: str, limit: int = NAME_LIMIT) -> str:
    """A name as a message quotes it: at most ``limit`` characters, then "…"."""
    return text if len(text) <= limit else text[:limit] + "…"


def _short_quotes(reason: str) -> str:
    """Every “quoted” text in a reason cut to :data:`NAME_LIMIT` (a 20,000-character cell, echoed)."""
    return _LONG_QUOTE.sub(lambda m: f"“{shorten(m.group(1))}”", reason)


def _row_list(numbers: Sequence[int], total: int) -> str:
    shown = "、".join(str(n) for n in numbers)
    return f"第 {shown} 行" + ("等" if total > len(numbers) else "")


@dataclass(frozen=True)
class RowError:
    """One bad cell (or row): the Excel row number, the column header (or field label), why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        reason = _short_quotes(self.reason)
        return (
            f"第{self.row}行 {shorten(self.column)}：{reason}" if self.column else f"第{self.row}行：{reason}"
        )


@dataclass(frozen=True)
class SheetInfo:
    """One worksheet of the file: its name, whether Excel hides it, and its best header row."""

    name: str
    hidden: bool
    header_row: int = 0  # 0: nothing among the first rows names a field of the kind
    score: int = 0  # how many fields of the kind that row names

    @property
    def shown_name(self) -> str:
        return f"{self.name}（隐藏）" if self.hidden else self.name


@dataclass
class NewVillage:
    """A village (村/社区) the file names and the data file does not have yet."""

    name: str
    category: str  # the category it gets (or would get by its name)
    first_row: int
    rows: int = 0  # rows that name it


@dataclass(frozen=True)
class DuplicateRow:
    """A row that repeats a record: an existing one, a deleted one, or an earlier row of the file."""

    row: int
    shown: str  # the row's identity values, as typed
    against: str  # the record it repeats (its identity values); "" for an earlier row
    action: str  # SKIP_DUPLICATES, UPDATE_DUPLICATES or ADD_DUPLICATES: what is done with the row
    record_id: int | None = None  # the existing record
    first_row: int | None = None  # the earlier row of the file
    matches: int = 1  # how many existing records it is like (more than one: nothing to update)
    deleted: bool = False  # like a deleted record only: imported as new

    def text(self, kind_label: str, committed: bool) -> str:
        said = f"第{self.row}行“{shorten(self.shown)}”与"
        if self.first_row is not None:
            said += f"本表第{self.first_row}行相同"
        elif self.deleted:
            said += f"已删除的{kind_label}“{shorten(self.against)}”相同"
        elif self.matches > 1:
            said += f" {self.matches} 条已有{kind_label}记录相同（“{shorten(self.against)}”等）"
        else:
            said += f"已有的{kind_label}“{shorten(self.against)}”相同"
        if self.deleted:
            return said + "，按新记录导入。"
        if self.action == UPDATE_DUPLICATES:
            return said + ("，已更新该记录。" if committed else "，将更新该记录。")
        if self.action == ADD_DUPLICATES:
            return said + ("，仍已导入。" if committed else "，仍然导入。")
        if self.matches > 1:
            return said + "，无法确定更新哪一条，跳过。"
        return said + ("，已跳过。" if committed else "，跳过。")


@dataclass
class ImportReport:
    """What an import (or a dry run) found and did; ``summary_lines`` is what the clerk reads."""

    kind_label: str
    sheet: str
    header_row: int
    sheet_hidden: bool = False
    mapping: dict[str, str] = field(default_factory=dict)  # header text -> field key
    rows_read: int = 0  # data rows, blank rows not counted
    rows_ok: int = 0
    skipped_blank: int = 0  # blank rows between the header and the last data row
    longest_gap: tuple[int, int] | None = None  # first and last row of the longest run of blank rows
    hidden_rows: int = 0  # data rows hidden in Excel (imported like the others)
    hidden_row_numbers: list[int] = field(default_factory=list)  # the first few, for the summary
    merged_cells: int = 0  # cells that took the value of their (vertically) merged range
    merged_ranges: list[str] = field(default_factory=list)  # the ranges that gave values, e.g. "B4:B13"
    warnings: list[str] = field(default_factory=list)  # horizontal merges across imported columns
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    unmapped_headers: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)  # labels
    field_labels: dict[str, str] = field(default_factory=dict)  # field key -> label, for the summary
    hidden_sheets: list[SheetInfo] = field(default_factory=list)  # hidden sheets with this kind's header
    new_villages: list[NewVillage] = field(default_factory=list)  # named in the file, not registered
    new_groups: list[str] = field(default_factory=list)  # 组 their village lacked, added: 东沟村三组
    create_villages: str | None = None  # None: not asked to register them; else BY_NAME, 村 or 社区
    on_duplicate: str = SKIP_DUPLICATES  # what is done with a row that repeats a record
    identity_labels: str = ""  # what duplicates are judged by (户主姓名、所属村、门牌/住址)
    duplicates: list[DuplicateRow] = field(default_factory=list)  # in row order, deleted-only ones too
    rows_updated: int = 0  # rows that updated the record they repeat
    rows_skipped: int = 0  # rows not imported because they repeat a record

    @property
    def needs_villages(self) -> bool:
        """Villages are missing and the clerk has not asked to register them."""
        return bool(self.new_villages) and self.create_villages is None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing_required and not self.needs_villages

    def summary_lines(
        self,
        *,
        create_hint: str = CREATE_HINT,
        sheet_hint: str | Callable[[str], str] = SHEET_HINT,
        duplicate_hint: str = "",
    ) -> list[str]:
        """The report in Chinese. ``create_hint`` says how to register missing villages,
        ``sheet_hint`` (text with ``{sheet}``, or a function of the sheet's name) how to choose
        another sheet and ``duplicate_hint`` how to update or add skipped duplicates, in the front
        end's own words."""
        lines = [self.sheet_line()]
        if self.mapping:
            pairs = (f"{shorten(h)}→{self.field_labels.get(k, k)}" for h, k in self.mapping.items())
            lines.append("对应的列：" + "、".join(pairs))
        if self.unmapped_headers:
            lines.append("不导入的列：" + "、".join(shorten(h) for h in self.unmapped_headers))
        for info in self.hidden_sheets:
            lines.append(
                f"隐藏的工作表“{shorten(info.name)}”中也有{self.kind_label}的表头（第 {info.header_row} 行，"
                f"认出 {info.score} 列）。"
                + (sheet_hint(info.name) if callable(sheet_hint) else sheet_hint.format(sheet=info.name))
            )
        if self.missing_required:
            lines.append(
                f"缺少必填的列：{'、'.join(self.missing_required)}。"
                "请在表中加上这些列，或指定哪一列对应它们（列名=字段）。"
            )
            lines.append("缺少必填的列，未导入任何记录。")
            return lines
        lines += self.reading_lines()
        lines += [str(err) for err in self.errors[:MAX_LISTED_ERRORS]]
        if len(self.errors) > MAX_LISTED_ERRORS:
            lines.append(f"……另有 {len(self.errors) - MAX_LISTED_ERRORS} 处错误未列出。")
        lines += self.group_lines()
        lines += self.village_lines(create_hint)
        lines += self.duplicate_lines()
        if duplicate_hint and self.rows_skipped and self.on_duplicate == SKIP_DUPLICATES:
            lines.append(duplicate_hint)
        lines.append(self.result_line())
        return lines

    @property
    def repeated(self) -> list[DuplicateRow]:
        """Rows that repeat a live record or an earlier row (not those like a deleted record only)."""
        return [d for d in self.duplicates if not d.deleted]

    def duplicate_lines(self) -> list[str]:
        """The rows that repeat a record and what is done with each; then those like a deleted one."""
        lines: list[str] = []
        repeated, deleted = self.repeated, [d for d in self.duplicates if d.deleted]
        if repeated:
            within = sum(1 for d in repeated if d.first_row is not None)
            parts = [f"与已有记录相同 {len(repeated) - within} 行"] if len(repeated) > within else []
            parts += [f"表内重复 {within} 行"] if within else []
            lines.append(
                f"发现 {len(repeated)} 行可能重复（{'，'.join(parts)}；按{self.identity_labels}判断），"
                f"处理方式：{ON_DUPLICATE[self.on_duplicate]}。"
            )
            lines += self._listed(repeated)
        if deleted:
            lines.append(
                f"有 {len(deleted)} 行与已删除的记录相同：已删除的记录不算重复，这些行按新记录导入"
                "（要找回原来的记录，可勾选“显示已删除”，选中它后点“恢复”）。"
            )
            lines += self._listed(deleted)
        return lines

    def _listed(self, rows: Sequence[DuplicateRow]) -> list[str]:
        lines = [d.text(self.kind_label, self.committed) for d in rows[:MAX_LISTED_DUPLICATES]]
        if len(rows) > MAX_LISTED_DUPLICATES:
            lines.append(f"……另有 {len(rows) - MAX_LISTED_DUPLICATES} 行未列出。")
        return lines

    def duplicate_counts(self) -> str:
        """``更新已有 3 条，跳过重复 8 条`` (``将…`` before the import), or "" when there are none."""
        will = "" if self.committed else "将"
        parts = [f"{will}更新已有 {self.rows_updated} 条"] if self.rows_updated else []
        parts += [f"{will}跳过重复 {self.rows_skipped} 条"] if self.rows_skipped else []
        return "，".join(parts)

    def sheet_line(self) -> str:
        where = "（隐藏的工作表）" if self.sheet_hidden else ""
        return f"导入{self.kind_label}：工作表“{shorten(self.sheet)}”{where}，第 {self.header_row} 行为表头。"

    def result_line(self) -> str:
        """The last line: imported, checked, or why nothing was written."""
        if self.missing_required:
            return "缺少必填的列，未导入任何记录。"
        if self.errors:
            return f"有 {len(self.errors)} 处错误，未导入任何记录。请在 Excel 中改正后重新导入。"
        if self.rows_read == 0:
            return "表中没有数据行，未导入任何记录。"
        if self.needs_villages:
            return f"这些村（社区）有了之后，{self.rows_ok} 条记录都可以导入；现在未导入任何记录。"
        counts = self.duplicate_counts()
        added = sum(1 for d in self.repeated if d.action == ADD_DUPLICATES)
        if self.dry_run:
            if counts:
                return f"检查通过：{self.rows_ok} 条可以导入，{counts}（未写入）。"
            if added:
                return (
                    f"检查通过：{self.rows_ok} 条记录都可以导入，其中 {added} 条与已有记录或表内其他行重复"
                    "（未写入）。"
                )
            return f"检查通过：{self.rows_ok} 条记录都可以导入（未写入）。"
        done = f"已导入 {self.rows_ok} 条{records.records_of(self.kind_label)}"
        if counts:
            return f"{done}，{counts}。"
        if added:
            return f"{done}（其中 {added} 条与已有记录或表内其他行重复，仍然导入）。"
        return done + "。"

    def reading_lines(self) -> list[str]:
        """What was read: rows, blank rows skipped, hidden rows, cells filled from merges, warnings."""
        read = f"读取数据 {self.rows_read} 行"
        if self.skipped_blank:
            read += f"，跳过空行 {self.skipped_blank} 行"
            if self.longest_gap is not None and self.longest_gap[1] > self.longest_gap[0]:
                first, last = self.longest_gap
                read += f"（最长的一段是第 {first}–{last} 行）"
        lines = [read + "。"]
        if self.hidden_rows:
            done = "也已导入" if self.committed else ("也一并检查了" if self.errors else "也会导入")
            rows = _row_list(self.hidden_row_numbers, self.hidden_rows)
            lines.append(f"其中 {self.hidden_rows} 行在 Excel 中是隐藏的（{rows}），{done}。")
        if self.merged_cells:
            shown = self.merged_ranges[:5]
            more = f" 等 {len(self.merged_ranges)} 处" if len(self.merged_ranges) > len(shown) else ""
            lines.append(
                f"合并单元格：{self.merged_cells} 个单元格取了所在合并区域的值（{'、'.join(shown)}{more}）。"
            )
        lines += self.warnings[:MAX_LISTED_WARNINGS]
        if len(self.warnings) > MAX_LISTED_WARNINGS:
            lines.append(f"……另有 {len(self.warnings) - MAX_LISTED_WARNINGS} 处横向合并未列出。")
        return lines

    def group_lines(self) -> list[str]:
        """组 the file names that their village did not have: added with the rows."""
        if not self.new_groups or self.errors or self.needs_villages:
            return []
        listed = "、".join(self.new_groups[:MAX_LISTED_NAMES]) + (
            "等" if len(self.new_groups) > MAX_LISTED_NAMES else ""
        )
        done = "已新建" if self.committed else "导入时将新建"
        return [f"{done} {len(self.new_groups)} 个组：{listed}。"]

    def village_lines(self, create_hint: str = CREATE_HINT) -> list[str]:
        """Villages the file names that are not registered: missing, to be created, or created."""
        if not self.new_villages:
            return []
        names = [shorten(v.name) for v in self.new_villages]
        listed = "、".join(names[:MAX_LISTED_NAMES]) + ("等" if len(names) > MAX_LISTED_NAMES else "")
        if self.needs_villages:
            rows = sum(v.rows for v in self.new_villages)
            return [f"找不到 {len(names)} 个村（社区）：{listed}（涉及 {rows} 行）。", create_hint]
        if self.committed:
            return [f"已新建 {_by_category(self.new_villages)}。"]
        if self.dry_run and not self.errors:
            return [f"导入时将新建 {_by_category(self.new_villages)}。"]
        return [f"找不到 {len(names)} 个村（社区）：{listed}；因有错误，没有新建。"]


def _by_category(villages: Sequence[NewVillage]) -> str:
    """``2 个村：东沟村、西岭村；1 个社区：河西社区``."""
    parts = []
    for category in VILLAGE_KINDS:
        names = [shorten(v.name) for v in villages if v.category == category]
        if names:
            listed = "、".join(names[:MAX_LISTED_NAMES]) + ("等" if len(names) > MAX_LISTED_NAMES else "")
            parts.append(f"{len(names)} 个{category}：{listed}")
    return "；".join(parts)


# -- header text --------------------------------------------------------------------------------


def clean_header(value: Any) -> str:
    """A header as the clerk reads it: no spaces or line breaks, no "*" or "（必填）" marks."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split())  # every kind of whitespace, the full-width space included
    previous = None
    while text != previous:
        previous = text
        text = text.strip(_STAR_CHARS)
        for mark in _REQUIRED_MARKS:
            text = text.removesuffix(mark)
    return text


def match_key(value: Any) -> str:
    """What headers are compared by: full-width and half-width brackets, letters and digits alike."""
    return unicodedata.normalize("NFKC", clean_header(value)).lower()


@dataclass(frozen=True)
class _HeaderIndex:
    """Which field each header text names, for one kind (or for any kind, when reading headers)."""

    by_key: dict[str, tuple[str, int]]  # match key -> (field key, 0 for the label / 1 for an alias)

    @classmethod
    def of(cls, kinds: Sequence[RecordKind]) -> _HeaderIndex:
        by_key: dict[str, tuple[str, int]] = {}
        for kind in kinds:
            for f in kind.fields:
                by_key.setdefault(match_key(f.label), (f.key, 0))
        for kind in kinds:
            for f in kind.fields:
                for alias in f.aliases:
                    by_key.setdefault(match_key(alias), (f.key, 1))
        return cls(by_key)

    def score(self, row: Sequence[Any], overrides: Mapping[str, str]) -> int:
        """How many different fields a row's cells name: the header row names the most."""
        named: set[str] = set()
        for value in row:
            key = match_key(value) if isinstance(value, str) else ""
            if not key:
                continue
            if key in overrides:
                named.add(overrides[key] or f"skip:{key}")
            elif key in self.by_key:
                named.add(self.by_key[key][0])
        return len(named)


# -- choosing the sheet ---------------------------------------------------------------------------


def _head_rows(book: Book, ws: ReadOnlyWorksheet) -> list[tuple[Any, ...]]:
    """The first rows, where the header must be."""
    return list(book.rows(ws, 1, MAX_COLUMNS, HEADER_SCAN_ROWS))


@dataclass
class _Chosen:
    """The sheet to read, its first rows, every sheet of the file, and the hidden ones worth naming."""

    ws: ReadOnlyWorksheet
    head: list[tuple[Any, ...]]
    sheets: list[SheetInfo]
    hidden_hints: list[SheetInfo]


def _choose_sheet(book: Book, name: str | None, index: _HeaderIndex, overrides: Mapping[str, str]) -> _Chosen:
    """The sheet named ``name``; else the only one; else the visible sheet whose header names most
    fields. Hidden sheets are looked at too, so that one holding the kind's header can be named."""
    sheets = book.worksheets
    if not sheets:
        raise EcoDeskError(f"“{book.path.name}”中没有工作表。")
    plain = [SheetInfo(ws.title, ws.sheet_state != "visible") for ws in sheets]
    if name is not None:
        wanted = (name, name.strip(), name.strip().strip("“”‘’\"'").strip())  # quotes typed around it too
        for ws in sheets:
            if ws.title in wanted or ws.title.strip() in wanted:
                return _Chosen(ws, _head_rows(book, ws), plain, [])
        known = "、".join(shorten(info.shown_name) for info in plain)
        raise EcoDeskError(f"“{book.path.name}”中没有名为“{shorten(name)}”的工作表（有：{known}）。")
    if len(sheets) == 1:
        return _Chosen(sheets[0], _head_rows(book, sheets[0]), plain, [])
    infos: list[SheetInfo] = []
    heads: list[list[tuple[Any, ...]]] = []
    for ws, info in zip(sheets, plain, strict=True):
        if len(heads) >= MAX_SHEETS_SCANNED:
            infos.append(info)
            continue
        head = _head_rows(book, ws)
        heads.append(head)
        header_row, score = _find_header(head, index, overrides)
        infos.append(SheetInfo(info.name, info.hidden, header_row, score))
    scanned = list(range(len(heads)))
    visible = [i for i in scanned if not infos[i].hidden] or scanned
    best = visible[0]
    for i in visible:
        if infos[i].score > infos[best].score:
            best = i
    hints = [
        infos[i]
        for i in scanned
        if i != best and infos[i].hidden and infos[i].score > 0 and infos[i].score >= infos[best].score
    ]
    return _Chosen(sheets[best], heads[best], infos, hints)


# -- the header and the columns -------------------------------------------------------------------


def _find_header(
    rows: Sequence[tuple[Any, ...]], index: _HeaderIndex, overrides: Mapping[str, str]
) -> tuple[int, int]:
    """(row number, score) of the row naming most fields; the first on a tie."""
    best_row, best_score = 0, 0
    for number, row in enumerate(rows, start=1):
        score = index.score(row, overrides)
        if score > best_score:
            best_row, best_score = number, score
    return best_row, best_score


def _fallback_header(rows: Sequence[tuple[Any, ...]]) -> int:
    """Without known names: the first row with two or more text cells (a title row has one)."""
    for number, row in enumerate(rows, start=1):
        if sum(1 for v in row if isinstance(v, str) and v.strip()) >= 2:
            return number
    for number, row in enumerate(rows, start=1):
        if any(v is not None and str(v).strip() for v in row):
            return number
    return 0


def _header_row(
    sheet: str, head: Sequence[tuple[Any, ...]], index: _HeaderIndex, overrides: Mapping[str, str]
) -> int:
    """The header's row number. When no row names a known field, the first row that looks like a
    header, so that the clerk sees its columns listed and can say which is which."""
    header_row, score = _find_header(head, index, overrides)
    if score == 0:
        header_row = _fallback_header(head)
    if header_row == 0:
        raise EcoDeskError(f"工作表“{shorten(sheet)}”的前 {HEADER_SCAN_ROWS} 行是空的，找不到表头。")
    return header_row


def _header_texts(row: Sequence[Any]) -> list[str]:
    texts = [clean_header(v) for v in row]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _resolve_overrides(kind: RecordKind, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The clerk's column choices as match key -> field key ("" = do not import that column)."""
    overrides: dict[str, str] = {}
    by_label = {match_key(f.label): f.key for f in kind.fields}
    keys = {f.key for f in kind.fields}
    for header, target in (mapping or {}).items():
        key = match_key(header)
        if not key:
            raise EcoDeskError("指定列的对应关系时，列名不能为空。")
        wanted = (target or "").strip()
        if wanted.lower() in SKIP_TARGETS:
            overrides[key] = ""
        elif wanted in keys:
            overrides[key] = wanted
        elif match_key(wanted) in by_label:
            overrides[key] = by_label[match_key(wanted)]
        else:
            known = "、".join(f"{f.key}（{f.label}）" for f in kind.fields)
            raise EcoDeskError(
                f"“{shorten(header)}={shorten(target or '')}”：{kind.label}没有“{shorten(wanted)}”这一项。"
                f"可用的字段：{known}"
            )
    return overrides


@dataclass(frozen=True)
class _Column:
    index: int  # 0-based position in the row
    header: str
    field: Field


def _map_columns(
    kind: RecordKind,
    headers: Sequence[str],
    index: _HeaderIndex,
    overrides: Mapping[str, str],
    header_row: int,
) -> tuple[list[_Column], list[str]]:
    """Which column feeds which field; one column per field (the clerk's choice, then the label,
    then the first alias); the rest are reported as not imported."""
    present = {match_key(h) for h in headers if h}
    absent = [h for h in overrides if h not in present]
    if absent:
        shown = "、".join(shorten(h) for h in headers if h)
        missing = "、".join(shorten(h) for h in absent)
        raise EcoDeskError(f"第 {header_row} 行表头中没有“{missing}”列（表头：{shown}）。")
    chosen: dict[str, tuple[int, int, str]] = {}  # field key -> (priority, column, header)
    unmapped: list[str] = []
    kind_keys = {f.key for f in kind.fields}
    for col, header in enumerate(headers):
        if not header:
            continue
        key = match_key(header)
        if key in overrides:
            target, priority = overrides[key], 0
            if not target:
                unmapped.append(header)
                continue
            taken = chosen.get(target)
            if taken is not None and taken[0] == 0 and match_key(taken[2]) != key:
                raise EcoDeskError(
                    f"“{shorten(taken[2])}”和“{shorten(header)}”两列都指定为{kind.field(target).label}，"
                    "请只指定一列。"
                )
        elif key in index.by_key and index.by_key[key][0] in kind_keys:
            target, label_or_alias = index.by_key[key]
            priority = 1 + label_or_alias
        else:
            unmapped.append(header)
            continue
        taken = chosen.get(target)
        if taken is None or priority < taken[0]:
            if taken is not None:
                unmapped.append(taken[2])
            chosen[target] = (priority, col, header)
        else:
            unmapped.append(header)
    columns = [_Column(col, header, kind.field(key)) for key, (_p, col, header) in chosen.items()]
    columns.sort(key=lambda c: c.index)
    order = {h: i for i, h in enumerate(headers)}
    unmapped.sort(key=lambda h: order.get(h, 0))
    return columns, unmapped


def _is_blank_default(value: Any) -> bool:
    return value is None or value == "" or value == []


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- reading headers (for the column-mapping dialog) ------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What the import dialog shows before anything is checked: the sheets and one sheet's header."""

    sheets: list[SheetInfo]  # every sheet in the tab order, hidden ones included
    sheet: str  # the sheet read
    sheet_hidden: bool
    header_row: int
    headers: list[str]
    hidden_hints: list[SheetInfo]  # hidden sheets (not the one read) that hold the kind's header


def preview_xlsx(path: Path, kind: RecordKind | None = None, sheet: str | None = None) -> Preview:
    """The sheets of ``path`` and the header of ``sheet`` (or of the sheet an import would choose).

    With ``kind`` the header is the row naming most of its fields; without it, most fields of any kind.
    """
    path = Path(path)
    if kind is not None:
        index = _HeaderIndex.of([kind])
    else:
        from ecodesk.services.kinds import KINDS

        index = _HeaderIndex.of(list(KINDS.values()))
    with Book(path) as book:
        chosen = _choose_sheet(book, sheet, index, {})
        header_row = _header_row(chosen.ws.title, chosen.head, index, {})
        return Preview(
            chosen.sheets,
            chosen.ws.title,
            chosen.ws.sheet_state != "visible",
            header_row,
            _header_texts(chosen.head[header_row - 1]),
            chosen.hidden_hints,
        )


def read_headers(
    path: Path, sheet: str | None = None, *, kind: RecordKind | None = None
) -> tuple[str, int, list[str]]:
    """(sheet used, header row number, header texts) — what a column-mapping dialog shows."""
    found = preview_xlsx(path, kind, sheet)
    return found.sheet, found.header_row, found.headers


def suggest_mapping(kind: RecordKind, headers: Sequence[str]) -> dict[str, str]:
    """Header text -> the field key the import would use on its own ("" = not imported).

    The same matching as :func:`import_xlsx` (label first, then aliases, one column per field), so a
    mapping dialog starts from exactly what an import without choices would do.
    """
    texts = [clean_header(h) for h in headers]
    columns, _unmapped = _map_columns(kind, texts, _HeaderIndex.of([kind]), {}, 0)
    chosen = {c.index: c.field.key for c in columns}
    return {text: chosen.get(i, "") for i, text in enumerate(texts) if text}


# -- importing ------------------------------------------------------------------------------------


class _RollbackError(Exception):
    """Leave the transaction without writing (errors found, or a dry run)."""


def import_xlsx(
    db: Database,
    kind: RecordKind,
    path: Path,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    *,
    dry_run: bool = False,
    job: Job | None = None,
    create_villages: str | None = None,
    on_duplicate: str = SKIP_DUPLICATES,
) -> ImportReport:
    """Check every row of the sheet and, when all are valid and this is not a dry run, add them all.

    ``mapping`` (header text -> field key or label; "" or "不导入" to skip a column) overrides and
    extends the columns recognised by label and alias. Villages (村/社区) the file names that are not
    registered are listed in ``report.new_villages``; with ``create_villages`` (:data:`BY_NAME`, 村 or
    社区: their category) they are registered in the same transaction as the rows. Errors in the data
    are returned in the report; an unreadable file, an unknown field, too many rows or a cancel raise
    :class:`EcoDeskError`. Either way nothing is written unless every row is valid.

    A row that repeats a record (``kind.identity``: an existing record, or an earlier row) is listed
    in ``report.duplicates`` and, by ``on_duplicate``, skipped (:data:`SKIP_DUPLICATES`), used to
    update that record with the cells it fills (:data:`UPDATE_DUPLICATES`, audited as any edit),
    or added all the same (:data:`ADD_DUPLICATES`).
    """
    path = Path(path)
    if on_duplicate not in ON_DUPLICATE:
        raise EcoDeskError(
            f"重复记录的处理方式只能是{'、'.join(ON_DUPLICATE)}（{'、'.join(ON_DUPLICATE.values())}），"
            f"不是“{shorten(str(on_duplicate))}”。"
        )
    if create_villages is not None and create_villages not in CREATE_CHOICES:
        raise EcoDeskError(
            f"新建村（社区）的类别只能是{'、'.join(CREATE_CHOICES)}，不是“{create_villages}”。"
        )
    overrides = _resolve_overrides(kind, mapping)
    index = _HeaderIndex.of([kind])
    with Book(path) as book:
        chosen = _choose_sheet(book, sheet, index, overrides)
        ws, head = chosen.ws, chosen.head
        header_row = _header_row(ws.title, head, index, overrides)
        headers = _header_texts(head[header_row - 1])
        columns, unmapped = _map_columns(kind, headers, index, overrides, header_row)
        mapped = {c.field.key for c in columns}
        report = ImportReport(
            kind_label=kind.label,
            sheet=ws.title,
            header_row=header_row,
            sheet_hidden=ws.sheet_state != "visible",
            mapping={c.header: c.field.key for c in columns},
            dry_run=dry_run,
            unmapped_headers=unmapped,
            missing_required=[
                f.label
                for f in kind.fields
                if f.required and _is_blank_default(f.default) and f.key not in mapped
            ],
            field_labels={f.key: f.label for f in kind.fields},
            hidden_sheets=chosen.hidden_hints,
            create_villages=create_villages,
            on_duplicate=on_duplicate,
            identity_labels=duplicate_labels(kind),
        )
        if report.missing_required:
            return report
        layout = book.layout(ws)
        if layout.last_row is not None:
            last: int | None = layout.last_row
            total = max(layout.last_row - header_row, 0)
        else:  # the sheet's <dimension>: only a guess, for the progress bar
            last, claimed = None, ws.max_row
            total = max(min(claimed, MAX_DATA_ROWS) - header_row, 0) if isinstance(claimed, int) else 0
        saved = SavedResults(book, ws.title, header_row + 1, len(headers))
        try:
            with db.session() as session:
                groups_before = last_group_id(session)
                loop = _Rows(session, kind, columns, report, saved, job, total, db.path)
                loop.layout(layout, header_row)
                loop.run(book.rows(ws, header_row + 1, len(headers), last), header_row + 1)
                report.new_groups = groups_added_since(session, groups_before)
                if report.errors or dry_run or report.needs_villages:
                    raise _RollbackError
        except _RollbackError:
            pass
        except SQLAlchemyError as exc:  # the commit itself: file locked by another program, disk full
            log.exception("import: commit failed")
            raise _write_error(
                db.path, exc, f"无法把导入的记录写入数据文件（{type(exc).__name__}）：文件可能被其他程序占用"
            ) from None
        else:
            report.committed = True
    log.info(
        "import %s from %s: %d rows, %d errors, %d new villages, dry_run=%s, committed=%s",
        kind.name,
        path,
        report.rows_read,
        len(report.errors),
        len(report.new_villages),
        dry_run,
        report.committed,
    )
    return report


class _RefError(str):
    """A cached "not found / ambiguous" answer for a reference, so each name is looked up once."""


class _MergeFill:
    """Merged ranges below the header: a vertical range's top-left value for every row of it, and a
    warning for a range that runs across imported columns (only its first cell holds a value)."""

    def __init__(self, merges: Sequence[CellRange], header_row: int, columns: Sequence[_Column]) -> None:
        position = {c.index + 1: pos for pos, c in enumerate(columns)}  # sheet column -> position in cells
        self.starts: dict[int, list[tuple[int, CellRange]]] = {}  # top row -> (position, range)
        self.wide: dict[int, list[tuple[CellRange, list[str]]]] = {}  # top row -> (range, headers)
        for rng in sorted(merges, key=lambda r: (r.min_row, r.min_col)):
            if rng.min_row <= header_row:
                continue  # the title and the header: never data
            if rng.max_row > rng.min_row and rng.min_col in position:
                self.starts.setdefault(rng.min_row, []).append((position[rng.min_col], rng))
            covered = [
                columns[position[c]].header for c in range(rng.min_col + 1, rng.max_col + 1) if c in position
            ]
            if covered:
                self.wide.setdefault(rng.min_row, []).append((rng, covered))
        self.active: dict[int, tuple[CellRange, Any]] = {}  # position -> (range, its top-left value)
        self.used: dict[str, None] = {}  # the ranges that gave a value, in order (for the summary)

    def __bool__(self) -> bool:
        return bool(self.starts or self.wide)

    def begin(self, row_no: int, cells: list[Any], resolve: Callable[[int, int, Any], Any]) -> None:
        """Before a row is judged blank: end the ranges above it, note the values of those it starts."""
        if self.active:
            for pos in [p for p, (rng, _v) in self.active.items() if rng.max_row < row_no]:
                del self.active[pos]
        for pos, rng in self.starts.get(row_no, ()):
            value = cells[pos]
            self.active[pos] = (rng, None if _is_blank(value) else resolve(row_no, pos, value))

    def fill(self, row_no: int, cells: list[Any], report: ImportReport) -> None:
        """A data row: every cell under a vertical range takes the range's value (as Excel shows it)."""
        for pos, (rng, value) in self.active.items():
            if rng.min_row < row_no and value is not None:
                cells[pos] = value
                report.merged_cells += 1
                self.used[rng.ref] = None
        for rng, headers in self.wide.get(row_no, ()):
            report.warnings.append(
                f"{rng.ref} 横向合并，只取了 {rng.first} 的值（{'、'.join(shorten(h) for h in headers)} 按空白处理）。"
            )


class _Rows:
    """The row loop of one import, with its per-import cache of reference lookups."""

    def __init__(
        self,
        session: Session,
        kind: RecordKind,
        columns: list[_Column],
        report: ImportReport,
        saved: SavedResults,
        job: Job | None,
        total: int,
        db_path: Path,
    ) -> None:
        self.session = session
        self.db_path = db_path  # for naming the file in a disk-full message
        self.kind = kind
        self.columns = columns
        self.indexes = [c.index for c in columns]
        self.report = report
        self.saved = saved
        self.job = job
        self.total = total
        self.header_of = {c.field.key: c.header for c in columns}
        self.position = {c.field.key: i for i, c in enumerate(columns)}
        self.refs: dict[tuple[str, str], int | _RefError | None] = {}
        self.new_villages: dict[int, NewVillage] = {}  # id in this transaction -> the village
        self.pending = 0  # records added since the last flush
        self.merges: _MergeFill | None = None
        self.hidden_rows: frozenset[int] = frozenset()
        self.identity = IdentityIndex(session, kind)  # the kind's records and this file's new rows

    def layout(self, layout: SheetLayout, header_row: int) -> None:
        """Use the sheet's merged ranges and hidden rows."""
        merges = _MergeFill(layout.merges, header_row, self.columns)
        self.merges = merges if merges else None
        self.hidden_rows = layout.hidden_rows

    def run(self, rows: Iterator[tuple[Any, ...]], first: int) -> None:
        report, job, merges, hidden = self.report, self.job, self.merges, self.hidden_rows
        blank_run = done = longest = 0
        verb = "检查" if report.dry_run else "导入"
        for offset, values in enumerate(rows):
            row_no = first + offset
            if job is not None and offset % REPORT_EVERY == 0:
                job.report(offset, max(self.total, offset), f"正在{verb}第 {row_no} 行")
            width = len(values)
            cells = [values[i] if i < width else None for i in self.indexes]
            if merges is not None:
                merges.begin(row_no, cells, self._resolve)
            if all(_is_blank(v) for v in cells):
                blank_run += 1  # a blank row: skipped, and counted if data follows
                continue
            if blank_run:
                report.skipped_blank += blank_run
                if blank_run > longest:
                    longest, report.longest_gap = blank_run, (row_no - blank_run, row_no - 1)
                blank_run = 0
            report.rows_read += 1
            if report.rows_read > MAX_DATA_ROWS:
                raise EcoDeskError(
                    f"表中数据超过 {MAX_DATA_ROWS} 行（第 {row_no} 行起超出），超过一次导入的上限。"
                    "请把表格拆成几个文件分别导入。未导入任何记录。"
                )
            if row_no in hidden:
                report.hidden_rows += 1
                if len(report.hidden_row_numbers) < 10:
                    report.hidden_row_numbers.append(row_no)
            if merges is not None:
                merges.fill(row_no, cells, report)
            try:
                self._row(row_no, cells)
            except SQLAlchemyError as exc:  # an autoflush of earlier rows failed: not this row's fault
                log.exception("import: database error near row %d", row_no)
                raise _write_error(
                    self.db_path, exc, f"写入第 {row_no} 行附近时数据库出错（{type(exc).__name__}）"
                ) from None
            done = offset + 1
        if job is not None:
            total = max(self.total, done)
            job.report(total, total, "检查完毕" if report.dry_run else "正在写入……")
        self._flush()
        report.new_villages = list(self.new_villages.values())
        if merges is not None:
            report.merged_ranges = list(merges.used)

    def _resolve(self, row_no: int, position: int, value: Any) -> Any:
        """A cell as the clerk sees it: a formula's saved result instead of the formula."""
        if value is not None and (not isinstance(value, _PLAIN_TYPES) or _is_formula(value)):
            return self._formula_result(row_no, self.columns[position], value)
        return value

    def _row(self, row_no: int, cells: list[Any]) -> None:
        raw: dict[str, Any] = {}
        errors: list[tuple[int, RowError]] = []
        bad: set[str] = set()
        for position, (column, value) in enumerate(zip(self.columns, cells, strict=True)):
            f = column.field
            value = self._resolve(row_no, position, value)
            try:
                value = _cell_to_raw(f, value)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if f.type is FieldType.REF:
                    value = self._ref(f, value, row_no)
            except ValueError as exc:
                errors.append((position, RowError(row_no, column.header, str(exc))))
                bad.add(f.key)
                continue
            raw[f.key] = value
        if bad:
            _values, problems = records.parse_values(self.session, self.kind, raw)
            problems = [p for p in problems if p.field not in bad]
        else:
            problems = self._take(row_no, raw)
        for p in problems:
            position = self.position.get(p.field, len(self.columns))
            errors.append((position, RowError(row_no, self.header_of.get(p.field, p.label), p.reason)))
        errors.sort(key=lambda pair: pair[0])
        self.report.errors += [err for _position, err in errors]

    def _take(self, row_no: int, raw: dict[str, Any]) -> list[FieldProblem]:
        """A row whose cells all read: added as a new record, or, when it repeats one, skipped or
        made an update of it (``on_duplicate``). Returns the row's problems."""
        key = key_of_values(self.session, self.kind, raw) if self.identity else ()
        found = self.identity.matches(key)
        live = [k for k in found if not k.deleted]
        if live and self.report.on_duplicate != ADD_DUPLICATES:
            return self._repeat(row_no, raw, key, live)
        try:
            obj = records.new_record(self.session, self.kind, raw)
        except ValidationError as exc:
            return exc.problems
        self.pending += 1
        self.report.rows_ok += 1
        if found:  # imported all the same, or like a deleted record only: named, not skipped
            self._note(row_no, raw, live or found, ADD_DUPLICATES)
        self.identity.add(Known(key, row_shown(self.kind, raw), row=row_no, obj=obj))
        if self.pending >= FLUSH_EVERY:
            self._flush()
        return []

    def _repeat(self, row_no: int, raw: dict[str, Any], key: Key, live: list[Known]) -> list[FieldProblem]:
        """A row like live records: skipped, or the update of the one record it repeats."""
        target = live[0] if len(live) == 1 else None  # like two records: which to update is unknown
        if self.report.on_duplicate == SKIP_DUPLICATES or target is None:
            self.report.rows_skipped += 1
            self._note(row_no, raw, live, SKIP_DUPLICATES)
            return []
        obj: Any = target.obj
        if obj is None:
            obj = self.session.get(self.kind.model, target.record_id)
        if obj.id is None:
            self._flush_now()  # an earlier row's record: validators compare ids
        # An identity value written differently ("张 三") keeps the stored spelling; others are set.
        kept = {f for f, new, old in zip(self.kind.identity, key, target.key, strict=True) if new == old}
        changes = {k: v for k, v in raw.items() if k not in kept}
        try:
            records.update_record(self.session, self.kind, obj, changes)
        except ValidationError as exc:
            return exc.problems
        target.key = tuple(new or old for new, old in zip(key, target.key, strict=True))
        self.report.rows_updated += 1
        self._note(row_no, raw, live, UPDATE_DUPLICATES)
        return []

    def _note(self, row_no: int, raw: dict[str, Any], matches: list[Known], action: str) -> None:
        existing = [k for k in matches if k.row is None]
        first = existing[0] if existing else matches[0]
        self.report.duplicates.append(
            DuplicateRow(
                row=row_no,
                shown=self.identity.describe(row_shown(self.kind, raw)),
                against=self.identity.describe(first.shown),
                action=action,
                record_id=first.record_id,
                first_row=None if existing else first.row,
                matches=max(len(existing), 1),
                deleted=first.deleted,
            )
        )

    def _formula_result(self, row_no: int, column: _Column, formula: Any) -> Any:
        result = self.saved.get(row_no, column.index)
        if result is not None:
            return result
        return formula if isinstance(formula, str) else str(getattr(formula, "text", "") or "")

    def _ref(self, f: Field, value: Any, row_no: int) -> Any:
        """A reference by name, looked up once per distinct name in this import."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a village called 1 is a name here, never an id
        text = normalise_text(value)
        key = (f.key, text)
        if key not in self.refs:
            if f.ref is VILLAGE_REF:
                self.refs[key] = self._village(text, row_no)
            else:
                try:
                    self.refs[key] = records.parse_field(self.session, f, text)
                except ValueError as exc:
                    self.refs[key] = _RefError(str(exc))
        found = self.refs[key]
        if isinstance(found, _RefError):
            raise ValueError(str(found))
        if found in self.new_villages:
            self.new_villages[found].rows += 1
        return found

    def _village(self, text: str, row_no: int) -> int | _RefError:
        """A village by name. One not registered is registered in this transaction (kept only when
        the clerk asked for it: otherwise the import rolls back), so that every row that names it is
        checked in full and the missing villages are named once, not on every row."""
        ids = records.ref_lookup(self.session, VILLAGE_REF, text)
        if len(ids) == 1:
            return int(ids[0])
        if ids:
            return _RefError(f"“{text}”有{len(ids)}个同名记录，无法确定是哪一个")
        other = self.session.scalar(
            select(Unit.kind).where(Unit.name == text, Unit.deleted_at.is_(None)).limit(1)
        )
        if other is not None:
            return _RefError(f"找不到村/社区“{text}”（“{text}”是{other}，不是村或社区）")
        wanted = self.report.create_villages
        category = village_category(text) if wanted in (None, BY_NAME) else str(wanted)
        try:
            village = add_village(self.session, text, category)
        except ValidationError as exc:
            reasons = "；".join(p.reason for p in exc.problems)
            return _RefError(f"找不到村/社区“{text}”，也不能以此为名新建：{reasons}")
        self.new_villages[village] = NewVillage(text, category, row_no)
        return village

    def _flush(self) -> None:
        if self.pending:
            self._flush_now()

    def _flush_now(self) -> None:
        try:
            self.session.flush()
        except SQLAlchemyError as exc:
            log.exception("import: flush failed")
            raise _write_error(self.db_path, exc, f"写入数据库时出错（{type(exc).__name__}）") from None
        self.pending = 0


def _write_error(db_path: Path, exc: BaseException, fallback: str) -> EcoDeskError:
    """The file system's reason when there is one (disk full, read-only), else ``fallback``."""
    return write_failure(db_path, exc) or EcoDeskError(f"{fallback}，未导入任何记录。")


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and len(value) > 1 and value.startswith("=")


def _cell_to_raw(f: Field, value: Any) -> Any:
    """What a cell holds, in the form the field's parser expects (``ValueError`` for error cells)."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.strip() in _ERRORS:
            raise ValueError(f"单元格是 Excel 错误值 {value.strip()}，请改正")
        # Excel stores some characters as _xHHHH_ (and a literal "_x" as _x005F_x); openpyxl leaves
        # them escaped, Excel shows them decoded: take what the clerk saw in Excel.
        return _OOXML_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value
    if f.type is FieldType.DATE:
        return value  # dates, datetimes, serial numbers: parse_date reads them all
    if isinstance(value, bool):
        return value if f.type is FieldType.BOOL else ("是" if value else "否")
    if isinstance(value, float) and value.is_integer() and f.type is not FieldType.FLOAT:
        return int(value)  # 13800001111.0 is a phone number; 3.0 people are 3
    if isinstance(value, datetime):
        if f.type in (FieldType.INT, FieldType.FLOAT):
            raise ValueError(f"应为数字，不是日期（{value:%Y-%m-%d}）")
        return f"{value:%Y-%m-%d}" if value.time() == time(0) else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        return str(value)
    return value
