"""考核: the year-end appraisal — the scheme, the score grid, the evidence behind a score, adjustments
with their reason, computing (as a job), finalising and unlocking, the sheet to Excel and the 通报.

Everything goes through ``ecodesk.services.appraisal``; the grid shows a plain
:class:`~ecodesk.appraisal.sheet.Sheet`. A finalised year shows read-only: the buttons that change
it are disabled and the banner says who locked it and when. A deduction line of the evidence opens
the record behind it on double-click or Enter (the fire point, problem or complaint itself; a month
short of patrols opens that village's patrols of that month), through :mod:`ui.shell.navigation`.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.appraisal.sheet import Cell, EvidenceLine, ItemView, Sheet, VillageRow
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError, ValidationError
from ecodesk.jobs import Job
from ecodesk.models.letter import STATUS_PENDING
from ecodesk.services import appraisal, documents
from ecodesk.services.dashboard import Target
from ecodesk.services.records import ListFilter
from ui.appraisal.model import ScoreModel
from ui.appraisal.scheme import SchemeDialog
from ui.common import dialogs, operations, unsaved
from ui.common.buttons import dialog_buttons, page_button
from ui.common.changes import Area, changes
from ui.common.field_problems import problem_cell
from ui.common.jobs import JobHandle, run_job
from ui.common.text_input import ask_text
from ui.shell.navigation import open_target

APPRAISAL = (Area.APPRAISAL,)  # what this page's writes change, and what it listens for
# The evidence line's table → (page, record kind) of the list that shows one such record.
RECORD_LISTS = {
    "fire_points": ("patrols", "fire_points"),
    "problems": ("problems", "problems"),
    "complaints": ("complaints", "complaints"),
}
SIGNING_TAB = "签订名单"  # the 承诺书 page's tab listing a village's letters


def evidence_target(line: EvidenceLine, village_id: int, year: int) -> Target | None:
    """Where a deduction line leads: its record (a 报送材料 line: its cell in the campaign's 报送情况), a
    month short of patrols that month's patrols, a 承诺书 line the village's letters still 待签."""
    village_id = line.village_id or village_id
    if line.table in RECORD_LISTS and line.record_id is not None:
        page, kind = RECORD_LISTS[line.table]
        return Target(page, kind, record_id=line.record_id)
    if line.table == "patrols" and line.day:
        first = date.fromisoformat(line.day).replace(day=1)
        last = first.replace(day=monthrange(first.year, first.month)[1])
        return Target("patrols", "patrols", ListFilter(village_id=village_id, date_from=first, date_to=last))
    if line.table == "commitments":
        letters_of = (("year", year), ("kind", line.letter_kind)) if line.letter_kind else (("year", year),)
        status = STATUS_PENDING if line.points < 0 else ""  # 未签: the ones still to sign
        return Target("letters", tab=SIGNING_TAB, flt=ListFilter(village_id, status, equals=letters_of))
    if line.table == "campaign_deliverables":
        if line.campaign_id is None or line.record_id is None:
            return Target("campaigns")
        return Target("campaigns", "campaigns", record_id=line.campaign_id, cell=(village_id, line.record_id))
    return None


def evidence_hint(line: EvidenceLine) -> str:
    """What double-click or Enter on the line opens, for its tooltip ("" when nothing)."""
    if line.table == "commitments":
        return "双击或按 Enter 查看本村的承诺书签订名单"
    if line.table == "campaign_deliverables":
        return "双击或按 Enter 打开该专项行动中这份报送材料"
    if line.table == "patrols" and line.day:
        return "双击或按 Enter 查看本村当月的巡查记录"
    if line.table in RECORD_LISTS and line.record_id is not None:
        return "双击或按 Enter 打开这条记录"
    return ""


class AdjustDialog(unsaved.AskingDialog):
    """调整得分: the final score wanted and the reason (required, asked for under its box).

    Esc, 取消 or × after changing the score or the reason asks 放弃未保存的内容？ (``ui.common.unsaved``).
    """

    def __init__(self, village: str, item: ItemView, cell: Cell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adjust_dialog")
        self.setWindowTitle("调整得分")
        self.setMinimumWidth(440)
        self.value = QDoubleSpinBox()
        self.value.setObjectName("adjust_value")
        self.value.setRange(0, item.max_score)
        self.value.setDecimals(2)
        self.value.setSingleStep(0.5)
        self.value.setValue(cell.final)
        self.reason = QPlainTextEdit(cell.reason)
        self.reason.setObjectName("adjust_reason")
        self.reason.setPlaceholderText("必须写明原因，如：经复核，6月2日火点为上级误报")
        self.reason.setFixedHeight(80)
        self.reason.setTabChangesFocus(True)
        reason_cell, self.reason_error = problem_cell(self.reason, "reason")
        computed = "人工评分" if cell.computed is None else f"{cell.computed:g} 分（按记录计算）"
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow("村（社区）", QLabel(village))
        form.addRow("考核项目", QLabel(f"{item.category} / {item.name}（{item.max_score:g}分）"))
        form.addRow("计算得分", QLabel(computed))
        form.addRow("调整后得分", self.value)
        form.addRow("调整原因", reason_cell)
        box = dialog_buttons(self, "确定", self.save).box
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        self._initial = self._shown()

    def _shown(self) -> tuple[float, str]:
        return self.value.value(), self.reason.toPlainText()

    def save(self) -> None:
        """确定: accept with a reason, or say 必须填写 under the reason box and keep the dialog open."""
        if not self.reason.toPlainText().strip():
            self.reason_error.setText("必须写明调整原因")
            self.reason_error.show()
            self.reason.setFocus()
            self.adjustSize()
            return
        self.accept()

    def is_dirty(self) -> bool:
        return self._shown() != self._initial

    @classmethod
    def ask(
        cls, parent: QWidget | None, village: str, item: ItemView, cell: Cell
    ) -> tuple[float, str] | None:
        dialog = cls(village, item, cell, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.value.value(), dialog.reason.toPlainText().strip()
        finally:
            dialog.deleteLater()


class UnlockDialog:
    """Ask why a finalised year must be opened again (wrapped so tests can replace it)."""

    @classmethod
    def ask(cls, parent: QWidget | None, year: int) -> str | None:
        return ask_text(
            parent,
            "解除锁定",
            f"{year}年度考核已定稿。解除锁定会记入修改记录，请写明原因：",
            multiline=True,
            required=True,
            ok_text="解除锁定",
        )


class EvidencePane(QWidget):
    """The selected cell: rule, standard, computed / adjusted / final, and the records behind it.

    Signals: ``line_activated(object)`` — the :class:`EvidenceLine` double-clicked or entered.
    """

    line_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[EvidenceLine] = []
        self.heading = QLabel("选择一个得分，查看扣分依据")
        self.heading.setObjectName("evidence_heading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("evidence_summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("evidence_table")
        self.table.setHorizontalHeaderLabels(("日期", "扣分依据", "分值"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 88)
        self.table.setColumnWidth(2, 52)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.installEventFilter(self)
        self.adjust_button = QPushButton("调整得分…")
        self.adjust_button.setObjectName("adjust_button")
        self.adjust_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.adjust_button)

    def show_cell(
        self, row: VillageRow | None, item: ItemView | None, cell: Cell | None, lines: list[EvidenceLine]
    ) -> None:
        self.table.setRowCount(0)
        self.lines = list(lines) if row is not None and item is not None and cell is not None else []
        if row is None or item is None or cell is None:
            self.heading.setText("选择一个得分，查看扣分依据")
            self.summary.setText("")
            return
        self.heading.setText(f"{row.village} · {item.category} / {item.name}（{item.max_score:g}分）")
        parts = [f"规则：{item.rule_label}。{item.standard}"]
        parts.append("计算得分：人工评分" if cell.computed is None else f"计算得分：{cell.computed:g}")
        if cell.adjustment:
            parts.append(f"人工调整：{cell.adjustment:+g}（{cell.reason}）")
        parts.append(f"最终得分：{cell.final:g}")
        self.summary.setText("\n".join(parts))
        self.table.setRowCount(len(lines))
        for r, line in enumerate(lines):
            hint = evidence_hint(line)
            tip = f"{line.text}\n{hint}" if hint else line.text
            for c, value in enumerate((line.day, line.text, f"{line.points:g}")):
                cell_item = QTableWidgetItem(value)
                cell_item.setToolTip(tip)
                self.table.setItem(r, c, cell_item)
        self.table.resizeRowsToContents()

    def _activate(self, row: int) -> None:
        if 0 <= row < len(self.lines):
            self.line_activated.emit(self.lines[row])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._activate(self.table.currentRow())
            return True
        return super().eventFilter(watched, event)


class AppraisalPage(QWidget):
    """Signals: ``sheet_shown()`` after the grid shows a year (re-read or recomputed)."""

    sheet_shown = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("appraisal_page")
        self.last_export: Path | None = None

        self.year = QSpinBox()
        self.year.setObjectName("appraisal_year")
        self.year.setRange(appraisal.MIN_YEAR, appraisal.MAX_YEAR)
        self.year.setSuffix(" 年度")
        years = appraisal.years(db)
        self.year.setValue(years[0] if years else dates.today().year)
        self.banner = QLabel()
        self.banner.setObjectName("appraisal_banner")
        self.banner.setWordWrap(True)

        self.create_button = page_button(
            "建立考核方案",
            "沿用上一年度的方案；没有时使用默认方案（参照污染防治实施方案）",
            self.create_scheme,
            name="appraisal_create",
        )
        self.scheme_button = page_button(
            "考核方案…", "修改考核类别、项目、分值和计分规则", self.edit_scheme, name="appraisal_scheme"
        )
        self.compute_button = page_button(
            "计算得分",
            "按计分规则从巡查、火点、问题、信访、报送、承诺书记录计算各村得分",
            self.compute,
            name="appraisal_compute",
        )
        self.compute_button.setStyleSheet("font-weight:bold;")
        self.finalise_button = page_button(
            "定稿锁定", "定稿后本年度考核不能再修改", self.finalise, name="appraisal_finalise"
        )
        self.unlock_button = page_button(
            "解除锁定…", "确需更正已定稿的考核时使用，须写明原因", self.unlock, name="appraisal_unlock"
        )
        self.export_button = page_button(
            "导出考核表",
            "导出年度考核表（Excel：得分表和扣分依据）",
            self.ask_export,
            name="appraisal_export",
        )
        self.circular_button = page_button(
            "起草通报", "根据考核结果起草通报，存入“公文”草稿", self.draft_circular, name="appraisal_circular"
        )
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        for b in (self.create_button, self.scheme_button, self.compute_button):
            top.addWidget(b)
        top.addSpacing(12)
        for b in (self.finalise_button, self.unlock_button):
            top.addWidget(b)
        top.addSpacing(12)
        for b in (self.export_button, self.circular_button):
            top.addWidget(b)
        top.addStretch(1)
        self.by_rank = QCheckBox("按名次排列")
        self.by_rank.setObjectName("appraisal_by_rank")
        self.by_rank.toggled.connect(lambda _on: self.reload())
        top.addWidget(self.by_rank)

        self.model = ScoreModel(self)
        self.grid = QTableView()
        self.grid.setObjectName("score_grid")
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setAlternatingRowColors(True)
        self.grid.setSortingEnabled(False)
        self.grid.verticalHeader().setDefaultSectionSize(int(self.grid.fontMetrics().height() * 1.7))
        header = self.grid.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumHeight(int(self.grid.fontMetrics().height() * 3.8))
        self.grid.selectionModel().currentChanged.connect(lambda *_a: self._cell_selected())
        self.grid.doubleClicked.connect(lambda _i: self.adjust_selected())
        self.evidence = EvidencePane()
        self.evidence.adjust_button.clicked.connect(self.adjust_selected)
        self.evidence.line_activated.connect(self.open_evidence)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.grid)
        splitter.addWidget(self.evidence)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 360])
        splitter.setChildrenCollapsible(False)
        legend = QLabel(
            '<span style="color:#b71c1c">红字</span>：该项有扣分　'
            '<span style="background:#fff1c9">&nbsp;黄底&nbsp;</span>：人工调整过　'
            '<span style="background:#e2efda">&nbsp;绿底&nbsp;</span>：加分项　双击得分可调整'
        )
        legend.setStyleSheet("color:#57606a;")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(legend)

        self.year.valueChanged.connect(lambda _v: self.reload())
        changes().everything_changed.connect(self.reload)
        changes().watch(self, APPRAISAL, self.reload)  # after each write here, and the scheme editor's
        self.reload()

    # -- state ---------------------------------------------------------------------------------

    def current_year(self) -> int:
        return int(self.year.value())

    def reload(self) -> None:
        """Show the year's sheet (or say there is no scheme yet), keeping the selected cell."""
        keep = self._selected()
        year = self.current_year()
        sheet = appraisal.sheet(self.db, year) if appraisal.has_scheme(self.db, year) else None
        self.model.set_sheet(sheet, by_rank=self.by_rank.isChecked())
        self._update_state(sheet)
        if keep is not None and sheet is not None:
            row = next((n for n, r in enumerate(self.model.rows) if r.village_id == keep[0]), -1)
            column = self.model.column_of(keep[1])
            if row >= 0 and column >= 0:
                self.select_cell(row, column)
        self._size_columns()
        self._cell_selected()
        self.sheet_shown.emit()

    def _update_state(self, sheet: Sheet | None) -> None:
        has, locked = sheet is not None, sheet is not None and sheet.locked
        computed = sheet is not None and bool(sheet.rows)
        self.create_button.setVisible(not has)
        self.scheme_button.setEnabled(has and not locked)
        self.compute_button.setEnabled(has and not locked)
        self.finalise_button.setEnabled(computed and not locked)
        self.unlock_button.setVisible(locked)
        self.finalise_button.setVisible(not locked)
        self.export_button.setEnabled(computed)
        self.circular_button.setEnabled(computed)
        year = self.current_year()
        if sheet is None:
            self.banner.setText(
                f"{year}年度还没有考核方案。点“建立考核方案”：沿用上一年度的方案，没有时使用默认方案。"
            )
            self.banner.setStyleSheet("color:#57606a;")
        elif locked:
            assert sheet.finalised_at is not None
            self.banner.setText(
                f"🔒 {sheet.title}：已于{sheet.finalised_at:%Y-%m-%d %H:%M}由{sheet.finalised_by or '—'}定稿锁定，只能查看和导出。"
            )
            self.banner.setStyleSheet("color:#1b5e20; font-weight:bold;")
        else:
            when = f"最近计算：{sheet.computed_at:%Y-%m-%d %H:%M}" if sheet.computed_at else "尚未计算得分"
            self.banner.setText(
                f"{sheet.title}：满分{sheet.full_marks:g}分，加分项{sheet.bonus_max:g}分，"
                f"按{sheet.weight:g}%纳入年终对村考核。{when}。"
            )
            self.banner.setStyleSheet("color:#24292f;")

    def _size_columns(self) -> None:
        metrics = self.grid.fontMetrics()
        self.grid.setColumnWidth(0, metrics.horizontalAdvance("靳家河村") + 24)
        for column in range(1, self.model.columnCount()):
            self.grid.setColumnWidth(column, metrics.horizontalAdvance("问题按期") + 18)

    # -- selection and evidence ----------------------------------------------------------------

    def select_cell(self, row: int, column: int) -> None:
        index = self.model.index(row, column)
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _selected(self) -> tuple[int, int] | None:
        index = self.grid.currentIndex()
        row, item = self.model.row_at(index.row()), self.model.item_at(index.column())
        return (row.village_id, item.id) if index.isValid() and row is not None and item is not None else None

    def _cell_selected(self) -> None:
        index = self.grid.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        item = self.model.item_at(index.column()) if index.isValid() else None
        cell = row.cells.get(item.id) if row is not None and item is not None else None
        lines = (
            appraisal.evidence(self.db, self.current_year(), item.id, row.village_id)
            if row is not None and item is not None and cell is not None
            else []
        )
        self.evidence.show_cell(row, item, cell, lines)
        locked = self.model.sheet is not None and self.model.sheet.locked
        self.evidence.adjust_button.setEnabled(cell is not None and not locked)

    def open_evidence(self, line: EvidenceLine) -> QWidget | None:
        """Open the record behind a deduction line (the evidence's double-click or Enter)."""
        selected = self._selected()
        village_id = line.village_id or (selected[0] if selected is not None else None)
        target = evidence_target(line, village_id, self.current_year()) if village_id is not None else None
        return open_target(self, target) if target is not None else None

    # -- actions -------------------------------------------------------------------------------

    def create_scheme(self) -> None:
        operations.write(self, lambda: appraisal.ensure_scheme(self.db, self.current_year()), APPRAISAL)

    def edit_scheme(self) -> None:
        SchemeDialog.ask(self, self.db, self.current_year())  # its save announces the change: reload follows

    def compute(self) -> JobHandle:
        year = self.current_year()

        def work(_job: Job) -> appraisal.ComputeResult:
            # No progress messages: the compute takes about a second, and a modal progress dialog that
            # processes events inside setValue can take the finished signal before the last message
            # (ui.common.jobs then writes to a dialog already closed). The dialog shows as busy instead.
            return appraisal.compute(self.db, year)

        def done(_result: appraisal.ComputeResult) -> None:
            operations.notify(APPRAISAL)

        return run_job(self, "正在计算考核得分", work, done)

    def adjust_selected(self) -> None:
        index = self.grid.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        item = self.model.item_at(index.column()) if index.isValid() else None
        cell = row.cells.get(item.id) if row is not None and item is not None else None
        if row is None or item is None or cell is None or (self.model.sheet and self.model.sheet.locked):
            return
        answer = AdjustDialog.ask(self, row.village, item, cell)
        if answer is None:
            return
        value, reason = answer
        year = self.current_year()
        item_id, village_id = item.id, row.village_id
        operations.write(
            self, lambda: appraisal.set_final(self.db, year, item_id, village_id, value, reason), APPRAISAL
        )

    def finalise(self) -> None:
        year = self.current_year()
        if not dialogs.confirm(
            self,
            f"定稿后{year}年度考核将锁定，不能再计算或调整得分。\n确需更正时可“解除锁定”（须写明原因并记入修改记录）。确定定稿吗？",
            ok_text="定稿",
        ):
            return
        operations.write(self, lambda: appraisal.finalise(self.db, year), APPRAISAL)

    def unlock(self) -> None:
        year = self.current_year()
        reason = UnlockDialog.ask(self, year)
        if reason is None:
            return
        operations.write(self, lambda: appraisal.unlock(self.db, year, reason), APPRAISAL)

    def ask_export(self) -> None:
        year = self.current_year()
        path = dialogs.ask_save_file(self, "导出年度考核表", f"{year}年度考核表.xlsx", "Excel 文件 (*.xlsx)")
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> JobHandle:
        year = self.current_year()

        def work(_job: Job) -> Path:
            return appraisal.export_xlsx(self.db, year, path)

        def done(out: Path) -> None:
            self.last_export = out
            dialogs.show_info(self, f"已导出：\n{out}", "导出完成")

        return run_job(self, "正在导出考核表", work, done)

    def draft_circular(self) -> Any:
        year = self.current_year()
        try:
            doc = appraisal.draft_circular(self.db, year)
        except ValidationError as exc:
            dialogs.show_error(self, "\n".join(str(p) for p in exc.problems))
            return None
        except EcoDeskError as exc:
            dialogs.show_error(self, str(exc))
            return None
        operations.notify([documents.DOCUMENTS])
        dialogs.show_info(self, f"已起草“{doc.title}”（草稿）。\n请到“公文”页面修改后印发。", "已起草通报")
        return doc
