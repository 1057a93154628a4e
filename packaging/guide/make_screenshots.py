"""Take the screenshots of the clerk's guide (使用说明) from the real program, offscreen.

A fresh demo town is made in a temporary folder (``ecodesk init --town 清河镇`` and
``ecodesk demo --scale town``), the real main window is opened on it, pages are switched through its
API, rows are selected and dialogs are shown non-modally and grabbed. Machine settings (QSettings) go
to a temporary folder, so the clerk's own settings are never read or written.

    QT_QPA_PLATFORM=offscreen python packaging/guide/make_screenshots.py [--out resources/guide/images]

Each PNG is reduced to a palette of 256 colours (Pillow) so the guide stays small. Look at every image after running this.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QRect, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QDialog,
    QDoubleSpinBox,
    QPlainTextEdit,
    QProgressDialog,
    QWidget,
)

WINDOW = (1366, 768)
TOWN = "清河镇"
OPERATOR = "王晓燕"
WIN_DATA = r"C:\Users\wxy\AppData\Local\EcoDesk"


def cli(*args: str) -> None:
    """The ``ecodesk`` command, run as the clerk's installer would (a child process, its own exit code)."""
    code = "import sys; from ecodesk.cli import main; sys.exit(main(sys.argv[1:]))"
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def settle(ms: int = 300) -> None:
    """Let queued events, lazy page builds and background jobs land."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait_jobs(timeout: float = 60) -> None:
    from ui.common import jobs

    end = time.monotonic() + timeout
    while jobs._running and time.monotonic() < end:  # noqa: SLF001 - the set of live handles
        QApplication.processEvents()
        time.sleep(0.02)
    settle(200)


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.made: list[Path] = []

    def save(self, widget: QWidget, name: str, height: int | None = None) -> None:
        """Save ``widget`` (its top ``height`` pixels when given: the rest would be empty)."""
        settle()
        path = self.out / f"{name}.png"
        area = QRect(0, 0, widget.width(), height or widget.height())
        if not widget.grab(area).save(str(path)):
            raise RuntimeError(f"could not save {path}")
        self.made.append(path)
        print(f"{path.name}: {widget.width()}×{widget.height()}")

    def answer_modal(
        self, title: str, name: str | None, button: str, prepare: Callable[[QWidget], None] | None = None
    ) -> None:
        """Grab the next modal box whose title starts with ``title`` (shown by a real ``exec()``),
        after ``prepare`` filled it in, and press ``button`` in it (no grab when ``name`` is None)."""

        def answer() -> None:
            box = QApplication.activeModalWidget()
            if box is None or not box.windowTitle().startswith(title):
                QTimer.singleShot(100, answer)
                return
            box.setProperty("guide_expected", True)
            settle(150)
            if prepare is not None:
                prepare(box)
                settle(100)
            if name is not None:
                self.save(box, name)
            for candidate in box.findChildren(QAbstractButton):
                if candidate.text() == button:
                    candidate.click()
                    return
            raise RuntimeError(f"no button {button!r} in {title!r}")

        QTimer.singleShot(100, answer)

    def optimise(self) -> None:
        """Reduce each PNG to a palette of 256 colours (Pillow, which reportlab brings along)."""
        from PIL import Image

        for path in self.made:
            with Image.open(path) as image:
                reduced = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
            reduced.save(path, optimize=True)


_stray: list[QWidget] = []


def close_stray_modal() -> None:
    """A modal box nobody answers would hang the script: report it and close it. Only a box still
    open at the second look is closed, so one the script is about to answer is left alone."""
    box = QApplication.activeModalWidget()
    if box is None or box.property("guide_expected") or isinstance(box, QProgressDialog):
        _stray.clear()
        return
    if _stray and _stray[0] is box:
        text = getattr(box, "text", lambda: "")()
        print(f"unexpected modal {box.windowTitle()!r}: {text}", file=sys.stderr)
        box.close()
        _stray.clear()
    else:
        _stray[:] = [box]


def select_rows(view: Any, rows: tuple[int, ...]) -> None:
    """Select several whole rows (as Ctrl+click would)."""
    model, selection = view.model(), view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.clearSelection()
    for row in rows:
        selection.select(model.index(row, 0), flags)
    settle(100)


def select_row(view: object, row: int) -> None:
    """Select a whole row of a table view (as a click would)."""
    table: Any = view
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    table.scrollTo(index)


def show_dialog(
    dialog: QDialog, shooter: Shooter, name: str, prepare: Callable[[], None] | None = None
) -> None:
    dialog.show()
    settle(200)
    if prepare is not None:
        prepare()
    shooter.save(dialog, name)
    dialog.close()
    dialog.deleteLater()
    settle(50)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "guide" / "images")
    parser.add_argument("--keep", action="store_true", help="keep the temporary demo folder")
    parser.add_argument(
        "--demo", type=Path, help="copy this demo folder (made by --keep) instead of a new one"
    )
    parser.add_argument("--only", nargs="*", help="take only these steps (e.g. ledgers rename), to try one")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="ecodesk-guide-"))
    db_path = work / "ecodesk.db"
    print(f"demo town in {work}")
    if args.demo:
        shutil.copytree(args.demo, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns("qsettings"))
    else:
        cli("--db", str(db_path), "init", "--town", TOWN)
        cli("--db", str(db_path), "--operator", OPERATOR, "demo", "--scale", "town")

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName("EcoDeskGuideShots")
    QCoreApplication.setApplicationName("EcoDeskGuideShots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))

    from ui.shell.app import install_translations
    from ui.shell.fonts import apply_ui_font

    install_translations(app)
    apply_ui_font(app)

    shooter = Shooter(args.out)
    watchdog = QTimer()
    watchdog.timeout.connect(close_stray_modal)
    watchdog.start(3000)
    try:
        take_all(shooter, db_path, work, args.only)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    shooter.optimise()
    total = sum(p.stat().st_size for p in shooter.made)
    print(f"{len(shooter.made)} images, {total / 1024:.0f} KB")
    return 0


def take_all(shooter: Shooter, db_path: Path, work: Path, only: list[str] | None = None) -> None:
    from ecodesk.db.database import Database

    if not only or "wizard" in only:
        shoot_wizard(shooter, work)
    if not only or "missing" in only:
        shoot_missing(shooter)
    db = Database.open(db_path, OPERATOR, lock=True)  # made by `ecodesk init` above
    try:
        from ui.shell.main_window import MainWindow

        window = MainWindow(db)
        window.resize(*WINDOW)
        # The clerk's PC shows the Windows data folder, not this temporary one.
        window.path_label.setText(f"数据文件：{WIN_DATA}\\ecodesk.db")
        window.show()
        settle(500)
        for step in (
            shoot_dashboard,
            shoot_org,
            shoot_patrols,
            shoot_problems,
            shoot_ledgers,
            shoot_campaigns,
            shoot_letters,
            shoot_documents,
            shoot_appraisal,
            shoot_targets,
            shoot_stats,
            shoot_backup,
            shoot_rename,
        ):
            if only and step.__name__.removeprefix("shoot_") not in only:
                continue
            step(shooter, window)
            wait_jobs()
        window.close()
        wait_jobs()
    finally:
        db.close()


# -- the shots ------------------------------------------------------------------------------------


def shoot_wizard(shooter: Shooter, work: Path) -> None:
    from ui.shell.wizard import FirstStartWizard

    wizard = FirstStartWizard()
    wizard.folder_page.folder.setText(WIN_DATA)
    wizard.show()
    settle(200)
    shooter.save(wizard, "wizard-folder")
    wizard.next()
    wizard.town_page.town.setText(TOWN)
    wizard.town_page.operator.setText(OPERATOR)
    wizard.town_page.demo.setChecked(True)
    shooter.save(wizard, "wizard-town")
    wizard.close()
    wizard.deleteLater()


def shoot_missing(shooter: Shooter) -> None:
    """找不到数据文件: the USB stick holding last time's data file is not in."""
    from ui.shell.missing_data_file import MissingDataFileDialog

    dialog = MissingDataFileDialog(Path(r"E:\EcoDesk\ecodesk.db"))
    show_dialog(dialog, shooter, "missing-data-file")


def shoot_dashboard(shooter: Shooter, window: Any) -> None:
    from ecodesk.db import backups

    backups.create_backup(window.db, reason="自动")  # the 自动备份 line names its age and folder
    page = window.show_page("dashboard")
    page.refresh()
    wait_jobs()
    # The clerk's PC shows the Windows data folder, not this temporary one.
    line = page.backup_status
    line.setText(line.text().replace(str(window.db.path.parent), WIN_DATA).replace("/", "\\"))
    shooter.save(window, "dashboard")


def shoot_patrols(shooter: Shooter, window: Any) -> None:
    from ui.patrols.entry import PatrolEntryDialog
    from ui.patrols.page import PatrolRecordPage

    page = window.show_page("patrols")
    wait_jobs()
    patrol_list = page.findChild(PatrolRecordPage)
    select_row(patrol_list.table, 0)
    shooter.save(window, "patrols")

    shooter.answer_modal("生成巡查日报", "daily-date", "生成日报")
    shooter.answer_modal("巡查日报", "daily-result", "关闭")
    patrol_list.make_daily_report()
    wait_jobs()
    settle(500)

    dialog = PatrolEntryDialog(window.db, window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)

    def type_line(values: tuple[tuple[str, str], ...]) -> None:
        for key, text in values:
            dialog.edits[key].setText(text)
            dialog.edits[key].editingFinished.emit()
        settle(50)

    def fill() -> None:
        # The first line repeats a demo patrol of today (same village, kind and time): the form warns.
        line = (
            ("village", "王家河村"),
            ("kind", "禁烧巡查"),
            ("start_time", "7:30"),
            ("end_time", "9:30"),
            ("patrollers", "王晓军"),
            ("place", "王家河村一组至三组田间"),
            ("fire_count", "0"),
        )
        type_line(line)
        shooter.answer_modal("可能重复", "patrol-duplicate", "返回修改")
        if dialog.save() is not None:
            raise RuntimeError("the repeated patrol was saved without the duplicate warning")
        type_line((("kind", "企业检查"), ("start_time", "10:00"), ("end_time", "11:30")))
        if dialog.save() is None:
            raise RuntimeError("the first patrol line did not save")
        settle(100)
        type_line(
            (
                ("village", "王家河村"),
                ("kind", "巡河"),
                ("start_time", "14:00"),
                ("end_time", "16:30"),
                ("patrollers", "王晓军"),
                ("place", "王家河村四组、五组"),
                ("findings", "五组路边有秸秆堆放"),
                ("fire_count", "0"),
                ("measures", "已通知农户当天清运"),
            )
        )
        dialog.edits["measures"].setFocus()

    # closing the half-typed line asks 放弃未保存的内容？: grabbed for the guide, then 放弃
    shooter.answer_modal("未保存的内容", "unsaved", "放弃")
    show_dialog(dialog, shooter, "patrol-entry", fill)


def shoot_problems(shooter: Shooter, window: Any) -> None:
    page = window.show_page("problems")
    wait_jobs()
    page.choose_chip("整改中")
    wait_jobs()
    select_row(page.table, 0)
    shooter.save(window, "problems")
    select_rows(page.table, (0, 1, 2))
    shooter.answer_modal("批量延期", "problems-extend", "取消")
    page.extend_selected()
    settle(300)
    page.choose_chip("")
    wait_jobs()


def shoot_ledgers(shooter: Shooter, window: Any) -> None:
    page = window.show_page("ledgers")
    wait_jobs()
    ledger = page.show_kind("bare_land")  # 裸露地块: a 挂牌销号 ledger
    ledger.choose_chip("挂牌")  # a 挂牌 entry selected: 开始整治 and 开为整改问题 are enabled
    wait_jobs()
    select_row(ledger.table, 0)
    shooter.save(window, "ledgers")

    # 打印: the preview of the filtered list, as it comes out of the printer
    ledger.choose_chip("整治中")
    wait_jobs()
    handle = ledger.print_list()
    wait_jobs()
    preview = handle.result
    preview.resize(1000, 700)
    settle(1500)
    wait_jobs()
    shooter.save(preview, "print-preview")
    preview.close()
    settle(100)
    ledger.choose_chip("")

    logs = page.show_kind("suction_trucks")  # 吸污车作业报备: a log, no 挂牌/销号
    wait_jobs()
    logs.filter_bar.text.setText("顺通")  # found by the company's name (or a plate's few letters)
    logs.filter_bar.text.returnPressed.emit()
    wait_jobs()
    select_row(logs.table, 0)
    shooter.save(window, "ledger-logs")
    logs.filter_bar.text.setText("")
    logs.filter_bar.text.returnPressed.emit()
    wait_jobs()
    page.show_kind("bare_land")


def shoot_org(shooter: Shooter, window: Any) -> None:
    from ecodesk.models import Household
    from ecodesk.services.org import GRIDS, HOUSEHOLDS
    from ecodesk.services.record_export import export_xlsx
    from ecodesk.services.records import ListFilter
    from ui.common.excel_io import ImportDialog
    from ui.org.forms import GridDialog

    page = window.show_page("org")
    wait_jobs()
    grids = page.show_kind("grids")
    wait_jobs()
    select_row(grids.table, 0)
    shooter.save(window, "org")
    dialog = GridDialog(window.db, GRIDS, grids.model.id_at(0), window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    show_dialog(dialog, shooter, "grid-form")

    # The same roster imported twice: the check lists the rows already in the file.
    households = page.show_kind("households")
    wait_jobs()
    with window.db.session() as session:  # the village of the first household in the list
        household = session.get(Household, households.model.id_at(0))
        village_id, village = household.village_id, household.village.name
    roster = Path(tempfile.mkdtemp(prefix="ecodesk-guide-roster-")) / f"{village}农户花名册.xlsx"
    export_xlsx(window.db, HOUSEHOLDS, roster, ListFilter(village_id=village_id))
    importer = ImportDialog(window.db, HOUSEHOLDS, roster, window)
    importer.setWindowModality(Qt.WindowModality.NonModal)
    importer.show()
    settle(200)
    importer.check()
    wait_jobs()
    shooter.save(importer, "import-duplicates")
    importer.close()
    importer.deleteLater()
    shutil.rmtree(roster.parent, ignore_errors=True)
    page.show_kind("units")


def shoot_campaigns(shooter: Shooter, window: Any) -> None:
    page = window.show_page("campaigns")
    wait_jobs()
    settle(500)
    shooter.save(window, "campaigns")
    page.detail.tabs.setCurrentWidget(page.detail.phases)
    settle(300)
    shooter.save(page.detail, "campaign-phases")
    page.detail.tabs.setCurrentWidget(page.detail.grid)


def shoot_rename(shooter: Shooter, window: Any) -> None:
    from ecodesk.services import rename
    from ui.settings.rename_dialog import RenameTownDialog

    places = rename.places_naming(window.db, TOWN, "柳园镇")
    dialog = RenameTownDialog(places, TOWN, "柳园镇", window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    show_dialog(dialog, shooter, "rename")


def shoot_letters(shooter: Shooter, window: Any) -> None:
    page = window.show_page("letters")
    wait_jobs()
    shooter.save(window, "letters")
    page.tabs.setCurrentIndex(1)  # 签订率
    wait_jobs()
    shooter.save(window, "letters-coverage")
    page.tabs.setCurrentIndex(2)  # 批量打印
    wait_jobs()
    shooter.save(window, "letters-print", height=330)
    page.tabs.setCurrentIndex(0)


def shoot_documents(shooter: Shooter, window: Any) -> None:
    page = window.show_page("documents")
    wait_jobs()
    select_row(page.table, 0)
    wait_jobs()
    settle(1500)
    wait_jobs()
    shooter.save(window, "documents")
    shoot_word_import(shooter, window)


def shoot_word_import(shooter: Shooter, window: Any) -> None:
    """导入Word公文: last year's 通报 as the clerk typed it in Word (an issued demo document exported
    as .docx, its number moved to 2025 so that it is not registered yet)."""
    import re

    import docx

    from ecodesk.services import documents
    from ui.documents.word_import_dialog import WordImportDialog

    folder = Path(tempfile.mkdtemp(prefix="ecodesk-guide-word-"))
    path = folder / "整改情况通报.docx"
    documents.export_docx(window.db, 2, path)  # the demo's 关于近期生态环境问题整改情况的通报
    word = docx.Document(str(path))
    for paragraph in word.paragraphs:
        for run in paragraph.runs:
            run.text = re.sub(r"〔(\d{4})〕\d+号", "〔2025〕17号", run.text)
    word.save(str(path))
    dialog = WordImportDialog(window.db, path, documents.read_word(path), window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    show_dialog(dialog, shooter, "word-import")
    shutil.rmtree(folder, ignore_errors=True)


def shoot_appraisal(shooter: Shooter, window: Any) -> None:
    page = window.show_page("appraisal")
    wait_jobs()
    page.compute()
    wait_jobs()
    page.select_cell(0, 4)  # the first village's 火点管控: a score with deductions
    wait_jobs()
    shooter.save(window, "appraisal")

    def reason(box: QWidget) -> None:
        value = box.findChild(QDoubleSpinBox, "adjust_value")
        text = box.findChild(QPlainTextEdit, "adjust_reason")
        assert value is not None and text is not None, "调整得分 changed its fields"
        value.setValue(value.value() + 3)
        text.setPlainText("经复核，6月2日火点为上级误报")

    shooter.answer_modal("调整得分", "appraisal-adjust", "取消", reason)  # shown, not applied
    shooter.answer_modal("未保存的内容", None, "放弃")  # 取消 after typing asks first
    page.adjust_selected()
    settle(200)
    if shooter.out / "appraisal-adjust.png" not in shooter.made:
        raise RuntimeError("the 调整得分 dialog did not open")


def shoot_backup(shooter: Shooter, window: Any) -> None:
    from ecodesk.db import backups
    from ui.shell.backup_dialog import RestoreDialog

    backups.create_backup(window.db, reason="手动")
    dialog = RestoreDialog(backups.list_backups(window.db.path, backups.backup_folder(window.db)), window)
    show_dialog(dialog, shooter, "restore")
    page = window.show_page("settings")
    wait_jobs()
    page.backup_dir.setText(r"E:\EcoDesk备份")  # typed, not saved: a USB stick's folder as the clerk would
    shooter.save(window, "settings")

    # 打开密码: the dialog that sets it (typed, not applied: converting the demo file takes a while)
    from ui.shell.password import PasswordDialog, UnlockDialog

    dialog = PasswordDialog(window.db, window)

    def type_password() -> None:
        dialog.new.setText("qh-2026-hb")
        dialog.again.setText("qh-2026-hb")

    show_dialog(dialog, shooter, "password-set", type_password)
    # and the question at start-up (ui.shell.password.ensure_key asks with this text)
    unlock = UnlockDialog(
        "数据文件 ecodesk.db 设置了打开密码（已加密），请输入密码。", lambda _s: False, window
    )
    show_dialog(unlock, shooter, "password-unlock")


# The county's weekly form as the clerk marks it once (按上级表格填报): a title with the town and the
# period, one village row, a 合计 row, the 填报人 line. Column widths in Excel's characters.
FORM_COLUMNS = (
    ("序号", "{{序号}}", 9),
    ("村（社区）", "{{村}}", 12),
    ("巡查次数", "{{巡查次数}}", 12),
    ("报送天数", "{{报送天数}}", 12),
    ("火点", "{{火点}}", 9),
    ("发现问题", "{{发现问题}}", 12),
    ("整改完成", "{{整改完成}}", 12),
    ("承诺书签订", "{{承诺书签订}}", 14),
)


def marked_form(path: Path) -> None:
    """Write the county's form with its placeholders (openpyxl), as the clerk would in Excel/WPS."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "周报表"
    last = len(FORM_COLUMNS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet["A1"] = "秸秆禁烧工作周报表"
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet["A2"] = "填报单位：{{乡镇}}人民政府　　统计时间：{{开始日期}}至{{结束日期}}"
    side = Side(style="thin")
    rows = (
        [head for head, _token, _width in FORM_COLUMNS],
        [token for _head, token, _width in FORM_COLUMNS],
        ["合计", "", *(token for _head, token, _width in FORM_COLUMNS[2:])],
    )
    for row, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value)
            cell.border = Border(left=side, right=side, top=side, bottom=side)
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.font = Font(bold=row == 3)
    sheet.merge_cells("A5:B5")
    sheet["A6"] = "填报人：{{填报人}}　　填报日期：{{填报日期}}"
    for column, (_head, _token, width) in enumerate(FORM_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    book.save(path)


def render_sheet(shooter: Shooter, xlsx: Path, name: str, headings: bool = False) -> None:
    """A form as it prints: LibreOffice Calc converts it to PDF, pdftoppm renders the first page,
    and the paper around the table is cut off. ``headings`` prints Excel's column letters and row
    numbers (how the program names a cell: C4)."""
    from openpyxl import load_workbook
    from PIL import Image, ImageChops

    source = xlsx
    if headings:
        book = load_workbook(xlsx)
        for sheet in book.worksheets:
            sheet.print_options.headings = True
        source = xlsx.with_name(f"{xlsx.stem}-headings.xlsx")
        book.save(source)
    profile = xlsx.parent / "lo-profile"  # its own LibreOffice profile: another soffice may be running
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(xlsx.parent),
            str(source),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    pdf = source.with_suffix(".pdf")
    stem = xlsx.parent / f"{name}-page"
    subprocess.run(["pdftoppm", "-r", "96", "-f", "1", "-l", "1", "-png", str(pdf), str(stem)], check=True)
    page = next(xlsx.parent.glob(f"{name}-page*.png"))
    with Image.open(page) as image:
        rgb = image.convert("RGB")
    box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()
    if box is None:
        raise RuntimeError(f"{xlsx.name} printed an empty page")
    margin = 12
    left, top, right, bottom = box
    box = (
        max(0, left - margin),
        max(0, top - margin),
        min(rgb.width, right + margin),
        min(rgb.height, bottom + margin),
    )
    path = shooter.out / f"{name}.png"
    rgb.crop(box).save(path)
    shooter.made.append(path)
    print(f"{path.name}: {box[2] - box[0]}×{box[3] - box[1]} (printed by LibreOffice)")


def shoot_stats(shooter: Shooter, window: Any) -> None:
    """统计 (last month by village) and 按上级表格填报: the county's weekly form marked once, the
    dialog, and the form it fills for last week."""
    from ui.stats.fill_dialog import FillFormDialog

    page = window.show_page("stats")
    wait_jobs()
    page.set_period("上月")
    wait_jobs()
    select_row(page.table, 0)
    shooter.save(window, "stats")

    folder = Path(tempfile.mkdtemp(prefix="ecodesk-guide-form-"))
    template = folder / "秸秆禁烧工作周报表.xlsx"
    marked_form(template)
    render_sheet(shooter, template, "form-marked", headings=True)

    dialog = FillFormDialog(window.db, page.chosen_period(), window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.show()
    settle(200)
    # As on the clerk's PC: the form where she saved it from the county's message.
    dialog.template.setText(r"C:\Users\wxy\Documents\上级表格\秸秆禁烧工作周报表.xlsx")
    dialog.use_period("上周")
    shooter.save(dialog, "stats-fill")

    filled = folder / "秸秆禁烧工作周报表（已填）.xlsx"
    dialog.template.setText(str(template))
    dialog.out.setText(str(filled))
    shooter.answer_modal("已填写", None, "关闭")
    if dialog.save() is None:
        raise RuntimeError(f"按上级表格填报 did not start: {dialog.error.text()}")
    wait_jobs()
    settle(300)
    if not filled.is_file():
        raise RuntimeError(f"the county's form was not filled: {dialog.error.text()}")
    dialog.close()
    dialog.deleteLater()
    render_sheet(shooter, filled, "form-filled")
    shutil.rmtree(folder, ignore_errors=True)
    page.set_period("本月")


def shoot_targets(shooter: Shooter, window: Any) -> None:
    """目标: the year's indicators with PM2.5's chart, and a hand-filled month typed in."""
    from ui.targets.dialogs import MonthValueDialog

    page = window.show_page("targets")
    wait_jobs()
    settle(500)
    shooter.save(window, "targets")
    row = next(r for r in page.model.rows if r.indicator.name == "秸秆综合利用率")  # 逐月填报
    dialog = MonthValueDialog(window.db, row, 11, window)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    show_dialog(dialog, shooter, "targets-month")


if __name__ == "__main__":
    raise SystemExit(main())
