"""目标: the town's 目标指标 for a year — a table of indicators × months with 年累计/年均, 目标 and 状态,
and under it the chart of the selected indicator (monthly values against its target line).

Everything comes from :mod:`ecodesk.services.targets` (the page counts nothing). A hand-filled month is
typed in :class:`~ui.targets.dialogs.MonthValueDialog` (double-click or Enter on the cell); a month
of the monitoring station's sheet in :class:`~ui.targets.dialogs.AirMonthDialog`, or the whole sheet
through 导入监测数据… (a job, all months or none); a month counted from the records is read-only. The
panel beside the chart states how the selected indicator's year is computed (the service's method
text) and the arithmetic behind this year's figure. The page re-reads when records change (a fire
point, a problem, a letter counts towards an indicator) while shown, else when shown again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.services import targets
from ecodesk.services.dashboard import Target
from ecodesk.services.targets import ImportResult, IndicatorYear, YearTable
from ui.common import dialogs, operations
from ui.common.buttons import page_button
from ui.common.changes import Area, changes
from ui.common.charts import MonthChart, Series, TargetLine
from ui.common.jobs import JobHandle, run_job
from ui.targets.dialogs import TARGETS, AirMonthDialog, IndicatorsDialog, MonthValueDialog
from ui.targets.model import (
    ACTUAL,
    FIRST_MONTH,
    HEADERS,
    NAME,
    ROW_ROLE,
    STATUS,
    TARGET,
    TargetTableModel,
    source_text,
)

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
VALUE_COLOUR = "#2f6f9f"
# The service's refusal when neither the months nor the title give a year: the page's year is used then.
NO_YEAR = "表中的月份没有写年份"
LEGEND = (
    "白底：逐月填报，双击填写　"
    '<span style="background-color:#eaf2fb">&nbsp;蓝底&nbsp;</span>：监测站月报，双击录入　'
    '<span style="background-color:#e4e6ea; color:#57606a"><i>&nbsp;灰底斜体&nbsp;</i></span>：由记录自动统计，只读　'
    "　状态：达标/正常（绿）、有风险（黄）、未达标（红）"
)


class TargetsPage(QWidget):
    """Signals: ``table_shown()`` after the table shows a year (read again after a change)."""

    table_shown = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("targets_page")
        self.table: YearTable | None = None
        self.last_import: ImportResult | None = None
        self.last_export: Path | None = None
        self._stale = False

        self.year = QSpinBox()
        self.year.setObjectName("targets_year")
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年度")
        self.year.setValue(dates.today().year)

        self.import_button = page_button(
            "导入监测数据…",
            "导入监测站的空气质量月报（Excel：月份、PM2.5、PM10、优良天数、有效监测天数）；全部导入或全部不导入",
            self.ask_import,
            name="targets_import",
        )
        self.air_button = page_button(
            "录入空气质量…", "手工录入或修改某个月的监测站月报数据", self.enter_air_month, name="targets_air"
        )
        self.export_button = page_button(
            "导出…", "导出本年度目标指标完成情况（Excel，可直接打印）", self.ask_export, name="targets_export"
        )
        self.manage_button = page_button(
            "管理指标…", "新增、修改、停用指标，设置本年度的目标", self.manage, name="targets_manage"
        )
        self.summary = QLabel()
        self.summary.setObjectName("targets_summary")
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        for b in (self.import_button, self.air_button, self.export_button, self.manage_button):
            top.addWidget(b)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.model = TargetTableModel(self)
        self.grid = QTableView()
        self.grid.setObjectName("targets_grid")
        self.grid.setModel(self.model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.verticalHeader().setVisible(False)
        self.grid.verticalHeader().setDefaultSectionSize(int(self.grid.fontMetrics().height() * 1.7))
        self.grid.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.grid.doubleClicked.connect(self.edit_cell)
        self.grid.installEventFilter(self)

        self.chart = MonthChart("", decimals=1)
        self.chart.setObjectName("targets_chart")
        self.chart.setMinimumHeight(200)
        self.heading = QLabel()
        self.heading.setObjectName("targets_heading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.method = QLabel()
        self.method.setObjectName("targets_method")
        self.method.setWordWrap(True)
        self.working = QLabel()
        self.working.setObjectName("targets_working")
        self.working.setWordWrap(True)
        self.rule = QLabel()
        self.rule.setObjectName("targets_rule")
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color:#57606a;")
        panel = QFrame()
        panel.setObjectName("targets_panel")
        panel.setStyleSheet("QFrame#targets_panel { background:white; border:1px solid #d0d7de; }")
        side = QVBoxLayout(panel)
        for label in (self.heading, self.method, self.working, self.rule):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            side.addWidget(label)
        side.addStretch(1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.chart)
        lower.addWidget(panel)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setSizes([760, 440])
        lower.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.grid)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        legend = QLabel(LEGEND)
        legend.setObjectName("targets_legend")
        legend.setStyleSheet("color:#57606a;")
        legend.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(legend)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._changed)
        self.year.valueChanged.connect(lambda _v: self.reload())
        # Any record may count towards an indicator (fire points, problems, letters, patrols): re-read
        # after any change, as the 工作台 does. Bound methods: Qt drops them when the page goes.
        changes().records_changed.connect(self._records_changed)
        changes().everything_changed.connect(self.reload)
        changes().watch(self, TARGETS, self.reload)  # this page's own writes: at once
        self.reload()

    # -- reading ---------------------------------------------------------------------------------

    def current_year(self) -> int:
        return int(self.year.value())

    def _records_changed(self, name: str) -> None:
        if name != Area.TARGETS.value:  # read at once through the watch
            self._debounce.start()

    def _changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """Read the year again, keeping the selected indicator and month."""
        self._stale = False
        keep = self.selected_row()
        column = self.grid.currentIndex().column()
        self.table = targets.year_table(self.db, self.current_year())
        self.model.set_table(self.table)
        self._size_columns()
        row = self.model.row_of(keep.indicator.id) if keep is not None else -1
        self.select(max(row, 0) if self.model.rows else -1, column if column >= 0 else NAME)
        self._show_summary(self.table)
        self.rule.setText(f"状态怎样判断：{self.table.status_rule}")
        self._fit_rows()
        self.table_shown.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_rows)  # once the splitter has its new size

    def _size_columns(self) -> None:
        metrics = self.grid.fontMetrics()
        self.grid.setColumnWidth(NAME, metrics.horizontalAdvance("PM2.5年均浓度（已停用）") + 16)
        self.grid.setColumnWidth(1, metrics.horizontalAdvance("μg/m³") + 16)
        for column in range(FIRST_MONTH, FIRST_MONTH + 12):
            self.grid.setColumnWidth(column, metrics.horizontalAdvance("1,234.5") + 12)
        self.grid.setColumnWidth(ACTUAL, metrics.horizontalAdvance(HEADERS[ACTUAL]) + 16)
        self.grid.resizeColumnToContents(TARGET)
        self.grid.setColumnWidth(
            TARGET, max(self.grid.columnWidth(TARGET), metrics.horizontalAdvance("≤100%") + 16)
        )

    def _fit_rows(self) -> None:
        """Give the table the height of all its rows (up to two thirds of the page); the chart the rest."""
        grid = self.grid
        wanted = grid.horizontalHeader().height() + 2 * grid.frameWidth() + 2
        wanted += sum(grid.rowHeight(r) for r in range(self.model.rowCount()))
        total = sum(self.splitter.sizes())
        if total > 0:
            table = min(wanted, total * 2 // 3)
            self.splitter.setSizes([table, total - table])

    def _show_summary(self, table: YearTable) -> None:
        counts = {s: sum(1 for r in table.rows if r.status == s) for s in targets.STATUSES}
        risky = counts[targets.AT_RISK] + counts[targets.MISSED]
        parts = [f"{len(table.rows)} 项指标"]
        parts += [f"{s} {n} 项" for s, n in counts.items() if n]
        self.summary.setText("　".join(parts))
        self.summary.setStyleSheet(
            "color:#b71c1c; font-weight:bold;"
            if counts[targets.MISSED]
            else "color:#8a5a00;"
            if risky
            else ""
        )

    # -- selection and chart ---------------------------------------------------------------------

    def selected_row(self) -> IndicatorYear | None:
        index = self.grid.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, row: int, column: int = NAME) -> None:
        if row < 0:
            self._show_indicator(None)
            return
        index = self.model.index(row, column)
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._show_indicator(self.model.row_at(row))

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not previous.isValid() or current.row() != previous.row():
            self._show_indicator(self.model.row_at(current.row()))

    def _show_indicator(self, row: IndicatorYear | None) -> None:
        """The selected indicator's chart and its explanation."""
        if row is None:
            self.chart.chart().setTitle("没有指标")
            self.chart.set_data([f"{m}月" for m in targets.MONTHS], [])
            for label in (self.heading, self.method, self.working):
                label.setText("")
            return
        ind = row.indicator
        self.chart.set_unit(ind.unit)
        self.chart.decimals = ind.decimals
        self.chart.chart().setTitle(f"{ind.year}年 {ind.name}（{ind.unit}）" if ind.unit else ind.name)
        target = (
            None
            if ind.target is None
            else TargetLine(
                f"目标（{targets.DIRECTION_LABELS.get(ind.direction, ind.direction)}）", ind.target
            )
        )
        self.chart.set_data(
            [f"{m}月" for m in targets.MONTHS],
            [Series("当月数值", VALUE_COLOUR, [cell.value for cell in row.months])],
            target,
        )
        self.heading.setText(
            f"{ind.name}　目标 {ind.target_text}　年累计/年均 {row.actual_text or '—'}　状态：{row.status}"
        )
        self.method.setText(f"计算方法（{source_text(row)}）：{ind.method}")
        self.working.setText(f"本年计算：{row.working}" if row.working else "本年尚无数据。")

    # -- editing ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.grid
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.edit_cell(self.grid.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def edit_cell(self, index: QModelIndex) -> QWidget | None:
        """Double-click or Enter: a hand-filled month opens its value, a station month the station's
        sheet for that month; a counted month says where it comes from."""
        row = self.model.row_at(index.row()) if index.isValid() else None
        month = self.model.month_of(index.column()) if index.isValid() else None
        if row is None or month is None:
            return None
        ind = row.indicator
        dialog: QWidget
        if ind.entered:
            dialog = MonthValueDialog(self.db, row, month, self)
        elif ind.station:
            dialog = AirMonthDialog(self.db, ind.year, month, self)
        else:
            dialogs.show_info(
                self,
                f"“{ind.name}”由{source_text(row)}自动统计，不能手工修改。\n{ind.method}",
                "自动统计",
            )
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def enter_air_month(self) -> AirMonthDialog:
        year = self.current_year()
        today = dates.today()
        month = today.month if year == today.year else 12
        dialog = AirMonthDialog(self.db, year, month, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def manage(self) -> IndicatorsDialog:
        dialog = IndicatorsDialog(self.db, self.current_year(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    # -- import and export -----------------------------------------------------------------------

    def ask_import(self) -> JobHandle | None:
        path = dialogs.ask_open_file(self, "导入监测站空气质量月报", XLSX_FILTER)
        return self.import_file(path) if path is not None else None

    def import_file(self, path: Path) -> JobHandle:
        """Import the station's sheet as a job; the year comes from the sheet (its months or its
        title), else it is the year on screen. Shows what was read, or the error naming the cell."""
        year = self.current_year()

        def work(job: Job) -> ImportResult:
            try:
                return targets.import_monthly(self.db, path, None, job)
            except EcoDeskError as exc:
                if not str(exc).startswith(NO_YEAR):
                    raise
                return targets.import_monthly(self.db, path, year, job)

        def done(result: ImportResult) -> None:
            self.last_import = result
            operations.notify(TARGETS)
            if result.year != self.current_year():
                self.year.setValue(result.year)  # show the year just imported
            dialogs.show_info(self, result.message, "导入完成")

        return run_job(self, "正在导入监测站月报", work, done)

    def ask_export(self) -> JobHandle | None:
        year = self.current_year()
        path = dialogs.ask_save_file(
            self, "导出目标指标完成情况", targets.export_file_name(year), XLSX_FILTER
        )
        return self.export_to(path) if path is not None else None

    def export_to(self, path: Path) -> JobHandle:
        year = self.current_year()

        def work(_job: Job) -> Path:
            return targets.export_xlsx(self.db, year, path)

        def done(out: Path) -> None:
            self.last_export = out
            dialogs.show_info(self, f"已导出：\n{out}", "导出完成")

        return run_job(self, "正在导出目标指标完成情况", work, done)

    # -- navigation ------------------------------------------------------------------------------

    def show_target(self, target: Target) -> None:
        """From the 工作台's 指标预警: the year asked for, the first indicator at risk or missed selected."""
        when: date | None = target.flt.date_from
        if when is not None and when.year != self.current_year():
            self.year.setValue(when.year)  # reloads
        risky = [n for n, r in enumerate(self.model.rows) if r.status in (targets.AT_RISK, targets.MISSED)]
        if risky:
            self.select(risky[0], STATUS)
        self.grid.setFocus()

    # -- for tests and screenshots -----------------------------------------------------------------

    def cell_text(self, row: int, column: int) -> str:
        return str(self.model.data(self.model.index(row, column)) or "")

    def row_data(self, row: int) -> IndicatorYear:
        value = self.model.data(self.model.index(row, NAME), ROW_ROLE)
        assert isinstance(value, IndicatorYear)
        return value
