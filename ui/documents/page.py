"""公文: the register (发文登记) on the left, the editor in the middle, the live preview on the right.

The register lists documents newest first, filtered in SQL by year, kind, status and free text.
A draft is edited and previewed as it is typed; 印发 asks for confirmation, then gives the number,
stores the PDF and shows the number. An issued document is read-only and previews its stored PDF;
it can be printed, saved as PDF, or voided with a reason (its number is never used again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.documents.kinds import KIND_HELP
from ecodesk.errors import EcoDeskError
from ecodesk.files import write_error
from ecodesk.jobs import Job
from ecodesk.models.document import DOCUMENT_KINDS, DOCUMENT_STATUSES, DRAFT, ISSUED
from ecodesk.services import documents
from ecodesk.services import settings as data_settings
from ecodesk.services.dashboard import Target
from ui.common import dialogs, operations
from ui.common.changes import changes
from ui.common.jobs import JobHandle
from ui.common.table_columns import ColumnFitter
from ui.common.text_input import ask_text
from ui.documents.editor import DocumentEditor
from ui.documents.preview import DocumentPreview
from ui.documents.printer import DocumentPrinter
from ui.documents.word_import_dialog import WordImportDialog, import_word
from ui.records.model import RecordTableModel

log = logging.getLogger(__name__)

DOCUMENTS = documents.DOCUMENTS  # the register's record kind: what its writes announce


# What 另存为 writes, by the file's suffix: its name for the clerk and the file-dialog filter.
_FORMATS = {".pdf": ("PDF", "PDF 文件 (*.pdf)"), ".docx": ("Word 文件", "Word 文件 (*.docx)")}


def saved_box(parent: QWidget | None, path: Path) -> QMessageBox:
    """Says where a PDF or Word file was saved, with 打开文件夹 and 关闭 (关闭 the default)."""
    what = _FORMATS.get(path.suffix.lower(), ("文件", ""))[0]
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "已保存",
        f"已另存为 {what}：\n{path}",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.addButton("打开文件夹", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    return box


def tell_saved(parent: QWidget | None, path: Path) -> bool:
    """Show where ``path`` was saved; True when the clerk chose 打开文件夹 (a function so tests can
    replace it)."""
    box = saved_box(parent, path)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and clicked.text() == "打开文件夹"


def ask_void_reason(parent: QWidget | None, number: str) -> str | None:
    """The reason for voiding (None when cancelled); a function so tests can replace it."""
    return ask_text(
        parent,
        "作废公文",
        f"作废 {number}。\n作废后文号保留、不再使用，PDF 存档不变。\n\n作废原因：",
        required=True,
    )


REGISTER_ORDER = ("number", "kind", "status", "title", "doc_date")  # the register's first columns
TITLE_EM = 20  # 标题's width at most (characters) before the spare room is added


class DocumentsPage(QWidget):
    """Signals: ``count_changed(int)`` — rows in the register list (for the status bar)."""

    count_changed = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("documents_page")
        self.current_id: int | None = None
        self._current_status = ""
        self._dirty = False
        self._printer: DocumentPrinter | None = None  # kept alive while a print dialog may use it
        self.last_job: JobHandle | None = None

        self.year = QComboBox()
        self.year.setObjectName("filter_year")
        self.kind = QComboBox()
        self.kind.setObjectName("filter_kind")
        self.kind.addItem("全部", "")
        for kind in DOCUMENT_KINDS:
            self.kind.addItem(kind, kind)
        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        self.status.addItem("全部", "")
        for status in DOCUMENT_STATUSES:
            self.status.addItem(status, status)
        self.search = QLineEdit()
        self.search.setObjectName("filter_text")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("搜索：标题、主送、正文")
        self.search.setMinimumWidth(160)
        filters = QHBoxLayout()
        for label, widget in (("年度：", self.year), ("文种：", self.kind), ("状态：", self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)

        self.new_button = QToolButton()
        self.new_button.setObjectName("new_document")
        self.new_button.setText("新建公文")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.new_button)
        for kind in DOCUMENT_KINDS:
            action = menu.addAction(kind)
            action.setToolTip(KIND_HELP[kind])
            action.triggered.connect(lambda _checked=False, k=kind: self.new_document(k))
        menu.addSeparator()
        issuing = menu.addAction("印发方案的通知（方案作附件）")
        issuing.triggered.connect(lambda _checked=False: self.new_document("通知", issuing=True))
        self.new_button.setMenu(menu)
        self.word_button = self._button(
            "导入Word公文…", "把在 Word/WPS 里写好的通知（.docx）登记进发文登记", self.import_word
        )
        self.save_button = self._button("保存", "保存草稿（Ctrl+S）", self.save_current)
        self.delete_button = self._button(
            "删除草稿", "删除选中的草稿（已印发的只能作废）", self.delete_current
        )
        self.issue_button = self._button("印发…", "确认后编发文字号，生成并存档 PDF", self.issue_current)
        self.void_button = self._button("作废…", "作废已印发的公文（文号保留、不再使用）", self.void_current)
        self.print_button = self._button("打印…", "打印预览中的公文", self.print_current)
        self.pdf_button = self._button("另存为PDF…", "把公文另存为 PDF 文件", self.save_pdf)
        self.docx_button = self._button(
            "导出Word…",
            "把公文导出为 Word 文件（.docx，GB/T 9704 版式），供领导在 Word/WPS 中修改或报送电子版",
            self.save_word,
        )
        self.state_label = QLabel()
        self.state_label.setObjectName("document_state")
        filters.addSpacing(12)
        filters.addWidget(self.state_label)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.word_button)
        for button in (self.save_button, self.delete_button):
            actions.addWidget(button)
        actions.addSpacing(12)
        for button in (self.issue_button, self.void_button):
            actions.addWidget(button)
        actions.addSpacing(12)
        for button in (self.print_button, self.pdf_button, self.docx_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.model = RecordTableModel(db, documents.DOCUMENTS, self)
        self.model.sort(-1, Qt.SortOrder.DescendingOrder)  # newest first
        self.table = QTableView()
        self.table.setObjectName("documents_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.7))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # 状态 next to the number and 标题 after it, so both are in view at 1366 × 768; the columns
        # as wide as what they hold, 标题 taking the rest.
        keys = [f.key for f in documents.DOCUMENTS.table_fields]
        for visual, key in enumerate(REGISTER_ORDER):
            header.moveSection(header.visualIndex(keys.index(key)), visual)
        self.columns = ColumnFitter(self.table, keys.index("title"))
        self.columns.cap({keys.index("title"): TITLE_EM * self.fontMetrics().horizontalAdvance("国")})

        self.editor = DocumentEditor()
        self.preview = DocumentPreview(db)
        self.preview.clear()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([480, 380, 400])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)

        self.reload_years()
        self._apply_settings()
        self.year.currentIndexChanged.connect(self.apply_filter)
        self.kind.currentIndexChanged.connect(self.apply_filter)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.search.textChanged.connect(self.apply_filter)
        self.model.count_changed.connect(self.count_changed)
        self.model.modelReset.connect(self._reselect)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.editor.changed.connect(self._edited)
        changes().watch(self, [DOCUMENTS], self._documents_changed)
        changes().everything_changed.connect(self.reload)
        changes().settings_changed.connect(self._apply_settings)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_current)
        self._update_buttons()

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- the register --------------------------------------------------------------------------

    def record_count(self) -> int:
        return self.model.rowCount()

    def reload_years(self) -> None:
        chosen = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem("全部", None)
        for year in documents.years(self.db):
            self.year.addItem(f"{year}年", year)
        index = self.year.findData(chosen)
        self.year.setCurrentIndex(max(index, 0))
        self.year.blockSignals(False)

    def apply_filter(self) -> None:
        self.model.set_filter(
            documents.list_filter(
                year=self.year.currentData(),
                kind=self.kind.currentData() or None,
                status=self.status.currentData() or None,
                text=self.search.text(),
            )
        )

    def reload(self) -> None:
        self.reload_years()
        self.apply_filter()

    def _documents_changed(self) -> None:
        self.reload_years()
        self.model.refresh()
        self._reselect()

    def _apply_settings(self) -> None:
        self.editor.set_organs(data_settings.load(self.db).organ_list())

    def select_id(self, doc_id: int) -> None:
        row = self.model.row_of_id(doc_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def show_target(self, target: Target) -> None:
        """Open the document a link names (起草整改通报's 打开), clearing filters that would hide it."""
        if target.record_id is None or (self._dirty and not self._save(quiet=True)):
            return
        self._clear_filters_for(target.record_id)
        self.show_document(target.record_id)
        self.select_id(target.record_id)

    def _reselect(self) -> None:
        if self.current_id is not None and self.model.row_of_id(self.current_id) >= 0:
            self.table.selectionModel().blockSignals(True)
            self.select_id(self.current_id)
            self.table.selectionModel().blockSignals(False)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        doc_id = self.model.id_at(current.row()) if current.isValid() else None
        if doc_id == self.current_id:
            return
        if self._dirty and not self._save(quiet=True):
            return
        self.show_document(doc_id)

    # -- the current document ------------------------------------------------------------------

    def show_document(self, doc_id: int | None) -> None:
        self.current_id = doc_id
        self._dirty = False
        if doc_id is None:
            self._current_status = ""
            self.preview.clear()
            self._update_buttons()
            return
        try:
            doc = documents.get(self.db, doc_id)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return
        self._current_status = doc.status
        self.editor.load(doc)
        self.editor.set_read_only(doc.status != DRAFT)
        if doc.status == DRAFT:
            self.preview.render_now(self.editor.values())
        else:
            try:
                path = documents.stored_pdf(self.db, doc_id)
            except EcoDeskError as exc:
                self.preview.clear()
                self.preview.status.setText(str(exc))
            else:
                if path is not None:
                    self.preview.show_file(path, f"{doc.number}（{doc.status}，存档 PDF）")
        self._update_buttons(doc)

    def _update_buttons(self, doc: Any = None) -> None:
        status = self._current_status
        self.save_button.setEnabled(status == DRAFT)
        self.delete_button.setEnabled(status == DRAFT)
        self.issue_button.setEnabled(status == DRAFT)
        self.void_button.setEnabled(status == ISSUED)
        self.print_button.setEnabled(bool(status))
        self.pdf_button.setEnabled(bool(status))
        self.docx_button.setEnabled(bool(status))
        if doc is None:
            self.state_label.setText(status)
        else:
            text = f"{doc.number}　{doc.status}" if doc.number else "草稿（印发时编号）"
            if doc.void_reason:
                text += f"（{doc.void_reason}）"
            self.state_label.setText(text)

    def _edited(self) -> None:
        if self._current_status != DRAFT:
            return
        self._dirty = True
        self.preview.schedule(self.editor.values())

    def new_document(self, kind: str, *, issuing: bool = False) -> int | None:
        if self._dirty and not self._save(quiet=True):
            return None
        doc = operations.write(self, lambda: documents.new_draft(self.db, kind, issuing=issuing), [DOCUMENTS])
        if doc is None:
            return None
        self._clear_filters_for(doc.id)
        self.show_document(doc.id)
        self.select_id(doc.id)
        self.editor.tabs.setCurrentIndex(0)
        self.editor.title.setFocus()
        return int(doc.id)

    def import_word(self, path: Path | None = None) -> WordImportDialog | None:
        """导入Word公文…: the dialog shows what was recognised; the document opens once registered."""
        if self._dirty and not self._save(quiet=True):
            return None
        return import_word(self, self.db, self._open_new, path)

    def _open_new(self, doc_id: int) -> None:
        self._clear_filters_for(doc_id)
        self.show_document(doc_id)
        self.select_id(doc_id)

    def _clear_filters_for(self, doc_id: int) -> None:
        """Make sure a new draft is in the list the clerk sees."""
        if self.model.row_of_id(doc_id) >= 0:
            return
        for combo in (self.year, self.kind, self.status):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def save_current(self) -> bool:
        return self._save(quiet=False)

    def _save(self, *, quiet: bool) -> bool:
        if self.current_id is None or self._current_status != DRAFT:
            return True
        doc_id, values = self.current_id, self.editor.values()
        saved = operations.write(self, lambda: documents.update_draft(self.db, doc_id, values), [DOCUMENTS])
        if saved is None:
            return False
        self._dirty = False
        if not quiet:
            self.state_label.setText("草稿已保存（印发时编号）")
        return True

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        doc_id = self.current_id
        title = self.editor.title.text() or "（无标题）"
        if not dialogs.confirm(self, f"删除草稿“{title}”？\n删除后可在修改记录中找回。", ok_text="删除"):
            return
        if operations.write(self, lambda: documents.delete_draft(self.db, doc_id), [DOCUMENTS]) is not None:
            self._dirty = False
            self.show_document(None)

    def issue_current(self) -> JobHandle | None:
        """Confirm, then issue in the background; the number is shown when it is given."""
        if self.current_id is None or self._current_status != DRAFT:
            return None
        if not self._save(quiet=True):
            return None
        doc = documents.get(self.db, self.current_id)
        problems = documents.issue_problems(doc)
        if problems:
            dialogs.show_error(self, "印发前请补全：\n" + "\n".join(str(p) for p in problems), "不能印发")
            return None
        number = documents.next_number(self.db, doc.id)
        question = (
            f"印发《{doc.title}》？\n\n将编发文字号 {number}，生成并存档 PDF。\n"
            "印发后不能再修改，只能作废；作废的文号不再使用。"
        )
        if not dialogs.confirm(self, question, "确认印发", ok_text="印发"):
            return None
        doc_id, db = doc.id, self.db

        def work(_job: Job) -> Any:
            return documents.issue(db, doc_id)

        def done(issued: Any) -> None:
            self.show_document(issued.id)
            self.select_id(issued.id)
            dialogs.show_info(self, f"已印发，发文字号：{issued.number}\nPDF 已存档。", "印发完成")

        self.last_job = operations.write_in_background(self, "正在印发", work, [DOCUMENTS], on_done=done)
        return self.last_job

    def void_current(self) -> bool:
        if self.current_id is None or self._current_status != ISSUED:
            return False
        doc_id = self.current_id
        number = documents.get(self.db, doc_id).number
        reason = ask_void_reason(self, number)
        if reason is None:
            return False
        voided = operations.write(
            self, lambda: documents.void(self.db, doc_id, reason), [DOCUMENTS], refused_title="不能作废"
        )
        if voided is None:
            return False
        self.show_document(doc_id)
        return True

    def _pdf_for_output(self) -> Path | None:
        """The file to print or copy: the stored PDF, or the draft's current preview."""
        if self.current_id is None:
            return None
        if self._current_status == DRAFT:
            if not self._save(quiet=True):
                return None
            return self.preview.current_pdf
        return documents.stored_pdf(self.db, self.current_id)

    def print_current(self) -> int:
        try:
            path = self._pdf_for_output()
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return 0
        if path is None:
            dialogs.show_info(self, "预览还没有生成，请稍候再打印。")
            return 0
        if self._printer is None:
            self._printer = DocumentPrinter()
        title = self.editor.title.text() or "公文"
        if not self._printer.ask(self, title, self.preview.page_count):
            return 0
        try:
            return self._printer.print_file(path)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return 0

    def save_pdf(self) -> Path | None:
        return self._save_as(".pdf", documents.export_pdf)

    def save_word(self) -> Path | None:
        """导出Word…: the document as a .docx on the GB/T 9704 page (an issued one with its number)."""
        return self._save_as(".docx", documents.export_docx)

    def _save_as(self, suffix: str, export: Callable[[Database, int, Path], Path]) -> Path | None:
        if self.current_id is None:
            return None
        if self._current_status == DRAFT and not self._save(quiet=True):
            return None
        doc = documents.get(self.db, self.current_id)
        what, file_filter = _FORMATS[suffix]
        name = f"{doc.number or '草稿'} {doc.title or doc.kind}{suffix}"  # made safe by ask_save_file
        target = dialogs.ask_save_file(self, f"另存为 {what}", name, file_filter)
        if target is None:
            return None
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        try:
            export(self.db, doc.id, target)
        except OSError as exc:
            dialogs.show_error(self, str(write_error(target, exc)))
            return None
        except EcoDeskError as exc:
            dialogs.show_error(self, f"无法保存{what}：{exc}")
            return None
        if tell_saved(self, target):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))
        return target

    def save_state(self) -> None:
        if self._dirty:
            self._save(quiet=True)
