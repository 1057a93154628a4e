"""Any table to Excel (a record kind's list goes through here: ``services.record_export``).

The file opens in Excel and WPS ready to print: a merged title, a bold ruled header, widths from the
declaration, frozen panes under the header, an autofilter, A4 landscape fitted to the page width with
the title and header repeated on every page. Written by ``xlsx_stream`` (the XML streamed directly,
many times faster than openpyxl for 200,000 rows) into a temporary file that replaces the target
only when complete (a cancelled or failed export leaves the old file, or none, never half a file).

Reports built with openpyxl (daily, weekly, monthly, fire counts, letter coverage, campaign
submissions) save through :func:`save_workbook`: a write-only workbook streams each sheet into a
temporary file through a live generator, and when the save fails (an unwritable folder, a full
disk) those generators used to be closed by the garbage collector at interpreter exit, after their
files — printing “Exception ignored … ValueError: I/O operation on closed file” under the clerk's
Chinese message. ``save_workbook`` closes and removes them at once instead.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ecodesk.exports.xlsx_stream import write_titled_table
from ecodesk.exports.xlsx_style import column_width, sheet_title
from ecodesk.files import atomic_file
from ecodesk.jobs import Job

log = logging.getLogger(__name__)

REPORT_EVERY = 200
TITLE_ROWS = 2  # the merged title, then the header


def write_table(
    path: Path,
    title: str,
    headers: list[str],
    widths: list[int],
    rows: Iterable[Sequence[Any]],
    *,
    subtitle: str = "",
    job: Job | None = None,
    total: int | None = None,
    sheet: str | None = None,
) -> int:
    """Write one titled table to a new workbook at ``path``; returns the number of data rows.

    ``widths`` are in characters of the digit 0 (Excel's unit, as the screen tables use); a column is
    widened to fit its CJK header. Strings are always text cells, dates get yyyy-mm-dd, numbers stay
    numbers. ``subtitle`` (the list's filter in words) is a line under the title, above the header.
    ``total`` is only for the progress report.
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
        subtitle=subtitle,
    )
    log.info("exported %d rows to %s", written, path)
    return written


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save ``wb`` beside ``path`` and swap it in: a failure never leaves half a file, nor a stream
    that fails again at exit.

    The workbook is zipped in memory first (a report is at most a few MB) and then written in one
    go: openpyxl zips straight into its file, and when the disk fills up mid-save its ``ZipFile``
    is left half-written, to fail once more in ``__del__`` at interpreter exit.
    """
    path = Path(path)
    try:
        buffer = io.BytesIO()
        wb.save(buffer)
    except BaseException:
        discard_workbook(wb)
        raise
    with atomic_file(path) as tmp:
        tmp.write_bytes(buffer.getbuffer())
    return path


def discard_workbook(wb: Workbook) -> None:
    """Close the streams of a write-only workbook that will not be saved, and remove their files."""
    for ws in wb.worksheets:
        if not isinstance(ws, WriteOnlyWorksheet) or ws.closed:
            continue
        try:
            ws.close()  # ends the row generator while its file is still open
        except Exception:  # noqa: BLE001 - already failing: tidy what can be tidied
            log.debug("closing an unsaved sheet failed", exc_info=True)
        writer = getattr(ws, "_writer", None)
        try:
            if writer is not None:
                writer.cleanup()  # the sheet's temporary file
        except Exception:  # noqa: BLE001
            log.debug("removing an unsaved sheet's file failed", exc_info=True)
