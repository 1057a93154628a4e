"""The 签订名单 tab: pick a village, tick its 组, mark the returned letters signed in one go.

Left: the villages with their coverage, then the 组 of the chosen village as a tick list with how
many letters are still 待签. Right: the letters of the ticked 组 (or the whole village), where rows
can be marked 已签, put back to 待签, 作废 with a reason, or given a scan. A list of numbers read
off the returned paper (scanned or typed) marks those letters signed wherever they are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.models.letter import COMMITMENT_STATUSES
from ecodesk.services import attachments, letters
from ui.common import dialogs
from ui.common.changes import Area
from ui.common.operations import write
from ui.common.text_input import ask_text
from ui.letters.models import LetterRowsModel

TOWN_UNITS_KEY = -1  # the list entry of units outside any village


def open_file(path: Path) -> None:
    """Show a stored scan with the system viewer (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_void_reason(parent: QWidget, count: int) -> str | None:
    """The reason for 作废 (tests replace this function)."""
    return ask_text(
        parent, "作废", f"作废所选 {count} 份承诺书的原因（如：举家外迁、户已注销）：", required=True
    )


def ask_numbers(parent: QWidget) -> str | None:
    """Numbers read off returned letters: scanned with a barcode gun or typed, one per line."""
    return ask_text(
        parent,
        "按编号标记已签",
        "输入或扫描收回的承诺书编号（如 C000123），每行一个：",
        multiline=True,
        required=True,
    )


class LetterSigningTab(QWidget):
    """Signals: ``changed()`` after any write (the page refreshes coverage)."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = 0
        self.kind = ""

        self.villages = QListWidget()
        self.villages.setObjectName("sign_villages")
        self.villages.currentRowChanged.connect(lambda _row: self._load_groups())
        self.groups = QListWidget()
        self.groups.setObjectName("sign_groups")
        self.groups.itemChanged.connect(lambda _item: self._load_rows())
        self.all_groups = QPushButton("全选")
        self.all_groups.clicked.connect(lambda: self._tick_all(True))
        self.no_groups = QPushButton("全不选")
        self.no_groups.clicked.connect(lambda: self._tick_all(False))
        self.sign_groups = QPushButton("勾选的组全部标记已签")
        self.sign_groups.setObjectName("sign_groups_button")
        self.sign_groups.clicked.connect(self.mark_ticked_groups)
        tick_row = QHBoxLayout()
        tick_row.addWidget(self.all_groups)
        tick_row.addWidget(self.no_groups)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("村（社区）及签订率"))
        left_layout.addWidget(self.villages, 3)
        left_layout.addWidget(QLabel("组（勾选后右侧只列这些组）"))
        left_layout.addWidget(self.groups, 2)
        left_layout.addLayout(tick_row)
        left_layout.addWidget(self.sign_groups)

        self.status = QComboBox()
        self.status.setObjectName("sign_status")
        self.status.addItems(["全部状态", *COMMITMENT_STATUSES])
        self.status.currentIndexChanged.connect(lambda _i: self._load_rows())
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("sign_date")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.summary = QLabel()
        self.summary.setObjectName("sign_summary")
        top = QHBoxLayout()
        top.addWidget(QLabel("状态"))
        top.addWidget(self.status)
        top.addWidget(QLabel("签订日期"))
        top.addWidget(self.day)
        top.addStretch(1)
        top.addWidget(self.summary)

        self.model = LetterRowsModel()
        self.table = QTableView()
        self.table.setObjectName("sign_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((86, 70, 170, 80, 56, 96, 60)):
            self.table.setColumnWidth(col, width)

        self.sign_selected = QPushButton("所选标记已签")
        self.sign_selected.setObjectName("sign_selected")
        self.sign_selected.clicked.connect(self.mark_selected)
        self.sign_numbers = QPushButton("按编号标记已签…")
        self.sign_numbers.clicked.connect(self.mark_by_numbers)
        self.undo = QPushButton("恢复待签")
        self.undo.clicked.connect(self.mark_pending)
        self.void_button = QPushButton("作废…")
        self.void_button.clicked.connect(self.void_selected)
        self.scan_button = QPushButton("附加扫描件…")
        self.scan_button.clicked.connect(self.attach_scan)
        self.view_scan = QPushButton("查看扫描件")
        self.view_scan.clicked.connect(self.open_scan)
        actions = QHBoxLayout()
        for b in (
            self.sign_selected,
            self.sign_numbers,
            self.undo,
            self.void_button,
            self.scan_button,
            self.view_scan,
        ):
            actions.addWidget(b)
        actions.addStretch(1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(top)
        right_layout.addWidget(self.table, 1)
        right_layout.addLayout(actions)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # -- loading --------------------------------------------------------------------------------

    def load(self, year: int, kind: str) -> None:
        self.year, self.kind = year, kind
        keep = (
            self.villages.currentItem().data(Qt.ItemDataRole.UserRole)
            if self.villages.currentItem()
            else None
        )
        rows = letters.coverage(self.db, year, kind)[:-1]  # without 合计
        self.villages.blockSignals(True)
        self.villages.clear()
        chosen = 0
        for n, row in enumerate(rows):
            key = TOWN_UNITS_KEY if row.village_id is None else row.village_id
            item = QListWidgetItem(f"{row.village}　{row.signed}/{row.required}　{row.rate_text}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            if row.rate is not None and row.rate < 0.8:
                item.setForeground(Qt.GlobalColor.red)
            self.villages.addItem(item)
            if key == keep:
                chosen = n
        self.villages.blockSignals(False)
        if rows:
            self.villages.setCurrentRow(chosen)
        self._load_groups()

    def village_key(self) -> int | None:
        item = self.villages.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_village(self, name: str) -> None:
        for n in range(self.villages.count()):
            item = self.villages.item(n)
            if item is not None and item.text().split("　")[0] == name:
                self.villages.setCurrentRow(n)
                return

    def show_village(self, village_id: int, status: str = "") -> None:
        """All the letters of one village in ``status`` ("" for every status), no 组 ticked, the list
        focused: where a link (the 考核 evidence of its 签订率) leads."""
        self.status.blockSignals(True)
        self.status.setCurrentIndex(max(self.status.findText(status), 0) if status else 0)
        self.status.blockSignals(False)
        for n in range(self.villages.count()):
            item = self.villages.item(n)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == village_id:
                self.villages.setCurrentRow(n)
                break
        self._tick_all(False)  # also loads the rows
        self.table.setFocus()

    def _load_groups(self) -> None:
        key = self.village_key()
        ticked = set(self.ticked_groups())
        self.groups.blockSignals(True)
        self.groups.clear()
        if key is not None:
            village_id = None if key == TOWN_UNITS_KEY else key
            for g in letters.group_counts(self.db, self.year, self.kind, village_id):
                label = g.group or "（未分组）"
                item = QListWidgetItem(f"{label}　待签 {g.pending}　已签 {g.signed}")
                item.setData(Qt.ItemDataRole.UserRole, g.group)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if g.group in ticked else Qt.CheckState.Unchecked)
                self.groups.addItem(item)
        self.groups.blockSignals(False)
        self._load_rows()

    def ticked_groups(self) -> list[str]:
        out = []
        for n in range(self.groups.count()):
            item = self.groups.item(n)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _tick_all(self, on: bool) -> None:
        self.groups.blockSignals(True)
        for n in range(self.groups.count()):
            item = self.groups.item(n)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.groups.blockSignals(False)
        self._load_rows()

    def tick_groups(self, names: list[str]) -> None:
        self.groups.blockSignals(True)
        for n in range(self.groups.count()):
            item = self.groups.item(n)
            if item is not None:
                on = item.data(Qt.ItemDataRole.UserRole) in names
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.groups.blockSignals(False)
        self._load_rows()

    def _load_rows(self) -> None:
        key = self.village_key()
        if key is None or not self.kind:
            self.model.set_rows([])
            self.summary.clear()
            return
        status = self.status.currentText()
        rows = letters.list_rows(
            self.db,
            self.year,
            self.kind,
            None if key == TOWN_UNITS_KEY else key,
            town_units=key == TOWN_UNITS_KEY,
            groups=self.ticked_groups() or None,
            statuses=[status] if status in COMMITMENT_STATUSES else None,
        )
        self.model.set_rows(rows)
        self.summary.setText(f"共 {len(rows):,} 份")

    # -- writes ---------------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return self.model.ids(rows)

    def signed_date(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def _after(self, message: str | None) -> None:
        if message is None:
            return
        self.load(self.year, self.kind)
        self.changed.emit()

    def mark_selected(self) -> None:
        ids, day = self.selected_ids(), self.signed_date()
        if not ids:
            dialogs.show_info(self, "请先在右侧列表中选中要标记的承诺书（可按住 Ctrl 或 Shift 多选）。")
            return
        n = write(self, lambda: letters.mark_signed(self.db, ids, day), [Area.LETTERS])
        self._after(None if n is None else f"{n}")

    def mark_ticked_groups(self) -> None:
        key = self.village_key()
        groups = self.ticked_groups()
        if key is None or not groups:
            dialogs.show_info(self, "请先在左侧勾选要标记的组。")
            return
        village_id = None if key == TOWN_UNITS_KEY else key
        day = self.signed_date()
        pending = len(letters.pending_ids(self.db, self.year, self.kind, village_id, groups))
        village = self.villages.currentItem().text().split("　")[0] if self.villages.currentItem() else ""
        question = (
            f"把{village}{'、'.join(groups)}的 {pending} 份待签{self.kind}标记为已签"
            f"（签订日期 {day.isoformat()}）？\n标错了可以选中后点“恢复待签”。"
        )
        if not pending or not dialogs.confirm(self, question, "标记已签", "标记已签"):
            return
        n = write(
            self,
            lambda: letters.mark_signed_where(self.db, self.year, self.kind, village_id, groups, day),
            [Area.LETTERS],
        )
        if n is not None:
            self._after(str(n))
            self.summary.setText(f"已标记 {n} 份为已签")

    def mark_by_numbers(self) -> None:
        text = ask_numbers(self)
        if not text or not text.strip():
            return
        day = self.signed_date()
        result = write(
            self, lambda: letters.mark_signed_by_numbers(self.db, text, self.year, day), [Area.LETTERS]
        )
        if result is not None:
            self._after(str(result))
            dialogs.show_info(self, str(result), "按编号标记")

    def mark_pending(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._after(
                None
                if write(self, lambda: letters.mark_pending(self.db, ids), [Area.LETTERS]) is None
                else ""
            )

    def void_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            dialogs.show_info(self, "请先选中要作废的承诺书。")
            return
        reason = ask_void_reason(self, len(ids))
        if reason is None:
            return
        self._after(
            None if write(self, lambda: letters.void(self.db, ids, reason), [Area.LETTERS]) is None else ""
        )

    def attach_scan(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            dialogs.show_info(self, "请选中一份承诺书，再附加它的扫描件。")
            return
        path = dialogs.ask_open_file(
            self, "选择扫描件", "扫描件 (*.jpg *.jpeg *.png *.pdf *.tif *.tiff);;所有文件 (*)"
        )
        if path is None:
            return
        self.attach_scan_file(ids[0], path)

    def attach_scan_file(self, commitment_id: int, path: Path) -> None:
        done = write(self, lambda: letters.attach_scan(self.db, commitment_id, path), [Area.LETTERS])
        self._after(None if done is None else "")

    def open_scan(self) -> None:
        """Open the newest scan of the selected letter with the system viewer (a copy is never run)."""
        ids = self.selected_ids()
        if len(ids) != 1:
            dialogs.show_info(self, "请选中一份承诺书。")
            return
        found = letters.scans(self.db, ids[0])
        if not found:
            dialogs.show_info(self, "这份承诺书还没有扫描件。")
            return
        try:
            path = attachments.open_path(self.db, found[-1].id)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return
        open_file(path)
