"""The pane beside a 台账 list: one entry's fields, its photos and files, and its 修改记录.

A 销号 needs proof (``ecodesk.services.ledgers.advance``): at least one 整改后 photo, besides the
核查人 and 核查情况 the 销号 dialog asks. So every entry keeps 整改前 and 整改后 photos and other files
(附件: a 整改方案, a 验收单), shown here as problems show theirs, with a button to add each. A filing
or a log (吸污车作业报备, 巡河记录) has no 销号, so it keeps 附件 only (a 作业单, a photo of the site).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.schema import RecordKind
from ecodesk.services import ledgers
from ecodesk.services.ledgers import OTHER_FILES
from ui.common import dialogs, operations
from ui.common.attachment_list import AttachmentList, add_section
from ui.records.detail import DetailPane

IMAGE_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp *.gif);;所有文件 (*)"
ANY_FILTER = "所有文件 (*)"
ROLE_NAMES = {ledgers.PHOTO_BEFORE: "before", ledgers.PHOTO_AFTER: "after", OTHER_FILES: "other"}


class LedgerDetail(DetailPane):
    """:class:`DetailPane` in tabs: 详细信息, 照片和附件, 修改记录."""

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        self.tabs: QTabWidget | None = None
        self.roles = ledgers.file_roles(kind)
        super().__init__(db, kind, parent)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        item = layout.itemAt(0)
        base = item.widget() if item is not None else None
        assert isinstance(base, QSplitter)  # DetailPane's splitter: the fields, then the history box
        fields_view, history_box = base.widget(0), base.widget(1)
        assert fields_view is not None and history_box is not None
        layout.removeWidget(base)

        self.file_lists: dict[str, AttachmentList] = {}
        self.file_titles: dict[str, QLabel] = {}
        self.add_buttons: dict[str, QPushButton] = {}
        files_box = QWidget()
        files_layout = QVBoxLayout(files_box)
        for role in self.roles:
            name = ROLE_NAMES[role]
            self.file_lists[role], self.file_titles[role], self.add_buttons[role] = add_section(
                files_layout,
                add_text=f"添加{role}…" if role == OTHER_FILES else f"添加{role}照片…",
                add_name=f"add_file_{name}",
                list_name=f"files_{name}",
                what="文件",
                tooltip="双击打开",
                on_add=partial(self.add_file, role),
            )

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
        found: dict[str, list[Any]] = {role: [] for role in self.roles}
        if record_id is not None:
            try:
                entry = ledgers.get_entry(self.db, record_id)
                found = ledgers.files(self.db, record_id)
                if self.roles == (OTHER_FILES,):  # a log: photos kept before it was one show as 附件
                    found = {OTHER_FILES: [a for kept in found.values() for a in kept]}
                live = entry.deleted_at is None
            except EcoDeskError:
                record_id = None
        self.tabs.setTabEnabled(1, record_id is not None)
        if record_id is None and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
        total = 0
        for role in self.roles:
            total += len(found.get(role, []))
            self._fill(role, found.get(role, []))
            self.add_buttons[role].setEnabled(live)
        self.tabs.setTabText(1, f"照片和附件（{total}）")

    def _fill(self, role: str, found: list[Any]) -> None:
        unit = "个" if role == OTHER_FILES else "张"
        self.file_titles[role].setText(f"{role}{'' if role == OTHER_FILES else '照片'}（{len(found)}{unit}）")
        self.file_lists[role].fill(self.db, found, pictures=role != OTHER_FILES, empty="暂无")

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
