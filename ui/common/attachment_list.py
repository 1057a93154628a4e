"""Photos and files kept with a record, shown as thumbnails: a title, an 添加… button and the list.

The 问题整改 pane (整改前/整改后 photos) and every 台账 entry (照片和附件) show attachments the same
way: pictures as thumbnails, other files by name, a file missing from the attachment folder said
plainly, double-click opens it in the system's program.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.services import attachments
from ui.common import dialogs

THUMB = QSize(132, 99)


class AttachmentList(QListWidget):
    """The attachments of one role (整改前, 整改后, 附件…) of the shown record."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what  # how a missing file is named: 照片文件, 文件
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setSpacing(6)
        self.itemDoubleClicked.connect(self._open)

    def fill(self, db: Database, found: Sequence[Any], *, pictures: bool, empty: str) -> None:
        """Show ``found`` (Attachment rows): pictures as thumbnails, or by name; ``empty`` when none."""
        self.clear()
        for att in found:
            path = attachments.stored_path(db, att)
            pixmap = QPixmap(str(path)) if pictures else QPixmap()
            item = QListWidgetItem(att.original_name)
            if not pixmap.isNull():
                scaled = pixmap.scaled(
                    THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                item.setIcon(QIcon(scaled))
            elif pictures:
                item.setText(f"{att.original_name}\n（文件缺失或不是图片）")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(f"{att.original_name}（{att.created_at:%Y-%m-%d}添加）")
            self.addItem(item)
        if not found:
            placeholder = QListWidgetItem(empty)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            # Without an icon, icon mode wraps the text at the tiny item width: one character a line.
            placeholder.setSizeHint(QSize(THUMB.width(), self.fontMetrics().height() + 8))
            self.addItem(placeholder)

    def _open(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path and Path(path).is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        elif path:
            dialogs.show_error(
                self, f"{self._what}不见了（应在 {path}）。请从备份中找回附件文件夹，或重新添加。"
            )


def add_section(
    layout: QVBoxLayout,
    *,
    add_text: str,
    add_name: str,
    list_name: str,
    what: str,
    tooltip: str,
    on_add: Callable[[], object],
) -> tuple[AttachmentList, QLabel, QPushButton]:
    """A bold title and its 添加… button on one row, the list below (``*_name``: the objectNames)."""
    title = QLabel()
    title.setStyleSheet("font-weight:bold;")
    add = QPushButton(add_text)
    add.setObjectName(add_name)
    add.setAutoDefault(False)
    add.clicked.connect(lambda _checked=False: on_add())
    row = QHBoxLayout()
    row.addWidget(title)
    row.addStretch(1)
    row.addWidget(add)
    layout.addLayout(row)
    shown = AttachmentList(what)
    shown.setObjectName(list_name)
    shown.setToolTip(tooltip)
    layout.addWidget(shown, 1)
    return shown, title, add
