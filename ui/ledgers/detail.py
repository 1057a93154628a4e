"""The pane beside a 台账 list: one entry's fields, its photos and files, and its 修改记录.

A 销号 needs proof (``ecodesk.services.ledgers.advance``): at least one 整改后 photo, besides the
核查人 and 核查情况 the 销号 dialog asks. So every entry keeps 整改前 and 整改后 photos and other files
(附件: a 整改方案, a 验收单), shown here as problems show theirs, with a button to add each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.schema import RecordKind
from ecodesk.services import attachments, ledgers
from ecodesk.services.ledgers import FILE_ROLES, OTHER_FILES
from ui.common import dialogs, operations
from ui.records.detail import DetailPane

THUMB = QSize(132, 99)
IMAGE_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp *.gif);;所有文件 (*)"
ANY_FILTER = "所有文件 (*)"
ROLE_NAMES = {ledgers.PHOTO_BEFORE: "before", ledgers.PHOTO_AFTER: "after", OTHER_FILES: "other"}


class LedgerDetail(DetailPane):
    """:class:`DetailPane` in tabs: 详细信息, 照片和附件, 修改记录."""

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        self.tabs: QTabWidget | None = None
        super().__init__(db, kind, parent)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        item = layout.itemAt(0)
        base = item.widget() if item is not None else None
        assert isinstance(base, QSplitter)  # DetailPane's splitter: the fields, then the history box
        fields_view, history_box = base.widget(0), base.widget(1)
        assert fields_view is not None and history_box is not None
        layout.removeWidget(base)

        self.file_lists: dict[str, QListWidget] = {}
        self.file_titles: dict[str, QLabel] = {}
        self.add_buttons: dict[str, QPushButton] = {}
        files_box = QWidget()
        files_layout = QVBoxLayout(files_box)
        for role in FILE_ROLES:
            name = ROLE_NAMES[role]
            title = QLabel()
            title.setStyleSheet("font-weight:bold;")
            add = QPushButton(f"添加{role}…" if role == OTHER_FILES else f"添加{role}照片…")
            add.setObjectName(f"add_file_{name}")
            add.setAutoDefault(False)
            add.clicked.connect(lambda _checked=False, r=role: self.add_file(r))
            row = QHBoxLayout()
            row.addWidget(title)
            row.addStretch(1)
            row.addWidget(add)
            files_layout.addLayout(row)
            shown = QListWidget()
            shown.setObjectName(f"files_{name}")
            shown.setViewMode(QListView.ViewMode.IconMode)
            shown.setIconSize(THUMB)
            shown.setResizeMode(QListView.ResizeMode.Adjust)
            shown.setMovement(QListView.Movement.Static)
            shown.setWordWrap(True)
            shown.setSpacing(6)
            shown.setToolTip("双击打开")
            shown.itemDoubleClicked.connect(self._open_file)
            files_layout.addWidget(shown, 1)
            self.file_lists[role], self.file_titles[role], self.add_buttons[role] = shown, title, add

        tabs = QTabWidget()
        tabs.setObjectName("ledger_tabs")
        tabs.setDocumentMode(True)
        tabs.addTab(fields_view, "详细信息")
        tabs.addTab(files_box, "照片和附件")
        tabs.addTab(history_box, "修改记录")
        base.deleteLater()
        layout.addWidget(tabs, 1)
        self.tabs = tabs
        self.show_record(None)

    @property
    def db(self) -> Database:
        return self._db

    def show_record(self, record_id: int | None, *, several: int = 0) -> None:
        super().show_record(record_id, several=several)
        if self.tabs is None:
            return  # DetailPane's own constructor shows "nothing" before the tabs exist
        live = False
        found: dict[str, list[Any]] = {role: [] for role in FILE_ROLES}
        if record_id is not None:
            try:
                entry = ledgers.get_entry(self.db, record_id)
                found = ledgers.files(self.db, record_id)
                live = entry.deleted_at is None
            except EcoDeskError:
                record_id = None
        self.tabs.setTabEnabled(1, record_id is not None)
        if record_id is None and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
        total = 0
        for role in FILE_ROLES:
            total += len(found.get(role, []))
            self._fill(role, found.get(role, []))
            self.add_buttons[role].setEnabled(live)
        self.tabs.setTabText(1, f"照片和附件（{total}）")

    def _fill(self, role: str, found: list[Any]) -> None:
        shown = self.file_lists[role]
        shown.clear()
        unit = "个" if role == OTHER_FILES else "张"
        self.file_titles[role].setText(f"{role}{'' if role == OTHER_FILES else '照片'}（{len(found)}{unit}）")
        for att in found:
            path = attachments.stored_path(self.db, att)
            pixmap = QPixmap(str(path)) if role != OTHER_FILES else QPixmap()
            item = QListWidgetItem(att.original_name)
            if not pixmap.isNull():
                item.setIcon(
                    QIcon(
                        pixmap.scaled(
                            THUMB,
                            Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation,
                        )
                    )
                )
            elif role != OTHER_FILES:
                item.setText(f"{att.original_name}\n（文件缺失或不是图片）")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(f"{att.original_name}（{att.created_at:%Y-%m-%d}添加）")
            shown.addItem(item)
        if not found:
            placeholder = QListWidgetItem("暂无")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            shown.addItem(placeholder)

    def add_file(self, role: str, path: Path | None = None) -> Any:
        """Ask for a file (unless given) and keep it with the shown entry under ``role``."""
        entry_id = self.record_id
        if entry_id is None:
            return None
        title = f"添加{role}" if role == OTHER_FILES else f"添加{role}照片"
        path = path or dialogs.ask_open_file(self, title, ANY_FILTER if role == OTHER_FILES else IMAGE_FILTER)
        if path is None:
            return None
        result = operations.write(self, lambda: ledgers.add_file(self.db, entry_id, path, role), [self._kind])
        if result is not None:
            self.show_record(entry_id)
            if self.tabs is not None:
                self.tabs.setCurrentIndex(1)
        return result

    def _open_file(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path and Path(path).is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        elif path:
            dialogs.show_error(self, f"文件不见了（应在 {path}）。请从备份中找回附件文件夹，或重新添加。")
