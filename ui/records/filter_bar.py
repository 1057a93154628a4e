"""The filter bar above every list: village, status, date range, free text, and deleted records.

Only the filters the kind declares are shown (``village_key``, ``status_key``, ``date_key``,
``search_keys``). Typing waits a moment before filtering so a 200,000-row list is not re-queried
on every keystroke of an input method.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from ecodesk.db.database import Database
from ecodesk.schema import RecordKind
from ecodesk.services.lookups import village_choices
from ecodesk.services.records import ListFilter
from ui.common.field_editors import DateLineEdit

DEBOUNCE_MS = 250


class FilterBar(QWidget):
    """Signals: ``changed()`` whenever the filter the bar describes has changed."""

    changed = Signal()

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._kind = kind
        self.village: QComboBox | None = None
        self.status: QComboBox | None = None
        self.date_from: DateLineEdit | None = None
        self.date_to: DateLineEdit | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if kind.village_key:
            self.village = QComboBox()
            self.village.setObjectName("filter_village")
            self.village.setMinimumContentsLength(6)
            self.village.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.reload_villages()
            self.village.currentIndexChanged.connect(self.changed)
            layout.addWidget(QLabel(f"{kind.field(kind.village_key).label}："))
            layout.addWidget(self.village)
        if kind.status_key:
            status_field = kind.field(kind.status_key)
            self.status = QComboBox()
            self.status.setObjectName("filter_status")
            self.status.addItem("全部", "")
            for choice in status_field.choices:
                self.status.addItem(choice, choice)
            self.status.currentIndexChanged.connect(self.changed)
            layout.addWidget(QLabel(f"{status_field.label}："))
            layout.addWidget(self.status)
        if kind.date_key:
            self.date_from = DateLineEdit()
            self.date_to = DateLineEdit()
            for edit, placeholder in ((self.date_from, "起始日期"), (self.date_to, "截止日期")):
                edit.setPlaceholderText(placeholder)
                edit.setMaximumWidth(150)
                edit.date_changed.connect(self.changed)
            layout.addWidget(QLabel(f"{kind.field(kind.date_key).label}："))
            layout.addWidget(self.date_from)
            layout.addWidget(QLabel("至"))
            layout.addWidget(self.date_to)

        self.text = QLineEdit()
        self.text.setObjectName("filter_text")
        self.text.setClearButtonEnabled(True)
        searched = "、".join(kind.field(k).label for k in kind.search_keys[:4])
        self.text.setPlaceholderText(f"搜索：{searched}" if searched else "搜索")
        self.text.setToolTip("输入后稍候即筛选；Ctrl+F 回到这里")
        self.text.setMinimumWidth(200)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)
        self.text.textChanged.connect(self._debounce.start)
        self.text.returnPressed.connect(self._apply_now)
        layout.addWidget(self.text, 1)

        self.show_deleted = QCheckBox("显示已删除")
        self.show_deleted.setObjectName("filter_deleted")
        self.show_deleted.setToolTip("同时列出已删除的记录（灰色），可选中后恢复")
        self.show_deleted.toggled.connect(self.changed)
        layout.addWidget(self.show_deleted)

    def _apply_now(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

    def reload_villages(self) -> None:
        """Re-read the village list (after units changed), keeping the current choice."""
        if self.village is None:
            return
        current = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem("全部", None)
        for record_id, name in village_choices(self._db, self._kind):
            self.village.addItem(name, record_id)
        index = self.village.findData(current) if current is not None else 0
        self.village.setCurrentIndex(max(index, 0))
        self.village.blockSignals(False)
        if current is not None and index < 0:
            self.changed.emit()

    def list_filter(self) -> ListFilter:
        village = self.village.currentData() if self.village is not None else None
        status = self.status.currentData() if self.status is not None else ""
        return ListFilter(
            village_id=int(village) if village is not None else None,
            status=status or None,
            date_from=self.date_from.parsed_date() if self.date_from is not None else None,
            date_to=self.date_to.parsed_date() if self.date_to is not None else None,
            text=self.text.text().strip(),
            include_deleted=self.show_deleted.isChecked(),
        )
