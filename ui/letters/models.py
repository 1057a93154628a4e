"""Qt table models of the 承诺书 page: signing list rows and coverage rows (plain values from the service)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ecodesk.dates import format_iso
from ecodesk.models.letter import STATUS_PENDING, STATUS_SIGNED, STATUS_VOID
from ecodesk.services.letters import CoverageRow, LetterRow

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_STATUS_COLOURS = {
    STATUS_PENDING: QColor("#b35c00"),
    STATUS_SIGNED: QColor("#1f7a3a"),
    STATUS_VOID: QColor("#8a8f96"),
}
LOW_RATE = 0.8  # coverage below this is shown red (the villages the 督查 calls on)
RowT = TypeVar("RowT")


class _RowsModel(QAbstractTableModel, Generic[RowT]):
    """A read-only table of plain rows with fixed headers; subclasses say what each cell shows."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class LetterRowsModel(_RowsModel[LetterRow]):
    """Commitments of the selected village and 组 (a few hundred; the whole town is ~9,000)."""

    COL_NUMBER, COL_GROUP, COL_NAME, COL_PERSON, COL_STATUS, COL_DATE, COL_SCANS, COL_NOTE = range(8)
    HEADERS = ("编号", "组", "户主/单位", "负责人", "状态", "签订日期", "扫描件", "作废原因")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.number,
                row.group or row.village,
                row.name,
                row.person if row.person != row.name else "",
                row.status,
                format_iso(row.signed_date),
                f"{row.scans} 份" if row.scans else "",
                row.void_reason,
            )[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_STATUS:
            return QBrush(_STATUS_COLOURS.get(row.status, QColor("black")))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def ids(self, rows: Sequence[int]) -> list[int]:
        return [self.rows[r].id for r in rows if 0 <= r < len(self.rows)]


class CoverageModel(_RowsModel[CoverageRow]):
    """签订率 per village, the total last; villages under 80 % red."""

    HEADERS = ("村（社区）", "应签", "已签", "未签", "作废", "签订率")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.village, row.required, row.signed, row.pending, row.void, row.rate_text)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.rate is not None and row.rate < LOW_RATE:
            return QBrush(QColor("#c0392b"))
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self.rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None
