"""The 工作台's 待办: overdue and soon-due work in one list, so nothing late hides behind a "this week" count.

Rows are the service's :class:`ecodesk.services.dashboard.TodoItem` values (plain data): the deadline,
已逾期 N 天 / N 天后到期, the category (问题整改, 报送材料, 信访举报), the village and what it is, oldest
deadline first. Overdue rows are red. Double-click or Enter asks to open the record behind a row
(``open_requested(Target)``); the page hands that to :mod:`ui.shell.navigation`.

The 工作台 lists the first :data:`~ecodesk.services.dashboard.TODO_LIMIT` rows; the heading counts all
of them, and a link under the list ("还有 N 条，点此查看全部", ``show_all_requested``) opens
:class:`AllTodoDialog` with every one, so nothing is dropped without a word.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.dates import format_iso
from ecodesk.services.dashboard import Target, TodoItem

HEADERS = ("期限", "情况", "类别", "村（社区）", "事项")
OVERDUE_COLOUR = QColor("#b71c1c")
SOON_COLOUR = QColor("#7a4f00")
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


class TodoList(QWidget):
    """Signals: ``open_requested(object)`` — the :class:`Target` of the row double-clicked or entered;
    ``show_all_requested()`` — the clerk clicked 点此查看全部 under a list cut short."""

    open_requested = Signal(object)
    show_all_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todo_list")
        self.heading = QLabel("待办")
        self.heading.setObjectName("todo_heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setStyleSheet("border:none; color:#24292f;")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("todo_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setStyleSheet("QTableWidget { border:none; }")
        self.table.setToolTip("双击或按 Enter 打开这条记录")
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        chars = self.table.fontMetrics().horizontalAdvance("0")
        for column, width in enumerate((11, 11, 9, 9)):
            self.table.setColumnWidth(column, width * chars + 14)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        line = self.table.fontMetrics().height()
        self.table.verticalHeader().setDefaultSectionSize(int(line * 1.6))
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.installEventFilter(self)
        self.more = QLabel()
        self.more.setObjectName("todo_more")
        self.more.setStyleSheet("border:none;")
        self.more.setTextFormat(Qt.TextFormat.RichText)
        self.more.linkActivated.connect(lambda _link: self.show_all_requested.emit())
        self.more.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.more)

    def set_items(self, items: Sequence[TodoItem], total: int, overdue_total: int | None = None) -> None:
        """Show ``items``, the first rows of ``total`` (``overdue_total`` of them overdue)."""
        total = max(total, len(items))
        overdue = sum(1 for i in items if i.overdue) if overdue_total is None else overdue_total
        self.heading.setText(
            f"待办　已逾期 {overdue} 项，3天内到期 {total - overdue} 项"
            if total
            else "待办　没有逾期或3天内到期的事项"
        )
        hidden = total - len(items)
        self.more.setText(
            f'列出最早到期的 {len(items)} 条，还有 {hidden} 条，<a href="all">点此查看全部</a>'
            if hidden
            else ""
        )
        self.more.setVisible(hidden > 0)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            values = (format_iso(item.deadline), item.when, item.category, item.village, item.what)
            colour = OVERDUE_COLOUR if item.overdue else SOON_COLOUR
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(f"{item.category}：{item.what}（{item.village}，{item.when}）")
                if column < 2:
                    cell.setForeground(QBrush(colour))
                if column == 0:
                    cell.setData(TARGET_ROLE, item.target)
                self.table.setItem(row, column, cell)

    def row_texts(self, row: int) -> tuple[str, ...]:
        cells = [self.table.item(row, c) for c in range(self.table.columnCount())]
        return tuple(cell.text() if cell is not None else "" for cell in cells)

    def target_at(self, row: int) -> Target | None:
        cell = self.table.item(row, 0)
        value = cell.data(TARGET_ROLE) if cell is not None else None
        return value if isinstance(value, Target) else None

    def _open(self, row: int) -> None:
        target = self.target_at(row)
        if target is not None:
            self.open_requested.emit(target)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._open(self.table.currentRow())
            return True
        return super().eventFilter(watched, event)


class AllTodoDialog(QDialog):
    """Every row of the 待办, as the 工作台's list (same columns, colours and keys); opening a row
    closes the dialog. Signals: ``open_requested(object)`` as :class:`TodoList`."""

    open_requested = Signal(object)

    def __init__(self, items: Sequence[TodoItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todo_all_dialog")
        self.setWindowTitle(f"全部待办（{len(items)} 条）")
        self.resize(900, 600)
        self.todo = TodoList()
        self.todo.set_items(items, len(items))
        self.todo.open_requested.connect(self._open)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.todo, 1)
        layout.addWidget(buttons)

    def _open(self, target: Target) -> None:
        self.accept()
        self.open_requested.emit(target)
