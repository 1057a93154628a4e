"""The list page of any record kind: filter bar, a fast table, actions, and the detail pane.

Nothing here knows households from enterprises: everything follows from the kind's declaration,
so a new ledger kind gets this page for free. Writes go through :mod:`ui.common.operations`; the page
refreshes when the change hub says its kind (or a kind it refers to) changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.schema import FieldType, RecordKind
from ecodesk.services import kinds as kind_registry
from ecodesk.services import records
from ui.common import dialogs, excel_io, machine_settings, operations, printing
from ui.common.changes import changes
from ui.common.jobs import JobHandle
from ui.common.table_columns import ColumnFitter
from ui.records.detail import DetailPane
from ui.records.filter_bar import FilterBar
from ui.records.form import RecordDialog
from ui.records.model import RecordTableModel

log = logging.getLogger(__name__)

PRINT_WARN_ROWS = 2000
ROW_HEIGHT_FACTOR = 1.7


LONG_TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONGTEXT})


def long_text_column(kind: RecordKind) -> int | None:
    """The table column that takes the spare width: the widest-declared text (问题描述, 企业名称)."""
    texts = [(f.width, -i) for i, f in enumerate(kind.table_fields) if f.type in LONG_TEXT_TYPES]
    return -max(texts)[1] if texts else None


class RecordPage(QWidget):
    """Signals: ``count_changed(int)`` — the number of rows the list shows (for the status bar)."""

    count_changed = Signal(int)
    # The form 新增/编辑 opens: the generated one, or a kind's own (ui/org/forms.py).
    dialog_class: type[RecordDialog] = RecordDialog

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.kind = kind
        self.setObjectName(f"record_page_{kind.name}")
        self._referenced = self._referenced_kinds()

        self.filter_bar = FilterBar(db, kind)
        self.model = self.create_model()
        self.table = self._make_table()
        self.detail = self.create_detail()

        self.add_button = self._button("新增", "新增一条记录（Ctrl+N）", self.add_record)
        self.edit_button = self._button("编辑", "编辑选中的记录（Enter 或双击）", self.edit_selected)
        self.delete_button = self._button("删除", "删除选中的记录（可恢复）", self.delete_selected)
        self.restore_button = self._button("恢复", "恢复选中的已删除记录", self.restore_selected)
        self.export_button = self._button("导出Excel", "把当前列表导出为 Excel 表格", self.export_excel)
        self.import_button = self._button("导入Excel", "从 Excel 表格（如花名册）导入", self.import_excel)
        self.print_button = self._button("打印", "打印当前列表", self.print_list)
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")

        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.restore_button):
            actions.addWidget(button)
        actions.addSpacing(16)
        for button in (self.import_button, self.export_button, self.print_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([780, 400])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        self.filter_bar.changed.connect(self.apply_filter)
        self.model.count_changed.connect(self._count_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        changes().watch(self, [self.kind], self.refresh)
        if self._referenced:
            changes().watch(self, self._referenced, self.reload)  # a renamed village: choices and names
        changes().everything_changed.connect(self.reload)

        # Ctrl+N for the whole window, as soon as the page is shown (no click into the list first):
        # Qt matches a window shortcut only while its widget is visible, so the list on screen — the
        # current page, the current tab — is the one that gets it.
        self._shortcut(QKeySequence.StandardKey.New, self, self.add_record, Qt.ShortcutContext.WindowShortcut)
        self._shortcut("Ctrl+F", self, self.focus_search, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.installEventFilter(self)  # Enter edits, Delete deletes (see eventFilter)

        self._count_changed(self.model.rowCount())
        self._selection_changed()

    # -- building ------------------------------------------------------------------------------

    def create_model(self) -> RecordTableModel:
        """The table model; a page that colours its rows (overdue red) returns a subclass."""
        return RecordTableModel(self.db, self.kind, self)

    def create_detail(self) -> DetailPane:
        """The pane beside the list; a page with more to show (journal, photos) returns a subclass."""
        return DetailPane(self.db, self.kind)

    @staticmethod
    def _shortcut(
        keys: QKeySequence.StandardKey | str,
        owner: QWidget,
        slot: Callable[[], object],
        context: Qt.ShortcutContext,
    ) -> QShortcut:
        shortcut = QShortcut(QKeySequence(keys), owner)
        shortcut.setContext(context)
        shortcut.activated.connect(slot)
        return shortcut

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("record_table")
        table.setModel(self.model)
        table.setSortingEnabled(False)  # sort by header click without Qt sorting at start-up
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)
        line = table.fontMetrics().height()
        vertical = table.verticalHeader()
        # Fixed heights: a 200,000-row table must never measure its rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(int(line * ROW_HEIGHT_FACTOR))
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort_requested)
        self._status_beside_title(header)
        # Columns as wide as the rows on screen need, the long text column taking the rest.
        self.columns = ColumnFitter(table, long_text_column(self.kind))
        saved = machine_settings.header_state(self.kind.name)
        if saved is not None:
            header.restoreState(saved)
            if header.count() != len(self.kind.table_fields):
                self.columns.fit()
            else:
                self.columns.manual = True  # the widths the clerk left last time
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        return table

    def _status_beside_title(self, header: QHeaderView) -> None:
        """The status column right after the name (the view only: exports keep the declared order),
        so a wide list still shows what state each record is in on a 1366 screen."""
        keys = [f.key for f in self.kind.table_fields]
        title, status = self.kind.title_key, self.kind.status_key
        if title in keys and status and status in keys:
            moving, after = header.visualIndex(keys.index(status)), header.visualIndex(keys.index(title))
            header.moveSection(moving, after if moving < after else after + 1)

    def _referenced_kinds(self) -> list[RecordKind]:
        """Other kinds whose names this list shows (a household shows its village's name)."""
        models = {f.ref.model for f in self.kind.fields if f.ref is not None}
        return [k for k in kind_registry.KINDS.values() if k.model in models and k != self.kind]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the table, Enter opens the selected record and Delete deletes it (keyboard first)."""
        plain = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.modifiers() in plain
        ):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    # -- filter, sort, refresh -----------------------------------------------------------------

    def apply_filter(self) -> None:
        self.model.set_filter(self.filter_bar.list_filter())

    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        self.model.sort(column, order)

    def reload(self) -> None:
        """Everything may have changed (demo data, restored backup): re-read lists and choices."""
        self.filter_bar.reload_villages()
        self.refresh()

    def refresh(self, changed_ids: list[int] | None = None) -> None:
        selected = self.selected_ids()
        self.model.refresh(changed_ids)
        self.select_ids(selected, scroll=False)
        self._selection_changed()

    def _count_changed(self, count: int) -> None:
        self.count_label.setText(f"共 {count:,} 条")
        self.count_changed.emit(count)

    def record_count(self) -> int:
        return self.model.rowCount()

    def focus_search(self) -> None:
        self.filter_bar.text.setFocus()
        self.filter_bar.text.selectAll()

    # -- selection -----------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def selected_ids(self) -> list[int]:
        return [self.model.id_at(row) for row in self.selected_rows()]

    def select_ids(self, ids: list[int], *, scroll: bool = True) -> None:
        selection = QItemSelection()
        for record_id in ids:
            row = self.model.row_of_id(record_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1)
                )
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(selection, flags)
        if ids and not selection.isEmpty():
            first = selection.indexes()[0]
            self.table.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.table.scrollTo(first, QAbstractItemView.ScrollHint.EnsureVisible)

    def _selection_changed(self, *_args: object) -> None:
        rows = self.selected_rows()
        deleted = [self.model.is_deleted(row) for row in rows]
        self.edit_button.setEnabled(len(rows) == 1 and not deleted[0])
        self.delete_button.setEnabled(bool(rows) and not all(deleted))
        self.restore_button.setEnabled(any(deleted))
        self.restore_button.setVisible(self.filter_bar.show_deleted.isChecked())
        if len(rows) == 1:
            self.detail.show_record(self.model.id_at(rows[0]))
        else:
            self.detail.show_record(None, several=len(rows))

    # -- actions -------------------------------------------------------------------------------

    def add_record(self) -> None:
        record_id = self.dialog_class.ask(self, self.db, self.kind)
        if record_id is not None:
            self.select_ids([record_id])

    def edit_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1 or self.model.is_deleted(rows[0]):
            return
        record_id = self.model.id_at(rows[0])
        if self.dialog_class.ask(self, self.db, self.kind, record_id) is not None:
            self.select_ids([record_id])
            self.detail.show_record(record_id)

    def delete_selected(self) -> None:
        ids = [self.model.id_at(row) for row in self.selected_rows() if not self.model.is_deleted(row)]
        if not ids:
            return
        if not dialogs.confirm(
            self,
            f"确定删除选中的 {len(ids)} 条{records.records_of(self.kind.label)}吗？\n"
            "删除后仍可找回：勾选“显示已删除”，选中后点“恢复”。",
            ok_text="删除",
        ):
            return
        operations.write(self, lambda: records.soft_delete(self.db, self.kind, ids), [self.kind])

    def restore_selected(self) -> None:
        ids = [self.model.id_at(row) for row in self.selected_rows() if self.model.is_deleted(row)]
        if ids:
            operations.write(self, lambda: records.restore(self.db, self.kind, ids), [self.kind])

    def export_excel(self) -> None:
        excel_io.export_list(
            self, self.db, self.kind, self.model.list_filter, self.model.sort_key, self.model.descending
        )

    def import_excel(self) -> None:
        excel_io.import_into(self, self.db, self.kind)

    def print_list(self) -> JobHandle | None:
        """Preview the list as shown (filter, order) as the printed PDF, then print it."""
        count = self.model.rowCount()
        if not count:
            dialogs.show_info(self, "当前列表没有记录可打印。")
            return None
        if count > PRINT_WARN_ROWS and not dialogs.confirm(
            self,
            f"当前列表共 {count:,} 条，打印约 {count // 25 + 1:,} 页。\n可先用上方的条件筛选，只打印需要的部分。确定继续吗？",
            ok_text="继续",
        ):
            return None
        return printing.print_list(
            self, self.db, self.kind, self.model.list_filter, self.model.sort_key, self.model.descending
        )

    def save_state(self) -> None:
        """Remember column widths for next time (called when the window closes)."""
        machine_settings.set_header_state(self.kind.name, self.table.horizontalHeader().saveState())
