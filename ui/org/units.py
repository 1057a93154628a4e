"""The 单位 tab of 基础信息: the units in being, or with 含已撤销 ticked also the 撤销 ones (grey).

A unit is retired by giving it a 撤销日期 (the generic form shows 设立日期 and 撤销日期); it stays in
the file with its history, so the list hides it by default rather than losing it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.schema import RecordKind
from ecodesk.services.org import IN_BEING, UNITS
from ui.records.model import RecordTableModel
from ui.records.page import RecordPage

RETIRED_COLOUR = QColor("#8a8a8a")


class UnitTableModel(RecordTableModel):
    """Units whose 撤销日期 has come are drawn grey."""

    def __init__(self, db: Database, kind: RecordKind, parent: Any = None) -> None:
        super().__init__(db, kind, parent)
        keys = [f.key for f in kind.table_fields]
        self._retired_column = keys.index("retired_date") if "retired_date" in keys else -1

    def is_retired(self, row: int) -> bool:
        if self._retired_column < 0:
            return False
        text = str(super().data(self.index(row, self._retired_column)) or "")
        try:
            return date.fromisoformat(text) <= dates.today()
        except ValueError:
            return False

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and not self.is_deleted(index.row())
            and self.is_retired(index.row())
        ):
            return RETIRED_COLOUR
        return super().data(index, role)


class UnitPage(RecordPage):
    """The units list with a 含已撤销 box beside 显示已删除."""

    def __init__(self, db: Database, kind: RecordKind = UNITS, parent: QWidget | None = None) -> None:
        self.include_retired = QCheckBox("含已撤销")
        self.include_retired.setObjectName("filter_retired")
        self.include_retired.setToolTip(
            "同时列出已撤销（撤并）的单位（灰色）；已撤销的单位不再统计，历史记录保留"
        )
        super().__init__(db, kind, parent)
        layout = self.filter_bar.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(layout.indexOf(self.filter_bar.show_deleted), self.include_retired)
        self.include_retired.toggled.connect(self.apply_filter)
        self.apply_filter()

    def create_model(self) -> RecordTableModel:
        return UnitTableModel(self.db, self.kind, self)

    def apply_filter(self) -> None:
        flt = self.filter_bar.list_filter()
        if not self.include_retired.isChecked():
            flt = replace(flt, named=(IN_BEING,))
        self.model.set_filter(flt)
