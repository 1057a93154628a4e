"""Excel rosters (花名册) and lists into records of any kind, all or nothing.

A roster typed in a village office is never clean: a merged title above the header, blank rows,
"户主姓名*" instead of "户主姓名", phone numbers stored as numbers, dates typed four ways. So:

* the header row is found, not assumed (the row among the first 30 that names most fields);
* every cell goes through the kind's own parsing (``records.parse_values``), so the import accepts
  exactly what the form accepts, and every bad cell is reported with its Excel row and column;
* all rows are added in ONE transaction that is rolled back when any row is wrong, on a dry run,
  on cancel, or on any failure: the database is either untouched or has every row;
* hostile files (not an xlsx, corrupt, password-protected, a million blank rows, a zip bomb of
  strings) end with a clear Chinese message, never a traceback or a frozen program.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ecodesk.db.database import Database, write_failure
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.validation import normalise_text

log = logging.getLogger(__name__)

# Files from WPS and older Excel make openpyxl warn about things it ignores (extensions, styles).
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")

HEADER_SCAN_ROWS = 30
MAX_COLUMNS = 256  # a roster with more columns than this is not a roster
MAX_DATA_ROWS = 200_000
BLANK_RUN_LIMIT = 1_000  # this many blank rows in a row: the table has ended
REPORT_EVERY = 200
FLUSH_EVERY = 1_000  # keeps the session small on big files; still one transaction
MAX_LISTED_ERRORS = 1_000
MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024  # read whole into memory by openpyxl: refuse a zip bomb
SKIP_TARGETS = frozenset({"", "-", "skip", "不导入"})

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_REQUIRED_MARKS = ("（必填）", "(必填)", "【必填】", "[必填]")
_STAR_CHARS = "*＊※"
_ERRORS = frozenset(ERROR_CODES)
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PLAIN_TYPES = (str, int, float, bool, datetime, date, time, timedelta)


@dataclass(frozen=True)
class RowError:
    """One bad cell (or row): the Excel row number, the column header (or field label), why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return (
            f"第{self.row}行 {self.column}：{self.reason}"
            if self.column
            else f"第{self.row}行：{self.reason}"
        )


@dataclass
class ImportReport:
    """What an import (or a dry run) found and did; ``summary_lines`` is what the clerk reads."""

    kind_label: str
    sheet: str
    header_row: int
    mapping: dict[str, str] = field(default_factory=dict)  # header text -> field key
    rows_read: int = 0  # data rows, blank rows not counted
    rows_ok: int = 0
    skipped_blank: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    unmapped_headers: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)  # labels
    field_labels: dict[str, str] = field(default_factory=dict)  # field key -> label, for the summary

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing_required

    def summary_lines(self) -> list[str]:
        lines = [f"导入{self.kind_label}：工作表“{self.sheet}”，第 {self.header_row} 行为表头。"]
        if self.mapping:
            pairs = (f"{h}→{self.field_labels.get(k, k)}" for h, k in self.mapping.items())
            lines.append("对应的列：" + "、".join(pairs))
        if self.unmapped_headers:
            lines.append("不导入的列：" + "、".join(self.unmapped_headers))
        if self.missing_required:
            lines.append(
                f"缺少必填的列：{'、'.join(self.missing_required)}。"
                "请在表中加上这些列，或指定哪一列对应它们（列名=字段）。"
            )
            lines.append("缺少必填的列，未导入任何记录。")
            return lines
        read = f"读取数据 {self.rows_read} 行"
        lines.append(read + (f"，跳过空行 {self.skipped_blank} 行。" if self.skipped_blank else "。"))
        lines += [str(err) for err in self.errors[:MAX_LISTED_ERRORS]]
        if len(self.errors) > MAX_LISTED_ERRORS:
            lines.append(f"……另有 {len(self.errors) - MAX_LISTED_ERRORS} 处错误未列出。")
        if self.errors:
            lines.append(f"有 {len(self.errors)} 处错误，未导入任何记录。请在 Excel 中改正后重新导入。")
        elif self.rows_read == 0:
            lines.append("表中没有数据行，未导入任何记录。")
        elif self.dry_run:
            lines.append(f"检查通过：{self.rows_ok} 条记录都可以导入（未写入）。")
        else:
            lines.append(f"已导入 {self.rows_ok} 条{records.records_of(self.kind_label)}。")
        return lines


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


# -- opening the file ---------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    """Refuse what is not an .xlsx before openpyxl sees it, and say what it probably is."""
    name = path.name
    try:
        if not path.is_file():
            raise EcoDeskError(f"找不到文件：{path}")
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head == _CFB_MAGIC:
                if _contains(fh, _ENCRYPTED_STREAM):
                    raise EcoDeskError(
                        f"“{name}”设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，取消密码后另存，再导入。"
                    )
                raise EcoDeskError(
                    f"“{name}”是旧版 Excel（.xls）或其他格式的文件。请在 Excel 或 WPS 中“另存为”"
                    "Excel 工作簿（*.xlsx）后再导入。"
                )
    except PermissionError:
        raise EcoDeskError(f"没有权限读取“{name}”（文件是否正在被其他程序使用？）") from None
    except OSError as exc:
        raise EcoDeskError(f"无法读取“{name}”：{exc.strerror or exc}") from None
    if size == 0:
        raise EcoDeskError(f"“{name}”是空文件（0 字节），不是 Excel 工作簿。")
    if not head.startswith(b"PK"):
        raise EcoDeskError(
            f"“{name}”不是 Excel 工作簿（.xlsx）。如果它是 .xls、.et、.csv 或网页文件，"
            "请先在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）。"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise EcoDeskError(f"“{name}”已损坏或不完整（可能没有复制完），无法读取。") from None
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise EcoDeskError(f"“{name}”不是 Excel 工作簿（可能是 Word 文档或普通压缩包）。")
    strings = names.get("xl/sharedStrings.xml")
    if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
        raise EcoDeskError(f"“{name}”中的文字数据过大（解压后超过 512 MB），不像是正常的表格，已拒绝读取。")


def _contains(fh: IO[bytes], needle: bytes, chunk: int = 1 << 20) -> bool:
    tail = b""
    while block := fh.read(chunk):
        if needle in tail + block:
            return True
        tail = block[-len(needle) :]
    return False


def _unreadable(path: Path, exc: BaseException) -> EcoDeskError:
    log.warning("cannot read %s: %r", path, exc)
    return EcoDeskError(f"“{path.name}”已损坏，或不是 Excel 能打开的工作簿，无法读取。")


class _Book:
    """A workbook opened read-only (streamed), plus, on demand, its saved formula results."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handles: list[IO[bytes]] = []
        self._books: list[Workbook] = []
        _check_file(path)
        self.wb = self.load(data_only=False)

    def load(self, *, data_only: bool) -> Workbook:
        # A file object, not the path: openpyxl refuses paths by extension (.XLSX from a USB stick, .xlsm).
        fh = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        self._handles.append(fh)
        try:
            wb = load_workbook(fh, read_only=True, data_only=data_only)
        except Exception as exc:  # noqa: BLE001 - a hostile file can make the parser raise anything
            raise _unreadable(self.path, exc) from None
        self._books.append(wb)
        return wb

    def sheet(self, name: str | None, index: _HeaderIndex, overrides: Mapping[str, str]) -> ReadOnlyWorksheet:
        sheets = [ws for ws in self.wb.worksheets if isinstance(ws, ReadOnlyWorksheet)]
        if not sheets:
            raise EcoDeskError(f"“{self.path.name}”中没有工作表。")
        if name is not None:
            for ws in sheets:
                if ws.title == name or ws.title.strip() == name.strip():
                    return ws
            known = "、".join(ws.title for ws in sheets)
            raise EcoDeskError(f"“{self.path.name}”中没有名为“{name}”的工作表（有：{known}）。")
        if len(sheets) == 1:
            return sheets[0]
        # Several sheets (an instructions sheet first, say): take the one whose header names most fields.
        visible = [ws for ws in sheets if ws.sheet_state == "visible"] or sheets
        best, best_score = visible[0], -1
        for ws in visible[:20]:
            score = max((index.score(row, overrides) for row in self.head_rows(ws)), default=0)
            if score > best_score:
                best, best_score = ws, score
        return best

    def head_rows(self, ws: ReadOnlyWorksheet) -> list[tuple[Any, ...]]:
        """The first rows, where the header must be."""
        return list(self.rows(ws, 1, MAX_COLUMNS, HEADER_SCAN_ROWS))

    def rows(
        self, ws: ReadOnlyWorksheet, first: int, columns: int, last: int | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Value rows from ``first``, with missing rows filled in, so position = Excel row number."""
        if last is None:
            ws.reset_dimensions()  # a lying <dimension> (common in generated files) must not cut rows off
        source = ws.iter_rows(min_row=first, max_row=last, max_col=columns, values_only=True)
        while True:
            try:
                row = next(source)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - corrupt XML or zip data inside the sheet
                raise _unreadable(self.path, exc) from None
            yield row

    def close(self) -> None:
        for wb in self._books:
            try:
                wb.close()
            except Exception:  # noqa: BLE001 - closing what may be a broken archive
                log.debug("closing workbook failed", exc_info=True)
        for fh in self._handles:
            fh.close()

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SavedResults:
    """Formula cells as Excel last calculated them, read in step with the main pass when first needed.

    The clerk sees a formula's result, so that is what is imported. A file saved by a program that
    never calculated (no stored result) gives the formula's text, imported as plain text.
    """

    def __init__(self, book: _Book, sheet: str, first: int, columns: int) -> None:
        self._book, self._sheet, self._first, self._columns = book, sheet, first, columns
        self._rows: Iterator[tuple[Any, ...]] | None = None
        self._at = first - 1
        self._row: tuple[Any, ...] = ()

    def get(self, row_no: int, col: int) -> Any:
        if self._rows is None:
            ws = self._book.load(data_only=True)[self._sheet]
            assert isinstance(ws, ReadOnlyWorksheet)
            self._rows = self._book.rows(ws, self._first, self._columns)
        while self._at < row_no:
            self._row = next(self._rows, ())
            self._at += 1
        return self._row[col] if col < len(self._row) else None


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
        raise EcoDeskError(f"工作表“{sheet}”的前 {HEADER_SCAN_ROWS} 行是空的，找不到表头。")
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
            raise EcoDeskError(f"“{header}={target}”：{kind.label}没有“{wanted}”这一项。可用的字段：{known}")
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
        shown = "、".join(h for h in headers if h)
        raise EcoDeskError(f"第 {header_row} 行表头中没有“{'、'.join(absent)}”列（表头：{shown}）。")
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
                    f"“{taken[2]}”和“{header}”两列都指定为{kind.field(target).label}，请只指定一列。"
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


# -- reading headers (for the column-mapping dialog) ------------------------------------------------


def read_headers(
    path: Path, sheet: str | None = None, *, kind: RecordKind | None = None
) -> tuple[str, int, list[str]]:
    """(sheet used, header row number, header texts) — what a column-mapping dialog shows.

    With ``kind`` the header is the row naming most of its fields; without it, most fields of any kind.
    """
    path = Path(path)
    if kind is not None:
        index = _HeaderIndex.of([kind])
    else:
        from ecodesk.services.kinds import KINDS

        index = _HeaderIndex.of(list(KINDS.values()))
    with _Book(path) as book:
        ws = book.sheet(sheet, index, {})
        head = book.head_rows(ws)
        header_row = _header_row(ws.title, head, index, {})
        return ws.title, header_row, _header_texts(head[header_row - 1])


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
) -> ImportReport:
    """Check every row of the sheet and, when all are valid and this is not a dry run, add them all.

    ``mapping`` (header text -> field key or label; "" or "不导入" to skip a column) overrides and
    extends the columns recognised by label and alias. Errors in the data are returned in the report;
    an unreadable file, an unknown field, too many rows or a cancel raise :class:`EcoDeskError`.
    Either way nothing is written unless every row is valid.
    """
    path = Path(path)
    overrides = _resolve_overrides(kind, mapping)
    index = _HeaderIndex.of([kind])
    with _Book(path) as book:
        ws = book.sheet(sheet, index, overrides)
        claimed = ws.max_row  # from the sheet's <dimension>: only a guess, for the progress bar
        claimed_rows = min(claimed, MAX_DATA_ROWS) if isinstance(claimed, int) else 0
        head = book.head_rows(ws)
        header_row = _header_row(ws.title, head, index, overrides)
        headers = _header_texts(head[header_row - 1])
        columns, unmapped = _map_columns(kind, headers, index, overrides, header_row)
        mapped = {c.field.key for c in columns}
        report = ImportReport(
            kind_label=kind.label,
            sheet=ws.title,
            header_row=header_row,
            mapping={c.header: c.field.key for c in columns},
            dry_run=dry_run,
            unmapped_headers=unmapped,
            missing_required=[
                f.label
                for f in kind.fields
                if f.required and _is_blank_default(f.default) and f.key not in mapped
            ],
            field_labels={f.key: f.label for f in kind.fields},
        )
        if report.missing_required:
            return report
        saved = _SavedResults(book, ws.title, header_row + 1, len(headers))
        total = max(claimed_rows - header_row, 0)
        try:
            with db.session() as session:
                _Rows(session, kind, columns, report, saved, job, total, db.path).run(
                    book.rows(ws, header_row + 1, len(headers)), header_row + 1
                )
                if report.errors or dry_run:
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
        "import %s from %s: %d rows, %d errors, dry_run=%s, committed=%s",
        kind.name,
        path,
        report.rows_read,
        len(report.errors),
        dry_run,
        report.committed,
    )
    return report


class _RefError(str):
    """A cached "not found / ambiguous" answer for a reference, so each name is looked up once."""


class _Rows:
    """The row loop of one import, with its per-import cache of reference lookups."""

    def __init__(
        self,
        session: Session,
        kind: RecordKind,
        columns: list[_Column],
        report: ImportReport,
        saved: _SavedResults,
        job: Job | None,
        total: int,
        db_path: Path,
    ) -> None:
        self.session = session
        self.db_path = db_path  # for naming the file in a disk-full message
        self.kind = kind
        self.columns = columns
        self.report = report
        self.saved = saved
        self.job = job
        self.total = total
        self.header_of = {c.field.key: c.header for c in columns}
        self.position = {c.field.key: i for i, c in enumerate(columns)}
        self.refs: dict[tuple[str, str], int | _RefError | None] = {}
        self.pending = 0  # records added since the last flush

    def run(self, rows: Iterator[tuple[Any, ...]], first: int) -> None:
        report, job = self.report, self.job
        blank_run = done = 0
        verb = "检查" if report.dry_run else "导入"
        for offset, values in enumerate(rows):
            row_no = first + offset
            if job is not None and offset % REPORT_EVERY == 0:
                job.report(offset, max(self.total, offset), f"正在{verb}第 {row_no} 行")
            cells = [values[c.index] if c.index < len(values) else None for c in self.columns]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                blank_run += 1
                if blank_run >= BLANK_RUN_LIMIT:
                    break
                continue
            report.skipped_blank += blank_run  # blank rows between data rows; trailing ones are not counted
            blank_run = 0
            report.rows_read += 1
            if report.rows_read > MAX_DATA_ROWS:
                raise EcoDeskError(
                    f"表中数据超过 {MAX_DATA_ROWS} 行（第 {row_no} 行起超出），超过一次导入的上限。"
                    "请把表格拆成几个文件分别导入。未导入任何记录。"
                )
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

    def _row(self, row_no: int, cells: list[Any]) -> None:
        raw: dict[str, Any] = {}
        errors: list[tuple[int, RowError]] = []
        bad: set[str] = set()
        for position, (column, value) in enumerate(zip(self.columns, cells, strict=True)):
            f = column.field
            if value is not None and (not isinstance(value, _PLAIN_TYPES) or _is_formula(value)):
                value = self._formula_result(row_no, column, value)
            try:
                value = _cell_to_raw(f, value)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if f.type is FieldType.REF:
                    value = self._ref(f, value)
            except ValueError as exc:
                errors.append((position, RowError(row_no, column.header, str(exc))))
                bad.add(f.key)
                continue
            raw[f.key] = value
        if bad:
            _values, problems = records.parse_values(self.session, self.kind, raw)
            problems = [p for p in problems if p.field not in bad]
        else:
            try:
                records.new_record(self.session, self.kind, raw)
            except ValidationError as exc:
                problems = exc.problems
            else:
                problems = []
                self.pending += 1
                self.report.rows_ok += 1
                if self.pending >= FLUSH_EVERY:
                    self._flush()
        for p in problems:
            position = self.position.get(p.field, len(self.columns))
            errors.append((position, RowError(row_no, self.header_of.get(p.field, p.label), p.reason)))
        errors.sort(key=lambda pair: pair[0])
        self.report.errors += [err for _position, err in errors]

    def _formula_result(self, row_no: int, column: _Column, formula: Any) -> Any:
        result = self.saved.get(row_no, column.index)
        if result is not None:
            return result
        return formula if isinstance(formula, str) else str(getattr(formula, "text", "") or "")

    def _ref(self, f: Field, value: Any) -> Any:
        """A reference by name, looked up once per distinct name in this import."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a village called 1 is a name here, never an id
        text = normalise_text(value)
        key = (f.key, text)
        if key not in self.refs:
            try:
                self.refs[key] = records.parse_field(self.session, f, text)
            except ValueError as exc:
                self.refs[key] = _RefError(str(exc))
        found = self.refs[key]
        if isinstance(found, _RefError):
            raise ValueError(str(found))
        return found

    def _flush(self) -> None:
        if self.pending:
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
