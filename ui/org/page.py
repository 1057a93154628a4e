"""基础信息: the organisation records (单位, 网格, 人员, 农户, 企业/场所) as tabs of the generic list.

Each tab's page is built the first time it is shown, so opening the module costs one list query.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ecodesk.db.database import Database
from ecodesk.schema import RecordKind
from ecodesk.services.org import ENTERPRISES, GRIDS, HOUSEHOLDS, PEOPLE, UNITS
from ui.common import machine_settings
from ui.org.forms import dialog_for
from ui.org.units import UnitPage
from ui.records.page import RecordPage

ORG_KINDS: tuple[RecordKind, ...] = (UNITS, GRIDS, PEOPLE, HOUSEHOLDS, ENTERPRISES)


class OrgPage(QWidget):
    """Signals: ``count_changed(int)`` — rows in the list of the current tab."""

    count_changed = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.pages: dict[str, RecordPage] = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("org_tabs")
        self.tabs.setDocumentMode(True)
        for kind in ORG_KINDS:
            holder = QWidget()
            holder.setObjectName(f"tab_{kind.name}")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, kind.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        names = [k.name for k in ORG_KINDS]
        last = machine_settings.last_tab("org")
        if last in names:
            self.tabs.setCurrentIndex(names.index(last))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())

    def page(self, kind_name: str) -> RecordPage:
        """The list page of one kind, built now if it was not yet shown."""
        index = next(i for i, k in enumerate(ORG_KINDS) if k.name == kind_name)
        if kind_name not in self.pages:
            kind = ORG_KINDS[index]
            page = UnitPage(self.db) if kind is UNITS else RecordPage(self.db, kind)
            page.dialog_class = dialog_for(kind)
            page.count_changed.connect(lambda count, name=kind_name: self._page_count(name, count))
            holder = self.tabs.widget(index)
            assert holder is not None
            layout = holder.layout()
            assert layout is not None
            layout.addWidget(page)
            self.pages[kind_name] = page
        return self.pages[kind_name]

    def show_kind(self, kind_name: str) -> RecordPage:
        index = next(i for i, k in enumerate(ORG_KINDS) if k.name == kind_name)
        self.tabs.setCurrentIndex(index)
        return self.page(kind_name)

    def current_page(self) -> RecordPage:
        return self.page(ORG_KINDS[self.tabs.currentIndex()].name)

    def record_count(self) -> int:
        return self.current_page().record_count()

    def _tab_changed(self, index: int) -> None:
        if index >= 0:
            machine_settings.set_last_tab("org", ORG_KINDS[index].name)
            self.count_changed.emit(self.page(ORG_KINDS[index].name).record_count())

    def _page_count(self, kind_name: str, count: int) -> None:
        if ORG_KINDS[self.tabs.currentIndex()].name == kind_name:
            self.count_changed.emit(count)

    def save_state(self) -> None:
        for page in self.pages.values():
            page.save_state()
