"""The 承诺书 page: signing lists, coverage, batch printing and the templates of one year and kind.

The year and kind at the top apply to every tab. Batch printing and exports run as jobs (worker
thread, progress dialog with 取消); a cancelled batch leaves no file. Widgets hold no queries: all
data comes from :mod:`ecodesk.services.letters`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.letters.placeholders import DATE_PLACEHOLDER, names_in
from ecodesk.models.letter import LETTER_KINDS
from ecodesk.services import letter_print, letters
from ecodesk.services.dashboard import Target
from ecodesk.services.org import ENTERPRISES, HOUSEHOLDS, UNITS
from ui.common import dialogs
from ui.common.changes import Area, changes
from ui.common.jobs import JobHandle, run_job
from ui.common.operations import notify
from ui.letters.models import CoverageModel
from ui.letters.signing import LetterSigningTab
from ui.letters.templates import LetterTemplatesTab

ALL_KINDS = "全部类别"


def open_file(path: Path) -> None:
    """Open a finished PDF or workbook with the system viewer (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class LettersPage(QWidget):
    """Signals: ``count_changed(object)`` — the rows of the tab on screen (letters in the signing
    list, villages on 签订率), or None on a tab that is not a list; the status bar shows it."""

    count_changed = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("letters_page")
        self.last_result: Any = None
        self._group_counts: dict[str, letters.GroupCount] = {}  # the 组 offered on 批量打印

        self.year = QSpinBox()
        self.year.setObjectName("letters_year")
        self.year.setRange(letters.MIN_YEAR, letters.MAX_YEAR)
        years = letters.years_with_letters(db)
        self.year.setValue(years[0] if years else dates.today().year)
        self.year.setSuffix(" 年度")
        self.kind = QComboBox()
        self.kind.setObjectName("letters_kind")
        self.kind.addItems(LETTER_KINDS)
        self.generate_button = QPushButton("生成签订名单")
        self.generate_button.setObjectName("letters_generate")
        self.generate_button.setToolTip("为需要签订的农户、单位和企业生成承诺书（已有的不重复生成）")
        self.generate_button.clicked.connect(self.generate)
        self.headline = QLabel()
        self.headline.setObjectName("letters_headline")
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        top.addWidget(QLabel("类别"))
        top.addWidget(self.kind)
        top.addWidget(self.generate_button)
        top.addStretch(1)
        top.addWidget(self.headline)

        self.signing = LetterSigningTab(db)
        self.signing.changed.connect(self._refresh_coverage)
        self.signing.model.modelReset.connect(self._announce_count)
        self.templates = LetterTemplatesTab(db)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("letters_tabs")
        self.tabs.addTab(self.signing, "签订名单")
        self.coverage_tab = self._coverage_tab()
        self.tabs.addTab(self.coverage_tab, "签订率")
        self.tabs.addTab(self._print_tab(), "批量打印")
        self.tabs.addTab(self.templates, "模板")
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        self.tabs.currentChanged.connect(lambda _i: self._announce_count())

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.year.valueChanged.connect(lambda _v: self.reload())
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        # the letters themselves, and the rosters a letter is signed by (who must sign, and their names)
        changes().watch(self, [Area.LETTERS, HOUSEHOLDS, UNITS, ENTERPRISES], self._letters_changed)
        changes().everything_changed.connect(self.reload)
        self.reload()

    # -- tabs ---------------------------------------------------------------------------------

    def _coverage_tab(self) -> QWidget:
        self.coverage_model = CoverageModel()
        self.coverage_table = QTableView()
        self.coverage_table.setObjectName("coverage_table")
        self.coverage_table.setModel(self.coverage_model)
        self.coverage_table.verticalHeader().setVisible(False)
        self.coverage_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.coverage_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.coverage_table.doubleClicked.connect(self._open_village)
        self.coverage_scope = QComboBox()
        self.coverage_scope.addItems(["当前类别", ALL_KINDS])
        self.coverage_scope.currentIndexChanged.connect(lambda _i: self._refresh_coverage())
        xlsx = QPushButton("导出Excel…")
        xlsx.clicked.connect(lambda: self._ask_export(".xlsx"))
        pdf = QPushButton("导出PDF…")
        pdf.clicked.connect(lambda: self._ask_export(".pdf"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("统计"))
        bar.addWidget(self.coverage_scope)
        bar.addWidget(QLabel("（作废的不计入应签；双击一个村查看它的签订名单）"))
        bar.addStretch(1)
        bar.addWidget(xlsx)
        bar.addWidget(pdf)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        layout.addWidget(self.coverage_table, 1)
        return tab

    def _print_tab(self) -> QWidget:
        self.print_village = QComboBox()
        self.print_village.setObjectName("print_village")
        self.print_group = QComboBox()
        self.print_group.setObjectName("print_group")
        self.print_group.setToolTip("先选一个村（社区），再选其中的一个组；不选则打印全村")
        self.print_pending = QCheckBox("仅未签订（只打印尚未签订的）")
        self.print_pending.setObjectName("print_pending")
        self.print_date = QDateEdit(QDate.currentDate())
        self.print_date.setCalendarPopup(True)
        self.print_date.setDisplayFormat("yyyy-MM-dd")
        self.print_date.dateChanged.connect(lambda _d: self._update_date_hint())
        self.print_date_hint = QLabel()
        self.print_date_hint.setObjectName("print_date_hint")
        self.print_date_hint.setWordWrap(True)
        self.print_date_hint.setStyleSheet("color:#555;")
        self.print_count = QLabel()
        self.print_count.setObjectName("print_count")
        self.print_button = QPushButton("生成 PDF…")
        self.print_button.setObjectName("print_button")
        self.print_button.clicked.connect(self._ask_print)
        self.print_village.currentIndexChanged.connect(lambda _i: self._fill_print_groups())
        self.print_group.currentIndexChanged.connect(lambda _i: self._update_print_count())
        self.print_pending.toggled.connect(lambda _on: self._update_print_count())
        for w in (self.print_village, self.print_group, self.print_date, self.print_button):
            w.setMaximumWidth(320)
        form = QFormLayout()
        form.addRow("范围", self.print_village)
        form.addRow("组", self.print_group)
        form.addRow("", self.print_pending)
        form.addRow("落款日期", self.print_date)
        form.addRow("", self.print_date_hint)
        form.addRow("", self.print_count)
        form.addRow("", self.print_button)
        note = QLabel(
            "每份承诺书印一页，按村、组排序，页脚印有编号和条码（收回时可扫码或按编号标记已签）。"
            "几千份需要十几秒，可随时取消，取消后不会留下不完整的文件。"
        )
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        return tab

    # -- loading ----------------------------------------------------------------------------------

    def current_year(self) -> int:
        return int(self.year.value())

    def current_kind(self) -> str:
        return self.kind.currentText()

    def reload(self) -> None:
        year, kind = self.current_year(), self.current_kind()
        self.signing.load(year, kind)
        self._refresh_coverage()
        self._fill_print_villages()
        self._update_date_hint()
        if self.tabs.currentWidget() is self.templates:
            self.templates.load(year, kind)
        else:
            self.templates.year = 0  # load when shown

    def chosen_print_date(self) -> date:
        d = self.print_date.date()
        return date(d.year(), d.month(), d.day())

    def _update_date_hint(self) -> None:
        """Say where the chosen 落款日期 is printed — or that this kind's wording has no place for it."""
        if not hasattr(self, "print_date_hint"):
            return
        kind = self.current_kind()
        try:
            tpl = letters.template_for(self.db, self.current_year(), kind)
        except EcoDeskError:
            self.print_date_hint.setText("")
            return
        parts = (
            ("标题", tpl.title),
            ("正文", tpl.body),
            ("左侧签署栏", tpl.party_a),
            ("右侧签署栏", tpl.party_b),
        )
        used = [label for label, text in parts if DATE_PLACEHOLDER in names_in(text)]
        if used:
            self.print_date_hint.setText(
                f"印在{'、'.join(used)}的落款处：{format_cn(self.chosen_print_date())}"
            )
        else:
            self.print_date_hint.setText(
                f"本年度{kind}的模板没有落款日期的位置，所选日期不会印出（签署栏的“年　月　日”由签字人手填）。"
                f"要印上，请在“模板”页的签署栏写入 {{{DATE_PLACEHOLDER}}}。"
            )

    def _tab_shown(self) -> None:
        if self.tabs.currentWidget() is self.templates and self.templates.year != self.current_year():
            self.templates.load(self.current_year(), self.current_kind())

    def _letters_changed(self) -> None:
        self.signing.load(self.current_year(), self.current_kind())
        self._refresh_coverage()
        self._update_date_hint()

    def _refresh_coverage(self) -> None:
        kind = None if self.coverage_scope.currentText() == ALL_KINDS else self.current_kind()
        rows = letters.coverage(self.db, self.current_year(), kind)
        self.coverage_model.set_rows(rows)
        total = letters.coverage(self.db, self.current_year(), self.current_kind())[-1]
        self.headline.setText(
            f"{self.current_kind()}：应签 {total.required:,}，已签 {total.signed:,}，签订率 {total.rate_text}"
        )
        self._update_print_count()
        self._announce_count()

    def _fill_print_villages(self) -> None:
        keep = self.print_village.currentData()
        self.print_village.blockSignals(True)
        self.print_village.clear()
        self.print_village.addItem("全镇", None)
        for row in letters.coverage(self.db, self.current_year(), self.current_kind())[:-1]:
            if row.village_id is not None:
                self.print_village.addItem(row.village, row.village_id)
        index = self.print_village.findData(keep)
        self.print_village.setCurrentIndex(max(index, 0))
        self.print_village.blockSignals(False)
        self._fill_print_groups()

    def _fill_print_groups(self) -> None:
        """The chosen village's 组 (as its letters name them, 一组 before 十组), each with its counts."""
        keep = self.print_group.currentData()
        village_id = self.print_village.currentData()
        self.print_group.blockSignals(True)
        self.print_group.clear()
        self._group_counts = {}
        if village_id is None:
            self.print_group.addItem("（先选村，再选组）", None)
        else:
            self.print_group.addItem("全村所有组", None)
            for count in letters.group_counts(self.db, self.current_year(), self.current_kind(), village_id):
                if count.group and count.pending + count.signed:
                    self._group_counts[count.group] = count
                    self.print_group.addItem(f"{count.group}（未签 {count.pending}）", count.group)
        self.print_group.setEnabled(village_id is not None)
        self.print_group.setCurrentIndex(max(self.print_group.findData(keep), 0))
        self.print_group.blockSignals(False)
        self._update_print_count()

    def _update_print_count(self) -> None:
        if not hasattr(self, "print_count"):
            return
        village_id = self.print_village.currentData()
        group = self.print_group.currentData()
        rows = [r for r in self.coverage_model.rows[:-1] if village_id is None or r.village_id == village_id]
        required = sum(r.required for r in rows)
        pending = sum(r.pending for r in rows)
        if group is not None and group in self._group_counts:
            chosen = self._group_counts[group]
            required, pending = chosen.pending + chosen.signed, chosen.pending
        n = pending if self.print_pending.isChecked() else required
        self.print_count.setText(
            f"将打印 {n:,} 份（每份一页）" if n else "没有需要打印的承诺书，请先生成签订名单。"
        )

    def show_target(self, target: Target) -> None:
        """Open what a link names (:func:`ui.shell.navigation.open_target`): its tab, and on 签订名单 one
        village's letters — of the year and kind in ``flt.equals``, in ``flt.status`` ("" for all)."""
        wanted = dict(target.flt.equals)
        year, kind = wanted.get("year"), wanted.get("kind")
        if isinstance(year, int) and year != self.current_year():
            self.year.setValue(year)  # reloads
        if isinstance(kind, str) and self.kind.findText(kind) >= 0:
            self.kind.setCurrentIndex(self.kind.findText(kind))
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == target.tab:
                self.tabs.setCurrentIndex(index)
        if self.tabs.currentWidget() is self.signing and target.flt.village_id is not None:
            self.signing.show_village(target.flt.village_id, target.flt.status or "")

    def _open_village(self, index: Any) -> None:
        row = self.coverage_model.rows[index.row()]
        if row.village == "合计":
            return
        self.tabs.setCurrentWidget(self.signing)
        self.signing.select_village(row.village)

    # -- jobs ---------------------------------------------------------------------------------

    def generate(self) -> JobHandle:
        year = self.current_year()

        def work(job: Job) -> letters.GenerateResult:
            return letters.generate(self.db, year, None, job)

        def done(result: letters.GenerateResult) -> None:
            notify([Area.LETTERS])
            if not isValid(self):
                return  # the page was closed while the job ran
            self.reload()
            dialogs.show_info(self, f"{year}年度承诺书：{result}", "生成签订名单")

        return run_job(self, "生成签订名单", work, done)

    def _ask_print(self) -> None:
        village = self.print_village.currentText() + (self.print_group.currentData() or "")
        if self.print_pending.isChecked():
            village += "，未签订"
        default = f"{self.current_year()}年度{self.current_kind()}（{village}）.pdf"
        path = dialogs.ask_save_file(self, "保存批量打印的 PDF", default, "PDF 文件 (*.pdf)")
        if path is not None:
            self.print_to(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def print_to(self, path: Path, *, open_after: bool = True) -> JobHandle:
        """Print the chosen scope to ``path`` as a job (progress dialog with 取消)."""
        year, kind = self.current_year(), self.current_kind()
        village_id = self.print_village.currentData()
        group = self.print_group.currentData()
        only_pending = self.print_pending.isChecked()
        day = self.chosen_print_date()

        def work(job: Job) -> letter_print.PrintResult:
            return letter_print.print_batch(
                self.db,
                year,
                kind,
                path,
                village_id=village_id,
                groups=[group] if group else None,
                only_pending=only_pending,
                print_date=day,
                job=job,
            )

        def done(result: letter_print.PrintResult) -> None:
            self.last_result = result
            if result.generated.created:
                notify([Area.LETTERS])
            if not isValid(self.print_count):
                return  # the page was closed while the job ran
            self.print_count.setText(f"已生成 {result.path.name}：{result.pages:,} 页")
            if result.warning:
                dialogs.show_error(self, result.warning, "有字打印不出来")
            if open_after:
                open_file(result.path)

        return run_job(self, f"批量打印{kind}", work, done)

    def _ask_export(self, suffix: str) -> None:
        kind_text = self.current_kind() if self.coverage_scope.currentText() != ALL_KINDS else "承诺书"
        default = f"{self.current_year()}年度{kind_text}签订情况{suffix}"
        name_filter = "Excel 工作簿 (*.xlsx)" if suffix == ".xlsx" else "PDF 文件 (*.pdf)"
        path = dialogs.ask_save_file(self, "导出签订情况", default, name_filter)
        if path is not None:
            self.export_to(path if path.suffix.lower() == suffix else path.with_suffix(suffix))

    def export_to(self, path: Path, *, open_after: bool = True) -> JobHandle:
        year = self.current_year()
        kind = None if self.coverage_scope.currentText() == ALL_KINDS else self.current_kind()

        def work(job: Job) -> tuple[int, int]:
            return letter_print.export_coverage(self.db, year, path, kind, job=job)

        def done(result: tuple[int, int]) -> None:
            self.last_result = result
            if open_after:
                open_file(path)

        return run_job(self, "导出签订情况", work, done)

    def record_count(self) -> int | None:
        """What the status bar counts: the letters of 签订名单, the villages of 签订率 (合计 not one of
        them), nothing on 批量打印 and 模板, which are not lists."""
        if not hasattr(self, "tabs"):
            return None
        shown = self.tabs.currentWidget()
        if shown is self.signing:
            return self.signing.model.rowCount()
        if shown is self.coverage_tab:
            return sum(1 for r in self.coverage_model.rows if r.village != "合计")
        return None

    def _announce_count(self) -> None:
        self.count_changed.emit(self.record_count())
