"""Print the list on screen (its filter and order) as a plain A4 table, through a print preview.

The QPrinter is kept as an attribute of a long-lived object: QPrintPreviewDialog crashes when its
printer is garbage-collected under it (SPEC §9).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.schema import RecordKind
from ecodesk.services import records

CHUNK = 500
LANDSCAPE_FROM_COLUMNS = 7


def list_html(db: Database, kind: RecordKind, ids: Sequence[int], title: str, subtitle: str = "") -> str:
    """The printable table: a title, the filter in words, 序号 and the table columns."""
    fields = kind.table_fields
    head = "".join(f"<th>{html.escape(f.label)}</th>" for f in fields)
    body: list[str] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = records.fetch_rows(db, kind, chunk)
        for offset, record_id in enumerate(chunk):
            cells = rows.get(record_id, ("",) * len(fields))
            body.append(
                f"<tr><td align='right'>{start + offset + 1}</td>"
                + "".join(f"<td>{html.escape(text)}</td>" for text in cells)
                + "</tr>"
            )
    sub = f"<p align='center' style='font-size:9pt'>{html.escape(subtitle)}</p>" if subtitle else ""
    return (
        "<html><head><style>"
        "table { border-collapse: collapse; font-size: 9pt; }"
        "th, td { border: 1px solid #444; padding: 2px 4px; }"
        "th { background: #eee; }"
        "</style></head><body>"
        f"<h2 align='center'>{html.escape(title)}</h2>{sub}"
        f"<table width='100%' cellspacing='0' cellpadding='3' border='1'><thead><tr><th>序号</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        f"<p style='font-size:9pt'>共 {len(ids)} 条　打印日期：{format_cn(dates.today())}</p>"
        "</body></html>"
    )


class ListPrinter:
    """Owns the printer and the document for as long as the preview may use them."""

    def __init__(self) -> None:
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.document = QTextDocument()

    def prepare(self, html_text: str, columns: int) -> None:
        orientation = (
            QPageLayout.Orientation.Landscape
            if columns >= LANDSCAPE_FROM_COLUMNS
            else QPageLayout.Orientation.Portrait
        )
        layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF(15, 15, 15, 15))
        self.printer.setPageLayout(layout)
        self.document.setHtml(html_text)

    def preview(self, parent: QWidget | None, title: str) -> None:
        dialog = QPrintPreviewDialog(self.printer, parent)
        dialog.setWindowTitle(f"打印预览 — {title}")
        dialog.paintRequested.connect(self.document.print_)
        dialog.resize(1000, 720)
        dialog.exec()
        dialog.deleteLater()
