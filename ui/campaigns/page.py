"""专项行动: the campaign list (the generic record page), the selected campaign's submissions, phases
and roster below it, and the reminder list of what is due and overdue beside them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ecodesk.db.database import Database
from ecodesk.services.campaigns import CAMPAIGNS
from ui.campaigns.detail import CampaignDetail, ReminderList
from ui.common import machine_settings
from ui.records.page import RecordPage


class CampaignsPage(QWidget):
    """Signals: ``count_changed(int)`` — rows in the campaign list."""

    count_changed = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("campaigns_page")
        self.list_page = RecordPage(db, CAMPAIGNS)
        if machine_settings.header_state(CAMPAIGNS.name) is None:  # newest first unless the clerk sorted
            start = [f.key for f in CAMPAIGNS.table_fields].index("start_date")
            self.list_page.table.horizontalHeader().setSortIndicator(start, Qt.SortOrder.DescendingOrder)
        self.detail = CampaignDetail(db)
        self.reminders = ReminderList(db)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.detail)
        lower.addWidget(self.reminders)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 1)
        lower.setSizes([860, 340])
        lower.setChildrenCollapsible(False)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(self.list_page)
        outer.addWidget(lower)
        outer.setStretchFactor(0, 1)
        outer.setStretchFactor(1, 2)
        outer.setSizes([230, 470])
        outer.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(outer)

        self.list_page.count_changed.connect(self.count_changed)
        self.list_page.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.list_page.model.modelReset.connect(self._selection_changed)
        self.reminders.campaign_requested.connect(self.show_submission)
        if self.list_page.model.rowCount():
            self.list_page.select_ids([self.list_page.model.id_at(0)])
        self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        ids = self.list_page.selected_ids()
        self.detail.show_campaign(ids[0] if len(ids) == 1 else None)

    def show_campaign(self, campaign_id: int) -> None:
        self.list_page.select_ids([campaign_id])
        if self.detail.campaign_id != campaign_id:  # hidden by the filter: show it anyway
            self.detail.show_campaign(campaign_id)

    def show_submission(self, campaign_id: int, unit_id: int, deliverable_id: int) -> None:
        """From a reminder: the campaign, its 报送情况 tab, and the cell of that unit and deliverable."""
        self.show_campaign(campaign_id)
        self.detail.tabs.setCurrentWidget(self.detail.grid)
        self.detail.grid.select(unit_id, deliverable_id)
        self.detail.grid.table.setFocus()

    def set_today(self, today: date | None) -> None:
        """Pin the day states are derived for (tests); ``None`` is the real today."""
        self.detail.today = today
        self.reminders.today = today
        self.reminders.refresh()
        self.detail.show_campaign(self.detail.campaign_id)

    def record_count(self) -> int:
        return self.list_page.record_count()

    def save_state(self) -> None:
        self.list_page.save_state()
