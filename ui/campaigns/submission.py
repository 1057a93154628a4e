"""报送: record what a unit handed in for a campaign deliverable (received date, title, the file), and
add a deliverable to a campaign. The service checks everything; the dialogs show its reasons under
the field, and Esc, 取消 and × ask 放弃未保存的内容？ once anything was typed (``ui.common.unsaved``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import DateParseError, format_cn, parse_date
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, ValidationError
from ecodesk.services import campaigns
from ecodesk.services.campaigns import CAMPAIGNS, DeliverableInput, DeliverableStatus
from ui.common import dialogs, operations, unsaved
from ui.common.buttons import dialog_buttons
from ui.common.field_editors import DateLineEdit
from ui.common.field_problems import ERROR_STYLE, problem_cell

FILE_FILTER = (
    "报送材料 (*.pdf *.doc *.docx *.xls *.xlsx *.wps *.et *.jpg *.jpeg *.png *.zip *.rar);;所有文件 (*)"
)


class _ProblemForm(unsaved.AskingDialog):
    """A small form whose problems show in red under the named field (as the record form does), and
    that asks before throwing typing away. Subclasses list their values in :meth:`values` and call
    :meth:`mark_clean` once filled."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.error_labels: dict[str, QLabel] = {}
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self._initial: tuple[object, ...] = ()

    def add_row(self, key: str, label: str, widget: QWidget) -> None:
        cell, error = problem_cell(widget, key)
        self.error_labels[key] = error
        self.form.addRow(f"{label}：", cell)

    def values(self) -> tuple[object, ...]:
        """What the clerk can change, compared with what the form showed when it opened."""
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def mark_clean(self) -> None:
        self._initial = self.values()

    def is_dirty(self) -> bool:
        return self.values() != self._initial

    def clear_problems(self) -> None:
        for label in (*self.error_labels.values(), self.general_error):
            label.clear()
            label.hide()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        general = []
        for problem in problems:
            label = self.error_labels.get(problem.field)
            if label is None:
                general.append(str(problem))
                continue
            label.setText(problem.reason)
            label.show()
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()


class SubmissionDialog(_ProblemForm):
    """登记报送 for one unit and deliverable. ``saved_id`` is the submission once recorded."""

    def __init__(self, db: Database, status: DeliverableStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._status = status
        self.saved_id: int | None = None
        self.setObjectName("submission_dialog")
        self.setWindowTitle(f"登记报送 — {status.unit}")
        self.setMinimumWidth(520)
        heading = QLabel(
            f"<b>{status.unit}</b>　{status.deliverable}<br>"
            f"<span style='color:#666'>{status.campaign}，{format_cn(status.due_date)}截止</span>"
        )
        self.received = DateLineEdit()
        self.received.setObjectName("submission_received")
        self.received.set_date(dates.today())
        self.title_edit = QLineEdit(status.deliverable)
        self.title_edit.setObjectName("submission_title")
        self.title_edit.setMaxLength(120)
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("submission_file")
        self.file_edit.setPlaceholderText("可不选；选择后复制一份保存在数据文件旁")
        browse = QPushButton("选择文件…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        self.remark = QLineEdit()
        self.remark.setObjectName("submission_remark")
        self.add_row("received_date", "收到日期", self.received)
        self.add_row("title", "材料名称", self.title_edit)
        self.add_row("file", "报送文件", file_row)
        self.add_row("remark", "备注", self.remark)

        buttons = dialog_buttons(self, "登记", self.save).box
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.received.setFocus()
        self.received.selectAll()
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        return (self.received.text(), self.title_edit.text(), self.file_edit.text(), self.remark.text())

    def _browse(self) -> None:
        path = dialogs.ask_open_file(self, "选择报送文件", FILE_FILTER)
        if path is not None:
            self.file_edit.setText(str(path))

    def save(self) -> None:
        self.clear_problems()
        status = self._status
        file_text = self.file_edit.text().strip()
        received, title, remark = self.received.text(), self.title_edit.text(), self.remark.text()
        try:
            saved = operations.write(
                self,
                lambda: campaigns.record_submission(
                    self._db,
                    status.deliverable_id,
                    status.unit_id,
                    received,
                    title=title,
                    file=Path(file_text) if file_text else None,
                    remark=remark,
                ),
                [CAMPAIGNS],
                raise_validation=True,
            )
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        if saved is not None:
            self.saved_id = int(saved)
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, status: DeliverableStatus) -> int | None:
        dialog = cls(db, status, parent)
        try:
            return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class DeliverableDialog(_ProblemForm):
    """添加报送材料: asked of every village and community, by a date, closing a phase if chosen."""

    def __init__(
        self, db: Database, campaign_id: int, phases: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._campaign_id = campaign_id
        self.saved_id: int | None = None
        self.setWindowTitle("添加报送材料")
        self.setMinimumWidth(460)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("deliverable_name")
        self.name_edit.setPlaceholderText("如 工作计划、问题整改清单、工作总结")
        self.due = DateLineEdit()
        self.due.setObjectName("deliverable_due")
        self.phase = QComboBox()
        self.phase.addItem("（不属于某一阶段）", None)
        for name in phases:
            self.phase.addItem(name, name)
        self.add_row("deliverables", "材料名称", self.name_edit)
        self.add_row("due_date", "截止日期", self.due)
        self.add_row("phase", "所属阶段", self.phase)
        note = QLabel("报送单位：全部村（社区）。")
        note.setStyleSheet("color:#666;")
        buttons = dialog_buttons(self, "添加", self.save).box
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        return (self.name_edit.text(), self.due.text(), self.phase.currentIndex())

    def save(self) -> None:
        self.clear_problems()
        try:
            due = parse_date(self.due.text())
        except DateParseError as exc:
            self.show_problems([FieldProblem("due_date", "截止日期", str(exc))])
            return
        if due is None:
            self.show_problems([FieldProblem("due_date", "截止日期", "必须填写")])
            return
        item = DeliverableInput(self.name_edit.text(), due, None, self.phase.currentData())
        try:
            saved = operations.write(
                self,
                lambda: campaigns.add_deliverable(self._db, self._campaign_id, item),
                [CAMPAIGNS],
                raise_validation=True,
            )
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        if saved is not None:
            self.saved_id = int(saved)
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, campaign_id: int, phases: list[str]) -> int | None:
        dialog = cls(db, campaign_id, phases, parent)
        try:
            return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
