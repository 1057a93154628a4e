"""按上级表格填报…: choose the county's form (marked once with placeholders), the period and where the
filled copy goes; the placeholder catalogue is listed beside, each with what it counts (double-click
copies one). The filling runs as a job (:func:`ecodesk.services.county_forms.fill_county_form`); a
form that cannot be filled as marked (an unknown placeholder, an .xls) is explained inside the
dialog, which stays open so the clerk can correct the form and try again. Afterwards it offers to
open the folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.exports.form_fill import FilledForm
from ecodesk.jobs import Job
from ecodesk.services import county_forms
from ui.common import dialogs, unsaved
from ui.common.buttons import dialog_buttons
from ui.common.field_editors import DateLineEdit
from ui.common.jobs import JobHandle, run_job

OPEN_FILTER = "Excel 工作簿 (*.xlsx);;其他表格 (*.xls *.et *.xlsm)"
SAVE_FILTER = "Excel 工作簿 (*.xlsx)"


def tell_filled(parent: QWidget | None, filled: FilledForm, villages: int) -> bool:
    """Say what was written; True when the clerk chose 打开文件夹 (a function so tests can replace it)."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "已填写",
        f"已按{villages}个村（社区）填好表格：\n{filled.path}\n\n请打开核对后再报送。",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    folder = box.addButton("打开文件夹", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(folder)
    box.setEscapeButton(close)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    return clicked is folder


def replace_existing(parent: QWidget | None, path: Path) -> bool:
    """Whether to write over a filled form already there (a function so tests can replace it)."""
    return dialogs.confirm(
        parent,
        f"“{path.name}”已经存在（也许是上次填好、又改过的表格）。\n要用新填的表格替换它吗？",
        ok_text="替换",
    )


def catalogue_table() -> QTableWidget:
    """Every placeholder and what it counts; double-click copies the placeholder."""
    table = QTableWidget(len(county_forms.CATALOGUE), 2)
    table.setObjectName("fill_catalogue")
    table.setHorizontalHeaderLabels(["占位符", "填写的内容"])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    for row, placeholder in enumerate(county_forms.CATALOGUE):
        table.setItem(row, 0, QTableWidgetItem(placeholder.token))
        description = QTableWidgetItem(placeholder.description)
        description.setToolTip(placeholder.description)
        table.setItem(row, 1, description)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()

    def copy(row: int, _column: int) -> None:
        QGuiApplication.clipboard().setText(county_forms.CATALOGUE[row].token)

    table.cellDoubleClicked.connect(copy)
    return table


class FillFormDialog(unsaved.AskingDialog):
    """The form, the period and the output; ``filled`` once written."""

    def __init__(
        self, db: Database, period: tuple[date, date] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("fill_form_dialog")
        self.setWindowTitle("按上级表格填报")
        self.db = db
        self.filled: FilledForm | None = None
        self.job: JobHandle | None = None
        self._suggested_out = ""
        first, last = period or county_forms.period_range("本周", dates.today())
        self.template = QLineEdit()
        self.template.setObjectName("fill_template")
        self.template.setPlaceholderText("上级发来、已写好占位符的 .xlsx 表格")
        self.template.textChanged.connect(self._suggest_out)
        choose = QPushButton("选择…")
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_template)
        self.date_from, self.date_to = DateLineEdit(), DateLineEdit()
        self.date_from.setObjectName("fill_from")
        self.date_to.setObjectName("fill_to")
        self.date_from.set_date(first)
        self.date_to.set_date(last)
        for box in (self.date_from, self.date_to):
            box.setMaximumWidth(130)
            box.date_changed.connect(self._suggest_out)
        presets = QHBoxLayout()
        for name in county_forms.PERIODS:
            button = QPushButton(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, n=name: self.use_period(n))
            presets.addWidget(button)
        presets.addStretch(1)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.date_from)
        dates_row.addWidget(QLabel("至"))
        dates_row.addWidget(self.date_to)
        dates_row.addStretch(1)
        self.out = QLineEdit()
        self.out.setObjectName("fill_out")
        self.out.setPlaceholderText("填好的表格存到哪里（另存一份，原表格不变）")
        save_as = QPushButton("另存为…")
        save_as.setAutoDefault(False)
        save_as.clicked.connect(self.choose_out)
        form = QFormLayout()
        form.addRow("上级表格：", _with_button(self.template, choose))
        form.addRow("常用期间：", presets)
        form.addRow("统计期间：", dates_row)
        form.addRow("保存为：", _with_button(self.out, save_as))
        self.error = QLabel()
        self.error.setObjectName("fill_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c62828;")
        self.error.hide()
        usage = QLabel(county_forms.USAGE)
        usage.setWordWrap(True)
        usage.setStyleSheet("color:#57606a;")
        self.catalogue = catalogue_table()
        buttons = dialog_buttons(self, "填写", self.save).box
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("可用的占位符（双击复制）："))
        layout.addWidget(self.catalogue, 1)
        layout.addWidget(usage)
        layout.addWidget(buttons)
        self.resize(900, 680)
        self._initial = self._state()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.catalogue.resizeRowsToContents()  # the long descriptions wrap once the column has its width

    # -- the fields ---------------------------------------------------------------------------------

    def _state(self) -> tuple[str, str, str, str]:
        return self.template.text(), self.date_from.text(), self.date_to.text(), self.out.text()

    def is_dirty(self) -> bool:
        return self._state() != self._initial

    def use_period(self, name: str) -> None:
        first, last = county_forms.period_range(name, dates.today())
        self.date_from.set_date(first)
        self.date_to.set_date(last)
        self._suggest_out()

    def choose_template(self) -> None:
        path = dialogs.ask_open_file(self, "选择上级发来的表格", OPEN_FILTER)
        if path is not None:
            self.template.setText(str(path))

    def choose_out(self) -> None:
        start = self.out.text() or self._default_out() or "填好的表格.xlsx"
        path = dialogs.ask_save_file(self, "填好的表格另存为", Path(start).name, SAVE_FILTER)
        if path is not None:
            self.out.setText(
                str(path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx"))
            )

    def _default_out(self) -> str:
        template, first, last = (
            self.template.text().strip(),
            self.date_from.parsed_date(),
            self.date_to.parsed_date(),
        )
        if not template or first is None or last is None:
            return ""
        return str(Path(template).with_name(county_forms.filled_file_name(Path(template), first, last)))

    def _suggest_out(self) -> None:
        """Name the output after the form and the period until the clerk types a name of her own."""
        if self.out.text() in ("", self._suggested_out):
            self._suggested_out = self._default_out()
            self.out.setText(self._suggested_out)
        self._clear_error()

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- filling ------------------------------------------------------------------------------------

    def _checked(self) -> tuple[Path, date, date, Path] | None:
        template, out = self.template.text().strip(), self.out.text().strip()
        first, last = self.date_from.parsed_date(), self.date_to.parsed_date()
        if not template:
            self._problem("上级表格：请选择上级发来、已写好占位符的表格")
        elif first is None or last is None:
            self._problem("统计期间：请写成 2026-11-02 或 2026年11月2日")
        elif last < first:
            self._problem(f"统计期间：截止日期 {format_iso(last)} 早于起始日期 {format_iso(first)}")
        elif not out:
            self._problem("保存为：请写上填好的表格存到哪里")
        else:
            out_path = Path(out) if Path(out).suffix.lower() == ".xlsx" else Path(out + ".xlsx")
            return Path(template), first, last, out_path
        return None

    def save(self) -> JobHandle | None:
        """Fill the form as a job; the dialog closes when it is written."""
        if self.job is not None:
            return None  # already filling (填写 pressed twice)
        checked = self._checked()
        if checked is None:
            return None
        template, first, last, out = checked
        if out.exists() and not replace_existing(self, out):
            return None
        db = self.db

        def work(_job: Job) -> tuple[FilledForm, int]:
            filled, counts = county_forms.fill_county_form(db, template, out, first, last)
            return filled, len(counts.rows)

        self.job = run_job(self, "填写上级表格", work, self._done, self._failed)
        return self.job

    def _done(self, result: tuple[FilledForm, int]) -> None:
        self.job = None
        self.filled, villages = result
        self.accept()
        if tell_filled(self.parentWidget(), self.filled, villages):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.filled.path.parent)))

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        if isinstance(exc, EcoDeskError):
            self._problem(str(exc))
        else:
            dialogs.show_unexpected(self, exc)

    def save_asked(self) -> object:
        """Esc, 取消 and × with something chosen: 保存 fills the form."""
        self.save()
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, period: tuple[date, date] | None) -> FilledForm | None:
        dialog = cls(db, period, parent)
        try:
            return dialog.filled if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def _with_button(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row
