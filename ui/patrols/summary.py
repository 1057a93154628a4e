"""巡查汇总 for the period the clerk chooses: 起始日期 and 截止日期 (or one click on 本周, 上周, 本月,
上月) and Excel or PDF. The page's 巡查汇总 menu offers the four presets directly and this dialog as
选择时间段…; :func:`ecodesk.services.reports.range_summary` counts and ``write_summary`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.services import reports
from ui.common import unsaved
from ui.common.buttons import dialog_buttons
from ui.common.field_editors import DateLineEdit

EXCEL, PDF = ".xlsx", ".pdf"
FILTERS = {EXCEL: "Excel 文件 (*.xlsx)", PDF: "PDF 文件 (*.pdf)"}


def save_filter(first: str = EXCEL) -> str:
    """The save dialog's file types, the preferred one first."""
    return ";;".join([FILTERS[first], *(f for s, f in FILTERS.items() if s != first)])


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    suffix: str  # EXCEL or PDF


class PeriodDialog(unsaved.AskingDialog):
    """Which days to sum up and in which format; ``chosen`` once accepted."""

    def __init__(self, start: tuple[date, date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary_period_dialog")
        self.setWindowTitle("巡查汇总：选择时间段")
        self.setMinimumWidth(460)
        self.chosen: Period | None = None
        self.date_from, self.date_to = DateLineEdit(), DateLineEdit()
        self.date_from.setObjectName("summary_from")
        self.date_to.setObjectName("summary_to")
        self.date_from.set_date(start[0])
        self.date_to.set_date(start[1])
        presets = QHBoxLayout()
        for name in reports.PRESETS:
            button = QPushButton(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, n=name: self.use_preset(n))
            presets.addWidget(button)
        presets.addStretch(1)
        self.excel, self.pdf = QRadioButton("Excel（可再编辑）"), QRadioButton("PDF（直接打印）")
        self.excel.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.excel)
        group.addButton(self.pdf)
        formats = QHBoxLayout()
        formats.addWidget(self.excel)
        formats.addWidget(self.pdf)
        formats.addStretch(1)
        form = QFormLayout()
        form.addRow("常用：", presets)
        form.addRow("起始日期：", self.date_from)
        form.addRow("截止日期：", self.date_to)
        form.addRow("保存为：", formats)
        self.error = QLabel()
        self.error.setObjectName("summary_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c62828;")
        self.error.hide()
        note = QLabel("按村和巡查类型汇总这段时间的巡查次数、报送天数、发现问题和火点。")
        note.setWordWrap(True)
        note.setStyleSheet("color:#57606a;")
        buttons = dialog_buttons(self, "生成汇总", self._accept).box
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.date_from.textEdited.connect(self._clear_error)
        self.date_to.textEdited.connect(self._clear_error)
        self._initial = self._state()
        self.date_from.setFocus()

    def _state(self) -> tuple[str, str, bool]:
        return self.date_from.text(), self.date_to.text(), self.pdf.isChecked()

    def use_preset(self, name: str) -> None:
        first, last = reports.preset_range(name, dates.today())
        self.date_from.set_date(first)
        self.date_to.set_date(last)
        self._clear_error()

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _accept(self) -> None:
        first, last = self.date_from.parsed_date(), self.date_to.parsed_date()
        if first is None:
            self._problem("起始日期：请写成 2024-10-08 或 2024年10月8日")
            self.date_from.setFocus()
            return
        if last is None:
            self._problem("截止日期：请写成 2024-10-20 或 2024年10月20日")
            self.date_to.setFocus()
            return
        if last < first:
            self._problem(f"截止日期：{format_iso(last)} 早于起始日期 {format_iso(first)}")
            self.date_to.setFocus()
            return
        if first > dates.today():
            self._problem(f"起始日期：{format_iso(first)} 还没到，这段时间还没有巡查")
            self.date_from.setFocus()
            return
        self.chosen = Period(first, last, PDF if self.pdf.isChecked() else EXCEL)
        self.accept()

    def is_dirty(self) -> bool:
        return self._state() != self._initial

    def save_asked(self) -> object:
        """Esc, 取消 and ×: dates typed here are not thrown away without asking."""
        self._accept()
        return None

    @classmethod
    def ask(cls, parent: QWidget | None) -> Period | None:
        dialog = cls(reports.preset_range("本月", dates.today()), parent)
        try:
            return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
