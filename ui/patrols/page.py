"""巡查日志: the patrol list (the generic record page with fast entry, 日报 and 开为整改问题), the fire
points, and the 火点 count per village and month.

The lists are :class:`ui.records.page.RecordPage` over the kinds declared in
``ecodesk.services.patrols``; only what is special to patrols is added here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.jobs import Job
from ecodesk.services import patrols, rectification, reports
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ui.common import dialogs, machine_settings, operations
from ui.common.changes import changes
from ui.common.jobs import JobHandle, run_job
from ui.patrols.daily_report import DailyReportAction
from ui.patrols.entry import PatrolEntryDialog
from ui.patrols.summary import EXCEL, FILTERS, PeriodDialog, save_filter
from ui.records.detail import DetailPane
from ui.records.page import RecordPage

FIRE_TINT = QColor("#fde2d4")


def _actions_layout(page: RecordPage) -> QBoxLayout:
    """The row of buttons the record page laid out (the one holding 新增)."""
    layout = page.layout()
    assert layout is not None
    for index in range(layout.count()):
        item = layout.itemAt(index)
        row = item.layout() if item is not None else None
        if isinstance(row, QBoxLayout) and row.indexOf(page.add_button) >= 0:
            return row
    raise LookupError("record page without an action row")


class PatrolDetail(DetailPane):
    """The patrol's fields and history, and the problem its finding opened (if any)."""

    def _fields_html(self, obj: Any) -> str:
        text = super()._fields_html(obj)
        problem_id = getattr(obj, "problem_id", None)
        if problem_id:
            text += (
                f'<p style="color:#2f6f9f">已开为整改问题（编号 {problem_id}），请在“问题整改”中跟进。</p>'
            )
        return text


class PatrolRecordPage(RecordPage):
    """The patrol list: 新增 opens the keyboard-only entry form; 日报 and 开为整改问题 beside it."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, PATROLS, parent)
        self.add_button.setText("录入巡查")
        self.add_button.setToolTip("连续录入纸质巡查记录，全程键盘操作（Ctrl+N）")
        self.daily_report = DailyReportAction(self, db)
        self.daily_button = self._button(
            "生成日报", "生成某一天的巡查日报（PDF 和 Excel）", self.make_daily_report
        )
        self.daily_button.setObjectName("daily_report_button")
        self.daily_button.setStyleSheet("font-weight:bold;")
        self.problem_button = self._button(
            "开为整改问题", "把选中巡查发现的问题登记为整改问题（问题整改动态清单）", self.open_problem
        )
        self.summary_button = QPushButton("巡查汇总")
        self.summary_button.setToolTip("按村和巡查类型汇总一段时间的巡查（Excel 或 PDF）")
        self.summary_button.setAutoDefault(False)
        menu = QMenu(self.summary_button)
        for name in reports.PRESETS:  # the days are worked out when chosen: the program may run past midnight
            action = menu.addAction(f"{name}汇总")
            action.triggered.connect(lambda _checked=False, n=name: self.export_preset(n))
        menu.addSeparator()
        menu.addAction("选择时间段…").triggered.connect(lambda _checked=False: self.export_chosen_period())
        self.summary_button.setMenu(menu)
        self.summary_handle: JobHandle | None = None
        row = _actions_layout(self)
        position = row.indexOf(self.restore_button) + 1
        row.insertWidget(position, self.problem_button)
        row.insertSpacing(position, 16)
        row.insertWidget(0, self.daily_button)
        row.insertWidget(1, self.summary_button)
        row.insertSpacing(2, 12)
        _newest_first(self)
        self._selection_changed()

    def create_detail(self) -> DetailPane:
        return PatrolDetail(self.db, self.kind)

    def add_record(self) -> None:
        saved = PatrolEntryDialog.ask(self, self.db)
        if saved:
            self.select_ids(saved[-1:])

    def make_daily_report(self, day: date | None = None) -> JobHandle | None:
        return self.daily_report.run(day if isinstance(day, date) else None)

    def export_summary(self, unit: str, day: date, path: Path | None = None) -> JobHandle | None:
        """The week's (``unit`` "week") or month's patrols around ``day``, as Excel or PDF."""
        first, last = reports.week_of(day) if unit == "week" else (day.replace(day=1), reports.month_end(day))
        return self.export_range(first, last, path)

    def export_preset(self, name: str, path: Path | None = None) -> JobHandle | None:
        """本周 / 上周 / 本月 / 上月 as of today."""
        return self.export_range(*reports.preset_range(name, dates.today()), path)

    def export_chosen_period(self, path: Path | None = None) -> JobHandle | None:
        """选择时间段…: any days, Excel or PDF."""
        period = PeriodDialog.ask(self)
        if period is None:
            return None
        return self.export_range(period.date_from, period.date_to, path, period.suffix)

    def export_range(
        self, first: date, last: date, path: Path | None = None, suffix: str = EXCEL
    ) -> JobHandle | None:
        """The patrols of ``first``…``last`` by village and kind, written off the GUI thread as .xlsx
        or .pdf (the file's extension; a name typed without one gets ``suffix``)."""
        db = self.db
        if path is None:
            name = reports.summary_file_name(first, last, suffix)
            path = dialogs.ask_save_file(self, "保存巡查汇总", name, save_filter(suffix))
            if path is None:
                return None
            if path.suffix.lower() not in FILTERS:
                path = path.with_name(path.name + suffix)
        target = path

        def work(_job: Job) -> Path:
            return reports.write_summary(db, reports.range_summary(db, first, last), target)

        self.summary_handle = run_job(
            self,
            "正在汇总巡查",
            work,
            lambda saved: dialogs.show_info(self, f"已保存到：\n{saved}", "汇总完成"),
        )
        return self.summary_handle

    def _selection_changed(self, *args: object) -> None:
        super()._selection_changed(*args)
        _enable_single(self, getattr(self, "problem_button", None))

    def open_problem(self) -> int | None:
        """One step from a finding to a problem on the dynamic list; the new problem's id."""
        return _open_problem(self, patrols.problem_draft_for_patrol, patrols.open_problem_from_patrol)


class FirePointRecordPage(RecordPage):
    """Fire points (found by patrols or entered from satellite/drone notices), each able to open a problem."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, FIRE_POINTS, parent)
        self.problem_button = self._button("开为整改问题", "把选中的火点登记为整改问题", self.open_problem)
        row = _actions_layout(self)
        position = row.indexOf(self.restore_button) + 1
        row.insertWidget(position, self.problem_button)
        row.insertSpacing(position, 16)
        _newest_first(self)
        self._selection_changed()

    def _selection_changed(self, *args: object) -> None:
        super()._selection_changed(*args)
        _enable_single(self, getattr(self, "problem_button", None))

    def open_problem(self) -> int | None:
        return _open_problem(self, patrols.problem_draft_for_fire, patrols.open_problem_from_fire)


def _newest_first(page: RecordPage) -> None:
    """A log is read from today backwards; a clerk's own column order and sort win when saved."""
    if machine_settings.header_state(page.kind.name) is None:
        page.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)


def _enable_single(page: RecordPage, button: QPushButton | None) -> None:
    if button is not None:
        rows = page.selected_rows()
        button.setEnabled(len(rows) == 1 and not page.model.is_deleted(rows[0]))


def _open_problem(
    page: RecordPage,
    draft: Callable[[Database, int], dict[str, Any]],
    open_: Callable[[Database, int], int],
) -> int | None:
    """Show what the problem will say, and open it (linked both ways) when the clerk agrees."""
    ids = page.selected_ids()
    if len(ids) != 1:
        return None
    record_id = ids[0]
    values = operations.write(page, lambda: draft(page.db, record_id))
    if values is None:
        return None  # no finding, or gone: the service said why
    place = values.get("place", "")
    if not dialogs.confirm(
        page,
        f"将登记为整改问题（{values.get('source', '')}）：\n\n{place}\n{values.get('description', '')}\n\n"
        "登记后请到“问题整改”中确定整改时限和责任人。",
        ok_text="开为整改问题",
    ):
        return None
    problem_id = operations.write(
        page, lambda: open_(page.db, record_id), [rectification.PROBLEMS, page.kind]
    )
    if problem_id is None:
        return None
    dialogs.show_info(
        page, f"已登记为整改问题（编号 {problem_id}），请到“问题整改”中跟进。", "已开为整改问题"
    )
    return int(problem_id)


class FireCountsView(QWidget):
    """火点 per village (rows) and month (columns) of a year, with totals; months with fires tinted."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.export_handle: JobHandle | None = None
        self.year = QSpinBox()
        self.year.setObjectName("fire_year")
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setValue(dates.today().year)
        self.total_label = QLabel()
        self.total_label.setObjectName("fire_total")
        export = QPushButton("导出Excel")
        export.setAutoDefault(False)
        export.clicked.connect(self.export_excel)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addSpacing(16)
        top.addWidget(self.total_label)
        top.addStretch(1)
        top.addWidget(export)

        self.table = QTableWidget()
        self.table.setObjectName("fire_counts_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        note = QLabel("火点来自巡查记录的“火点数”和手工登记的卫星、无人机、上级通报火点（见“火点”页）。")
        note.setStyleSheet("color:#666;")
        layout.addWidget(note)
        self.year.valueChanged.connect(self.refresh)
        changes().watch(self, [PATROLS, FIRE_POINTS], self._fires_changed)
        changes().everything_changed.connect(self.refresh)
        self.refresh()

    def _fires_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: object) -> None:  # counts may have changed while another tab showed
        self.refresh()
        super().showEvent(event)  # type: ignore[arg-type]

    def refresh(self) -> None:
        counts = patrols.fire_counts(self.db, self.year.value())
        headers = ["村（社区）", *(f"{m}月" for m in range(1, 13)), "合计"]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(counts.villages) + 1)
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, (vid, name) in enumerate(counts.villages):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            for month in range(1, 13):
                self.table.setItem(row, month, self._count_item(counts.of(vid, month)))
            total = self._count_item(counts.village_total(vid), tint=False)
            total.setFont(bold)
            self.table.setItem(row, 13, total)
        last = len(counts.villages)
        label = QTableWidgetItem("合计")
        label.setFont(bold)
        self.table.setItem(last, 0, label)
        for month in range(1, 13):
            item = self._count_item(counts.month_total(month), tint=False)
            item.setFont(bold)
            self.table.setItem(last, month, item)
        grand = self._count_item(counts.total, tint=False)
        grand.setFont(bold)
        self.table.setItem(last, 13, grand)
        char = self.table.fontMetrics().horizontalAdvance("0")
        self.table.setColumnWidth(0, char * 14)
        for column in range(1, 14):
            self.table.setColumnWidth(column, char * 6)
        self.total_label.setText(f"{counts.year}年共 {counts.total} 处火点")

    @staticmethod
    def _count_item(count: int, *, tint: bool = True) -> QTableWidgetItem:
        item = QTableWidgetItem(str(count) if count else "")
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        item.setData(Qt.ItemDataRole.UserRole, count)
        if tint and count:
            item.setBackground(QBrush(FIRE_TINT))
        return item

    def export_excel(self) -> None:
        year = self.year.value()
        path = dialogs.ask_save_file(self, "导出火点统计", f"{year}年火点统计.xlsx", "Excel 文件 (*.xlsx)")
        if path is None:
            return
        db = self.db

        def work(_job: Job) -> object:
            return reports.write_fire_counts_xlsx(db, year, path)

        self.export_handle = run_job(
            self,
            "正在导出火点统计",
            work,
            lambda saved: dialogs.show_info(self, f"已导出到：\n{saved}", "导出完成"),
        )


TABS = (("patrols", "巡查记录"), ("fire_points", "火点"), ("fire_counts", "火点统计"))


class PatrolsPage(QWidget):
    """Signals: ``count_changed(int)`` — rows in the list of the current tab."""

    count_changed = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("patrols_page")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("patrol_tabs")
        self.tabs.setDocumentMode(True)
        self.patrol_page = PatrolRecordPage(db)
        self.fire_page: RecordPage | None = None
        self.fire_counts: FireCountsView | None = None
        self.tabs.addTab(self.patrol_page, "巡查记录")
        for name, label in TABS[1:]:
            holder = QWidget()
            holder.setObjectName(f"tab_{name}")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, label)
        self.patrol_page.count_changed.connect(lambda n: self._count(0, n))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        names = [name for name, _ in TABS]
        last = machine_settings.last_tab("patrols")
        if last in names:
            self.tabs.setCurrentIndex(names.index(last))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())

    def _build_tab(self, index: int) -> None:
        holder = self.tabs.widget(index)
        layout = holder.layout() if holder is not None else None
        if layout is None:
            return
        if index == 1 and self.fire_page is None:
            self.fire_page = FirePointRecordPage(self.db)
            self.fire_page.count_changed.connect(lambda n: self._count(1, n))
            layout.addWidget(self.fire_page)
        elif index == 2 and self.fire_counts is None:
            self.fire_counts = FireCountsView(self.db)
            layout.addWidget(self.fire_counts)

    def show_tab(self, name: str) -> QWidget:
        index = [n for n, _ in TABS].index(name)
        self.tabs.setCurrentIndex(index)
        self._build_tab(index)
        widget = (self.patrol_page, self.fire_page, self.fire_counts)[index]
        assert widget is not None
        return widget

    def _tab_changed(self, index: int) -> None:
        if index < 0:
            return
        self._build_tab(index)
        machine_settings.set_last_tab("patrols", TABS[index][0])
        count = self.record_count()
        if count is not None:
            self.count_changed.emit(count)

    def _count(self, index: int, count: int) -> None:
        if self.tabs.currentIndex() == index:
            self.count_changed.emit(count)

    def record_count(self) -> int | None:
        index = self.tabs.currentIndex()
        page = self.patrol_page if index == 0 else self.fire_page if index == 1 else None
        return page.record_count() if page is not None else None

    def save_state(self) -> None:
        self.patrol_page.save_state()
        if self.fire_page is not None:
            self.fire_page.save_state()
