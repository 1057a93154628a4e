"""Choosing a backup to restore: newest first, with time, size and why it was made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.common import dialogs


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1024) // 1024} KB"


class RestoreDialog(QDialog):
    """Lists backups (``BackupInfo``: path, created, size, reason); ``chosen`` is the file picked."""

    def __init__(self, backups: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.resize(640, 420)
        self.chosen: Path | None = None
        self._backups = backups

        intro = QLabel(
            "选择要恢复的备份。恢复前，当前数据会先另存一份，不会丢失。"
            if backups
            else "没有找到备份。可以点“选择其他文件…”找到备份文件。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(backups), 3)
        self.table.setObjectName("backup_list")
        self.table.setHorizontalHeaderLabels(("备份时间", "大小", "说明"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(backups):
            when = QTableWidgetItem(f"{info.created:%Y-%m-%d %H:%M:%S}")
            when.setToolTip(str(info.path))
            self.table.setItem(row, 0, when)
            size = QTableWidgetItem(size_text(info.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, size)
            reason = getattr(info, "reason", "") or ""
            self.table.setItem(row, 2, QTableWidgetItem(reason))
        if backups:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _index: self._use_selected())

        buttons = QDialogButtonBox()
        restore = buttons.addButton("恢复所选备份", QDialogButtonBox.ButtonRole.AcceptRole)
        restore.setEnabled(bool(backups))
        other = buttons.addButton("选择其他文件…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._use_selected)
        buttons.rejected.connect(self.reject)
        other.clicked.connect(self._pick_file)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _use_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen = Path(self._backups[rows[0].row()].path)
            self.accept()

    def _pick_file(self) -> None:
        path = dialogs.ask_open_file(self, "选择备份文件", "EcoDesk 数据文件 (*.db)")
        if path is not None:
            self.chosen = path
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, backups: list[Any]) -> Path | None:
        dialog = cls(backups, parent)
        try:
            return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
