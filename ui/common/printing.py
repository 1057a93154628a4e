"""The 打印 button of every list: the same PDF as ``ecodesk print``, previewed in the app, then printed.

The PDF is built by the one table-PDF engine (``services.record_export.export_kind_pdf`` →
``exports.table_pdf``) off the GUI thread, as a job with progress and 取消 — a list of thousands of
rows takes seconds. It is shown in the 公文 page's PDF preview (``ui.documents.preview``) and printed
through the same raster path as a 公文 (``ui.documents.printer``), in landscape, since the PDF is A4
landscape. So what the clerk sees is what prints, rows are never split across pages, and the
filter is named under the title.

The QPrinter is kept by the long-lived preview dialog: Qt's print dialogs crash when their printer is
garbage-collected under them (SPEC §9).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.files import write_error
from ecodesk.jobs import Job
from ecodesk.schema import RecordKind
from ecodesk.services import documents
from ecodesk.services.record_export import export_kind_pdf, list_title
from ecodesk.services.records import ListFilter
from ui.common import dialogs
from ui.common.jobs import JobHandle, run_job
from ui.documents.preview import DocumentPreview
from ui.documents.printer import DocumentPrinter


class ListPrintPreview(QDialog):
    """A printed list as it will come out of the printer, with 打印… and 另存为 PDF…."""

    def __init__(
        self,
        db: Database,
        pdf: Path,
        title: str,
        note: str,
        folder: tempfile.TemporaryDirectory[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("list_print_preview")
        self.setWindowTitle(f"打印预览 — {title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pdf = pdf
        self.title = title
        self._folder = folder  # removed with the dialog
        self.printer: DocumentPrinter | None = None

        self.preview = DocumentPreview(db, self)
        self.preview.show_file(pdf, note)
        self.print_button = QPushButton("打印…")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_now)
        self.save_button = QPushButton("另存为 PDF…")
        self.save_button.clicked.connect(self.save_copy)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.finished.connect(lambda _code: self._folder.cleanup())
        self._fit_screen()

    def _fit_screen(self) -> None:
        screen = self.screen().availableGeometry()
        self.resize(min(1100, screen.width() - 40), min(760, screen.height() - 40))

    @property
    def page_count(self) -> int:
        return self.preview.page_count

    def print_now(self) -> int:
        """The system print dialog, then the pages; returns the pages printed (0 when cancelled)."""
        if self.printer is None:
            self.printer = DocumentPrinter()
            self.printer.printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        if not self.printer.ask(self, self.title, self.page_count):
            return 0
        try:
            return self.printer.print_file(self.pdf)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return 0

    def save_copy(self) -> Path | None:
        target = dialogs.ask_save_file(self, "另存为 PDF", f"{self.title}.pdf", "PDF 文件 (*.pdf)")
        if target is None:
            return None
        try:
            target.write_bytes(self.pdf.read_bytes())
        except OSError as exc:
            dialogs.show_error(self, str(write_error(target, exc)))
            return None
        return target


def print_list(
    parent: QWidget,
    db: Database,
    kind: RecordKind,
    flt: ListFilter,
    sort_key: str | None = None,
    descending: bool = False,
) -> JobHandle:
    """Build the list's PDF as a job, then open its preview. ``handle.result`` is the preview dialog."""
    folder = tempfile.TemporaryDirectory(prefix="ecodesk-print-")
    title = list_title(db, kind)
    out = Path(folder.name) / f"{title}.pdf"

    def work(job: Job) -> tuple[int, int]:
        return export_kind_pdf(
            db, kind, out, documents.fonts_for(db), flt, sort_key=sort_key, descending=descending, job=job
        )

    handle: JobHandle

    def done(result: Any) -> None:
        rows, _pages = result
        dialog = ListPrintPreview(db, out, title, f"{title}　共 {rows} 条", folder, parent)
        handle.result = dialog
        dialog.show()

    handle = run_job(parent, "正在生成打印预览", work, done)
    handle.finished.connect(lambda ok: None if ok else folder.cleanup())
    return handle
