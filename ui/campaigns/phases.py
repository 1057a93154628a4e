"""编辑工作阶段: the phases of a campaign as an editable table (name, dates, tasks), saved in one call.

The dates are typed as on paper (2024-10-20, 2024年10月20日, 10月20日前 leaves the start empty); the
service checks the order and the campaign's period and names the row that is wrong.

Each row remembers which phase it is (its id), so saving edits those phases in place and every
需报送材料 stays with its phase; a removed row's materials are named in a warning line before saving.
Esc, 取消 and × ask 放弃未保存的内容？ once anything was changed (``ui.common.unsaved``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from ecodesk.dates import DateParseError, format_iso, parse_date
from ecodesk.db.database import Database
from ecodesk.errors import ValidationError
from ecodesk.services import campaigns
from ecodesk.services.campaigns import CAMPAIGNS, PhaseInput
from ui.common import operations, unsaved
from ui.common.field_problems import ERROR_STYLE

HEADERS = ("阶段名称", "开始日期（可空）", "结束日期", "主要任务")
ID_ROLE = Qt.ItemDataRole.UserRole  # on a row's first cell: the phase it edits (None: a new phase)
WARNING_STYLE = "color:#b45309;"


class PhasesDialog(unsaved.AskingDialog):
    """``saved`` is True once the service accepted the phases."""

    def __init__(self, db: Database, campaign_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._campaign_id = campaign_id
        self.saved = False
        campaign = campaigns.get_campaign(db, campaign_id)
        self._campaign = campaign
        self.setObjectName("phases_dialog")
        self.setWindowTitle(f"编辑工作阶段 — {campaign.name}")
        self.resize(820, 360)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("phases_edit_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for phase in campaign.phases:
            self.add_row(
                phase.name, format_iso(phase.start_date), format_iso(phase.end_date), phase.tasks, phase.id
            )
        char = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((10, 9, 7)):
            self.table.setColumnWidth(column, char * width)

        add = QPushButton("添加阶段")
        add.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_row())
        remove = QPushButton("删除选中阶段")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        hint = QLabel(
            f"行动期间：{format_iso(campaign.start_date)} 至 {format_iso(campaign.end_date)}。"
            "开始日期不填表示从行动开始（如“动员部署阶段（10月20日前）”）。"
        )
        hint.setStyleSheet("color:#666;")
        hint.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setObjectName("phases_warning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.error = QLabel()
        self.error.setObjectName("phases_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        save = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        save.setAutoDefault(False)  # Enter finishes the cell being edited, not the dialog
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._initial = self._rows()

    def add_row(
        self, name: str = "", start: str = "", end: str = "", tasks: str = "", phase_id: int | None = None
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((name, start, end, tasks)):
            item = QTableWidgetItem(text)
            if column == 0:
                item.setData(ID_ROLE, phase_id)
            self.table.setItem(row, column, item)
        self.table.setCurrentCell(row, 0)
        return row

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or ([self.table.currentRow()] if self.table.currentRow() >= 0 else []):
            self.table.removeRow(row)
        self._show_warning()

    def _phase_id(self, row: int) -> int | None:
        item = self.table.item(row, 0)
        value = item.data(ID_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def _rows(self) -> list[tuple[int | None, str, str, str, str]]:
        text = self._text
        return [
            (self._phase_id(row), text(row, 0), text(row, 1), text(row, 2), text(row, 3))
            for row in range(self.table.rowCount())
        ]

    def _show_warning(self) -> None:
        """Before saving: which removed phases take 需报送材料 with them (they then belong to none)."""
        kept = [pid for row in range(self.table.rowCount()) if (pid := self._phase_id(row)) is not None]
        text = campaigns.unlink_warning(campaigns.phases_losing_deliverables(self._campaign, kept))
        self.warning.setText(text.replace("；", "\n"))
        self.warning.setVisible(bool(text))

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def phases(self) -> list[PhaseInput]:
        """The rows as the service takes them; a row without a name or an unreadable date is refused
        here with its row number, since PhaseInput holds dates, not text."""
        phases: list[PhaseInput] = []
        problems: list[str] = []
        for row in range(self.table.rowCount()):
            name, start_text, end_text, tasks = (self._text(row, c) for c in range(4))
            if not any((name, start_text, end_text, tasks)):
                continue  # an empty line left at the end
            try:
                start = parse_date(start_text)
                end = parse_date(end_text)
            except DateParseError as exc:
                problems.append(f"第{row + 1}行：{exc}")
                continue
            if not name:
                problems.append(f"第{row + 1}行：阶段名称必须填写")
            if end is None:
                problems.append(f"第{row + 1}行：结束日期必须填写")
            if name and end is not None:
                phases.append(PhaseInput(name, end, start, tasks, self._phase_id(row)))
        if problems:
            raise ValidationError.single("phases", "工作阶段", "；".join(problems))
        return phases

    def save(self) -> None:
        self.error.hide()
        try:
            phases = self.phases()
            done = operations.write(
                self,
                lambda: self._set(phases),
                [CAMPAIGNS],
                raise_validation=True,
            )
        except ValidationError as exc:
            self.error.setText("\n".join(str(p) for p in exc.problems))
            self.error.show()
            return
        if done:
            self.saved = True
            self.accept()

    def _set(self, phases: list[PhaseInput]) -> bool:
        campaigns.set_phases(self._db, self._campaign_id, phases)
        return True

    # -- closing -------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """A row added, removed or edited since the dialog opened (typed and deleted back is not)."""
        return self._rows() != self._initial

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, campaign_id: int) -> bool:
        dialog = cls(db, campaign_id, parent)
        try:
            dialog.exec()
            return dialog.saved
        finally:
            dialog.deleteLater()
