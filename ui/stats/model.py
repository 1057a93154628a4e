"""The 统计 table: one row per village (in the town's order), then 合计, then — when it differs — the
whole town's figure (records of no village or of a 镇直单位 count there only); one column per count.

It shows a :class:`ecodesk.services.county_forms.PeriodCounts` (plain values read by the service);
each column's tooltip is the catalogue's description, so the clerk reads what a number counts.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ecodesk.services import county_forms
from ecodesk.services.county_forms import PeriodCounts, Placeholder

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
TOTAL = "合计"
TOWN = "全镇（含未填村、镇直单位）"
SUM_FILL = QColor("#eef3fb")
HEADER_CHARS = 4  # characters per header line: 禁烧巡查 / 次数


def _wrap(name: str) -> str:
    """Break a count's name into two short header lines (a header view does not wrap by itself):
    before 次数/天数 (禁烧巡查 / 次数), else after four characters unless one would be left alone
    (承诺书 / 签订, not 承诺书签 / 订)."""
    if len(name) <= HEADER_CHARS:
        return name
    if name.endswith(("次数", "天数")):
        cut = len(name) - 2
    elif len(name) % HEADER_CHARS == 1:
        cut = (len(name) + 1) // 2
    else:
        cut = HEADER_CHARS
    return name[:cut] + "\n" + name[cut:]


class CountsModel(QAbstractTableModel):
    VILLAGE = 0

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.counts: PeriodCounts | None = None
        self.columns: tuple[Placeholder, ...] = ()
        self.lines: list[tuple[str, dict[str, int]]] = []

    def set_counts(self, counts: PeriodCounts | None, columns: tuple[Placeholder, ...]) -> None:
        self.beginResetModel()
        self.counts, self.columns = counts, columns
        self.lines = []
        if counts is not None:
            self.lines = [(r.village, r.counts) for r in counts.rows]
            self.lines.append((TOTAL, {p.name: counts.total(p.name) for p in county_forms.COUNTS}))
            if any(counts.town[p.name] != counts.total(p.name) for p in columns):
                self.lines.append((TOWN, counts.town))
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 1 + len(self.columns)

    def is_sum_row(self, row: int) -> bool:
        return self.lines[row][0] in (TOTAL, TOWN) and row >= len(self.counts.rows if self.counts else ())

    def value(self, row: int, column: int) -> str | int:
        name, counts = self.lines[row]
        return name if column == self.VILLAGE else counts[self.columns[column - 1].name]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.value(row, column))
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.VILLAGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.is_sum_row(row):
            return QBrush(SUM_FILL)
        if role == Qt.ItemDataRole.FontRole and self.is_sum_row(row):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "村（社区）" if section == self.VILLAGE else _wrap(self.columns[section - 1].name)
        if role == Qt.ItemDataRole.ToolTipRole and section != self.VILLAGE:
            placeholder = self.columns[section - 1]
            return f"{placeholder.name}：{placeholder.description}\n表格中写 {placeholder.token}"
        return None
