"""日报 one click away: ask the date, make the PDF (a 通报-style page) and the Excel table off the GUI
thread with ``ecodesk.services.reports``, then show who reported nothing and open or save the files.

"日督查、日通报、日报告": the clerk sends this every day, so the date starts at today, Enter accepts it,
and Enter again opens the PDF. A date typed and then Esc'd asks 放弃未保存的内容？ like every input
dialog. The files wait in a temporary folder (:mod:`ui.patrols.report_folders`) removed when the
page or the program closes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_cn, format_iso
from ecodesk.db.database import Database
from ecodesk.files import write_error
from ecodesk.jobs import Job
from ecodesk.services import reports
from ecodesk.services.reports import DailyReport
from ui.common import dialogs, unsaved
from ui.common.buttons import dialog_buttons
from ui.common.field_editors import DateLineEdit
from ui.common.jobs import JobHandle, run_job
from ui.patrols import report_folders


@dataclass(frozen=True)
class DailyFiles:
    report: DailyReport
    pdf: Path  # the 通报
    table_pdf: Path  # the 日报表: one ruled table, for posting and filing
    xlsx: Path


def file_stem(report: DailyReport) -> str:
    return f"{report.town}巡查日报{format_iso(report.day)}"


def make_daily_files(db: Database, day: date, folder: Path, job: Job | None = None) -> DailyFiles:
    """The day's report gathered once and written as PDF and xlsx into ``folder`` (a worker-thread job)."""
    if job is not None:
        job.report(0, 4, "正在汇总当天的巡查……")
    report = reports.daily_report(db, day)
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(report)
    if job is not None:
        job.report(1, 4, "正在生成通报 PDF……")
    pdf = folder / f"{stem}.pdf"
    reports.render_daily_pdf(db, report, pdf)
    if job is not None:
        job.report(2, 4, "正在生成日报表 PDF……")
    table_pdf = folder / f"{stem}（表）.pdf"
    reports.render_daily_table_pdf(db, report, table_pdf)
    if job is not None:
        job.report(3, 4, "正在生成 Excel……")
    xlsx = reports.write_daily_xlsx(report, folder / f"{stem}.xlsx")
    return DailyFiles(report, pdf, table_pdf, Path(xlsx))


def open_file(path: Path) -> bool:
    """Open a file in its usual program (the PDF reader). Tests replace this."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class DateDialog(unsaved.AskingDialog):
    """Which day's report: today unless another date is typed."""

    def __init__(self, default: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("生成巡查日报")
        self.date_edit = DateLineEdit()
        self.date_edit.setObjectName("daily_report_date")
        self.date_edit.set_date(default)
        self._initial_text = self.date_edit.text()
        self.error = QLabel()
        self.error.setStyleSheet("color:#c62828;")
        self.error.hide()
        self.chosen: date | None = None
        row = QHBoxLayout()
        row.addWidget(QLabel("日报日期："))
        row.addWidget(self.date_edit, 1)
        buttons = dialog_buttons(self, "生成日报", self._accept).box
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("生成通报（PDF）、日报表（PDF，横向表格）和 Excel 三份文件。"))
        layout.addWidget(buttons)
        self.date_edit.setFocus()
        self.date_edit.selectAll()

    def _accept(self) -> None:
        day = self.date_edit.parsed_date()
        if day is None:
            self.error.setText("日报日期：请写成 2024-03-05 或 2024年3月5日")
            self.error.show()
            return
        if day > dates.today():
            self.error.setText(f"日报日期：{format_iso(day)} 还没到")
            self.error.show()
            return
        self.chosen = day
        self.accept()

    def is_dirty(self) -> bool:
        """Another date was typed than the one offered."""
        return self.date_edit.text() != self._initial_text

    def save_asked(self) -> object:
        """Esc, 取消 and ×: a typed date is not thrown away without asking (保存 makes the report)."""
        self._accept()
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, default: date) -> date | None:
        dialog = cls(default, parent)
        try:
            return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class DailyResultDialog(QDialog):
    """What the report says in brief — above all the villages that reported nothing — and the files."""

    def __init__(self, files: DailyFiles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files = files
        report = files.report
        self.setObjectName("daily_report_result")
        self.setWindowTitle(f"巡查日报 {format_iso(report.day)}")
        self.setMinimumWidth(560)
        summary = QLabel(
            f"<b>{format_cn(report.day)}</b>：{len(report.reported)} 个村（社区）报告巡查 {report.patrol_count} 次，"
            f"发现问题 {report.finding_count} 条，火点 {report.fire_count} 处。"
        )
        summary.setWordWrap(True)
        silent = report.silent
        self.silent_label = QLabel(
            f"未报告巡查的村（社区）{len(silent)} 个：{'、'.join(silent)}"
            if silent
            else "全部村（社区）都已报告巡查。"
        )
        self.silent_label.setObjectName("daily_report_silent")
        self.silent_label.setWordWrap(True)
        self.silent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.silent_label.setStyleSheet("color:#c62828; font-weight:bold;" if silent else "color:#2e7d32;")

        self.open_button = QPushButton("打开通报 PDF")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(lambda: self._open(files.pdf))
        self.open_table_button = QPushButton("打开日报表")
        self.open_table_button.setAutoDefault(False)
        self.open_table_button.clicked.connect(lambda: self._open(files.table_pdf))
        self.open_xlsx_button = QPushButton("打开 Excel")
        self.open_xlsx_button.setAutoDefault(False)
        self.open_xlsx_button.clicked.connect(lambda: self._open(files.xlsx))
        self.save_pdf_button = QPushButton("另存通报…")
        self.save_pdf_button.setAutoDefault(False)
        self.save_pdf_button.clicked.connect(lambda: self._save_as(files.pdf, "PDF 文件 (*.pdf)"))
        self.save_table_button = QPushButton("另存日报表…")
        self.save_table_button.setAutoDefault(False)
        self.save_table_button.clicked.connect(lambda: self._save_as(files.table_pdf, "PDF 文件 (*.pdf)"))
        self.save_xlsx_button = QPushButton("另存 Excel…")
        self.save_xlsx_button.setAutoDefault(False)
        self.save_xlsx_button.clicked.connect(lambda: self._save_as(files.xlsx, "Excel 文件 (*.xlsx)"))
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        open_row, save_row = QHBoxLayout(), QHBoxLayout()
        for button in (self.open_button, self.open_table_button, self.open_xlsx_button):
            open_row.addWidget(button)
        open_row.addStretch(1)
        for button in (self.save_pdf_button, self.save_table_button, self.save_xlsx_button):
            save_row.addWidget(button)
        save_row.addStretch(1)
        save_row.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.silent_label)
        layout.addLayout(open_row)
        layout.addLayout(save_row)

    def _open(self, path: Path) -> None:
        if not open_file(path):
            dialogs.show_error(self, f"无法打开文件：{path}\n请用“另存”保存后再打开。")

    def _save_as(self, path: Path, name_filter: str) -> None:
        target = dialogs.ask_save_file(self, "另存为", path.name, name_filter)
        if target is None:
            return
        try:
            shutil.copyfile(path, target)
        except OSError as exc:
            dialogs.show_error(self, str(write_error(target, exc)))
            return
        dialogs.show_info(self, f"已保存到：\n{target}", "保存完成")

    @classmethod
    def show_for(cls, parent: QWidget | None, files: DailyFiles) -> None:
        dialog = cls(files, parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


class DailyReportAction:
    """The page's 日报 button: date → job → result. ``handle`` is the running job (tests wait on it)."""

    def __init__(self, parent: QWidget, db: Database) -> None:
        self._parent = parent
        self._db = db
        self.handle: JobHandle | None = None
        self.files: DailyFiles | None = None
        self.folder: Path | None = None  # made at the first report, removed on close

    def run(self, day: date | None = None) -> JobHandle | None:
        day = day or DateDialog.ask(self._parent, dates.today())
        if day is None:
            return None
        db, folder = self._db, self._ensure_folder()

        def work(job: Job) -> DailyFiles:
            return make_daily_files(db, day, folder, job)

        self.handle = run_job(self._parent, "正在生成巡查日报", work, self._done)
        return self.handle

    def _done(self, files: DailyFiles) -> None:
        self.files = files
        DailyResultDialog.show_for(self._parent, files)

    def _ensure_folder(self) -> Path:
        if self.folder is None or not self.folder.is_dir():
            folder = self.folder = report_folders.make_folder()
            # Gone with the page (a restore or another file rebuilds it) or with the program. The
            # connections hold the path, not this object, so they work after the page is deleted.
            self._parent.destroyed.connect(lambda *_args: report_folders.remove_folder(folder))
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(lambda: report_folders.remove_folder(folder))
        return self.folder

    def cleanup(self) -> None:
        """Remove the report files now (the program is closing)."""
        if self.folder is not None:
            report_folders.remove_folder(self.folder)
