"""Reading a clerk's .xlsx quickly and completely: what openpyxl's streamed mode leaves out.

openpyxl's read-only mode streams a 10,000-row roster in about a second, but a read-only worksheet
does not say which cells are merged or which rows are hidden, and cannot tell where the data ends, so
a table had to be cut off at the first long run of blank rows (losing what came after a gap) to keep
a million rows bordered in Excel from being parsed one by one. One pass over the sheet's raw XML —
regular expressions over the decompressed bytes, no XML parsing, a few milliseconds for a roster —
gives all three (:func:`scan_layout`):

* ``<mergeCell ref="B3:B12"/>``: the merged ranges (a village merged down its households);
* ``<row r="7" hidden="1">``: the rows hidden in Excel, by hand or by a filter;
* the last row holding a value (a non-blank ``<v>``, inline ``<t>`` or a formula ``<f>``), so a blank
  tail of formatted rows is never parsed, however long, while a gap inside the data is read through.

The scan can only err towards reading more (a shared string that is all spaces counts as a value);
when the XML is not what it expects (no ``<sheetData>``, rows without numbers) it says "unknown" and
the whole sheet is read. Every value is still read by openpyxl. This module knows nothing of records:
``services/record_import.py`` decides what the rows mean.
"""

from __future__ import annotations

import logging
import re
import warnings
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ecodesk.errors import EcoDeskError
from ecodesk.files import os_reason

log = logging.getLogger(__name__)

# Files from WPS and older Excel make openpyxl warn about things it ignores (extensions, styles).
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")

MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024  # read whole into memory by openpyxl: refuse a zip bomb
SCAN_CHUNK = 1 << 22  # bytes of sheet XML decompressed at a time by the layout scan
MAX_CARRY = 1 << 26  # a single "tag" longer than this is not a sheet: stop scanning, read everything

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# SpreadsheetML tags, with or without a namespace prefix (<row …> or <x:row …>).
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_DATA_START = re.compile(rb"<" + _P + rb"sheetData\b[^>]*>")
_DATA_END = re.compile(rb"</" + _P + rb"sheetData\s*>")
_ROW = re.compile(rb"<" + _P + rb"row\b[^>]*>")
_HIDDEN_ROW = re.compile(rb"<" + _P + rb"row\s[^>]*?\bhidden\s*=\s*[\"'](?:1|true)[\"'][^>]*>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
# A value openpyxl would read: a <v> or an inline-string <t> with something besides spaces, or a formula.
_VALUE = re.compile(rb"<" + _P + rb"(?:(?:v|t)(?:\s[^>]*)?>\s*[^<\s]|f[\s>/])")
_MERGE = re.compile(
    rb"<" + _P + rb"mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)[\"']"
)


# -- what the sheet's XML says about its layout -----------------------------------------------------


@dataclass(frozen=True)
class CellRange:
    """A merged range, 1-based and inclusive, as Excel names it (``B3:B12``)."""

    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @classmethod
    def parse(cls, ref: str) -> CellRange:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        assert min_col is not None and min_row is not None and max_col is not None and max_row is not None
        return cls(min_col, min_row, max_col, max_row)

    @property
    def first(self) -> str:
        """The top-left cell, the only one that holds the value (``B3``)."""
        return f"{get_column_letter(self.min_col)}{self.min_row}"

    @property
    def ref(self) -> str:
        return f"{self.first}:{get_column_letter(self.max_col)}{self.max_row}"


@dataclass(frozen=True)
class SheetLayout:
    """Merged ranges, hidden rows and where the values end, for one worksheet."""

    merges: tuple[CellRange, ...] = ()
    hidden_rows: frozenset[int] = frozenset()
    last_row: int | None = None  # the last row holding a value; None when not known (read to the end)


UNKNOWN_LAYOUT = SheetLayout()


def scan_layout(archive: zipfile.ZipFile, member: str) -> SheetLayout:
    """One streamed pass over ``member`` (a worksheet's XML); :data:`UNKNOWN_LAYOUT` if it is odd."""
    scan = _LayoutScan()
    try:
        with archive.open(member) as src:
            buffer = b""
            while chunk := src.read(SCAN_CHUNK):
                buffer += chunk
                cut = buffer.rfind(b"<")  # every "<" opens a tag (text has &lt;): cut between tags
                if cut <= 0:
                    if len(buffer) > MAX_CARRY:
                        return UNKNOWN_LAYOUT
                    continue
                scan.feed(buffer[:cut])
                buffer = buffer[cut:]
            scan.feed(buffer)
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError) as exc:
        log.debug("layout scan of %s failed: %r", member, exc)  # openpyxl reports a broken file
        return UNKNOWN_LAYOUT
    return scan.result()


class _LayoutScan:
    """The state of :func:`scan_layout` between chunks (each chunk holds whole tags only)."""

    def __init__(self) -> None:
        self.state = "before"  # before <sheetData>, "in" it, or "after" it (where <mergeCells> is)
        self.row = 0  # number of the last <row> tag seen
        self.last_value_row = 0
        self.numbered = True  # every <row> needed so far had an r="…"
        self.hidden: set[int] = set()
        self.merges: list[CellRange] = []

    def feed(self, text: bytes) -> None:
        start = 0
        if self.state == "before":
            opened = _DATA_START.search(text)
            if opened is None:
                return
            if opened.group().rstrip().endswith(b"/>"):  # <sheetData/>: no rows at all
                self.state, start = "after", opened.end()
            else:
                self.state, start = "in", opened.end()
        if self.state == "in":
            closed = _DATA_END.search(text, start)
            end = closed.start() if closed is not None else len(text)
            self._rows(text, start, end)
            if closed is None:
                return
            self.state, start = "after", closed.end()
        for match in _MERGE.finditer(text, start):
            try:
                self.merges.append(CellRange.parse(match.group(1).decode("ascii")))
            except ValueError:
                continue  # a range openpyxl would not understand either

    def _rows(self, text: bytes, start: int, end: int) -> None:
        for match in _HIDDEN_ROW.finditer(text, start, end):
            number = _ROW_NUMBER.search(match.group())
            if number is not None:
                self.hidden.add(int(number.group(1)))
        values = deque(_VALUE.finditer(text, start, end), maxlen=1)
        if values:
            tag = deque(_ROW.finditer(text, start, values[0].start()), maxlen=1)
            self.last_value_row = self._number(tag[0].group()) if tag else self.row
        tags = deque(_ROW.finditer(text, start, end), maxlen=1)
        if tags:
            self.row = self._number(tags[0].group())

    def _number(self, tag: bytes) -> int:
        found = _ROW_NUMBER.search(tag)
        if found is None:
            self.numbered = False  # openpyxl counts such rows; a scan by regex cannot
            return self.row + 1
        return int(found.group(1))

    def result(self) -> SheetLayout:
        if self.state == "before":
            return UNKNOWN_LAYOUT  # no <sheetData>: not the XML this scan understands (UTF-16?)
        return SheetLayout(
            tuple(self.merges),
            frozenset(self.hidden),
            self.last_value_row if self.numbered and self.state == "after" else None,
        )


# -- opening the file ---------------------------------------------------------------------------


def check_file(path: Path) -> None:
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
        raise EcoDeskError(f"无法读取“{name}”：{os_reason(exc)}") from None
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


def unreadable(path: Path, exc: BaseException) -> EcoDeskError:
    log.warning("cannot read %s: %r", path, exc)
    return EcoDeskError(f"“{path.name}”已损坏，或不是 Excel 能打开的工作簿，无法读取。")


class Book:
    """A workbook opened read-only (streamed); on demand, its saved formula results and a sheet's layout."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handles: list[IO[bytes]] = []
        self._books: list[Workbook] = []
        self._archive: zipfile.ZipFile | None = None
        check_file(path)
        self.wb = self.load(data_only=False)

    def load(self, *, data_only: bool) -> Workbook:
        # A file object, not the path: openpyxl refuses paths by extension (.XLSX from a USB stick, .xlsm).
        fh = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        self._handles.append(fh)
        try:
            wb = load_workbook(fh, read_only=True, data_only=data_only)
        except Exception as exc:  # noqa: BLE001 - a hostile file can make the parser raise anything
            raise unreadable(self.path, exc) from None
        self._books.append(wb)
        return wb

    @property
    def worksheets(self) -> list[ReadOnlyWorksheet]:
        """Every worksheet, hidden ones included (``ws.sheet_state`` says which), in the tab order."""
        return [ws for ws in self.wb.worksheets if isinstance(ws, ReadOnlyWorksheet)]

    def layout(self, ws: ReadOnlyWorksheet) -> SheetLayout:
        """Merged ranges, hidden rows and the last row with a value, from the sheet's XML."""
        member = getattr(ws, "_worksheet_path", None)  # where openpyxl found the sheet in the package
        if not isinstance(member, str):
            return UNKNOWN_LAYOUT
        try:
            if self._archive is None:
                self._archive = zipfile.ZipFile(self.path)
            return scan_layout(self._archive, member.lstrip("/"))
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            log.debug("cannot scan %s: %r", self.path, exc)
            return UNKNOWN_LAYOUT

    def rows(
        self, ws: ReadOnlyWorksheet, first: int, columns: int, last: int | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Value rows ``first``..``last`` (to the end when None), missing rows filled in, so that
        position = Excel row number."""
        if last is None:
            ws.reset_dimensions()  # a lying <dimension> (common in generated files) must not cut rows off
        elif last < first:
            return
        source = ws.iter_rows(min_row=first, max_row=last, max_col=columns, values_only=True)
        while True:
            try:
                row = next(source)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - corrupt XML or zip data inside the sheet
                raise unreadable(self.path, exc) from None
            yield row

    def close(self) -> None:
        for wb in self._books:
            try:
                wb.close()
            except Exception:  # noqa: BLE001 - closing what may be a broken archive
                log.debug("closing workbook failed", exc_info=True)
        if self._archive is not None:
            self._archive.close()
        for fh in self._handles:
            fh.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SavedResults:
    """Formula cells as Excel last calculated them, read in step with the main pass when first needed.

    The clerk sees a formula's result, so that is what is imported. A file saved by a program that
    never calculated (no stored result) gives the formula's text, imported as plain text.
    """

    def __init__(self, book: Book, sheet: str, first: int, columns: int) -> None:
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
