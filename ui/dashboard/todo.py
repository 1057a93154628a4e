"""The 工作台's 待办: overdue and soon-due work in one list, so nothing late hides behind a "this week" count.

Rows are the service's :class:`ecodesk.services.dashboard.TodoItem` values (plain data): the deadline,
已逾期 N 天 / N 天后到期, the category (问题整改, 报送材料, 信访举报), the village and what it is, oldest
deadline first. Overdue rows are red. Double-click or Enter asks to open the record behind a row
(``open_requested(Target)``); the page hands that to :mod:`ui.shell.navigation`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    """Signals: ``open_requested(object)`` — the :class:`Target` of the row double-clicked or entered."""

    open_requested = Signal(object)

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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)

    def set_items(self, items: Sequence[TodoItem], total: int) -> None:
        overdue = sum(1 for i in items if i.overdue)
        more = f"（列出前 {len(items)} 项）" if total > len(items) else ""
        self.heading.setText(
            f"待办　已逾期 {overdue} 项，3天内到期 {len(items) - overdue} 项{more}"
            if items
            else "待办　没有逾期或3天内到期的事项"
        )
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
