"""信访举报: complaints, with the complainant kept confidential.

The list, the detail, exports and prints show the complainant masked (张*, 138****5678) — the
declaration masks them. Seeing the real person is a deliberate act: 显示举报人 asks why, calls the
audited :func:`ecodesk.services.complaints.reveal` and shows the name only in the detail pane, only
until another record is chosen; the act appears in the record's 修改记录. Overdue complaints (办理中
past the 办理时限) are red, due within 3 days amber. 转为整改问题 opens a linked problem in one step.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import complaints, records, rectification
from ecodesk.services.complaints import COMPLAINTS
from ecodesk.services.rectification import PROBLEMS
from ui.common import dialogs
from ui.records.action_dialog import ActionDialog
from ui.records.chip_page import ChipRecordPage
from ui.records.deadline_model import DeadlineTableModel, complaint_colour
from ui.records.detail import DetailPane
from ui.records.model import RecordTableModel

T = FieldType
REVEAL_FIELDS = (Field("reason", "查看原因", required=True, max_len=100, help="如：回访核实、奖励发放"),)


class ComplaintDetail(DetailPane):
    """:class:`DetailPane` with the complainant box: masked, or revealed on purpose."""

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        super().__init__(db, kind, parent)
        self.revealed: complaints.Complainant | None = None
        self.complainant = QLabel()
        self.complainant.setObjectName("complainant")
        self.complainant.setTextFormat(Qt.TextFormat.RichText)
        self.complainant.setWordWrap(True)
        self.complainant.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_button = QPushButton("显示举报人…")
        self.reveal_button.setObjectName("reveal_button")
        self.reveal_button.setToolTip("举报人信息保密；查看须写明原因，并记入修改记录")
        self.reveal_button.setAutoDefault(False)
        self.reveal_button.clicked.connect(self.reveal)
        self.box = QFrame()
        self.box.setObjectName("complainant_box")
        self.box.setStyleSheet("QFrame#complainant_box { background:#f6f8fa; border:1px solid #d8dde3; }")
        row = QHBoxLayout(self.box)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.complainant, 1)
        row.addWidget(self.reveal_button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.box)
        self.show_record(None)

    @property
    def db(self) -> Database:
        return self._db

    def _fill_history(self, record_id: int) -> None:
        """As the base, with the reveal's audit field (``complainant``) named as the clerk says it."""
        super()._fill_history(record_id)
        for row in range(self.history.rowCount()):
            item = self.history.item(row, 3)
            if item is not None and item.text() == "complainant":
                item.setText("举报人信息")

    def show_record(self, record_id: int | None, *, several: int = 0) -> None:
        changed = record_id != self.record_id
        super().show_record(record_id, several=several)
        if not hasattr(self, "box"):
            return
        if changed:
            self.revealed = None  # a revealed name never outlives the selection
        self.box.setVisible(record_id is not None)
        if record_id is None:
            return
        try:
            obj = records.get(self.db, self._kind, record_id)
        except EcoDeskError:
            self.box.hide()
            return
        self._show_complainant(obj)

    def _show_complainant(self, obj: Any) -> None:
        if self.revealed is not None:
            name, phone = self.revealed.name or "（未留姓名）", self.revealed.phone or "（未留电话）"
            self.complainant.setText(
                f"举报人：<b>{html.escape(name)}</b>　电话：<b>{html.escape(phone)}</b>"
                '<br><span style="color:#b71c1c">本次查看已记入修改记录，请勿外传。</span>'
            )
            self.reveal_button.setEnabled(False)
            return
        masked = [
            records.display_value(self._kind.field(key), obj)
            for key in ("complainant_name", "complainant_phone")
        ]
        if not any(masked):
            self.complainant.setText('<span style="color:#777">匿名举报（未留姓名和电话）</span>')
            self.reveal_button.setEnabled(False)
            return
        self.complainant.setText(
            f"举报人：{html.escape(masked[0] or '—')}　电话：{html.escape(masked[1] or '—')}"
            '　<span style="color:#777">（保密）</span>'
        )
        self.reveal_button.setEnabled(obj.deleted_at is None)

    def reveal(self) -> complaints.Complainant | None:
        """Ask why, reveal through the audited service, show it until the selection changes."""
        record_id = self.record_id
        if record_id is None:
            return None
        found: complaints.Complainant | None = ActionDialog.ask(
            self,
            self.db,
            "显示举报人",
            REVEAL_FIELDS,
            lambda v: complaints.reveal(self.db, record_id, v["reason"]),
            [],
            intro="举报人信息依法保密。查看将记入本件的修改记录（查看人、时间、原因）。",
            ok_text="显示",
        )
        if found is None:
            return None
        self.show_record(record_id)  # the history now lists the reveal
        self.revealed = found
        obj = records.get(self.db, self._kind, record_id)
        self._show_complainant(obj)
        return found


class ComplaintsPage(ChipRecordPage):
    """Signals: ``count_changed(int)`` (from :class:`RecordPage`)."""

    LEADING = ("received_date", "channel", "village", "content", "deadline", "status", "complainant_name")
    NARROW = {"content": 22}

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, COMPLAINTS, parent)
        self.setObjectName("complaints_page")
        self.problem_button = self._button(
            "转为整改问题",
            "为选中的信访件开一个整改问题（来源：信访举报），举报人信息不会带入",
            self.open_problem,
        )
        self.problem_button.setObjectName("open_problem")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.problem_button)
        row.addStretch(1)
        legend = QLabel(
            '<span style="background:#fde4e4;color:#b71c1c">&nbsp;已超期&nbsp;</span>&nbsp;'
            '<span style="background:#fff1c9;color:#7a4f00">&nbsp;3天内到期&nbsp;</span>'
        )
        legend.setToolTip("办理中且已过办理时限的标红；3天内到期的标黄")
        row.addWidget(legend)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(3, row)
        self._selection_changed()

    def create_model(self) -> RecordTableModel:
        return DeadlineTableModel(self.db, self.kind, complaint_colour, self)

    def create_detail(self) -> DetailPane:
        return ComplaintDetail(self.db, self.kind)

    def _selection_changed(self, *args: object) -> None:
        super()._selection_changed(*args)
        if hasattr(self, "problem_button"):
            rows = self.selected_rows()
            self.problem_button.setEnabled(len(rows) == 1 and not self.model.is_deleted(rows[0]))

    def open_problem(self) -> Any:
        rows = self.selected_rows()
        if len(rows) != 1 or self.model.is_deleted(rows[0]):
            return None
        complaint_id = self.model.id_at(rows[0])
        complaint = records.get(self.db, self.kind, complaint_id)
        village = complaint.village.name if complaint.village is not None else ""
        fields = (
            Field("place", "地点", required=True, max_len=100),
            Field("description", "问题描述", T.LONGTEXT, required=True),
            Field("unit", "责任单位", T.REF, ref=rectification.UNIT_REF),
            Field("deadline", "整改时限", T.DATE, required=True),
        )
        problem = ActionDialog.ask(
            self,
            self.db,
            "转为整改问题",
            fields,
            lambda v: complaints.open_problem(
                self.db,
                complaint_id,
                place=v["place"],
                description=v["description"],
                deadline=v["deadline"],
                responsible_unit_id=v["unit"],
            ),
            [self.kind, PROBLEMS],
            intro="问题来源记为“信访举报”，并与本件关联；举报人信息不会带入问题。",
            ok_text="转为整改问题",
            values={
                "place": village,
                "description": complaint.content,
                "unit": complaint.village_id,
                "deadline": complaint.deadline or complaints.default_deadline(complaint.received_date),
            },
        )
        if problem is not None:
            dialogs.show_info(
                self,
                f"已转为整改问题：{problem.place}（整改时限 {problem.deadline:%Y-%m-%d}）。\n在“问题整改”中可以查看和办理。",
            )
        return problem
