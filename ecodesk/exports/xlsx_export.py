"""Any table to Excel, and every record kind through it.

The file opens in Excel and WPS ready to print: a merged title, a bold ruled header, widths from the
declaration, frozen panes under the header, an autofilter, A4 landscape fitted to the page width with
the title and header repeated on every page. Written by ``xlsx_stream`` (the XML streamed directly,
many times faster than openpyxl for 200,000 rows) into a temporary file that replaces the target
only when complete (a cancelled or failed export leaves the old file, or none, never half a file).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.exports.xlsx_stream import write_titled_table
from ecodesk.exports.xlsx_style import column_width, sheet_title
from ecodesk.jobs import Job
from ecodesk.services import records
from ecodesk.services.records import Field, ListFilter, RecordKind

log = logging.getLogger(__name__)

FETCH_CHUNK = 5000  # records loaded per query: big enough to be fast, small enough for memory
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
    title = f"{kind.label}（{format_cn(dates.today())}导出，共{len(ids)}条）"
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
        objs = records.fetch_plain(db, kind, chunk)
        if objs is None:  # custom fields need the records themselves
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

    def progress(written: int) -> None:
        if job is not None:
            job.report(written, total or written, f"正在导出第 {written} 行")

    written = write_titled_table(
        path,
        sheet_title(sheet or title),
        title,
        headers,
        [column_width(width, header) for header, width in zip(headers, widths, strict=True)],
        rows,
        progress=progress,
        progress_every=REPORT_EVERY,
    )
    log.info("exported %d rows to %s", written, path)
    return written
