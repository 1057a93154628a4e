"""The pane beside a list: the selected record's fields and its history (who changed what, when).

The history reads the audit log through ``records.history_lines``; columns are named by their field
labels and references by the name of the record they point to, so the clerk reads
“所属村：东沟村 → 西岭村”, not ``village_id: 3 → 5``.
"""

from __future__ import annotations

import html
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.errors import NotFoundError
from ecodesk.schema import RecordKind
from ecodesk.services import records

ACTION_LABELS = {
    "insert": "新增",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "reveal": "查看",
    "purge": "彻底删除",
    "reopen": "重新挂牌",
    "item_added": "新增",  # a line of a child list (工作阶段, 领导小组 …), logged under its record
    "item_removed": "删除",
}
HISTORY_HEADERS = ("时间", "操作员", "操作", "项目", "原值 → 新值")
EMPTY = "（空）"


ELIDE_AT = 60  # characters of one value shown in a history row; the whole text is in its tooltip


def elide(text: str, limit: int = ELIDE_AT) -> str:
    """The first ``limit`` characters and “…”, on one line (a long value must not hide the row)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def history_cells(line: records.HistoryLine) -> tuple[tuple[str, ...], str]:
    """The five cells of one 修改记录 row, and the whole change for its tooltip."""
    action = ACTION_LABELS.get(line.action, line.action)
    if line.action == "insert":
        change = "；".join(f"{label}：{elide(value)}" for label, value in line.fields)
        whole = "\n".join(f"{label}：{value}" for label, value in line.fields)
    elif line.action == "update":
        change = f"{elide(line.old) or EMPTY} → {elide(line.new) or EMPTY}"
        whole = f"原值：{line.old or EMPTY}\n新值：{line.new or EMPTY}"
    else:
        change = elide(line.new)
        whole = line.new
    cells = (f"{line.at:%Y-%m-%d %H:%M}", line.operator or "—", action, line.label, change)
    return cells, whole


def _tooltip(text: str) -> str:
    # Rich text so Qt wraps a long value instead of drawing one line across the screen.
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


class DetailPane(QWidget):
    """Read-only view of one record and its history; blank when nothing (or several) is selected."""

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._kind = kind
        self.record_id: int | None = None

        self.fields_view = QTextBrowser()
        self.fields_view.setObjectName("detail_fields")
        self.fields_view.setOpenLinks(False)

        self.history = QTableWidget(0, len(HISTORY_HEADERS))
        self.history.setObjectName("detail_history")
        self.history.setHorizontalHeaderLabels(HISTORY_HEADERS)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setWordWrap(True)
        header = self.history.horizontalHeader()
        for column in range(len(HISTORY_HEADERS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HISTORY_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        # Long changes wrap: re-measure the rows whenever the change column gets its real width.
        header.sectionResized.connect(self._fit_history_rows)

        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("修改记录")
        title.setStyleSheet("font-weight:bold;")
        history_layout.addWidget(title)
        history_layout.addWidget(self.history)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.fields_view)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.show_record(None)

    def _fit_history_rows(self, *_args: object) -> None:
        # Queued or signalled calls may arrive after the page (and its table) was destroyed.
        if shiboken6.isValid(self.history):
            self.history.resizeRowsToContents()

    def show_record(self, record_id: int | None, *, several: int = 0) -> None:
        self.record_id = record_id
        self.history.setRowCount(0)
        if record_id is None:
            message = (
                f"已选中 {several} 条记录。"
                if several > 1
                else "在左侧列表中选中一条记录，这里显示它的详细内容和修改记录。"
            )
            self.fields_view.setHtml(f'<p style="color:#777">{html.escape(message)}</p>')
            return
        try:
            obj = records.get(self._db, self._kind, record_id)
        except NotFoundError as exc:
            self.fields_view.setHtml(f"<p>{html.escape(str(exc))}</p>")
            return
        self.fields_view.setHtml(self._fields_html(obj))
        self._fill_history(record_id)

    def _fields_html(self, obj: Any) -> str:
        rows = []
        for f in self._kind.fields:
            value = records.display_value(f, obj)
            shown = html.escape(value).replace("\n", "<br>") if value else '<span style="color:#aaa">—</span>'
            rows.append(
                f'<tr><td style="color:#555;padding:2px 10px 2px 0;white-space:nowrap" valign="top">'
                f"{html.escape(f.label)}</td><td style='padding:2px 0'>{shown}</td></tr>"
            )
        title = html.escape(str(getattr(obj, self._kind.title_key, "") or ""))
        deleted = ' <span style="color:#c62828">（已删除）</span>' if obj.deleted_at is not None else ""
        stamp = (
            f"录入：{html.escape(obj.created_by or '—')} {obj.created_at:%Y-%m-%d %H:%M}；"
            f"最后修改：{html.escape(obj.updated_by or '—')} {obj.updated_at:%Y-%m-%d %H:%M}"
        )
        return (
            f'<h3 style="margin:0 0 6px 0">{title}{deleted}</h3>'
            f'<table cellspacing="0">{"".join(rows)}</table>'
            f'<p style="color:#888;margin-top:8px">{stamp}</p>'
        )

    def _fill_history(self, record_id: int) -> None:
        lines = records.history_lines(self._db, self._kind, record_id)
        self.history.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cells, whole = history_cells(line)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(cells) - 1:
                    item.setToolTip(_tooltip(whole))
                self.history.setItem(row, column, item)
        self.history.resizeRowsToContents()
        QTimer.singleShot(0, self._fit_history_rows)  # again once the columns are laid out
