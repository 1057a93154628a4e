"""Any table to Excel, and every record kind through it.

The file opens in Excel and WPS ready to print: a merged title, a bold ruled header, widths from the
declaration, frozen panes under the header, an autofilter, A4 landscape fitted to the page width with
the title and header repeated on every page. Written with openpyxl's write-only mode so 200,000 rows
stream through without being held in memory, into a temporary file that replaces the target only
when complete (a cancelled or failed export leaves the old file, or none, never half a file).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
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
from ecodesk.jobs import Job
from ecodesk.services import records
from ecodesk.services.records import Field, ListFilter, RecordKind

log = logging.getLogger(__name__)

FETCH_CHUNK = 1000  # records loaded per query: big enough to be fast, small enough for memory
REPORT_EVERY = 200
TITLE_ROWS = 2  # the merged title, then the header
_EVERYTHING = ListFilter()


def export_fields(kind: RecordKind) -> tuple[Field, ...]:
    """The columns of a kind's export: what its table shows, plus 备注, in declaration order."""
    return tuple(f for f in kind.fields if f.in_table or f.key == "remark")


def export_xlsx(
    db: Database,
    kind: RecordKind,
    path: Path,
    flt: ListFilter = _EVERYTHING,
    *,
    job: Job | None = None,
    sort_key: str | None = None,
    descending: bool = False,
) -> int:
    """Write the records ``flt`` selects, in the list's order, to ``path``; returns the rows written.

    The headers are the field labels, so the file can be edited and imported again.
    """
    fields = export_fields(kind)
    ids = records.list_ids(db, kind, flt, sort_key, descending)
    title = f"{kind.label}（{format_cn(records.today())}导出，共{len(ids)}条）"
    return write_table(
        path,
        title,
        [f.label for f in fields],
        [f.width for f in fields],
        _record_rows(db, kind, fields, ids),
        job=job,
        total=len(ids),
        sheet=kind.label,
    )


def _record_rows(
    db: Database, kind: RecordKind, fields: Sequence[Field], ids: Sequence[int]
) -> Iterator[list[Any]]:
    for start in range(0, len(ids), FETCH_CHUNK):
        chunk = ids[start : start + FETCH_CHUNK]
        objs = records.fetch(db, kind, chunk)
        for record_id in chunk:
            obj = objs.get(record_id)
            if obj is not None:  # deleted for good since the ids were listed
                yield [records.cell_value(f, obj) for f in fields]


def write_table(
    path: Path,
    title: str,
    headers: list[str],
    widths: list[int],
    rows: Iterable[Sequence[Any]],
    *,
    job: Job | None = None,
    total: int | None = None,
    sheet: str | None = None,
) -> int:
    """Write one titled table to a new workbook at ``path``; returns the number of data rows.

    ``widths`` are in characters of the digit 0 (Excel's unit, as the screen tables use); a column is
    widened to fit its CJK header. Strings are always text cells, dates get yyyy-mm-dd, numbers stay
    numbers. ``total`` is only for the progress report.
    """
    if len(widths) != len(headers):
        raise ValueError("write_table: one width per header")
    path = Path(path)
    columns = max(len(headers), 1)
    last = get_column_letter(columns)
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet(sheet_title(sheet or title))
    written = 0
    try:
        # Everything written before the first row (widths, panes) must be set first in write-only mode.
        for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            ws.column_dimensions[get_column_letter(index)].width = column_width(width, header)
        ws.freeze_panes = f"A{TITLE_ROWS + 1}"
        set_print_layout(ws, TITLE_ROWS)
        ws.row_dimensions[1].height = 32
        ws.row_dimensions[2].height = 22
        if columns > 1:
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
            written += 1
            if job is not None and written % REPORT_EVERY == 0:
                job.report(written, total or written, f"正在导出第 {written} 行")
        ws.auto_filter.ref = f"A{TITLE_ROWS}:{last}{TITLE_ROWS + max(written, 1)}"
        if job is not None:
            job.report(written, total or written, "正在保存文件……")
        _save(wb, path)
    except BaseException:
        _discard(ws)
        raise
    log.info("exported %d rows to %s", written, path)
    return written


def _save(wb: Workbook, path: Path) -> None:
    """Save beside the target, then swap it in: the old file survives any failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise EcoDeskError(f"无法在 {path.parent} 中写文件：{exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError:
        raise EcoDeskError(f"无法写入 {path}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。") from None
    except OSError as exc:
        raise EcoDeskError(f"无法写入 {path}：{exc.strerror or exc}（磁盘是否已满？）") from None
    finally:
        tmp.unlink(missing_ok=True)


def _discard(ws: WriteOnlyWorksheet) -> None:
    """Remove the half-written sheet's temporary file after a cancel or failure (best effort)."""
    writer = getattr(ws, "_writer", None)
    if writer is None:
        return
    try:
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            rows.close()  # ends <sheetData> while the stream is still open
        writer.close()
        writer.cleanup()
    except Exception:  # noqa: BLE001 - it is only tidying a temp file
        log.debug("could not remove openpyxl temp file", exc_info=True)
