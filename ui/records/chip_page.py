"""The list page of the rectification module: :class:`RecordPage` with counts by status as chips.

A row of chips above the list — 全部 12 · 待整改 3 · 整改中 4 … · 已超期 2 · 3天内到期 1 — counts what the
filter bar selects, and clicking one narrows the list: a status chip sets the status filter, a
named chip (the kind's declared ``filters``, e.g. 已超期) applies that SQL condition. Counting and
listing both go through the record services; the page holds no query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecodesk.db.database import Database
from ecodesk.schema import RecordKind
from ecodesk.services import records
from ecodesk.services.records import ListFilter
from ui.common import machine_settings
from ui.records.page import RecordPage

ALL = ""  # the key of the 全部 chip
CHIP_STYLE = """
QPushButton[chip="true"] { border:1px solid #c9d1d9; border-radius:11px; padding:2px 10px;
    background:#f6f8fa; color:#24292f; }
QPushButton[chip="true"]:hover { background:#eaeef2; }
QPushButton[chip="true"]:checked { background:#2f6f9f; border-color:#2f6f9f; color:white; }
QPushButton[chip="true"][tone="red"] { color:#b71c1c; }
QPushButton[chip="true"][tone="amber"] { color:#7a4f00; }
QPushButton[chip="true"][tone="red"]:checked, QPushButton[chip="true"][tone="amber"]:checked { color:white; }
"""


class StatusChips(QWidget):
    """Signals: ``chosen(str)`` — the chip clicked: ``""`` (全部), a status or a named filter."""

    chosen = Signal(str)

    def __init__(
        self,
        statuses: Sequence[str],
        named: Sequence[str],
        tones: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("status_chips")
        self.setStyleSheet(CHIP_STYLE)
        self.keys: tuple[str, ...] = (ALL, *statuses, *named)
        self._names = {ALL: "全部"}
        self.buttons: dict[str, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(6)
        for key in self.keys:
            button = QPushButton(self._names.get(key, key))
            button.setObjectName(f"chip_{key or 'all'}")
            button.setProperty("chip", True)
            button.setProperty("tone", (tones or {}).get(key, ""))
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setToolTip(f"只看“{self._names.get(key, key)}”" if key else "显示全部")
            button.clicked.connect(lambda _checked=False, k=key: self.chosen.emit(k))
            self._group.addButton(button)
            self.buttons[key] = button
            if named and key == named[0]:
                divider = QLabel("|")
                divider.setStyleSheet("color:#c9d1d9;")
                layout.addWidget(divider)
            layout.addWidget(button)
        layout.addStretch(1)
        self.buttons[ALL].setChecked(True)

    def set_counts(self, counts: dict[str, int]) -> None:
        for key, button in self.buttons.items():
            name = self._names.get(key, key)
            count = counts.get(key)
            button.setText(f"{name} {count:,}" if count is not None else name)

    def set_current(self, key: str) -> None:
        self.buttons.get(key, self.buttons[ALL]).setChecked(True)

    def current(self) -> str:
        return next((key for key, button in self.buttons.items() if button.isChecked()), ALL)


class ChipRecordPage(RecordPage):
    """A :class:`RecordPage` of a kind with a status (and perhaps named filters), with chips."""

    # Chips of these named filters are drawn in this tone (the same colours as the rows).
    TONES = {"已超期": "red", "3天内到期": "amber"}
    # Until the clerk arranges the columns himself: these columns first, in this order, and these
    # narrower (characters), so status and deadline are in view without scrolling on a 1366 screen.
    LEADING: tuple[str, ...] = ()
    NARROW: dict[str, int] = {}

    def __init__(self, db: Database, kind: RecordKind, parent: QWidget | None = None) -> None:
        self._named: tuple[str, ...] = ()
        super().__init__(db, kind, parent)
        statuses = kind.field(kind.status_key).choices if kind.status_key else ()
        self.chips = StatusChips(statuses, tuple(kind.filters), self.TONES)
        self.chips.chosen.connect(self.choose_chip)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.chips)  # between the filter bar and the buttons
        if machine_settings.header_state(kind.name) is None:
            self.arrange_columns()
        self.update_counts()

    def arrange_columns(self) -> None:
        """Put :attr:`LEADING` first and narrow :attr:`NARROW` (the view only: exports keep the declared order)."""
        header = self.table.horizontalHeader()
        keys = [f.key for f in self.kind.table_fields]
        for visual, key in enumerate(k for k in self.LEADING if k in keys):
            header.moveSection(header.visualIndex(keys.index(key)), visual)
        metrics = self.table.fontMetrics()
        caps: dict[int, int] = {}
        for key, chars in self.NARROW.items():
            if key in keys:
                label = self.kind.field(key).label
                width = max(
                    chars * metrics.horizontalAdvance("0") + 16, metrics.horizontalAdvance(label) + 24
                )
                caps[keys.index(key)] = width
        self.columns.cap(caps)  # no wider than this, narrower when the rows hold less

    # -- counts --------------------------------------------------------------------------------

    def counts(self, base: ListFilter) -> dict[str, int]:
        """Rows of ``base`` (a filter without status or named condition) per chip."""
        found = {ALL: records.count(self.db, self.kind, base)}
        for key in self.chips.keys[1:]:
            if key in self.kind.filters:
                found[key] = records.count(self.db, self.kind, replace(base, named=(key,)))
            else:
                found[key] = records.count(self.db, self.kind, replace(base, status=key))
        return found

    def update_counts(self) -> None:
        base = replace(self.model.list_filter, status=None, named=())
        self.chips.set_counts(self.counts(base))
        flt = self.model.list_filter
        self.chips.set_current(flt.named[0] if flt.named else (flt.status or ALL))

    # -- filtering -----------------------------------------------------------------------------

    def apply_filter(self) -> None:
        flt = self.filter_bar.list_filter()
        if flt.status:
            self._named = ()  # a named chip goes with 全部 statuses only: one chip is lit at a time
        self.model.set_filter(replace(flt, named=self._named))
        self.update_counts()

    def choose_chip(self, key: str) -> None:
        """Narrow the list as the chip says (also what a click on the chip does)."""
        combo = self.filter_bar.status
        statuses = tuple(combo.itemData(i) for i in range(combo.count())) if combo is not None else ()
        self._named = (key,) if key in self.kind.filters else ()
        if combo is not None:
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(key if key in statuses else ""), 0))
            combo.blockSignals(False)
        self.apply_filter()

    def refresh(self, changed_ids: list[int] | None = None) -> None:
        super().refresh(changed_ids)
        if hasattr(self, "chips"):
            self.update_counts()
