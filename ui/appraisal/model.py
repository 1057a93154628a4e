"""The score grid of the 考核 page: one row per village; 合计, 折算分 and 排名 first (in view without
scrolling), then one column per item.

It shows a :class:`ecodesk.appraisal.sheet.Sheet` (plain values read by the service): the final
score in each cell, adjusted cells tinted amber, cells with a deduction in red text; the tooltip
gives computed value, adjustment and reason. Columns follow the scheme with a category's items
together; the header names the item and its maximum, the tooltip its category and standard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ecodesk.appraisal.sheet import ItemView, Sheet, VillageRow

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
ADJUSTED = QColor("#fff1c9")
LOST = QColor("#b71c1c")
BONUS = QColor("#e2efda")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
FIRST_ITEM = 4  # 村, 合计, 折算分, 排名, then the items
HEADER_CHARS = 4  # characters per header line: 禁烧承诺 / 书签订


def _wrap(name: str) -> str:
    """Break an item name into short header lines (a header view does not wrap by itself)."""
    return "\n".join(name[i : i + HEADER_CHARS] for i in range(0, len(name), HEADER_CHARS))


def _g(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class ScoreModel(QAbstractTableModel):
    VILLAGE = 0

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.sheet: Sheet | None = None
        self.items: list[ItemView] = []
        self.rows: list[VillageRow] = []

    def set_sheet(self, sheet: Sheet | None, *, by_rank: bool = False) -> None:
        """Show ``sheet``: villages in the town's order, or by rank (ties in the town's order)."""
        self.beginResetModel()
        self.sheet = sheet
        self.items = [i for _c, group in sheet.categories() for i in group] if sheet is not None else []
        rows = list(sheet.rows) if sheet is not None else []
        self.rows = sorted(rows, key=lambda r: r.rank) if by_rank else rows
        self.endResetModel()

    # -- shape ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() or self.sheet is None else len(self.items) + FIRST_ITEM

    total_column = 1

    def item_at(self, column: int) -> ItemView | None:
        n = column - FIRST_ITEM
        return self.items[n] if 0 <= n < len(self.items) else None

    def row_at(self, row: int) -> VillageRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def column_of(self, item_id: int) -> int:
        return next((n + FIRST_ITEM for n, i in enumerate(self.items) if i.id == item_id), -1)

    # -- data ----------------------------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if self.sheet is None:
            return None
        item = self.item_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.VILLAGE:
                return "村（社区）"
            if item is not None:
                return f"{_wrap(item.name)}\n{'加分≤' if item.bonus else ''}{_g(item.max_score)}分"
            return ("合计", f"折算分\n×{_g(self.sheet.weight)}%", "排名")[section - self.total_column]
        if role == Qt.ItemDataRole.ToolTipRole and item is not None:
            return (
                f"{item.category} / {item.name}（{_g(item.max_score)}分，{item.rule_label}）\n{item.standard}"
            )
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.sheet is None:
            return None
        row, column = self.rows[index.row()], index.column()
        item = self.item_at(column)
        cell = row.cells.get(item.id) if item is not None else None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if column == self.VILLAGE:
                return row.village
            if item is not None:
                return (
                    ""
                    if cell is None
                    else _g(cell.final)
                    if role == Qt.ItemDataRole.DisplayRole
                    else cell.final
                )
            values = (row.total, row.converted, row.rank)
            value = values[column - self.total_column]
            if role != Qt.ItemDataRole.DisplayRole:
                return value
            return _g(value) if column < self.total_column + 2 else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                int(Qt.AlignmentFlag.AlignCenter)
                if column
                else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            if cell is not None and cell.adjustment:
                return QBrush(ADJUSTED)
            if item is not None and item.bonus:
                return QBrush(BONUS)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and item is not None and cell is not None:
            if not item.bonus and cell.final < item.max_score:
                return QBrush(LOST)
            return None
        if role == Qt.ItemDataRole.FontRole and self.total_column <= column < FIRST_ITEM:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and item is not None and cell is not None:
            lines = [f"{row.village} · {item.name}"]
            lines.append(
                "计算得分：人工评分"
                if cell.computed is None
                else f"计算得分：{_g(cell.computed)}（{cell.count}条依据）"
            )
            if cell.adjustment:
                lines.append(f"人工调整：{cell.adjustment:+g}（{cell.reason}）")
            lines.append(f"最终得分：{_g(cell.final)}")
            return "\n".join(lines)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
