"""One 专项行动 in detail: who handed in what (a unit × deliverable grid coloured by state), its phases
and its 领导小组; and the reminder list of what is due and overdue across all campaigns.

States come from ``ecodesk.services.campaigns`` (按时报送 / 逾期报送 / 未报送 / 待报送, derived from the
due date and the received date); here they only get their colour: on time green, late amber, missing
red, due within three days yellow (SPEC §4).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_cn, format_iso
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.models.campaign import Campaign
from ecodesk.services import attachments, campaigns
from ecodesk.services.campaigns import (
    CAMPAIGNS,
    DUE_SOON_DAYS,
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    SUBMISSION_TABLE,
    DeliverableStatus,
    Reminder,
)
from ecodesk.services.org import PEOPLE, UNITS
from ui.campaigns.phases import PhasesDialog
from ui.campaigns.submission import DeliverableDialog, SubmissionDialog
from ui.common import dialogs, operations
from ui.common.changes import changes
from ui.common.jobs import JobHandle, run_job
from ui.patrols.daily_report import open_file

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
# state → (background, text colour); "soon" is a 待报送 due within DUE_SOON_DAYS.
COLOURS: dict[str, tuple[str, str]] = {
    ON_TIME: ("#e3f4e1", "#1b5e20"),
    LATE: ("#ffe0b2", "#8a4b00"),
    MISSING: ("#fbdada", "#c62828"),
    "soon": ("#fff6c4", "#7a5d00"),
    PENDING: ("#ffffff", "#555555"),
}


def _short(day: date) -> str:
    return format_iso(day)[5:]  # 10-18: the year is the campaign's


def cell_look(status: DeliverableStatus, today: date) -> tuple[str, str]:
    """(text, colour key) of one unit's deliverable as the grid shows it."""
    if status.state == ON_TIME:
        assert status.received_date is not None
        return f"按时 {_short(status.received_date)}", ON_TIME
    if status.state == LATE:
        assert status.received_date is not None
        return f"逾期{status.days_late}天 {_short(status.received_date)}", LATE
    if status.state == MISSING:
        return f"未报送（逾期{(today - status.due_date).days}天）", MISSING
    days = (status.due_date - today).days
    if days == 0:
        return "今天截止", "soon"
    if days <= DUE_SOON_DAYS:
        return f"待报送（还有{days}天）", "soon"
    return "待报送", PENDING


def _paint(item: QTableWidgetItem, key: str) -> None:
    background, foreground = COLOURS[key]
    item.setBackground(QBrush(QColor(background)))
    item.setForeground(QBrush(QColor(foreground)))


def _table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(False)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    return table


class SubmissionGrid(QWidget):
    """Units (rows) × deliverables (columns) of one campaign. Enter or a double click on a cell records
    a submission; Delete withdraws one recorded by mistake."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.campaign_id: int | None = None
        self.today = dates.today()
        self.statuses: list[DeliverableStatus] = []
        self.deliverables: list[tuple[int, str]] = []
        self.counts_label = QLabel()
        self.counts_label.setObjectName("submission_counts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.table = _table("submission_grid")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.table.installEventFilter(self)
        self.table.currentCellChanged.connect(self._current_changed)

        self.record_button = QPushButton("登记报送")
        self.record_button.setToolTip("登记选中单位报送的材料（Enter 或双击）")
        self.withdraw_button = QPushButton("撤销报送")
        self.withdraw_button.setToolTip("误登记的报送可撤销，该单位恢复为未报送")
        self.open_button = QPushButton("打开报送文件")
        self.add_button = QPushButton("添加报送材料")
        self.remove_button = QPushButton("删除报送材料")
        self.remove_button.setToolTip("删除选中单元格所在列的报送材料（误添加的；已有报送的不能删除）")
        self.export_button = QPushButton("导出报送情况表")
        self.export_button.setToolTip("单位 × 报送材料的 Excel 表，逾期、未报送的标色，末行计数")
        self.export_handle: JobHandle | None = None
        for button, slot in (
            (self.record_button, self.record_selected),
            (self.withdraw_button, self.withdraw_selected),
            (self.open_button, self.open_selected_file),
            (self.add_button, self.add_deliverable),
            (self.remove_button, self.remove_deliverable),
            (self.export_button, self.export_xlsx),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
        legend = QLabel(
            " ".join(
                f"<span style='background:{COLOURS[k][0]}; color:{COLOURS[k][1]}'>&nbsp;{t}&nbsp;</span>"
                for k, t in (
                    (ON_TIME, "按时报送"),
                    (LATE, "逾期报送"),
                    (MISSING, "未报送"),
                    ("soon", "3天内截止"),
                )
            )
        )
        legend.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        for button in (self.record_button, self.withdraw_button, self.open_button):
            buttons.addWidget(button)
        buttons.addSpacing(16)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.counts_label)
        top.addStretch(1)
        top.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.record_selected()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.withdraw_selected()
                return True
        return False  # not super(): the table may be half destroyed when its last events arrive

    def show_campaign(self, campaign: Campaign | None, today: date | None = None) -> None:
        self.campaign_id = campaign.id if campaign is not None else None
        self.today = today or dates.today()
        self.statuses = (
            campaigns.deliverable_statuses(self.db, campaign.id, today=self.today)
            if campaign is not None
            else []
        )
        self._fill(campaign)

    def _fill(self, campaign: Campaign | None) -> None:
        deliverables = list(campaign.deliverables) if campaign is not None else []
        self.deliverables = [(d.id, d.name) for d in deliverables]
        units: dict[int, str] = {}
        for s in self.statuses:
            units.setdefault(s.unit_id, s.unit)
        self.table.clear()
        self.table.setRowCount(len(units))
        self.table.setColumnCount(len(deliverables))
        self.table.setHorizontalHeaderLabels([f"{d.name}\n{format_cn(d.due_date)}截止" for d in deliverables])
        self.table.setVerticalHeaderLabels(list(units.values()))
        rows = {uid: r for r, uid in enumerate(units)}
        columns = {d.id: c for c, d in enumerate(deliverables)}
        for r in range(len(units)):
            for c in range(len(deliverables)):
                blank = QTableWidgetItem("—")
                blank.setForeground(QBrush(QColor("#bbbbbb")))
                blank.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                blank.setToolTip("不需要报送")
                self.table.setItem(r, c, blank)
        counts = dict.fromkeys((ON_TIME, LATE, MISSING, PENDING), 0)
        for s in self.statuses:
            counts[s.state] = counts.get(s.state, 0) + 1
            text, key = cell_look(s, self.today)
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setData(STATUS_ROLE, s)
            _paint(item, key)
            received = f"，{format_cn(s.received_date)}收到" if s.received_date else ""
            item.setToolTip(f"{s.unit}：{s.deliverable}（{format_cn(s.due_date)}截止{received}）")
            self.table.setItem(rows[s.unit_id], columns[s.deliverable_id], item)
        char = self.table.fontMetrics().horizontalAdvance("中")
        self.table.resizeColumnsToContents()
        for c in range(len(deliverables)):
            self.table.setColumnWidth(c, max(char * 10, self.table.columnWidth(c) + 16))
        total = sum(counts.values())
        self.counts_label.setText(
            f"共 {total} 项：<span style='color:{COLOURS[ON_TIME][1]}'>按时报送 {counts[ON_TIME]}</span>　"
            f"<span style='color:{COLOURS[LATE][1]}'>逾期报送 {counts[LATE]}</span>　"
            f"<span style='color:{COLOURS[MISSING][1]}'><b>未报送 {counts[MISSING]}</b></span>　"
            f"待报送 {counts[PENDING]}"
            if campaign is not None
            else "请在上方选择一项专项行动。"
        )
        self._update_buttons()

    def _double_clicked(self, _row: int, _column: int) -> None:
        self.record_selected()

    def _current_changed(self, *_args: object) -> None:
        if shiboken6.isValid(self.table):  # also emitted while the table is being destroyed
            self._update_buttons()

    def selected_status(self) -> DeliverableStatus | None:
        item = self.table.currentItem()
        value = item.data(STATUS_ROLE) if item is not None else None
        return value if isinstance(value, DeliverableStatus) else None

    def status_at(self, unit: str, deliverable: str) -> DeliverableStatus | None:
        return next((s for s in self.statuses if s.unit == unit and s.deliverable == deliverable), None)

    def select(self, unit_id: int, deliverable_id: int) -> None:
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                s = item.data(STATUS_ROLE) if item is not None else None
                if isinstance(s, DeliverableStatus) and (s.unit_id, s.deliverable_id) == (
                    unit_id,
                    deliverable_id,
                ):
                    self.table.setCurrentCell(r, c)
                    return

    def _update_buttons(self) -> None:
        status = self.selected_status()
        self.record_button.setEnabled(status is not None)
        self.withdraw_button.setEnabled(status is not None and status.submission_id is not None)
        self.open_button.setEnabled(status is not None and status.submission_id is not None)
        self.add_button.setEnabled(self.campaign_id is not None)
        self.remove_button.setEnabled(self.selected_deliverable() is not None)
        self.export_button.setEnabled(self.campaign_id is not None)

    def selected_deliverable(self) -> tuple[int, str] | None:
        """(id, name) of the deliverable whose column holds the current cell."""
        column = self.table.currentColumn()
        return self.deliverables[column] if 0 <= column < len(self.deliverables) else None

    def record_selected(self) -> int | None:
        status = self.selected_status()
        if status is None:
            return None
        if status.submission_id is not None and not dialogs.confirm(
            self,
            f"{status.unit}的“{status.deliverable}”已于{format_cn(status.received_date or status.due_date)}登记报送。\n"
            "再登记一份（如补充材料）吗？按时与否以第一次收到的日期为准。",
            ok_text="再登记一份",
        ):
            return None
        return SubmissionDialog.ask(self, self.db, status)

    def withdraw_selected(self) -> None:
        status = self.selected_status()
        if status is None or status.submission_id is None:
            return
        if not dialogs.confirm(
            self,
            f"撤销{status.unit}“{status.deliverable}”的报送登记（{format_cn(status.received_date or status.due_date)}收到）吗？\n"
            "撤销后该单位显示为未报送；登记记录仍保留在修改记录中。",
            ok_text="撤销报送",
        ):
            return
        submission_id = status.submission_id
        operations.write(self, lambda: campaigns.withdraw_submission(self.db, submission_id), [CAMPAIGNS])

    def open_selected_file(self) -> None:
        status = self.selected_status()
        if status is None or status.submission_id is None:
            return
        files = attachments.list_for(self.db, SUBMISSION_TABLE, status.submission_id)
        if not files:
            dialogs.show_info(self, "这次报送没有登记文件。")
            return
        try:
            path = attachments.open_path(self.db, files[-1].id)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return
        if not open_file(path):
            dialogs.show_error(self, f"无法打开文件：{path}")

    def add_deliverable(self) -> None:
        if self.campaign_id is None:
            return
        campaign = campaigns.get_campaign(self.db, self.campaign_id)
        DeliverableDialog.ask(self, self.db, self.campaign_id, [p.name for p in campaign.phases])

    def remove_deliverable(self) -> None:
        chosen = self.selected_deliverable()
        if chosen is None:
            return
        deliverable_id, name = chosen
        if not dialogs.confirm(self, f"删除报送材料“{name}”吗？各单位的这项要求一并删除。", ok_text="删除"):
            return
        operations.write(self, lambda: campaigns.remove_deliverable(self.db, deliverable_id), [CAMPAIGNS])

    def export_xlsx(self, path: Path | None = None) -> JobHandle | None:
        if self.campaign_id is None:
            return None
        campaign = campaigns.get_campaign(self.db, self.campaign_id)
        path = path or dialogs.ask_save_file(
            self, "导出报送情况表", f"{campaign.name}材料报送情况.xlsx", "Excel 文件 (*.xlsx)"
        )
        if path is None:
            return None
        db, campaign_id, today, target = self.db, self.campaign_id, self.today, path

        def work(_job: Job) -> Path:
            return campaigns.write_status_xlsx(db, campaign_id, target, today)

        self.export_handle = run_job(
            self,
            "正在导出报送情况表",
            work,
            lambda saved: dialogs.show_info(self, f"已导出到：\n{saved}", "导出完成"),
        )
        return self.export_handle


class PhasesView(QWidget):
    """工作阶段 with their dates and tasks; the phase today falls in is marked."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.campaign_id: int | None = None
        self.table = _table("phase_table")
        self.table.setColumnCount(4)
        self.table.setHorizontalHeaderLabels(["阶段", "时间", "需报送材料", "主要任务"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.edit_button = QPushButton("编辑工作阶段")
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit_phases)
        row = QHBoxLayout()
        row.addWidget(self.edit_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def edit_phases(self) -> None:
        if self.campaign_id is not None:
            PhasesDialog.ask(self, self.db, self.campaign_id)

    def show_campaign(self, campaign: Campaign | None, today: date) -> None:
        self.campaign_id = campaign.id if campaign is not None else None
        self.edit_button.setEnabled(campaign is not None)
        phases = list(campaign.phases) if campaign is not None else []
        current = campaigns.current_phase(campaign, today) if campaign is not None else None
        self.table.setRowCount(len(phases))
        for r, phase in enumerate(phases):
            start = phase.start_date
            when = (
                f"{format_cn(start)}—{format_cn(phase.end_date)}"
                if start
                else f"{format_cn(phase.end_date)}前"
            )
            name = f"{phase.name}（进行中）" if current is not None and phase.id == current.id else phase.name
            assert campaign is not None
            asked = "、".join(
                f"{d.name}（{_short(d.due_date)}）" for d in campaign.deliverables if d.phase_id == phase.id
            )
            for c, text in enumerate((name, when, asked, phase.tasks.replace("\n", " "))):
                item = QTableWidgetItem(text)
                item.setToolTip(phase.tasks or text)
                if current is not None and phase.id == current.id:
                    _paint(item, ON_TIME)
                self.table.setItem(r, c, item)
        for column in range(3):
            self.table.resizeColumnToContents(column)


class RosterView(QWidget):
    """领导小组: 组长, 副组长, 成员 with their 职务, as the paper lists them (reference 003)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.campaign_id: int | None = None
        self.table = _table("roster_table")
        self.table.setColumnCount(3)
        self.table.setHorizontalHeaderLabels(["职位", "姓名", "职务"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.fill_button = QPushButton("按人员名册生成领导小组")
        self.fill_button.setToolTip("用基础信息中“领导小组成员”身份的人员及其职务生成（镇长任组长）")
        self.fill_button.setAutoDefault(False)
        self.fill_button.clicked.connect(self.fill_from_register)
        row = QHBoxLayout()
        row.addWidget(self.fill_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def show_campaign(self, campaign: Campaign | None) -> None:
        self.campaign_id = campaign.id if campaign is not None else None
        members = list(campaign.roster) if campaign is not None else []
        self.table.setRowCount(len(members))
        for r, m in enumerate(members):
            for c, text in enumerate((m.position, m.display_name, m.title)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(
            1, max(self.table.columnWidth(1), self.fontMetrics().horizontalAdvance("中") * 8)
        )
        self.fill_button.setEnabled(campaign is not None)

    def fill_from_register(self) -> None:
        if self.campaign_id is None:
            return
        members = campaigns.default_roster(self.db)
        if not members:
            dialogs.show_info(self, "人员名册中没有“领导小组成员”身份的人员，请先在基础信息的人员中登记。")
            return
        if self.table.rowCount() and not dialogs.confirm(
            self, f"用人员名册中的 {len(members)} 人替换现有的领导小组名单吗？", ok_text="替换"
        ):
            return
        campaign_id = self.campaign_id
        operations.write(self, lambda: campaigns.set_roster(self.db, campaign_id, members), [CAMPAIGNS])


class CampaignDetail(QWidget):
    """The selected campaign: heading, submissions grid, phases, roster."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.campaign_id: int | None = None
        self.today: date | None = None  # None: the real today (tests pin a day)
        self.heading = QLabel("请在上方列表中选择一项专项行动。")
        self.heading.setObjectName("campaign_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setContentsMargins(8, 6, 8, 4)
        self.grid = SubmissionGrid(db)
        self.phases = PhasesView(db)
        self.roster = RosterView(db)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("campaign_tabs")
        self.tabs.addTab(self.grid, "报送情况")
        self.tabs.addTab(self.phases, "工作阶段")
        self.tabs.addTab(self.roster, "领导小组")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        # the campaign's own writes, and the units and people its grid and roster name
        changes().watch(self, [CAMPAIGNS, UNITS, PEOPLE], self._records_changed)
        changes().everything_changed.connect(self._everything_changed)

    def _everything_changed(self) -> None:
        self.show_campaign(None)

    def _records_changed(self) -> None:
        self.show_campaign(self.campaign_id)

    def show_campaign(self, campaign_id: int | None) -> None:
        today = self.today or dates.today()
        campaign: Campaign | None = None
        if campaign_id is not None:
            try:
                campaign = campaigns.get_campaign(self.db, campaign_id)
            except EcoDeskError:
                campaign = None  # deleted meanwhile
        self.campaign_id = campaign.id if campaign is not None else None
        selected = self.grid.selected_status()
        self.grid.show_campaign(campaign, today)
        if selected is not None:
            self.grid.select(selected.unit_id, selected.deliverable_id)
        self.phases.show_campaign(campaign, today)
        self.roster.show_campaign(campaign)
        if campaign is None:
            self.heading.setText("请在上方列表中选择一项专项行动。")
            return
        phase = campaigns.current_phase(campaign, today)
        if today < campaign.start_date:
            where = "尚未开始"
        elif today > campaign.end_date:
            where = "已结束"
        else:
            where = f"当前：{phase.name}" if phase is not None else "进行中"
        number = f"　{campaign.document_no}" if campaign.document_no else ""
        self.heading.setText(
            f"<span style='font-size:13pt'><b>{campaign.name}</b></span>{number}<br>"
            f"{format_cn(campaign.start_date)}至{format_cn(campaign.end_date)}（{where}）"
        )


class ReminderList(QWidget):
    """What is due and overdue across every campaign, most urgent first.

    Signals: ``campaign_requested(campaign_id, unit_id, deliverable_id)`` on Enter or a double click.
    """

    campaign_requested = Signal(int, int, int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today: date | None = None
        self.reminders: list[Reminder] = []
        title = QLabel("<b>报送提醒</b>（已逾期和7天内截止、尚未报送的）")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setContentsMargins(0, 6, 0, 4)
        self.table = _table("reminder_table")
        self.table.setColumnCount(4)
        self.table.setHorizontalHeaderLabels(["单位", "报送材料", "截止日期", "情况"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.table.installEventFilter(self)
        self.empty = QLabel("没有需要催报的材料。")
        self.empty.setStyleSheet("color:#2e7d32;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        changes().watch(self, [CAMPAIGNS], self.refresh)
        changes().everything_changed.connect(self.refresh)
        self.refresh()

    def _double_clicked(self, row: int, _column: int) -> None:
        self._request(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._request(self.table.currentRow())
            return True
        return False  # not super(): the table may be half destroyed when its last events arrive

    def refresh(self) -> None:
        self.reminders = campaigns.reminders(self.db, self.today or dates.today())
        self.table.setRowCount(len(self.reminders))
        for r, reminder in enumerate(self.reminders):
            s = reminder.status
            if reminder.overdue:
                when, key = f"已逾期{-reminder.days_left}天", MISSING
            elif reminder.days_left == 0:
                when, key = "今天截止", "soon"
            else:
                when, key = (
                    f"还有{reminder.days_left}天",
                    "soon" if reminder.days_left <= DUE_SOON_DAYS else PENDING,
                )
            for c, text in enumerate((s.unit, s.deliverable, format_iso(s.due_date), when)):
                item = QTableWidgetItem(text)
                item.setToolTip(reminder.text)
                _paint(item, key)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not self.reminders)
        self.table.setVisible(bool(self.reminders))

    def _request(self, row: int) -> None:
        if 0 <= row < len(self.reminders):
            s = self.reminders[row].status
            self.campaign_requested.emit(s.campaign_id, s.unit_id, s.deliverable_id)
