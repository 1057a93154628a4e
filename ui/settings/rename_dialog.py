"""After the town is renamed in 设置: the texts still naming the old town, offered for updating at once.

One checklist, every place ticked unless changing it would differ from what was signed on paper,
each row showing where the text is and its words before → after (long texts around the change, the
whole text in the tooltip). The update itself is one transaction (``ecodesk.services.rename``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.services.rename import Place

COLUMNS = ("位置", "原来", "改为")
_NOTE = QColor("#8a5a00")


class RenameTownDialog(QDialog):
    """``chosen_keys()``: the places ticked when the clerk pressed 更新."""

    def __init__(self, places: list[Place], old: str, new: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rename_town_dialog")
        self.setWindowTitle("乡镇改名：一并更新旧名称")
        self.places = places
        intro = QLabel(
            f"乡镇名称已由“{old}”改为“{new}”。下面 {len(places)} 处还写着“{old}”，"
            f"勾选的将一并改为“{new}”；不勾的保持原样，以后也可在各处自行修改。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(places), len(COLUMNS))
        self.table.setObjectName("rename_places")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        for row, place in enumerate(places):
            self._fill(row, place)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self._count_changed())
        kept = QLabel(
            "已印发的公文（有发文字号）、已定稿的考核保持印发时的内容，不在此列；"
            "已有人签字的承诺书模板列出但默认不勾，免得重印的与已签的纸质件不同。"
        )
        kept.setWordWrap(True)
        kept.setStyleSheet("color:#555;")

        tick_all = QPushButton("全选")
        tick_all.clicked.connect(lambda: self._tick_all(True))
        tick_none = QPushButton("全不选")
        tick_none.clicked.connect(lambda: self._tick_all(False))
        for button in (tick_all, tick_none):
            button.setAutoDefault(False)
        buttons = QDialogButtonBox()
        self.update_button = buttons.addButton("更新", QDialogButtonBox.ButtonRole.AcceptRole)
        self.update_button.setObjectName("rename_update")
        self.update_button.setDefault(True)
        buttons.addButton("暂不更新", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        button_row = QHBoxLayout()
        button_row.addWidget(tick_all)
        button_row.addWidget(tick_none)
        button_row.addStretch(1)
        button_row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(kept)
        layout.addLayout(button_row)
        self.resize(980, min(200 + 30 * len(places), 620))
        self._count_changed()
        self.update_button.setFocus()

    def _fill(self, row: int, place: Place) -> None:
        before, after = place.excerpt()
        where = QTableWidgetItem(place.where)
        where.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        where.setCheckState(Qt.CheckState.Checked if place.ticked else Qt.CheckState.Unchecked)
        where.setData(Qt.ItemDataRole.UserRole, place.key)
        cells = (where, QTableWidgetItem(before), QTableWidgetItem(f"→ {after}"))
        for column, item in enumerate(cells):
            item.setToolTip(
                "\n".join(
                    part for part in (place.note, f"原来：{place.before}", f"改为：{place.after}") if part
                )
            )
            if place.note:
                item.setForeground(QBrush(_NOTE))
            self.table.setItem(row, column, item)
        if place.note:
            where.setText(f"{place.where}（{place.note}）")

    def _tick_all(self, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            assert item is not None
            item.setCheckState(state)

    def _count_changed(self) -> None:
        count = len(self.chosen_keys())
        self.update_button.setText(f"更新勾选的 {count} 处" if count else "更新")
        self.update_button.setEnabled(bool(count))

    def chosen_keys(self) -> list[str]:
        keys: list[str] = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                keys.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return keys

    @classmethod
    def ask(cls, parent: QWidget | None, places: list[Place], old: str, new: str) -> list[str] | None:
        """The keys to update, or None for 暂不更新 (replaced in tests)."""
        dialog = cls(places, old, new, parent)
        try:
            return dialog.chosen_keys() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
