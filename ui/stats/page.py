"""统计: the counts the county asks for, per village over any period, and the county's own form filled.

A period picker (本周 … 本年, or 自定义 with two dates), the table (:class:`CountsModel`: villages,
合计, and the whole town where it differs), 导出Excel… (the table as a print-ready sheet) and
按上级表格填报… (:class:`ui.stats.fill_dialog.FillFormDialog`). The numbers come from
:func:`ecodesk.services.county_forms.period_counts` — a few grouped queries, well under 0.1 s for a
year of the town demo, so the page counts on the GUI thread, again whenever a record changes.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_cn, format_iso
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.services import county_forms
from ecodesk.services.county_forms import PeriodCounts
from ui.common import dialogs
from ui.common.changes import changes
from ui.common.field_editors import DateLineEdit
from ui.common.jobs import JobHandle, run_job
from ui.stats.fill_dialog import FillFormDialog
from ui.stats.model import CountsModel

CUSTOM = "自定义"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


class StatsPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stats_page")
        self.db = db
        self.counts: PeriodCounts | None = None
        self._stale = True
        self.period = QComboBox()
        self.period.setObjectName("stats_period")
        self.period.addItems([*county_forms.PERIODS, CUSTOM])
        self.date_from, self.date_to = DateLineEdit(), DateLineEdit()
        self.date_from.setObjectName("stats_from")
        self.date_to.setObjectName("stats_to")
        for box in (self.date_from, self.date_to):
            box.setMaximumWidth(130)
            box.date_changed.connect(self._dates_typed)
        self.show_all = QCheckBox("显示全部项目")
        self.show_all.setToolTip("也显示各类巡查次数、卫星火点、信访办结、台账挂牌/销号等")
        self.show_all.toggled.connect(self._show_table)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.export)
        self.fill_button = QPushButton("按上级表格填报…")
        self.fill_button.setObjectName("stats_fill")
        self.fill_button.setToolTip("在上级发来的 Excel 表格里写好占位符，按所选期间自动填上各村的数")
        self.fill_button.clicked.connect(self.fill_form)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("统计期间："))
        bar.addWidget(self.period)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        bar.addSpacing(12)
        bar.addWidget(self.show_all)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.fill_button)
        self.summary = QLabel()
        self.summary.setObjectName("stats_summary")
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("stats_error")
        self.error.setStyleSheet("color:#c62828;")
        self.error.hide()
        self.model = CountsModel(self)
        self.table = QTableView()
        self.table.setObjectName("stats_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(24)
        note = QLabel(
            "合计为各村之和；“全镇”一行另含没有填村或属镇直单位的问题、信访等记录。"
            "把鼠标停在列名上可以看到这一项怎样统计，以及在上级表格中写哪个占位符。"
        )
        note.setWordWrap(True)
        note.setStyleSheet("color:#57606a;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        self.period.setCurrentText("本月")
        self.period.currentTextChanged.connect(self._period_chosen)
        self._period_chosen("本月")
        changes().records_changed.connect(self._records_changed)
        changes().everything_changed.connect(self._records_changed)

    # -- the period ---------------------------------------------------------------------------------

    def chosen_period(self) -> tuple[date, date] | None:
        first, last = self.date_from.parsed_date(), self.date_to.parsed_date()
        if first is None or last is None:
            self._problem("起止日期：请写成 2026-11-02 或 2026年11月2日")
            return None
        if last < first:
            self._problem(f"截止日期 {format_iso(last)} 早于起始日期 {format_iso(first)}")
            return None
        self.error.hide()
        return first, last

    def set_period(self, name: str) -> None:
        """Choose one of the named periods (or 自定义) as the clerk would."""
        self.period.setCurrentText(name)

    def set_dates(self, first: date, last: date) -> None:
        """Type a period (自定义) and count it."""
        self.date_from.set_date(first)
        self.date_to.set_date(last)
        self._dates_typed()

    def _period_chosen(self, name: str) -> None:
        if name == CUSTOM:
            self.date_from.setFocus()
            return
        first, last = county_forms.period_range(name, dates.today())
        self.date_from.set_date(first)
        self.date_to.set_date(last)
        self.refresh()

    def _dates_typed(self) -> None:
        period = self.chosen_period()
        if period is None:
            return
        name = self.period.currentText()
        if name != CUSTOM and county_forms.period_range(name, dates.today()) != period:
            self.period.blockSignals(True)
            self.period.setCurrentText(CUSTOM)
            self.period.blockSignals(False)
        self.refresh()

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- the counts ---------------------------------------------------------------------------------

    def _records_changed(self, *_args: object) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        period = self.chosen_period()
        if period is None:
            return
        try:
            self.counts = county_forms.period_counts(self.db, *period)
        except EcoDeskError as exc:
            self._problem(str(exc))
            return
        self._stale = False
        self._show_table()

    def columns(self) -> tuple[county_forms.Placeholder, ...]:
        if self.show_all.isChecked():
            return county_forms.COUNTS
        return tuple(p for p in county_forms.COUNTS if p.main)

    def _show_table(self) -> None:
        counts = self.counts
        self.model.set_counts(counts, self.columns())
        if counts is None:
            return
        self.summary.setText(
            f"{format_cn(counts.date_from)}至{format_cn(counts.date_to)}　"
            f"{len(counts.rows)}个村（社区）　全镇巡查{counts.town['巡查次数']}次，"
            f"发现问题{counts.town['发现问题']}个，火点{counts.town['火点']}处"
        )

    # -- export and the county's form ---------------------------------------------------------------

    def export(self) -> JobHandle | None:
        counts = self.counts
        if counts is None:
            return None
        default = (
            f"{counts.town_name}工作统计{format_iso(counts.date_from)}至{format_iso(counts.date_to)}.xlsx"
        )
        path = dialogs.ask_save_file(self, "导出统计表", default, XLSX_FILTER)
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        names = tuple(p.name for p in self.columns())

        def work(_job: Job) -> int:
            return county_forms.export_counts_xlsx(counts, path, names)

        def done(_rows: int) -> None:
            dialogs.show_info(self, f"已导出统计表：\n{path}", "导出完成")

        return run_job(self, "导出统计表", work, done)

    def fill_form(self) -> None:
        period = self.chosen_period()
        FillFormDialog.ask(self, self.db, period)
