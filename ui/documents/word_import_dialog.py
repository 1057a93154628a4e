"""导入Word公文…: pick a notice typed in Word/WPS, see what was recognised, then register it.

The file is read first (quick, nothing stored) and the dialog lists what was found — 文号, 标题, 主送,
署名, 日期, 附件, 版记 — and what will go into the body as it stood, so the clerk checks before anything
is written. 登记 runs ``documents.import_docx`` in the background (an issued notice's PDF is rendered
and kept); a refusal (the number is already registered) is shown and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.documents.word_import import WordNotice
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.services import documents
from ecodesk.services.documents import ImportedDocument
from ui.common import dialogs, operations
from ui.common.jobs import JobHandle

FILE_FILTER = "Word 公文 (*.docx);;旧版 Word/WPS (*.doc *.wps);;所有文件 (*)"


class WordImportDialog(QDialog):
    """Signals: ``imported(int)`` — the id of the registered document."""

    imported = Signal(int)

    def __init__(self, db: Database, path: Path, notice: WordNotice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("word_import_dialog")
        self.setWindowTitle("导入Word公文")
        self.db = db
        self.path = path
        self.notice = notice
        self.result_document: ImportedDocument | None = None
        self.last_job: JobHandle | None = None

        heading = QLabel(f"从“{path.name}”识别出以下内容，请核对后登记：")
        heading.setWordWrap(True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for label, value in notice.recognised():
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if value.startswith("（未识别"):
                shown.setStyleSheet("color: #b45309;")
            self.values[label] = shown
            form.addRow(f"{label}：", shown)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        self.unplaced: QPlainTextEdit | None = None
        if notice.unplaced:
            note = QLabel("以下内容未能识别，将原样放入正文末尾（登记后可在草稿中调整）：")
            note.setWordWrap(True)
            layout.addWidget(note)
            self.unplaced = QPlainTextEdit("\n".join(notice.unplaced))
            self.unplaced.setReadOnly(True)
            self.unplaced.setMaximumHeight(90)
            layout.addWidget(self.unplaced)
        self.outcome = QLabel(_outcome(notice))
        self.outcome.setObjectName("word_import_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.outcome)

        buttons = QDialogButtonBox()
        self.register_button = buttons.addButton("登记", QDialogButtonBox.ButtonRole.AcceptRole)
        self.register_button.setDefault(True)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.register_button.clicked.connect(self.register)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def register(self) -> JobHandle:
        """Register in the background; on success close and announce the new document."""
        self.register_button.setEnabled(False)
        db, path = self.db, self.path

        def work(_job: Job) -> Any:
            return documents.import_docx(db, path)

        def done(imported: ImportedDocument) -> None:
            self.result_document = imported
            self.imported.emit(int(imported.document.id))
            self.accept()

        self.last_job = operations.write_in_background(
            self, "正在导入", work, [documents.DOCUMENTS], on_done=done
        )
        self.last_job.finished.connect(self._finished)
        return self.last_job

    def _finished(self, ok: bool) -> None:
        if not ok:  # refused or failed: the clerk may cancel, or fix the file and try again
            self.register_button.setEnabled(True)


def _outcome(notice: WordNotice) -> str:
    if notice.number:
        return (
            f"将登记为已印发公文：{notice.number}（生成并存档 PDF）；"
            f"此后“{notice.number_prefix}”{notice.year}年的文号从 {(notice.sequence or 0) + 1} 号续编。"
        )
    return "没有发文字号，将登记为草稿：可在右侧修改后印发。"


def import_word(
    parent: QWidget, db: Database, on_imported: Callable[[int], None], path: Path | None = None
) -> WordImportDialog | None:
    """Ask for the file (unless given), read it and open the check dialog; errors in one Chinese line."""
    if path is None:
        path = dialogs.ask_open_file(parent, "导入Word公文", FILE_FILTER)
        if path is None:
            return None
    try:
        notice = documents.read_word(path)
    except EcoDeskError as exc:
        dialogs.show_error(parent, str(exc), "不能导入")
        return None
    dialog = WordImportDialog(db, path, notice, parent)
    dialog.imported.connect(on_imported)
    dialog.open()
    return dialog
