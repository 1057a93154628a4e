"""今日未报送的村（社区）: whom to phone. The tile's number is only useful with the names and numbers behind it.

One row per person to call — the 网格长 of the village's grids, its grid members (from its 网格, else the
people with the 网格员 role), then the village leader — from the service's :class:`ecodesk.services.dashboard.Contact` values.
A village with nobody on record says so, and where to add them (基础信息).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.services.dashboard import Contact

HEADERS = ("村（社区）", "姓名", "身份", "电话")


class SilentVillagesDialog(QDialog):
    def __init__(self, contacts: Sequence[Contact], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("silent_villages_dialog")
        self.setWindowTitle("今日未报送的村（社区）")
        intro = QLabel(
            f"以下 {len(contacts)} 个村（社区）今天还没有巡查记录，可电话提醒网格长、网格员报送。"
            "电话号码来自“基础信息”中的网格和人员。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("silent_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        rows: list[tuple[str, str, str, str]] = []
        for c in contacts:
            people = [(name, "网格长", phone or "未登记") for name, phone in c.grid_leaders]
            people += [(name, "网格员", phone or "未登记") for name, phone in c.grid_members]
            if c.leader or c.leader_phone:
                people.append((c.leader or "—", "村（社区）负责人", c.leader_phone or "未登记"))
            if not people:
                people.append(("—", "未登记网格员", "请在“基础信息”中登记"))
            rows.extend((c.village, *p) for p in people)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(r, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 380)

    def rows(self) -> list[tuple[str, ...]]:
        out = []
        for r in range(self.table.rowCount()):
            cells = [self.table.item(r, c) for c in range(self.table.columnCount())]
            out.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        return out
