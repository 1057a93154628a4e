"""The pane beside the 问题整改 list: one problem, what can be done with it next, and its proof.

Above the tabs: the place, the status and where it stands against its deadline, the records it came
from (台账, 信访举报, 巡查, 企业), and one button per move the service allows from the current status
(开始整改 / 整改完成 / 核查销号 / 退回, and 退回整改 on an 已销号 problem a re-inspection finds back) —
a move that is not allowed is never offered. The tabs hold the
fields, the 整改过程 timeline (status changes and journal notes together), the 整改前/整改后 photos, and
the audit history. Every write goes through a small :class:`ActionDialog` and the change hub, so the
list and this pane refresh together.
"""

from __future__ import annotations

import html
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records, rectification
from ecodesk.services.patrols import PATROLS
from ecodesk.services.rectification import PHOTO_BEFORE, PHOTO_STAGES
from ui.common import dialogs, operations
from ui.common.attachment_list import AttachmentList, add_section
from ui.records.action_dialog import ActionDialog
from ui.records.deadline_model import ROW_COLOURS
from ui.records.detail import DetailPane

T = FieldType
TODO, IN_PROGRESS, AWAITING_CHECK, CLOSED = rectification.PROBLEMS.field("status").choices
TIMELINE_HEADERS = ("日期", "事项", "内容", "操作员")
IMAGE_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp *.gif);;所有文件 (*)"
STATUS_COLOURS = {"待整改": "#8a5a00", "整改中": "#1f5f8b", "已整改待核查": "#5b3f8f", "已销号": "#2e7d32"}


def move_label(from_status: str, to_status: str) -> str:
    """The button of a move, as the office says it (销号 after a check: 核查销号)."""
    name = rectification.move_name(from_status, to_status)
    return "核查销号" if to_status == CLOSED else name


def move_fields(from_status: str, to_status: str) -> tuple[Field, ...]:
    """What a move asks: always the date; 销号 the verifier; 退回 and 退回整改 the reason."""
    if to_status == CLOSED:
        return (
            Field("on_date", "销号日期", T.DATE, required=True),
            Field("verifier", "核查人", required=True, max_len=40),
            Field("note", "核查情况", T.LONGTEXT),
        )
    if from_status in (AWAITING_CHECK, CLOSED) and to_status == IN_PROGRESS:
        help_text = "如：复查发现问题反弹" if from_status == CLOSED else ""
        return (
            Field("on_date", "退回日期", T.DATE, required=True),
            Field("note", "退回原因", T.LONGTEXT, required=True, help=help_text),
        )
    if to_status == AWAITING_CHECK:
        return (
            Field("on_date", "整改完成日期", T.DATE, required=True),
            Field("note", "整改情况", T.LONGTEXT),
        )
    return (Field("on_date", "开始日期", T.DATE, required=True), Field("note", "说明", T.LONGTEXT))


class ProblemDetail(DetailPane):
    """:class:`DetailPane` (fields and audit history) in tabs, with the problem's actions above."""

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        self.problem: Any = None
        super().__init__(db, kind, parent)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        item = layout.itemAt(0)
        base = item.widget() if item is not None else None
        assert isinstance(base, QSplitter)  # DetailPane's splitter: the fields, then the history box
        fields_view, history_box = base.widget(0), base.widget(1)
        assert fields_view is not None and history_box is not None
        layout.removeWidget(base)

        self.heading = QLabel()
        self.heading.setObjectName("problem_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.links = QLabel()
        self.links.setObjectName("problem_links")
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setWordWrap(True)
        self.move_buttons: dict[str, QPushButton] = {}
        self.moves_row = QHBoxLayout()
        self.moves_row.setSpacing(6)
        self.note_button = QPushButton("记进展")
        self.note_button.setObjectName("note_button")
        self.note_button.setToolTip("记一条带日期的整改进展")
        self.note_button.setAutoDefault(False)
        self.note_button.clicked.connect(self.add_note)
        self.actions_box = QWidget()
        actions_layout = QHBoxLayout(self.actions_box)
        actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_layout.addLayout(self.moves_row)
        actions_layout.addStretch(1)
        actions_layout.addWidget(self.note_button)

        self.timeline = QTableWidget(0, len(TIMELINE_HEADERS))
        self.timeline.setObjectName("problem_timeline")
        self.timeline.setHorizontalHeaderLabels(TIMELINE_HEADERS)
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setWordWrap(True)
        header = self.timeline.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.timeline.resizeRowsToContents())

        self.photo_lists: dict[str, AttachmentList] = {}
        self.photo_titles: dict[str, QLabel] = {}
        self.add_photo_buttons: list[QPushButton] = []
        photos_box = QWidget()
        photos_layout = QVBoxLayout(photos_box)
        for stage in PHOTO_STAGES:
            name = "before" if stage == PHOTO_BEFORE else "after"
            shown, self.photo_titles[stage], add = add_section(
                photos_layout,
                add_text=f"添加{stage}照片…",
                add_name=f"add_photo_{name}",
                list_name=f"photos_{name}",
                what="照片文件",
                tooltip="双击打开原图",
                on_add=partial(self.add_photo, stage),
            )
            self.photo_lists[stage] = shown
            self.add_photo_buttons.append(add)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("problem_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(fields_view, "详细信息")
        self.tabs.addTab(self.timeline, "整改过程")
        self.tabs.addTab(photos_box, "照片")
        self.tabs.addTab(history_box, "修改记录")
        base.deleteLater()

        layout.addWidget(self.heading)
        layout.addWidget(self.links)
        layout.addWidget(self.actions_box)
        layout.addWidget(self.tabs, 1)
        self.show_record(None)

    # -- showing -------------------------------------------------------------------------------

    def show_record(self, record_id: int | None, *, several: int = 0) -> None:
        super().show_record(record_id, several=several)
        if not hasattr(self, "tabs"):
            return  # DetailPane's own constructor shows "nothing" before the tabs exist
        self.problem = None
        if record_id is not None:
            try:
                self.problem = rectification.get_problem(self.db, record_id)
            except EcoDeskError:
                self.problem = None
        problem = self.problem
        for widget in (self.heading, self.links, self.actions_box):
            widget.setVisible(problem is not None)
        self.tabs.setTabEnabled(1, problem is not None)
        self.tabs.setTabEnabled(2, problem is not None)
        if problem is None:
            self.tabs.setCurrentIndex(0)
            self._set_moves(())
            self.timeline.setRowCount(0)
            for shown in self.photo_lists.values():
                shown.clear()
            return
        self.heading.setText(self._heading_html(problem))
        self.links.setText(self._links_html(problem))
        self.links.setVisible(bool(self.links.text()))
        live = problem.deleted_at is None
        self._set_moves(rectification.allowed_moves(problem.status) if live else ())
        self.note_button.setEnabled(live and problem.status != CLOSED)
        self._fill_timeline(problem.id)
        self._fill_photos(problem.id, live)

    @property
    def db(self) -> Database:
        return self._db

    def _heading_html(self, problem: Any) -> str:
        village = problem.village.name if problem.village is not None else ""
        where = (
            ""
            if not village or problem.place.startswith(village)
            else f'<span style="color:#555">{html.escape(village)}</span> '
        )
        colour = STATUS_COLOURS.get(problem.status, "#333")
        state = rectification.state_of(problem)
        deadline = ""
        if problem.deadline is not None:
            tone = ROW_COLOURS.get(state.colour)
            style = f"color:{tone[0].name()};font-weight:bold" if tone else "color:#555"
            deadline = f' <span style="{style}">时限 {format_iso(problem.deadline)}'
            deadline += f"（{state.value}）</span>" if state.value else "</span>"
        deleted = ' <span style="color:#c62828">（已删除）</span>' if problem.deleted_at is not None else ""
        return (
            f'{where}<span style="font-size:13pt;font-weight:bold">{html.escape(problem.place)}</span>{deleted}<br>'
            f'<span style="color:white;background:{colour};padding:1px 6px">&nbsp;{html.escape(problem.status)}&nbsp;</span>'
            f"{deadline}"
        )

    def _links_html(self, problem: Any) -> str:
        parts: list[str] = []
        entry = problem.ledger_entry
        if entry is not None:
            parts.append(
                f"台账：{html.escape(entry.kind)}“{html.escape(entry.name)}”（{html.escape(entry.status)}）"
            )
        complaint = problem.complaint
        if complaint is not None:
            what = (
                " ".join(x for x in (complaint.channel, complaint.case_number) if x) or f"编号{complaint.id}"
            )
            parts.append(f"信访举报：{html.escape(what)}（{format_iso(complaint.received_date)}受理）")
        if problem.patrol_id is not None:
            parts.append(f"巡查记录：{html.escape(self._patrol_text(problem.patrol_id))}")
        if problem.enterprise is not None:
            parts.append(f"涉及企业：{html.escape(problem.enterprise.name)}")
        if not parts:
            return ""
        return '<span style="color:#555">关联：</span>' + "；".join(parts)

    def _patrol_text(self, patrol_id: int) -> str:
        """The patrol a problem was found on: its date, village, kind and place."""
        try:
            patrol = records.get(self.db, PATROLS, patrol_id)
        except EcoDeskError:
            return f"编号 {patrol_id}（已删除）"
        texts = [
            records.display_value(PATROLS.field(key), patrol) for key in ("date", "village", "kind", "place")
        ]
        return " ".join(text for text in texts if text)

    def _set_moves(self, moves: tuple[str, ...]) -> None:
        for button in self.move_buttons.values():
            self.moves_row.removeWidget(button)
            button.deleteLater()
        self.move_buttons = {}
        if self.problem is None:
            return
        for to_status in moves:
            label = move_label(self.problem.status, to_status)
            button = QPushButton(label)
            button.setObjectName(f"move_{to_status}")
            button.setAutoDefault(False)
            button.setToolTip(f"{self.problem.status} → {to_status}")
            button.clicked.connect(lambda _checked=False, s=to_status: self.make_move(s))
            self.moves_row.addWidget(button)
            self.move_buttons[label] = button

    def _fill_timeline(self, record_id: int) -> None:
        items = rectification.timeline(self.db, record_id)
        self.timeline.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (format_iso(item.on_date), item.kind, item.text, item.operator or "—")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 2:
                    cell.setToolTip(text)
                self.timeline.setItem(row, column, cell)
        self.tabs.setTabText(1, f"整改过程（{len(items)}）")
        self.timeline.resizeRowsToContents()
        QTimer.singleShot(0, self.timeline.resizeRowsToContents)  # again once the columns are laid out

    def _fill_photos(self, record_id: int, live: bool) -> None:
        by_stage = rectification.photos(self.db, record_id)
        total = 0
        for stage in PHOTO_STAGES:
            found = by_stage.get(stage, [])
            total += len(found)
            self.photo_titles[stage].setText(f"{stage}（{len(found)}张）")
            self.photo_lists[stage].fill(self.db, found, pictures=True, empty="暂无照片")
        for button in self.add_photo_buttons:
            button.setEnabled(live)
        self.tabs.setTabText(2, f"照片（{total}）")

    # -- actions -------------------------------------------------------------------------------

    def make_move(self, to_status: str) -> Any:
        """Ask what the move needs (date, verifier or reason), then make it through the service."""
        problem = self.problem
        if problem is None:
            return None
        problem_id, from_status = problem.id, problem.status
        label = move_label(from_status, to_status)

        def op(v: dict[str, Any]) -> Any:
            return rectification.change_status(
                self.db,
                problem_id,
                to_status,
                on_date=v["on_date"],
                note=v.get("note", ""),
                verifier=v.get("verifier", ""),
            )

        return ActionDialog.ask(
            self,
            self.db,
            f"{label} — {problem.place}",
            move_fields(from_status, to_status),
            op,
            [self._kind],
            intro=f"状态将由“{from_status}”改为“{to_status}”。",
            ok_text=label,
            values={"on_date": _default_date(problem)},
        )

    def add_note(self) -> Any:
        problem = self.problem
        if problem is None:
            return None
        problem_id = problem.id
        fields = (
            Field("on_date", "日期", T.DATE, required=True),
            Field("text", "进展情况", T.LONGTEXT, required=True),
        )
        result = ActionDialog.ask(
            self,
            self.db,
            f"记进展 — {problem.place}",
            fields,
            lambda v: rectification.add_note(self.db, problem_id, v["text"], v["on_date"]),
            [],
            values={"on_date": dates.today()},
        )
        if result is not None:
            self.show_record(problem_id)
        return result

    def add_photo(self, stage: str, path: Path | None = None) -> Any:
        problem = self.problem
        if problem is None:
            return None
        path = path or dialogs.ask_open_file(self, f"添加{stage}照片", IMAGE_FILTER)
        if path is None:
            return None
        problem_id = problem.id
        result = operations.write(self, lambda: rectification.add_photo(self.db, problem_id, path, stage))
        if result is not None:
            self.show_record(problem_id)
            self.tabs.setCurrentIndex(2)
        return result


def _default_date(problem: Any) -> date:
    """Today, but never before the problem was found (a move dated earlier is refused)."""
    found: date = problem.found_date
    return max(dates.today(), found)
