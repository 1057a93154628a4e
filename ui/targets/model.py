"""The 目标 table: one row per indicator — 指标, 单位, 1月 … 12月, 年累计/年均, 目标, 状态.

It shows a :class:`ecodesk.services.targets.YearTable` as the service computed it; nothing is
counted here. A month the clerk may type (an indicator filled in by hand) looks like an ordinary
cell; a month from the monitoring station's sheet is tinted blue, a month counted from the records is
grey and italic, and each says in its tooltip where its value comes from. 状态 is written in words
and coloured (colour is never the only sign).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ecodesk.services import targets
from ecodesk.services.targets import IndicatorYear, MonthCell, YearTable

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

NAME, UNIT = 0, 1
FIRST_MONTH = 2  # 1月 is column 2, 12月 column 13
ACTUAL, TARGET, STATUS = 14, 15, 16
HEADERS = ("指标", "单位", *(f"{m}月" for m in targets.MONTHS), "年累计/年均", "目标", "状态")

STATION_TINT = QColor("#eaf2fb")
COMPUTED_TINT = QColor("#f0f1f3")
COMPUTED_TEXT = QColor("#57606a")
# 状态: (text colour, background); 达标/正常 green, 有风险 amber, 未达标 red, the rest grey.
STATUS_COLOURS = {
    targets.MET: ("#1b5e20", "#e2efda"),
    targets.ON_TRACK: ("#1b5e20", "#eef6ea"),
    targets.AT_RISK: ("#8a5a00", "#fff1c9"),
    targets.MISSED: ("#b71c1c", "#fde2e1"),
    targets.NO_DATA: ("#57606a", "#f0f1f3"),
    targets.NO_TARGET: ("#57606a", "#f0f1f3"),
}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's IndicatorYear


def source_text(row: IndicatorYear) -> str:
    """Where the row's monthly values come from: 火点记录（仅卫星遥感）."""
    ind = row.indicator
    return ind.source_label + (f"（仅{ind.source_filter}）" if ind.source_filter else "")


def month_tip(row: IndicatorYear, cell: MonthCell) -> str:
    """A month cell's tooltip: its value, where it comes from, and whether and how it can be changed."""
    ind = row.indicator
    head = f"{ind.name} {cell.month}月：{cell.text or '无数据'}{(' ' + ind.unit) if cell.text else ''}"
    if ind.computed:
        return f"{head}\n自动统计，只读：由{source_text(row)}计算，不能手工修改"
    if ind.station:
        return f"{head}\n来自监测站月报（{ind.source_label}）：双击录入或修改这个月的空气质量数据"
    return f"{head}\n{'填报' if cell.text else '尚未填报'}：双击填写或修改"


class TargetTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: YearTable | None = None
        self.rows: list[IndicatorYear] = []

    def set_table(self, table: YearTable) -> None:
        self.beginResetModel()
        self.table = table
        self.rows = list(table.rows)
        self.endResetModel()

    def row_at(self, row: int) -> IndicatorYear | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, indicator_id: int) -> int:
        return next((n for n, r in enumerate(self.rows) if r.indicator.id == indicator_id), -1)

    @staticmethod
    def month_of(column: int) -> int | None:
        """The month (1–12) a column shows, None for the other columns."""
        return column - FIRST_MONTH + 1 if FIRST_MONTH <= column < FIRST_MONTH + 12 else None

    # -- shape ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == ACTUAL:
                return "本年度截至目前的数值：累计数为各月之和，浓度和比例按各指标的计算方法（见下方说明）"
            if section == STATUS and self.table is not None:
                return self.table.status_rule
        return None

    # -- cells ---------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        column = index.column()
        month = self.month_of(column)
        if month is not None:
            return self._month_data(row, row.months[month - 1], role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != NAME:
            return int(Qt.AlignmentFlag.AlignCenter)
        if column == STATUS and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            fg, bg = STATUS_COLOURS.get(row.status, STATUS_COLOURS[targets.NO_DATA])
            return QBrush(QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg))
        if role == Qt.ItemDataRole.FontRole and column in (NAME, STATUS):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.indicator.retired:
            return QBrush(COMPUTED_TEXT)
        return None

    def _text(self, row: IndicatorYear, column: int) -> str:
        ind = row.indicator
        if column == NAME:
            return ind.name + ("（已停用）" if ind.retired else "")
        if column == UNIT:
            return ind.unit
        if column == ACTUAL:
            return row.actual_text
        if column == TARGET:
            return ind.target_text
        if column == STATUS:
            return row.status
        return ""

    def _tip(self, row: IndicatorYear, column: int) -> str:
        ind = row.indicator
        if column == NAME:
            return f"{ind.name}（{source_text(row)}）\n{ind.method}"
        if column == ACTUAL:
            return row.working or "尚无数据"
        if column == TARGET:
            carried = "" if ind.target_is_own or ind.target is None else "（沿用以前年度的目标）"
            return f"{ind.year}年度目标：{ind.target_text}{carried}"
        if column == STATUS and self.table is not None:
            return f"{row.status}\n{self.table.status_rule}"
        return ""

    def _month_data(self, row: IndicatorYear, cell: MonthCell, role: int) -> Any:
        ind = row.indicator
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return month_tip(row, cell)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if ind.computed:
                return QBrush(COMPUTED_TINT)
            if ind.station:
                return QBrush(STATION_TINT)
        if role == Qt.ItemDataRole.ForegroundRole and ind.computed:
            return QBrush(COMPUTED_TEXT)
        if role == Qt.ItemDataRole.FontRole and ind.computed:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
