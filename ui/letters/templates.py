"""The 模板 tab: edit a kind's wording for the year, with the placeholders listed and a live preview.

The preview renders the unsaved wording, filled for the first signer, to a temporary PDF on a worker
thread (a debounce timer waits for typing to pause) and shows it in a QPdfView. A render that
finishes after a newer one was asked for is discarded.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.letters.placeholders import PLACEHOLDERS
from ecodesk.services import letter_print, letters
from ui.common import dialogs
from ui.common.changes import Area
from ui.common.jobs import run_job
from ui.common.operations import write

DEBOUNCE_MS = 700


class LetterTemplatesTab(QWidget):
    """Signals: ``preview_ready(bool)`` after each preview render (True when it fits one page)."""

    preview_ready = Signal(bool)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = 0
        self._templates: list[Any] = []
        self._current: int | None = None
        self._loading = False
        self._serial = 0
        self._folder = tempfile.TemporaryDirectory(prefix="ecodesk-letter-preview-")

        self.kinds = QListWidget()
        self.kinds.setObjectName("template_kinds")
        self.kinds.setMaximumWidth(150)
        self.kinds.currentRowChanged.connect(self._select)

        self.title = QLineEdit()
        self.title.setObjectName("template_title")
        self.body = QPlainTextEdit()
        self.body.setObjectName("template_body")
        self.party_a = QPlainTextEdit()
        self.party_a.setObjectName("template_party_a")
        self.party_b = QPlainTextEdit()
        self.party_b.setObjectName("template_party_b")
        for box in (self.party_a, self.party_b):
            box.setFixedHeight(box.fontMetrics().lineSpacing() * 4 + 12)
        signer_row = QHBoxLayout()
        signer_row.addWidget(self.party_a)
        signer_row.addWidget(self.party_b)
        help_text = "　".join("{" + k + "}" + f"：{v}" for k, v in PLACEHOLDERS.items())
        self.help = QLabel(f"可用占位符（打印时替换）：{help_text}。正文各段之间空一行。")
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color:#555;")
        self.signers = QLabel()
        self.signers.setObjectName("template_signers")
        self.problem = QLabel()
        self.problem.setObjectName("template_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#c0392b;")

        self.save_button = QPushButton("保存模板")
        self.save_button.setObjectName("template_save")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton("恢复默认文字")
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addWidget(self.signers, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)

        form = QFormLayout()
        form.addRow("标题", self.title)
        form.addRow("正文", self.body)
        form.addRow("签署栏（左 / 右）", signer_row)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(form, 1)
        editor_layout.addWidget(self.help)
        editor_layout.addWidget(self.problem)
        editor_layout.addLayout(buttons)

        self.pdf = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("template_preview")
        self.view.setDocument(self.pdf)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setStyleSheet("QPdfView { background: #8a8f96; }")
        self.preview_status = QLabel("预览")
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.preview_status)
        preview_layout.addWidget(self.view, 1)

        splitter = QSplitter()
        splitter.addWidget(editor)
        splitter.addWidget(preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([620, 480])
        layout = QHBoxLayout(self)
        layout.addWidget(self.kinds)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.render_preview)
        for w in (self.body, self.party_a, self.party_b):
            w.textChanged.connect(self._edited)
        self.title.textChanged.connect(self._edited)

    # -- loading --------------------------------------------------------------------------------

    def load(self, year: int, kind: str | None = None) -> None:
        self.year = year
        self._templates = letters.list_templates(self.db, year)
        self.kinds.blockSignals(True)
        self.kinds.clear()
        for tpl in self._templates:
            self.kinds.addItem(tpl.kind)
        self.kinds.blockSignals(False)
        kinds = [t.kind for t in self._templates]
        self.kinds.setCurrentRow(kinds.index(kind) if kind in kinds else 0)

    def _select(self, row: int) -> None:
        if row < 0 or row >= len(self._templates):
            return
        tpl = self._templates[row]
        self._current = tpl.id
        self._loading = True
        self.title.setText(tpl.title)
        self.body.setPlainText(tpl.body)
        self.party_a.setPlainText(tpl.party_a)
        self.party_b.setPlainText(tpl.party_b)
        self._loading = False
        who = "、".join(tpl.signer_filter) if tpl.signer_filter else "全部"
        self.signers.setText(f"签订对象：{tpl.signer_type}（{who}）")
        self.problem.clear()
        self.render_preview()

    def values(self) -> dict[str, str]:
        return {
            "title": self.title.text(),
            "body": self.body.toPlainText(),
            "party_a": self.party_a.toPlainText(),
            "party_b": self.party_b.toPlainText(),
        }

    def current_kind(self) -> str:
        item = self.kinds.currentItem()
        return item.text() if item is not None else ""

    # -- editing --------------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._loading:
            return
        problems = letters.template_problems(self.values())
        self.problem.setText("；".join(str(p) for p in problems))
        self._timer.start()

    def save(self) -> bool:
        if self._current is None:
            return False
        template_id, values = self._current, self.values()
        saved = write(self, lambda: letters.save_template(self.db, template_id, values), [Area.LETTERS])
        if saved is None:
            return False
        self.load(self.year, self.current_kind())
        dialogs.show_info(self, f"已保存{saved.year}年度{saved.kind}模板。", "已保存")
        return True

    def reset(self) -> None:
        if self._current is None or not dialogs.confirm(
            self, "把这份模板恢复为软件自带的文字？（原文字可在修改记录中查到）"
        ):
            return
        template_id = self._current
        if write(self, lambda: letters.reset_template(self.db, template_id), [Area.LETTERS]) is not None:
            self.load(self.year, self.current_kind())

    # -- preview --------------------------------------------------------------------------------

    def render_preview(self) -> None:
        """Render the unsaved wording off the GUI thread; ``preview_ready(fits)`` when shown."""
        kind, values, year = self.current_kind(), self.values(), self.year
        if not kind:
            return
        self._serial += 1
        serial = self._serial
        out = Path(self._folder.name) / f"preview-{serial}.pdf"
        self.preview_status.setText("正在生成预览……")

        def work(_job: Job) -> letter_print.Preview:
            return letter_print.preview_pdf(self.db, year, kind, values, out)

        def done(preview: letter_print.Preview) -> None:
            if serial != self._serial or not isValid(self.pdf):
                return  # a newer edit is being rendered, or the page was closed meanwhile
            self.pdf.load(str(preview.path))
            if preview.fits:
                self.preview_status.setText(f"预览（按第一位签订人填写，正文 {preview.size:g} 磅）")
                self.preview_status.setStyleSheet("")
            else:
                self.preview_status.setText("文字太长，一页印不下，超出部分会被截掉：请删减正文。")
                self.preview_status.setStyleSheet("color:#c0392b;")
            self.preview_ready.emit(preview.fits)

        def failed(exc: BaseException) -> None:
            if serial != self._serial or not isValid(self.preview_status):
                return
            self.preview_status.setText(str(exc) if isinstance(exc, EcoDeskError) else f"预览失败：{exc}")
            self.preview_ready.emit(False)

        run_job(self, "生成预览", work, done, failed, show_progress=False)
