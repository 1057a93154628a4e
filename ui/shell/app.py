"""Start-up: Qt, fonts, logging, choosing and opening the data file, the operator, the window.

Whatever goes wrong while opening the data file is explained in Chinese and nothing is changed
without asking: a corrupt file offers the newest backup, a locked one says another window has it,
a file from a newer EcoDesk is left alone, and a missing one (or one on a network location) is
said so, with 重试 / 选择数据文件… / 新建数据文件… / 退出 — never silently recreated empty.
Starting the program again on a file already open brings that window to the front.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

import ecodesk
from ecodesk.db.database import Database
from ecodesk.drives import network_refusal
from ecodesk.errors import (
    CorruptDatabaseError,
    DamagedDatabaseError,
    DatabaseError,
    DatabaseLockedError,
    MissingDatabaseError,
    SchemaTooNewError,
)
from ecodesk.paths import ENV_DB, default_data_dir, portable_db_path, portable_settings_dir
from ecodesk.services import settings as data_settings
from ui.common import dialogs, machine_settings, screen_fit
from ui.common.changes import changes
from ui.common.icons import icon
from ui.patrols import report_folders
from ui.shell import password
from ui.shell.fonts import apply_ui_font
from ui.shell.main_window import APP_TITLE, MainWindow
from ui.shell.missing_data_file import Choice, MissingDataFileDialog
from ui.shell.operator_dialog import OperatorDialog
from ui.shell.palette import apply_light_palette
from ui.shell.recovery import offer_backup
from ui.shell.single_instance import RunningInstance, bring_running_to_front
from ui.shell.wizard import FirstStartWizard, load_demo, setup_data

log = logging.getLogger(__name__)

LOG_BYTES = 1_000_000
LOG_COUNT = 5


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ecodesk-gui", description=APP_TITLE)
    parser.add_argument("--db", type=Path, help="数据文件路径（也可用环境变量 ECODESK_DB）")
    parser.add_argument("--operator", help="操作员姓名（不再询问）")
    parser.add_argument(
        "--self-test", nargs="?", const="", metavar="报告文件", help="自检（临时演示数据，不动真实数据）"
    )
    args, _qt_args = parser.parse_known_args(argv)
    return args


def setup_logging(folder: Path | None = None) -> Path | None:
    """Log to a rotating file in the data folder; the clerk can send it when something breaks."""
    folder = folder or default_data_dir() / "logs"
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "ecodesk-gui.log", maxBytes=LOG_BYTES, backupCount=LOG_COUNT, encoding="utf-8"
        )
    except OSError:
        return None  # a read-only profile must not stop the program
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return folder / "ecodesk-gui.log"


def install_translations(app: QApplication) -> None:
    """Qt's own buttons and dialogs (file dialogs, print preview) in Chinese."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(translator)
    else:
        log.info("no Qt Chinese translations in %s", folder)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """A bug in a slot must not close the program with the clerk's work in it."""
    log.error("uncaught exception", exc_info=(kind, exc, tb))
    if QApplication.instance() is not None and not isinstance(exc, KeyboardInterrupt):
        dialogs.show_unexpected(QApplication.activeWindow(), exc)


# -- opening the data file -----------------------------------------------------------------------


def open_database(path: Path, operator: str, parent: QWidget | None = None) -> Database | None:
    """Open with the lock, explaining every failure; None when it cannot be opened.

    A missing file raises :class:`MissingDatabaseError` (never created here: the caller says so and
    offers the wizard); a damaged one offers the newest good backup.
    """
    for _attempt in range(2):  # a second try after restoring a backup
        if not password.ensure_key(path, parent):  # an encrypted file: its password first
            return None
        try:
            return Database.open(path, operator, lock=True)
        except MissingDatabaseError:
            raise
        except DatabaseLockedError as exc:
            dialogs.show_error(
                parent, f"{exc}\n\n同一个数据文件同时只能在一个窗口中使用。", "数据文件正在使用"
            )
            return None
        except SchemaTooNewError as exc:
            dialogs.show_error(parent, str(exc), "数据文件版本较新")
            return None
        except CorruptDatabaseError as exc:
            problem = exc.summary if isinstance(exc, DamagedDatabaseError) else str(exc)
            if not offer_backup(parent, path, problem):
                return None
        except DatabaseError as exc:
            dialogs.show_error(parent, str(exc), "无法打开数据文件")
            return None
    return None


def choose_operator(db: Database, wanted: str | None) -> str | None:
    """The operator for this session: given, the only one, or chosen from the list."""
    known = data_settings.load(db).operators
    name = (wanted or "").strip()
    if not name and len(known) == 1:
        name = known[0]
    if not name:
        name = OperatorDialog.ask(None, known, machine_settings.last_operator()) or ""
    if not name:
        return None
    if name not in known:
        data_settings.add_operator(db, name)
    machine_settings.set_last_operator(name)
    return name


def named_path(args: argparse.Namespace) -> tuple[Path, bool] | None:
    """The data file this start is for (``--db``, ``ECODESK_DB``, the portable one, the one used
    last time) and whether it is the remembered one; None on a first start."""
    env = os.environ.get(ENV_DB)
    path = args.db or (Path(env) if env else None) or portable_db_path()
    if path is not None:
        return Path(path).expanduser(), False
    remembered = machine_settings.last_db_path()
    return (remembered, True) if remembered is not None else None


def start(
    args: argparse.Namespace, on_open: Callable[[Path], object] | None = None
) -> tuple[Database, bool] | None:
    """The data file to work on (and whether to load demo data), or None to quit.

    The file named is opened. When it is not there (a USB stick elsewhere, a network drive not
    connected) or lies on a network location, the clerk chooses: 重试, another file, a new one (the
    first-start wizard, never at the missing path) or 退出 — a missing file is never recreated empty.
    ``on_open`` hears the file's path as soon as it is open (and locked), before any question.
    """
    named = named_path(args)
    if named is None:
        result = FirstStartWizard.ask(None)
    else:
        opened = _open_named(*named, args)
        if isinstance(opened, Database):
            if on_open is not None:
                on_open(opened.path)
            return _sign_in(opened, args)
        if opened is not Choice.NEW:
            return None
        result = FirstStartWizard.ask(None, avoid=named[0])  # never at the missing file's place
    if result is None:
        return None
    if not password.ensure_key(result.db_path):  # the data chosen there may have a password
        return None
    try:
        created = setup_data(result)
    except DatabaseError as exc:
        dialogs.show_error(None, str(exc), "无法创建数据文件")
        return None
    if on_open is not None:
        on_open(created.path)
    return created, result.demo


def _open_named(path: Path, remembered: bool, args: argparse.Namespace) -> Database | Choice | None:
    """Open the named file, asking what to do while it is missing or on a network location: the
    database, :attr:`Choice.NEW` for the wizard, or None to quit (a refusal already said why)."""
    while True:
        refused = network_refusal(path)
        if refused is None:
            try:
                return open_database(path, args.operator or "")
            except MissingDatabaseError as exc:
                log.warning("data file missing: %s", exc.path)
        answer = MissingDataFileDialog.ask(None, path, remembered=remembered, refusal=refused)
        if answer.choice is Choice.CHOOSE and answer.path is not None:
            path, remembered = answer.path, False
        elif answer.choice is not Choice.RETRY:
            return Choice.NEW if answer.choice is Choice.NEW else None


def _sign_in(db: Database, args: argparse.Namespace) -> tuple[Database, bool] | None:
    """The password (if set) and the operator for an opened file; None (file closed) to quit."""
    try:
        if not password.unlock(db):
            db.close()
            return None
        operator = choose_operator(db, args.operator)
    except Exception:
        db.close()
        raise
    if operator is None:
        db.close()
        return None
    db.operator = operator
    machine_settings.set_last_db_path(db.path)
    return db, False


def _auto_backup(db: Database) -> None:
    from ecodesk.db import backups

    try:
        made = backups.maybe_auto_backup(db)
        if made is not None:
            log.info("automatic backup: %s", made)
    except Exception:  # noqa: BLE001 - a failed automatic backup must not stop the work
        log.warning("automatic backup failed", exc_info=True)


def _answer_later_starts(window: MainWindow, running: RunningInstance) -> None:
    """Starting EcoDesk again on the window's file brings it forward, also after 打开 or a restore
    changed the file (the whole-file notice moves the server to it)."""
    running.current_path = lambda: window.db.path
    running.follow_current()
    changes().everything_changed.connect(running.follow_current)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test is not None:  # before any Qt setup: the self-test must not touch the clerk's settings
        from ui.shell.self_test import run as self_test

        return self_test(Path(args.self_test) if args.self_test else None)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "ecodesk-gui"])
    assert isinstance(app, QApplication)
    app.setOrganizationName("EcoDesk")
    app.setApplicationName("EcoDesk")
    if (
        portable := portable_settings_dir()
    ) is not None:  # a USB-stick install leaves the PC's registry alone
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(portable))
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(ecodesk.__version__)
    app.setWindowIcon(icon("ecodesk"))
    log_file = setup_logging()
    log.info("EcoDesk %s starting (log %s)", ecodesk.__version__, log_file)
    report_folders.sweep_leftovers()  # 日报 files an earlier run could not remove (a crash, a PDF left open)
    install_translations(app)
    apply_light_palette(app)  # the light look also when Windows is in dark mode
    apply_ui_font(app)
    screen_fit.install(app)  # every window and dialog fits the screen (1366×768, 150 %)
    sys.excepthook = _excepthook

    named = named_path(args)
    if named is not None and bring_running_to_front(named[0]):
        return 0  # started again: the window already open on this file came to the front
    running = RunningInstance()  # answers later starts from the moment the file is open
    started = start(args, on_open=running.follow)
    if started is None:
        return 1
    db, demo = started
    _auto_backup(db)
    window = MainWindow(db)
    _answer_later_starts(window, running)
    window.show()
    if demo:
        load_demo(window, db)
    try:
        return int(app.exec())
    finally:
        final_db = window.db
        _auto_backup(final_db)
        final_db.close()
        log.info("EcoDesk closed")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
