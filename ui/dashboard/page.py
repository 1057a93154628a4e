"""工作台: the first page at start-up — today's patrols and who has not reported, overdue problems, fire
points this month, signing coverage, deliverables overdue and due this week, the 待办 list, and two
small charts.

The numbers come from :func:`ecodesk.services.dashboard.load` (SQL counts, well under 300 ms on a
ten-year file); each tile opens the list behind its number (:mod:`ui.shell.navigation`), except 今日未报送,
which opens whom to phone (:class:`SilentVillagesDialog`). Each 待办 row opens its own record. The page
re-reads the numbers when records change while it is hidden, and when it is shown again. A file
with no 村（社区） shows "—" and 尚无数据 instead of zeros (a new file). While the demo town loads (in
one transaction, so the file looks empty until it is done) the page says 正在载入演示数据… with the
job's progress (:func:`ui.shell.wizard.demo_loading`) and counts again when the load ends.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ecodesk.dates import format_cn
from ecodesk.db import backups
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.files import os_reason
from ecodesk.services import dashboard
from ecodesk.services.dashboard import Dashboard, Target
from ecodesk.services.targets import MISSED
from ui.common.changes import changes
from ui.common.charts import MonthChart, Series
from ui.dashboard.contacts import SilentVillagesDialog
from ui.dashboard.todo import AllTodoDialog, TodoList
from ui.shell.navigation import open_target
from ui.shell.wizard import demo_loading

WEEKDAYS = "一二三四五六日"
TONE = {"": "#24292f", "red": "#b71c1c", "amber": "#8a5a00", "green": "#1b5e20"}


class Tile(QFrame):
    """A clickable number. Signals: ``clicked()`` (mouse, Enter or Space)."""

    clicked = Signal()

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"tile_{key}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#tile_{key} {{ background:white; border:1px solid #d0d7de; border-radius:6px; }}"
            f"QFrame#tile_{key}:hover, QFrame#tile_{key}:focus {{ border-color:#2f6f9f; }}"
        )
        self.title = QLabel(title)
        self.title.setStyleSheet("color:#57606a; border:none;")
        self.value = QLabel("—")
        self.value.setObjectName("tile_value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet("border:none;")
        self.detail = QLabel()
        self.detail.setObjectName("tile_detail")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color:#57606a; border:none;")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(118)

    def show_value(self, value: str, detail: str, tone: str = "", tip: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"border:none; color:{TONE.get(tone, TONE[''])};")
        self.detail.setText(detail)
        self.setToolTip(tip)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


CLICK_HINT = "点击方块或双击待办查看记录"
# A file without villages has nothing to count: "0 个 超期" in green would claim good news that is not
# there. The demo town is written in one transaction, so while it loads the file still looks so.
NO_DATA = "尚无数据"
NO_DATA_HINT = "录入村（社区）或载入演示数据后显示"  # short: the window must still fit an 800×600 screen
NO_DATA_TIP = "还没有村（社区），暂无可统计的数据：到“基础信息”页录入；正在载入演示数据时，载入完成后自动显示"
LOADING = "正在载入演示数据…"
BACKUP_TIP = (
    "打开和关闭程序时（程序一直开着时每半小时看一次），若最近一次备份已超过 12 小时，"
    "程序自动备份到“设置”中的备份文件夹，只保留最近的若干份；"
    "备份文件夹不能用（U 盘没插、磁盘已满）时改存到数据文件旁的默认文件夹，并在这里用红字说明。"
    "随时可用“文件 → 备份数据”另存一份（含附件）到 U 盘。"
)
LOADING_TIP = "演示数据载入完成后，这里的数字自动显示"


class DashboardPage(QWidget):
    """Signals: ``loaded()`` after the numbers were read and shown."""

    loaded = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("dashboard_page")
        self.data: Dashboard | None = None
        self._stale = False

        self.heading = QLabel()
        self.heading.setObjectName("dashboard_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新统计（F5）")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        self.hint = QLabel(CLICK_HINT)
        self.hint.setObjectName("dashboard_hint")
        self.hint.setStyleSheet("color:#8c959f;")
        top.addWidget(self.hint)
        self.progress = QProgressBar()
        self.progress.setObjectName("dashboard_demo_progress")
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()  # only while the demo town loads
        top.addWidget(self.progress)
        top.addWidget(self.refresh_button)
        # The automatic backup's state: a failed one (the USB stick out, a full disk) must not pass unseen.
        self.backup_status = QLabel()
        self.backup_status.setObjectName("dashboard_backup_status")
        self.backup_status.setWordWrap(True)
        self.backup_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_status.setToolTip(BACKUP_TIP)

        self.tiles: dict[str, Tile] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        specs: tuple[tuple[str, str, Callable[[Dashboard], Target] | None], ...] = (
            ("patrols", "今日巡查", Dashboard.target_patrols_today),
            ("silent", "今日未报送的村（社区）", None),  # whom to phone, not a list of records
            ("overdue", "超期未整改问题", Dashboard.target_overdue),
            ("fires", "本月火点", Dashboard.target_fires_this_month),
            ("coverage", "承诺书签订率", Dashboard.target_coverage),
            ("due", "待报送材料（逾期及本周到期）", Dashboard.target_due_this_week),
            ("indicators", "指标预警", Dashboard.target_indicators),
        )
        columns = 4  # seven tiles in two rows: the 待办 and the charts keep their height at 1366×768
        for n, (key, title, target) in enumerate(specs):
            tile = Tile(key, title)
            if target is None:
                tile.clicked.connect(self.show_silent)
            else:
                tile.clicked.connect(lambda t=target: self.open(t))
            self.tiles[key] = tile
            grid.addWidget(tile, n // columns, n % columns)
        for column in range(columns):
            grid.setColumnStretch(column, 1)

        def framed(widget: QWidget) -> QFrame:
            frame = QFrame()
            frame.setStyleSheet("QFrame { background:white; border:1px solid #d0d7de; border-radius:6px; }")
            inner = QVBoxLayout(frame)
            inner.setContentsMargins(6, 6, 6, 6)
            widget.setStyleSheet(widget.styleSheet() + "border:none;")
            inner.addWidget(widget)
            return frame

        self.todo = TodoList()
        self.todo.open_requested.connect(lambda target: open_target(self, target))
        self.todo.show_all_requested.connect(self.show_all_todo)
        self.fire_chart = MonthChart("近12个月火点（处）", "处")
        self.fire_chart.setObjectName("chart_fires")
        self.problem_chart = MonthChart("近12个月问题新增与销号（个）", "个")
        self.problem_chart.setObjectName("chart_problems")
        # The 待办 on the left, the two charts stacked on the right: all of it fits a 1366×768 screen.
        chart_column = QVBoxLayout()
        chart_column.setSpacing(12)
        for chart in (self.fire_chart, self.problem_chart):
            chart.setMinimumHeight(70)  # the window may still be made small (an 800×600 screen)
            chart_column.addWidget(framed(chart), 1)
        charts = QHBoxLayout()
        charts.setSpacing(12)
        charts.addWidget(framed(self.todo), 3)
        charts.addLayout(chart_column, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.backup_status)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        self.setStyleSheet("QWidget#dashboard_page { background:#f6f8fa; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._changed)
        # Bound methods, not lambdas: Qt drops the connection when the page is deleted.
        changes().records_changed.connect(self._records_changed)
        changes().everything_changed.connect(self.refresh)
        loading = demo_loading()
        loading.started.connect(self._demo_started)
        loading.progress.connect(self._demo_progress)
        loading.finished.connect(self._demo_finished)
        self.refresh()
        if loading.running:  # the window was built after the load began
            self._demo_started()
            self._demo_progress(*loading.last)

    # -- data ----------------------------------------------------------------------------------

    def _records_changed(self, _kind: str) -> None:
        self._debounce.start()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # counted again when shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self.show_backup_status()
        self.show_data(dashboard.load(self.db))

    def show_backup_status(self) -> None:
        """自动备份：最近一次 … — red when the last automatic backup failed or the clock is wrong."""
        try:
            status = backups.auto_backup_status(self.db)
            text, tone = status.text, status.tone
        except OSError as exc:  # the backup folder vanished while it was being read
            text, tone = f"自动备份：无法查看备份文件夹（{os_reason(exc)}）", "amber"
        except EcoDeskError as exc:
            text, tone = f"自动备份：{exc}", "amber"
        self.backup_status.setText(text)
        weight = "font-weight:bold;" if tone == "red" else ""
        self.backup_status.setStyleSheet(f"color:{TONE[tone] if tone else '#57606a'};{weight}")

    # -- the demo town loading -------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """The demo town is loading and the file still looks empty (numbers would all be zero)."""
        return not self.progress.isHidden()

    def _demo_started(self) -> None:
        self.progress.setRange(0, 0)  # busy until the first report says how much there is
        self.progress.show()
        self._show_loading()

    def _demo_progress(self, done: int, total: int, message: str) -> None:
        if self.progress.isHidden():
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        step = message.strip().rstrip("…。")
        self.hint.setText(
            f"{LOADING}（{step}）" if step and not step.startswith("正在载入演示数据") else LOADING
        )

    def _demo_finished(self, _ok: bool) -> None:
        self.progress.hide()
        self.refresh()  # loaded (already counted at everything_changed), cancelled or failed

    def _show_loading(self) -> None:
        if self.data is not None and self.data.villages:
            return  # a file with data: the demo is not loaded into it, nothing to hide
        for tile in self.tiles.values():
            tile.show_value("—", LOADING, tip=LOADING_TIP)
        self.todo.heading.setText(f"待办　{LOADING}")
        self.hint.setText(LOADING)
        self.hint.setToolTip(LOADING_TIP)
        self.hint.setStyleSheet("color:#2f6f9f; font-weight:bold;")

    def show_data(self, d: Dashboard) -> None:
        self.data = d
        self.heading.setText(f"工作台　{format_cn(d.today)}　星期{WEEKDAYS[d.today.weekday()]}")
        t = self.tiles
        t["patrols"].show_value(
            f"{d.patrols_today:,} 次",
            f"{d.reported_today}/{d.villages} 个村（社区）已报送巡查记录",
            tip="查看今天的巡查记录",
        )
        if d.villages and not d.silent_today:
            t["silent"].show_value("0 个", "各村（社区）今天均已报送", "green")
        else:
            t["silent"].show_value(
                f"{len(d.silent_today)} 个",
                "、".join(d.silent_today),
                "amber" if d.silent_today else "",
                tip="“日督查、日通报、日报告”：这些村今天还没有巡查记录。点击查看网格员及电话",
            )
        t["overdue"].show_value(
            f"{d.overdue_problems:,} 个",
            f"另有 {d.due_soon_problems} 个3天内到期",
            "red" if d.overdue_problems else "green",
            tip="查看超过整改时限仍未整改的问题",
        )
        change = d.fires_this_month - d.fires_last_month
        trend = f"比上月{'多' if change > 0 else '少'} {abs(change)} 处" if change else "与上月持平"
        t["fires"].show_value(
            f"{d.fires_this_month} 处",
            f"上月 {d.fires_last_month} 处，{trend}",
            "red" if d.fires_this_month else "green",
            tip="查看本月的火点",
        )
        rate = d.coverage_rate
        t["coverage"].show_value(
            "—" if rate is None else f"{rate * 100:.1f}%",
            f"{d.coverage_year}年度 已签 {d.signed:,} / 应签 {d.required:,} 份",
            "" if rate is None or rate >= 0.95 else "amber",
            tip="查看各村签订率",
        )
        late, week = d.deliverables_overdue, len(d.due_this_week)
        lines = [f"{i.unit}：{i.deliverable}（{i.due.month}月{i.due.day}日）" for i in d.due_this_week[:2]]
        more = week - len(lines)
        t["due"].show_value(
            f"{late + week} 项",
            "\n".join(
                [f"{late} 项逾期，{week} 项本周到期"]
                + lines
                + ([f"……等共 {week} 项本周到期"] if more > 0 else [])
            )
            if late or week
            else "没有逾期或本周到期未报送的材料",
            "red" if late else "amber" if week else "green",
            tip="查看专项行动的报送情况；逾期的各项列在下方“待办”中",
        )
        self._show_indicators(d)
        empty = d.villages == 0  # nothing to count yet (a new file, or the demo town still loading)
        if empty:
            for tile in t.values():
                tile.show_value("—", NO_DATA, tip=NO_DATA_TIP)
        self.hint.setText(NO_DATA_HINT if empty else CLICK_HINT)
        self.hint.setToolTip(NO_DATA_TIP if empty else "")
        self.hint.setStyleSheet("color:#9a6700;" if empty else "color:#8c959f;")
        if empty and self.loading:
            self._show_loading()
        self.todo.set_items(d.todo, d.todo_total, d.todo_overdue_total)
        labels = [m.label for m in d.fires_by_month]
        self.fire_chart.set_data(labels, [Series("火点", "#d9480f", [m.value for m in d.fires_by_month])])
        self.problem_chart.set_data(
            labels,
            [
                Series("新增", "#2f6f9f", [m.value for m in d.problems_opened]),
                Series("销号", "#2b8a3e", [m.value for m in d.problems_closed]),
            ],
        )
        self.loaded.emit()

    def _show_indicators(self, d: Dashboard) -> None:
        """指标预警: the 目标指标 有风险 or 未达标 this year, the missed ones named first."""
        risky = sorted(d.indicators_at_risk, key=lambda pair: pair[1] != MISSED)
        missed = d.indicators_missed
        names = "、".join(f"{name}（{status}）" for name, status in risky[:3])
        more = f"等{len(risky)}项" if len(risky) > 3 else ""
        self.tiles["indicators"].show_value(
            f"{len(risky)} 项",
            f"{names}{more}" if risky else f"{d.today.year}年各项指标暂无风险",
            "red" if missed else "amber" if risky else "green",
            tip=f"{d.today.year}年度有风险或未达标的目标指标：未达标 {missed} 项，有风险 {len(risky) - missed} 项。点击查看“目标”页",
        )

    def show_all_todo(self) -> AllTodoDialog:
        """还有 N 条，点此查看全部: every overdue and soon-due item, each opening its record."""
        dialog = AllTodoDialog(dashboard.all_todo(self.db, self.data.today if self.data else None), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open_requested.connect(lambda target: open_target(self, target))
        dialog.open()
        return dialog

    def show_silent(self) -> SilentVillagesDialog | None:
        """今日未报送: the villages without a patrol today, with their grid members' phone numbers."""
        if self.data is None:
            return None
        dialog = SilentVillagesDialog(self.data.silent_contacts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def open(self, target: Callable[[Dashboard], Target]) -> QWidget | None:
        """Open the list behind a tile (the tile's ``clicked``)."""
        if self.data is None:
            return None
        return open_target(self, target(self.data))
