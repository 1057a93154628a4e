"""The live preview: the document as it will print, re-rendered off the GUI thread after edits.

Edits restart a short timer; when it fires the editor's values are rendered to a temporary PDF by a
background job (reportlab takes ~0.1 s, more for long notices) and loaded into a QPdfDocument shown
by a QPdfView. A render that finishes after a newer one was asked for is thrown away. An issued
document shows its stored PDF, exactly what was printed.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job
from ecodesk.services import documents
from ui.common.jobs import run_job

log = logging.getLogger(__name__)

DEBOUNCE_MS = 600


class DocumentPreview(QWidget):
    """Signals: ``rendered(int)`` — a new PDF (of that many pages) is showing."""

    rendered = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("document_preview")
        self._folder = tempfile.TemporaryDirectory(prefix="ecodesk-preview-")
        self._serial = 0  # the newest render asked for
        self._busy = False
        self._pending: Mapping[str, Any] | None = None
        self.current_pdf: Path | None = None

        self.pdf = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("preview_view")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #8a8f96; }")

        self.status = QLabel("预览")
        self.status.setObjectName("preview_status")
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(80)
        self.fit_width = QPushButton("适合宽度")
        self.fit_width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page = QPushButton("整页")
        self.fit_page.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.fit_width)
        bar.addWidget(self.fit_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start_render)
        self._values: Mapping[str, Any] | None = None

    # -- what the page calls -------------------------------------------------------------------

    def schedule(self, values: Mapping[str, Any]) -> None:
        """Render ``values`` shortly (edits within the delay are merged into one render)."""
        self._values = dict(values)
        self._serial += 1
        self.status.setText("正在更新预览……")
        self._timer.start()

    def render_now(self, values: Mapping[str, Any]) -> None:
        self.schedule(values)
        self._timer.stop()
        self._start_render()

    def show_file(self, path: Path, note: str = "") -> None:
        """Show a stored PDF (an issued document) as it is."""
        self._serial += 1
        self._timer.stop()
        self._load(path, note or "存档 PDF")

    def clear(self) -> None:
        self._serial += 1
        self._timer.stop()
        self.pdf.close()
        self.current_pdf = None
        self.status.setText("选择或新建一件公文后在此预览")

    @property
    def page_count(self) -> int:
        return self.pdf.pageCount()

    # -- rendering -----------------------------------------------------------------------------

    def _start_render(self) -> None:
        if self._values is None:
            return
        if self._busy:  # one render at a time; the newest values follow when it is done
            self._pending = self._values
            return
        values, serial = self._values, self._serial
        out = Path(self._folder.name) / f"preview-{serial}.pdf"
        db = self.db
        self._busy = True

        def work(_job: Job) -> tuple[Path, list[str]]:
            result = documents.render_values(db, values, out)
            return out, result.warnings

        run_job(
            self,
            "生成预览",
            work,
            lambda done: self._rendered(done[0], serial, done[1]),
            lambda exc: self._failed(exc, serial),
            show_progress=False,
        )

    def _rendered(self, path: Path, serial: int, warnings: list[str] | None = None) -> None:
        self._busy = False
        if serial == self._serial:
            self._load(path, "预览（未编号的草稿）")
            if warnings:  # e.g. characters no font here can print: the clerk must see it before printing
                self.status.setText(self.status.text() + "\n" + "\n".join(warnings))
                self.status.setStyleSheet("color:#c62828;")
            else:
                self.status.setStyleSheet("")
        else:
            path.unlink(missing_ok=True)
        if self._pending is not None:
            self._pending = None
            self._start_render()

    def _failed(self, exc: BaseException, serial: int) -> None:
        self._busy = False
        if serial == self._serial:
            if isinstance(exc, ValidationError):
                self.status.setText("无法预览：" + "；".join(str(p) for p in exc.problems))
            elif isinstance(exc, EcoDeskError):
                self.status.setText(f"无法预览：{exc}")
            else:
                log.error("preview failed", exc_info=(type(exc), exc, exc.__traceback__))
                self.status.setText(f"预览出错：{type(exc).__name__}: {exc}")
        if self._pending is not None:
            self._pending = None
            self._start_render()

    def _load(self, path: Path, note: str) -> None:
        # A fresh QPdfDocument each time: reloading one the view is still painting from can leave
        # the view showing blank pages (seen under Xvfb right after issuing).
        fresh = QPdfDocument(self)
        error = fresh.load(str(path))
        if error != QPdfDocument.Error.None_:
            fresh.deleteLater()
            self.status.setText(f"无法打开 PDF：{path.name}")
            return
        old_doc, old_path = self.pdf, self.current_pdf
        self.pdf = fresh
        self.view.setDocument(fresh)
        old_doc.close()
        old_doc.deleteLater()
        self.current_pdf = path
        if old_path is not None and old_path != path and old_path.parent == Path(self._folder.name):
            old_path.unlink(missing_ok=True)
        pages = fresh.pageCount()
        self.status.setText(f"{note}　共 {pages} 页")
        self.rendered.emit(pages)

    def closeEvent(self, event: Any) -> None:
        self.pdf.close()
        super().closeEvent(event)
