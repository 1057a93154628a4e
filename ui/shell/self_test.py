"""``EcoDesk --self-test``: prove an installed (or frozen) program works, without touching real data.

Each step uses the real code paths of a working day on a throw-away demo town in a temporary folder:
every Alembic revision file loaded, the demo generator, a 通知 rendered by the GB/T 9704 engine,
an xlsx export read back, QtPdf loading that PDF, and the main window opened with every page and
closed. Machine settings go to an INI file in the same temporary folder, so the clerk's window
geometry and last data file are left alone. Prints a short report; the exit code is 0 only if every
step passed, else 1 with the reason of the first failure.

A windowed Windows program has no console, so the report can also be written to a file
(``EcoDesk.exe --self-test report.txt``) for the release workflow to show.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from ecodesk.db.database import Database

SELF_TEST_OPERATOR = "自检"
JOBS_TIMEOUT_MS = 60_000


@dataclass
class Report:
    """Lines of the report and whether every step passed."""

    lines: list[str] = field(default_factory=list)
    failure: str | None = None

    def add(self, line: str) -> None:
        self.lines.append(line)
        if sys.stdout is not None:  # None in a windowed (console=False) Windows program
            print(line, flush=True)

    def step(self, name: str, action: Callable[[], str]) -> bool:
        """Run one step and note its result and time; False (and the reason) if it failed."""
        if self.failure is not None:
            return False
        started = time.perf_counter()
        try:
            detail = action()
        except BaseException as exc:  # noqa: BLE001 - every failure must become a readable report line
            seconds = time.perf_counter() - started
            self.failure = f"{name}：{type(exc).__name__}: {exc}"
            self.add(f"[失败] {name}（{seconds:.2f} 秒）：{type(exc).__name__}: {exc}")
            for line in traceback.format_exc().rstrip().splitlines():
                self.add(f"    {line}")
            return False
        seconds = time.perf_counter() - started
        self.add(f"[通过] {name}（{seconds:.2f} 秒）：{detail}")
        return True

    @property
    def ok(self) -> bool:
        return self.failure is None


def _prefer_offscreen() -> None:
    """Without a display (a Linux CI box), Qt would abort the process: draw offscreen instead."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run(report_file: Path | None = None) -> int:
    """Run every step; returns the process exit code (0 when all passed)."""
    _prefer_offscreen()
    report = Report()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ecodesk-selftest-") as tmp:
        try:
            _run_steps(report, Path(tmp))
        finally:
            total = time.perf_counter() - started
            if report.ok:
                report.add(f"自检通过（共 {total:.1f} 秒）")
            else:
                report.add(f"自检失败：{report.failure}")
            if report_file is not None:
                report_file.parent.mkdir(parents=True, exist_ok=True)
                report_file.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


def _run_steps(report: Report, folder: Path) -> None:
    import ecodesk
    from ecodesk.paths import resources_dir

    frozen = "是（" + str(getattr(sys, "_MEIPASS", "")) + "）" if getattr(sys, "frozen", False) else "否"
    report.add(
        f"EcoDesk {ecodesk.__version__} 自检 — Python {sys.version.split()[0]}，{sys.platform}，打包程序：{frozen}"
    )
    report.add(f"临时文件夹：{folder}")

    def resources() -> str:
        root = resources_dir()
        needed = [root / "fonts" / "wqy-microhei.ttc", root / "fonts" / "gbsn00lp.ttf", root / "demo"]
        needed += [
            root / "letters",
            root / "icons",
            root / "guide" / "guide.html",
            root / "guide" / "使用说明.pdf",
        ]
        missing = [str(p) for p in needed if not p.exists()]
        if missing:
            raise FileNotFoundError("缺少资源：" + "、".join(missing))
        if ecodesk.__version__ == "0.0.0":
            raise RuntimeError("读不到程序版本（打包时没有带上 ecodesk 的元数据）")
        return str(root)

    state: dict[str, object] = {}
    try:
        report.step("资源文件", resources)
        report.step("数据库迁移脚本", _migrations)
        report.step("演示数据（small）", lambda: _demo(folder / "ecodesk.db", state))
        report.step("加密数据文件（SQLCipher）", lambda: _encrypted(folder / "加密.db"))
        report.step("通知 PDF（GB/T 9704）", lambda: _notice(folder / "通知.pdf", state))
        report.step("Word 公文（.docx）", lambda: _word(folder / "通知.docx", state))
        report.step("xlsx 导出", lambda: _xlsx(folder / "农户.xlsx", state))
        report.step("Qt 界面与 PDF 预览", lambda: _window(folder, state))
    finally:
        db = state.get("db")
        if db is not None:
            db.close()  # type: ignore[attr-defined]  # Windows cannot delete the temp folder while it is open


def _migrations() -> str:
    """Load every Alembic revision file from the bundle and follow the chain from head to base.

    The frozen program finds these files on disk, not in its archive, so a missing data file or an
    import only a revision uses shows up here. (Running the chain is the core's business: the UI
    holds no SQL, and a new file is created from the models and stamped, as in the next step.)"""
    from ecodesk.db import migrate

    scripts = list(migrate.script_directory().walk_revisions())
    for script in scripts:
        module = script.module  # imports the revision file
        if not (callable(getattr(module, "upgrade", None)) and callable(getattr(module, "downgrade", None))):
            raise RuntimeError(f"迁移脚本 {script.revision} 缺少 upgrade/downgrade")
    if not scripts or scripts[-1].down_revision is not None:
        raise RuntimeError("迁移链不完整（到不了第一个版本）")
    head = migrate.head_revision()
    if scripts[0].revision != head:
        raise RuntimeError(f"迁移链的最新版本是 {scripts[0].revision}，应为 {head}")
    return f"{len(scripts)} 个版本，{scripts[-1].revision} → {head}"


def _demo(path: Path, state: dict[str, object]) -> str:
    from ecodesk import demo
    from ecodesk.db.database import Database

    db = Database.open(path, SELF_TEST_OPERATOR, lock=True, create=True)
    state["db"] = db
    summary = demo.generate(db, "small")
    return str(summary)


def _encrypted(path: Path) -> str:
    """A data file with an opening password: encrypted in place, reopened with the password, backed up
    (encrypted too) and checked; Python's sqlite3 must not read it. Proves the bundle has SQLCipher."""
    import sqlite3

    from ecodesk.db import backups, cipher
    from ecodesk.db.database import Database
    from ecodesk.services import access

    secret = "自检用的密码2026"
    with Database.open(path, SELF_TEST_OPERATOR, lock=True, create=True) as db:
        access.set_password(db, secret)
    cipher.forget_all()
    with Database.open(path, SELF_TEST_OPERATOR, lock=True, key=cipher.key_for(path, secret)) as db:
        problems = db.integrity_errors()
        if problems:
            raise RuntimeError(f"加密文件完整性检查未通过：{problems[0]}")
        backup = backups.create_backup(db, path.parent / "加密备份")
        revision = backups.verify_backup_file(backup)
        with db.engine.connect() as conn:
            version = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    for readable in (path, backup):
        try:
            with sqlite3.connect(readable) as conn:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            continue
        raise RuntimeError(f"{readable.name} 没有加密：sqlite3 能读出它")
    cipher.forget_all()
    return f"SQLCipher {version}：加密、用密码打开、加密备份（数据版本 {revision}）、校验均通过"


def _notice(path: Path, state: dict[str, object]) -> str:
    from ecodesk.db.database import Database
    from ecodesk.documents import kinds
    from ecodesk.services import documents

    db = state["db"]
    assert isinstance(db, Database)
    defaults = documents.defaults(db, dt.date(2026, 11, 28))
    body = (
        "为切实做好秋冬季秸秆禁烧工作，现将有关事项通知如下。\n\n"
        "一、落实网格责任\n\n各村要落实网格员每日巡查制度，发现火点立即处置并报告镇环保办。\n\n"
        "二、加强宣传引导\n\n各村要通过广播、标语等形式广泛宣传秸秆综合利用政策。"
    )
    draft = kinds.notice(defaults, "开展秋冬季秸秆禁烧专项巡查", body)
    doc = documents.create_draft(db, draft)
    documents.export_pdf(db, doc.id, path)
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise RuntimeError(f"{path.name} 不是 PDF 文件")
    embedded = data.count(b"/FontFile2")
    if embedded == 0:
        raise RuntimeError("PDF 没有嵌入字体")
    fonts = documents.fonts_for(db)
    used = "、".join(sorted({f"{c.path.name}（{c.source}）" for c in fonts.choices.values()}))
    state["pdf"] = path
    state["notice_id"] = doc.id
    return f"{len(data) // 1024} KB，嵌入字体 {embedded} 个（{used}）"


def _word(path: Path, state: dict[str, object]) -> str:
    """The notice again as .docx: python-docx's own template and lxml must be in the bundle."""
    import docx

    from ecodesk.db.database import Database
    from ecodesk.services import documents

    db = state["db"]
    assert isinstance(db, Database)
    doc_id = state["notice_id"]
    assert isinstance(doc_id, int)
    documents.export_docx(db, doc_id, path)
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    if "开展秋冬季秸秆禁烧专项巡查" not in "".join(paragraphs):
        raise RuntimeError(f"{path.name} 读回的内容不对")
    return f"{path.stat().st_size // 1024} KB，{len(paragraphs)} 段"


def _xlsx(path: Path, state: dict[str, object]) -> str:
    from openpyxl import load_workbook

    from ecodesk.db.database import Database
    from ecodesk.services.kinds import get_kind
    from ecodesk.services.record_export import export_xlsx

    db = state["db"]
    assert isinstance(db, Database)
    kind = get_kind("households")
    written = export_xlsx(db, kind, path)
    book = load_workbook(path, read_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sum(1 for _ in sheet.iter_rows(values_only=True))
    finally:
        book.close()
    if written == 0 or rows < written:
        raise RuntimeError(f"导出 {written} 行，读回 {rows} 行")
    return f"{kind.label} {written} 行，读回 {rows} 行（含标题与表头）"


def _window(folder: Path, state: dict[str, object]) -> str:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ecodesk.db.database import Database

    db = state["db"]
    pdf = state.get("pdf")
    assert isinstance(db, Database) and isinstance(pdf, Path)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "ecodesk-gui"])
    assert isinstance(app, QApplication)
    # Keep the clerk's registry/INI settings untouched: this run's settings live in the temp folder.
    # Everything changed here is put back afterwards, so the self-test can run inside a test session.
    saved = (
        QSettings.defaultFormat(),
        QCoreApplication.organizationName(),
        QCoreApplication.applicationName(),
        app.font(),
        _ini_user_path(),
    )
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
    QCoreApplication.setOrganizationName("EcoDesk-selftest")
    QCoreApplication.setApplicationName("EcoDesk-selftest")
    translator = _translator()
    try:
        return _show_everything(app, db, pdf, translated=translator is not None)
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)
        QSettings.setDefaultFormat(saved[0])
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, saved[4])
        QCoreApplication.setOrganizationName(saved[1])
        QCoreApplication.setApplicationName(saved[2])
        app.setFont(saved[3])


def _ini_user_path() -> str:
    """Where per-user INI settings go now (Qt has a setter but no getter for it)."""
    from PySide6.QtCore import QSettings

    probe = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "org", "app")
    return str(Path(probe.fileName()).parent.parent)


def _show_everything(app: QApplication, db: Database, pdf: Path, *, translated: bool) -> str:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtPdf import QPdfDocument

    from ui.common.icons import icon
    from ui.shell.fonts import apply_ui_font
    from ui.shell.main_window import NAV_ITEMS, MainWindow

    apply_ui_font(app)
    if icon("ecodesk").pixmap(32, 32).isNull():  # SVG icons need Qt's svg icon engine in the bundle
        raise RuntimeError("程序图标（SVG）无法显示")
    document = QPdfDocument()
    error = document.load(str(pdf))
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise RuntimeError(f"QtPdf 无法打开通知 PDF：{error}")
    image = document.render(0, document.pagePointSize(0).toSize())
    if image.isNull():
        raise RuntimeError("QtPdf 渲染出空图像")
    pages = document.pageCount()
    document.close()

    window = MainWindow(db)
    window.show()
    app.processEvents()
    for key, _label in NAV_ITEMS:
        window.show_page(key)  # builds every page: a module missing from the bundle fails here
        app.processEvents()
    # Pages start background jobs (previews, counts): let them finish and deliver their results while
    # the pages still exist, or a late result would land on a deleted widget.
    if not QThreadPool.globalInstance().waitForDone(JOBS_TIMEOUT_MS):
        raise RuntimeError(f"后台任务 {JOBS_TIMEOUT_MS // 1000} 秒内没有结束")
    app.processEvents()
    window.close()
    window.deleteLater()
    app.processEvents()
    return (
        f"平台 {app.platformName()}，Qt 中文翻译{'已载入' if translated else '未找到'}，SVG 图标可显示，"
        f"QtPdf 打开通知 {pages} 页，主窗口打开全部 {len(NAV_ITEMS)} 个页面后关闭"
    )


def _translator() -> QTranslator | None:
    """Install Qt's Chinese translation as ui.shell.app does; None if the bundle lacks qtbase_zh_CN.qm."""
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(QCoreApplication.instance())
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
