"""The main window: the module list on the left, the current module on the right.

Pages are built the first time they are shown (a fast start at any data size). The status bar
names the data file, the operator and the number of records in the current list.

After each open the window has SQLite check every page of the file on a worker thread (0.2 s for
the decade demo, so not on the start-up path) and listens for damage SQLite reports while pages read
and write: a damaged file is met at once with the offer to restore the newest good backup
(:mod:`ui.shell.recovery`), rather than with a refused save later.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from ecodesk.db.database import Database
from ecodesk.drives import network_refusal
from ecodesk.errors import (
    CorruptDatabaseError,
    DamagedDatabaseError,
    EcoDeskError,
    MissingDatabaseError,
)
from ecodesk.services import settings as data_settings
from ui.common import dialogs, machine_settings, unsaved
from ui.common.changes import changes
from ui.common.jobs import JobHandle
from ui.common.operations import notify, write
from ui.shell import password, recovery
from ui.shell.backup_dialog import RestoreDialog, restore_in_background, take_away_backup
from ui.shell.operator_dialog import OperatorDialog

log = logging.getLogger(__name__)

APP_TITLE = "乡镇生态环境工作台账"
DB_FILTER = "EcoDesk 数据文件 (*.db)"

PageFactory = Callable[[Database], QWidget]

# The background check of every page starts this long after the window shows a file (start-up is
# measured to the first painted window; the check reads the whole file, 0.2 s for the decade demo).
CHECK_DELAY_MS = 1500
# Automatic backups run on open and on close (ui.shell.app); a window left open for days also backs up
# when due, looked at this often (only a due backup costs anything: a folder listing otherwise).
AUTO_BACKUP_CHECK_MS = 30 * 60 * 1000

# (key, label) in the order of the paper work; the key names the page in QSettings and in tests.
NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("dashboard", "工作台"),
    ("patrols", "巡查日志"),
    ("problems", "问题整改"),
    ("ledgers", "台账"),
    ("complaints", "信访举报"),
    ("letters", "承诺书"),
    ("campaigns", "专项行动"),
    ("stats", "统计"),
    ("appraisal", "考核"),
    ("targets", "目标"),
    ("documents", "公文"),
    ("org", "基础信息"),
    ("settings", "设置"),
)


def _lazy(module: str, cls: str) -> PageFactory:
    """A page factory that imports its module when the page is first opened: start-up then loads
    only the first page's code (reportlab, openpyxl and ten pages of widgets wait until needed)."""

    def factory(db: Database) -> QWidget:
        page: QWidget = getattr(importlib.import_module(module), cls)(db)
        return page

    return factory


# Every navigation key's page, imported by module name when first opened.
PAGE_FACTORIES: dict[str, PageFactory] = {
    "dashboard": _lazy("ui.dashboard.page", "DashboardPage"),
    "patrols": _lazy("ui.patrols.page", "PatrolsPage"),
    "problems": _lazy("ui.problems.page", "ProblemsPage"),
    "ledgers": _lazy("ui.ledgers.page", "LedgersPage"),
    "complaints": _lazy("ui.complaints.page", "ComplaintsPage"),
    "letters": _lazy("ui.letters.page", "LettersPage"),
    "campaigns": _lazy("ui.campaigns.page", "CampaignsPage"),
    "stats": _lazy("ui.stats.page", "StatsPage"),
    "appraisal": _lazy("ui.appraisal.page", "AppraisalPage"),
    "targets": _lazy("ui.targets.page", "TargetsPage"),
    "documents": _lazy("ui.documents.page", "DocumentsPage"),
    "org": _lazy("ui.org.page", "OrgPage"),
    "settings": _lazy("ui.settings.page", "SettingsPage"),
}


class _DamageSignal(QObject):
    """Carries damage found on any thread (the check, a job's session) to the window's thread."""

    found = Signal(object)


def check_in_background(db: Database) -> threading.Thread:
    """SQLite's quick check of every page of ``db`` on a worker thread; damage reaches the
    listeners of ``db`` (the window), nothing happens for a sound file."""

    def work() -> None:
        try:
            db.find_damage()
        except Exception:  # noqa: BLE001 - a closed or vanished file: the window has moved on
            log.info("background check of %s did not finish", db.path, exc_info=True)

    thread = threading.Thread(target=work, name="ecodesk-quick-check", daemon=True)
    thread.start()
    return thread


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self._damage = _DamageSignal(self)
        self._damage.found.connect(self._damage_found)
        self._offered: set[Path] = set()
        self.check_thread: threading.Thread | None = None
        self.setObjectName("main_window")
        self.pages: dict[str, QWidget] = {}
        self._keys = [key for key, _ in NAV_ITEMS]

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        for key, label in NAV_ITEMS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            row = self.nav.count()
            if row < 9:
                item.setToolTip(f"{label}（Ctrl+{row + 1}）")
            item.setSizeHint(
                item.sizeHint().expandedTo(self.nav.fontMetrics().boundingRect("工作台").size() * 2.4)
            )
            self.nav.addItem(item)
        width = max(self.nav.fontMetrics().horizontalAdvance(label) for _, label in NAV_ITEMS) + 48
        self.nav.setFixedWidth(width)
        self.nav.setStyleSheet(
            "QListWidget#nav { background:#f3f5f7; border:none; border-right:1px solid #d8dde3; }"
            "QListWidget#nav::item { padding-left:14px; }"
            "QListWidget#nav::item:selected { background:#2f6f9f; color:white; }"
        )
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        for _ in NAV_ITEMS:
            self.stack.addWidget(QWidget())  # stand-ins, replaced by the real page when first shown

        self.path_label = QLabel()
        self.operator_label = QLabel()
        self.count_label = QLabel()
        self.count_label.setObjectName("status_count")
        status = self.statusBar()
        status.addWidget(self.path_label, 1)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.operator_label)

        self._build_menus()
        self._build_page_keys()
        self.nav.currentRowChanged.connect(self._nav_changed)
        changes().settings_changed.connect(self._update_titles)
        self._update_titles()

        geometry = machine_settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self._first_size()
        last = machine_settings.last_page()
        self.show_page(last if last in self._keys else "dashboard")
        self._watch(db)
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(AUTO_BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.auto_backup)
        self.backup_timer.start()

    def _first_size(self) -> None:
        """Nearly the whole screen on the small office monitors (1366×768), at most 1280×800."""
        screen = self.screen().availableGeometry()
        width, height = min(1280, int(screen.width() * 0.96)), min(800, int(screen.height() * 0.94))
        self.resize(width, height)
        self.move(screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2)

    # -- pages ---------------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self.pages:
            page = PAGE_FACTORIES[key](self.db)
            switch_signal = getattr(page, "switch_file_requested", None)
            if switch_signal is not None:
                switch_signal.connect(self.switch_file)
            count_signal = getattr(page, "count_changed", None)
            if count_signal is not None:
                count_signal.connect(lambda count, k=key: self._page_count(k, count))
            index = self._keys.index(key)
            old = self.stack.widget(index)
            assert old is not None
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        index = self._keys.index(key)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)  # → _nav_changed
        else:
            self._nav_changed(index)
        return self.pages[key]

    def current_key(self) -> str:
        return self._keys[max(self.nav.currentRow(), 0)]

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self._keys[row]
        page = self.page(key)
        self.stack.setCurrentIndex(row)
        machine_settings.set_last_page(key)
        record_count = getattr(page, "record_count", None)
        self._show_count(record_count() if callable(record_count) else None)

    def _page_count(self, key: str, count: int) -> None:
        if key == self.current_key():
            self._show_count(count)

    def _show_count(self, count: int | None) -> None:
        self.count_label.setText(f"当前列表 {count:,} 条" if count is not None else "")
        self.count_label.setVisible(count is not None)

    def _update_titles(self) -> None:
        """Town, file, then the program name once: Qt appends the application's display name (app.py
        sets it to the program name) to a title not already ending with it, so the old title
        "程序名 — 镇" showed the program name twice."""
        town = data_settings.load(self.db).town_name
        self.setWindowTitle(" — ".join(part for part in (town, self.db.path.name, APP_TITLE) if part))
        self.path_label.setText(f"数据文件：{self.db.path}")
        self.operator_label.setText(f"操作员：{self.db.operator or '—'}")

    # -- menus ---------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.backup_action = self._action(file_menu, "备份数据(&B)…", self.backup_now, "Ctrl+B")
        self._action(file_menu, "从备份恢复(&R)…", self.restore_from_backup)
        file_menu.addSeparator()
        self._action(file_menu, "新建空白数据文件(&N)…", lambda: self.switch_file(True))
        self._action(file_menu, "打开其他数据文件(&D)…", lambda: self.switch_file(False))
        self._action(file_menu, "打开数据文件夹(&O)", self.open_data_folder)
        file_menu.addSeparator()
        self.switch_operator_action = self._action(file_menu, "切换操作员(&S)…", self.switch_operator)
        file_menu.addSeparator()
        self._action(file_menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.guide_action = self._action(help_menu, "使用说明(&U)", self.show_guide, "F1")
        self._action(help_menu, "关于(&A)", self.about)

    def _build_page_keys(self) -> None:
        """Ctrl+1 … Ctrl+9 open the side bar's modules in its order (named in the items' tooltips)."""
        self.page_actions: list[QAction] = []
        for row, key in enumerate(self._keys[:9]):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            self.addAction(action)
            self.page_actions.append(action)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        keys: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def backup_now(self) -> JobHandle | None:
        """文件 → 备份数据: ask where (a USB stick, remembered) and write the data with its attachments."""
        return take_away_backup(self, self.db)

    def restore_from_backup(self) -> None:
        from ecodesk.db import backups

        folder = backups.backup_folder(self.db)
        chosen = RestoreDialog.ask(self, backups.list_backups(self.db.path, folder), self.db)
        if chosen is None:
            return
        if not dialogs.confirm(
            self,
            f"将用备份“{chosen.name}”替换当前的全部数据。\n当前数据会先另存一份，不会丢失。确定恢复吗？",
            ok_text="恢复",
        ):
            return
        self.restore_file(chosen)

    def restore_file(self, backup_file: Path) -> bool:
        """Close the data file, put the backup in its place, and open it again."""
        path, operator = self.db.path, self.db.operator
        go_on, key = password.backup_key(self, backup_file)  # a backup made under another password
        if not go_on:
            return False
        self.save_state()
        self.db.close()
        saved: Path | None = None
        error: Exception | None = None
        try:
            saved = restore_in_background(self, path, backup_file, key)  # off the GUI thread, with progress
        except EcoDeskError as exc:
            error = exc
        try:
            new_db = Database.open(path, operator, lock=True)
        except EcoDeskError as exc:
            dialogs.show_error(self, f"恢复后无法打开数据文件：{exc}\n程序将关闭，请重新启动。")
            self.db_failed = True
            self.close()
            return False
        self.replace_database(new_db)
        if error is not None:
            dialogs.show_error(self, str(error))
            return False
        where = f"\n原来的数据已另存为：{saved}" if saved else ""
        dialogs.show_info(self, f"已从备份恢复。{where}", "恢复完成")
        return True

    # -- damage ----------------------------------------------------------------------------------

    def _watch(self, db: Database) -> None:
        """Hear about damage in ``db`` (from any thread) and check it in the background once the
        window has settled (the check reads the whole file: it must not slow the start)."""
        db.damage_listeners.append(self._damage.found.emit)
        QTimer.singleShot(CHECK_DELAY_MS, lambda: self._check(db))

    def auto_backup(self) -> Path | None:
        """The automatic backup while the window stays open, when one is due. Its outcome shows on the
        工作台's backup line (a failure in red there), never as a box over the clerk's work."""
        from ecodesk.db import backups

        if QApplication.activeModalWidget() is not None:
            return None  # not under an open dialog: the next look, half an hour on
        try:
            made = backups.maybe_auto_backup(self.db)
        except Exception:  # noqa: BLE001 - a failed automatic backup must not stop the work
            log.warning("automatic backup failed", exc_info=True)
            made = None
        dashboard = self.pages.get("dashboard")
        show = getattr(dashboard, "show_backup_status", None)
        if callable(show):
            show()
        return made

    def _check(self, db: Database) -> None:
        if db is self.db:  # not a file since replaced (a restore, 打开)
            self.check_thread = check_in_background(db)

    def _damage_found(self, damage: object) -> None:
        if not isinstance(damage, DamagedDatabaseError) or damage.path != self.db.path:
            return  # another file's (one since closed)
        if damage.path in self._offered:
            return
        if QApplication.activeModalWidget() is not None:  # the message of the write that failed first
            QTimer.singleShot(400, lambda: self._damage_found(damage))
            return
        self._offered.add(damage.path)
        self.offer_restore(damage)

    def offer_restore(self, damage: DamagedDatabaseError) -> bool:
        """The open file is damaged: restore the newest good backup (or choose one) if the clerk agrees."""
        info = recovery.newest_good(self.db.path)
        if info is not None:
            if dialogs.confirm(
                self,
                recovery.offer_text(damage.summary, info),
                title=recovery.DAMAGED_TITLE,
                ok_text="用备份恢复",
            ):
                return self.restore_file(info.path)
            return False
        if dialogs.confirm(
            self,
            f"{damage.summary}\n\n在备份文件夹中没有找到完好的备份。"
            "若有其他备份（如 U 盘上的），可以选择它来恢复；否则请把这个文件复制一份保存好，再联系维护人员。",
            title=recovery.DAMAGED_TITLE,
            ok_text="选择备份文件…",
        ):
            self.restore_from_backup()
        return False

    def replace_database(self, db: Database) -> None:
        """Show another data file (after a restore): every page is rebuilt on the new one."""
        key = self.current_key()
        self.db = db
        for page_key, page in list(self.pages.items()):
            index = self._keys.index(page_key)
            self.stack.insertWidget(index, QWidget())
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._update_titles()
        self.show_page(key)
        notify(everything=True)
        self._watch(db)

    def switch_file(self, fresh: bool) -> bool:
        """Work on another data file: a new empty one (settings carried over) or an existing one."""
        if fresh:
            path = dialogs.ask_save_file(self, "新建空白数据文件", "ecodesk-新.db", DB_FILTER)
        else:
            path = dialogs.ask_open_file(self, "打开其他数据文件", DB_FILTER, self.db.path.parent)
        if path is None:
            return False
        return self.open_file(path, fresh=fresh)

    def open_file(self, path: Path, *, fresh: bool) -> bool:
        refused = network_refusal(path)  # before resolving: the letter typed says it is a network drive
        if refused is not None:
            dialogs.show_error(self, refused, "不能使用网络位置")
            return False
        path = path.expanduser().resolve()
        if path == self.db.path:
            dialogs.show_info(self, "这就是当前正在使用的数据文件。")
            return False
        if fresh and path.exists() and path.stat().st_size > 0:
            dialogs.show_error(self, f"文件已存在：{path}\n请换一个文件名；已有的文件不会被覆盖。")
            return False
        try:
            new_db = self._open_other(path, fresh=fresh)
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc), "无法打开数据文件")
            return False
        if new_db is None:
            return False
        if not fresh and not password.unlock(new_db, self):
            new_db.close()
            return False
        try:
            if fresh:
                carried = data_settings.load(self.db)
                data_settings.save(
                    new_db,
                    town_name=carried.town_name or "本镇",
                    organs=carried.organs,
                    printing_organ=carried.printing_organ,
                    default_recipients=carried.default_recipients,
                    operators=carried.operators,
                    backup_keep=carried.backup_keep,
                )
            if self.db.operator:
                data_settings.add_operator(new_db, self.db.operator)
        except EcoDeskError as exc:
            new_db.close()
            dialogs.show_error(self, str(exc))
            return False
        self.save_state()
        self.db.close()
        self.replace_database(new_db)
        machine_settings.set_last_db_path(new_db.path)
        return True

    def _open_other(self, path: Path, *, fresh: bool) -> Database | None:
        """Open (or, for 新建, create) another file with the lock; a missing file is refused with
        the way forward, a damaged one offers its newest good backup. None when not opened."""
        for _attempt in range(2):  # again after restoring a backup
            if not fresh and not password.ensure_key(path, self):  # an encrypted file: its password first
                return None
            try:
                return Database.open(path, self.db.operator, lock=True, create=fresh)
            except MissingDatabaseError:
                dialogs.show_error(
                    self,
                    f"找不到数据文件：\n{path}\n\n它可能已被移动、改名或删除，或在没有插好的 U 盘上。"
                    "请重新选择；要新建，请用“文件 → 新建空白数据文件”。",
                    "找不到数据文件",
                )
                return None
            except CorruptDatabaseError as exc:
                problem = exc.summary if isinstance(exc, DamagedDatabaseError) else str(exc)
                if not recovery.offer_backup(self, path, problem):
                    return None
        return None

    def switch_operator(self) -> str | None:
        """文件 → 切换操作员: work on as another operator without restarting; every edit from now on
        carries the new name (the data file's operator is read by each new session). A name not yet
        known joins the list in 设置. The new name, or None when nothing changed."""
        known = data_settings.load(self.db).operators
        name = OperatorDialog.ask_switch(self, known, self.db.operator)
        if not name or name == self.db.operator:
            return None
        if (
            name not in known
            and write(self, lambda: data_settings.add_operator(self.db, name), settings=True) is None
        ):
            return None
        self.db.operator = name
        machine_settings.set_last_operator(name)
        self._update_titles()
        self.statusBar().showMessage(f"已切换操作员：{name}。此后的新增和修改都记在这个名字下。", 10_000)
        return name

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.db.path.parent)))

    def show_guide(self) -> None:
        from ui.shell.guide_window import show_guide  # local: only built when the clerk asks for it

        show_guide(self)

    def about(self) -> None:
        from ui.shell.about_dialog import AboutDialog  # local: the dialog imports this module's title

        AboutDialog.show_for(self, self.db.path)

    # -- closing -------------------------------------------------------------------------------

    def save_state(self) -> None:
        machine_settings.set_window_geometry(self.saveGeometry())
        machine_settings.set_last_page(self.current_key())
        for page in self.pages.values():
            save = getattr(page, "save_state", None)
            if callable(save):
                save()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not unsaved.close_open_dialogs():
            event.ignore()  # the clerk chose 继续编辑 in a form still open (or its save was refused)
            return
        if not getattr(self, "db_failed", False):
            self.save_state()
        super().closeEvent(event)
