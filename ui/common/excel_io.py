"""Excel export and import for any record kind, as background jobs.

Import is careful because a roster typed by a village is never clean: the clerk sees which sheet is
read (hidden sheets listed too, marked 隐藏) and which Excel column goes to which field (recognised
by label or alias, changeable), a dry run checks every row without writing, the report lists each bad
row and reason and what was read (blank rows skipped, hidden rows, merged cells), and only a clean
check can be imported — in one transaction, so a failure leaves the data exactly as before. Villages
the roster names that are not registered yet (the first day) can be registered with the import. Rows
that repeat a record (the same roster imported twice) are listed by the check, and the clerk chooses
跳过重复 (the default), 更新已有 or 仍然导入; the check runs again for the choice, so what it says is
what the import will do.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.files import os_reason
from ecodesk.jobs import Job
from ecodesk.schema import RecordKind
from ecodesk.services.org import UNITS
from ecodesk.services.records import ListFilter, records_of
from ui.common import dialogs
from ui.common.jobs import JobHandle, run_job
from ui.common.operations import notify

log = logging.getLogger(__name__)

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
SKIP = ""  # combo data for “不导入”
GUI_CREATE_HINT = "检查没有其他错误时，可以用下面的“新建这些村（社区）并导入”一并新建。"
GUI_SHEET_HINT = "要导入那张表，请在上面的“工作表”中选择它。"
GUI_DUPLICATE_HINT = "要用表中的内容更新这些记录，或仍然作为新记录导入，请在下面“重复的行”中选择。"
# The three answers to a duplicate, as the dialog offers them: (on_duplicate, button text, what it does).
DUPLICATE_CHOICES = (
    ("skip", "跳过重复", "不导入这些行，已有的记录不变"),
    ("update", "更新已有", "用表中填了内容的单元格更新已有记录（空白单元格不改），记入修改记录"),
    ("add", "仍然导入", "作为新记录再导入一次（会有两条相同的记录）"),
)
MAX_DETAILED_LINES = 2_000  # rows listed under 显示详细信息 after an import


def export_list(
    parent: QWidget | None,
    db: Database,
    kind: RecordKind,
    flt: ListFilter,
    sort_key: str | None = None,
    descending: bool = False,
    path: Path | None = None,
) -> JobHandle | None:
    """Ask where to save, then export the rows the list shows (same filter and order)."""
    if path is None:
        path = dialogs.ask_save_file(
            parent, f"导出{kind.label}", f"{kind.label}_{dates.today():%Y%m%d}.xlsx", XLSX_FILTER
        )
        if path is None:
            return None
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    try:
        from ecodesk.services.record_export import export_xlsx  # loaded when first used
    except ImportError:
        log.exception("xlsx export unavailable")
        dialogs.show_error(parent, "本程序缺少 Excel 导出组件，请重新安装 EcoDesk。")
        return None

    def work(job: Job) -> int:
        return int(export_xlsx(db, kind, path, flt, job=job, sort_key=sort_key, descending=descending))

    def done(count: int) -> None:
        dialogs.show_info(parent, f"已导出 {count} 条{records_of(kind.label)}到：\n{path}", "导出完成")

    return run_job(parent, f"导出{kind.label}", work, done)


def import_summary_box(parent: QWidget | None, report: Any) -> QMessageBox:
    """The message after an import: what was done first (records, new villages), then what was read
    (the sheet, rows, blank rows skipped, hidden rows, cells from merged ranges, warnings)."""
    done = [report.result_line(), *report.village_lines(GUI_CREATE_HINT)]
    read = [report.sheet_line(), *report.reading_lines()]
    box = QMessageBox(
        QMessageBox.Icon.Information, "导入完成", "\n".join(done), QMessageBox.StandardButton.Ok, parent
    )
    box.setInformativeText("\n".join(read))
    repeated = report.duplicate_lines()
    if repeated:  # every skipped (or updated) row stays listed after the dialog closes
        shown = repeated[:MAX_DETAILED_LINES]
        more = len(repeated) - len(shown)
        box.setDetailedText("\n".join(shown + ([f"……另有 {more} 行未列出。"] if more else [])))
    # Wider text than QMessageBox's default, so that the counts do not wrap word by word.
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 460px; }")
    return box


def show_import_summary(parent: QWidget | None, report: Any) -> None:
    import_summary_box(parent, report).exec()


class ImportDialog(QDialog):
    """Choose the sheet, map the columns, check (dry run), read the report, then import.

    The sheet list includes hidden sheets, marked 隐藏 (a roster's real data is sometimes on one).
    When the check finds villages the file names but the data file lacks (the first day), the clerk
    can register them with the import, in the same transaction, choosing their category.
    """

    def __init__(self, db: Database, kind: RecordKind, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._kind = kind
        self._path = path
        self._sheet: str | None = None
        self._combos: list[tuple[str, QComboBox]] = []
        self.imported = False
        self.last_handle: JobHandle | None = None
        self.setWindowTitle(f"从 Excel 导入{kind.label}")
        self.resize(760, 680)

        # ImportError and an unreadable file: reported by ask()
        from ecodesk.services.record_import import preview_xlsx

        preview = preview_xlsx(path, kind)

        file_label = QLabel(f"文件：{path.name}")
        file_label.setToolTip(str(path))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("import_sheet")
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for info in preview.sheets:
            self.sheet_combo.addItem(info.shown_name, info.name)
        self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findData(preview.sheet), 0))
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        self.header_label = QLabel()
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(QLabel("工作表："))
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addWidget(self.header_label, 1)

        self.sheet_hint = QLabel()
        self.sheet_hint.setObjectName("import_sheet_hint")
        self.sheet_hint.setStyleSheet("color:#8a5a00;")
        self.sheet_hint.setWordWrap(True)
        self.switch_button = QPushButton()
        self.switch_button.setObjectName("import_switch_sheet")
        self.switch_button.clicked.connect(self._switch_to_hinted)
        self._hinted: str | None = None
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.sheet_hint, 1)
        hint_row.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignTop)
        intro = QLabel("请核对每一列导入到哪一项；认不出的列不导入。先“检查数据”，没有错误后才能导入。")
        intro.setWordWrap(True)

        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setObjectName("import_mapping")
        self.mapping_table.setHorizontalHeaderLabels(("Excel 中的列", f"导入为{kind.label}的"))
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self.missing = QLabel()
        self.missing.setStyleSheet("color:#c62828;")
        self.missing.setWordWrap(True)

        self.check_button = QPushButton("检查数据")
        self.check_button.clicked.connect(self.check)
        self.report = QPlainTextEdit()
        self.report.setObjectName("import_report")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("检查结果显示在这里。")

        self.villages_box = self._villages_box()
        self.duplicates_box = self._duplicates_box()

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.run_import)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(file_label)
        layout.addLayout(sheet_row)
        layout.addLayout(hint_row)
        layout.addWidget(intro)
        layout.addWidget(self.mapping_table, 2)
        layout.addWidget(self.missing)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.report, 2)
        layout.addWidget(self.villages_box)
        layout.addWidget(self.duplicates_box)
        layout.addWidget(buttons)
        self._show_sheet(preview)

    def _villages_box(self) -> QFrame:
        """找不到的村（社区）: their names, a category, and 新建这些村（社区）并导入 (hidden until needed)."""
        from ecodesk.services.record_import import BY_NAME

        box = QFrame()
        box.setObjectName("import_villages")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        self.villages_label = QLabel()
        self.villages_label.setWordWrap(True)
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("import_village_category")
        self.category_combo.addItem("按名称：以“社区”结尾的建为社区，其余建为村", BY_NAME)
        self.category_combo.addItem("全部建为村", "村")
        self.category_combo.addItem("全部建为社区", "社区")
        self.create_button = QPushButton("新建这些村（社区）并导入")
        self.create_button.setObjectName("import_create_villages")
        self.create_button.clicked.connect(self.create_and_import)
        row = QHBoxLayout()
        row.addWidget(QLabel("类别："))
        row.addWidget(self.category_combo, 1)
        row.addWidget(self.create_button)
        inner = QVBoxLayout(box)
        inner.addWidget(self.villages_label)
        inner.addLayout(row)
        box.hide()
        return box

    def _duplicates_box(self) -> QFrame:
        """重复的行: how many, and the three answers (hidden until a check finds such rows)."""
        box = QFrame()
        box.setObjectName("import_duplicates")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        self.duplicates_label = QLabel()
        self.duplicates_label.setWordWrap(True)
        self.duplicate_buttons: dict[str, QRadioButton] = {}
        inner = QVBoxLayout(box)
        inner.addWidget(self.duplicates_label)
        row = QHBoxLayout()
        for mode, text, meaning in DUPLICATE_CHOICES:
            button = QRadioButton(text)
            button.setObjectName(f"import_duplicates_{mode}")
            button.setToolTip(meaning)
            button.setChecked(mode == "skip")
            button.toggled.connect(self._duplicate_choice_changed)
            self.duplicate_buttons[mode] = button
            row.addWidget(button)
        row.addStretch(1)
        inner.addLayout(row)
        self.duplicate_meaning = QLabel()
        self.duplicate_meaning.setStyleSheet("color:#555;")
        self.duplicate_meaning.setWordWrap(True)
        inner.addWidget(self.duplicate_meaning)
        self._show_meaning()
        box.hide()
        return box

    def on_duplicate(self) -> str:
        """The clerk's answer for rows that repeat a record: skip, update or add."""
        return next((m for m, b in self.duplicate_buttons.items() if b.isChecked()), "skip")

    def choose_duplicates(self, mode: str) -> None:
        """Choose 跳过重复 / 更新已有 / 仍然导入 (as clicking the button does)."""
        self.duplicate_buttons[mode].setChecked(True)

    def _show_meaning(self) -> None:
        meaning = {m: text for m, _label, text in DUPLICATE_CHOICES}
        self.duplicate_meaning.setText(meaning[self.on_duplicate()] + "。")

    def _duplicate_choice_changed(self, checked: bool) -> None:
        if not checked:
            return  # the button that was unchecked; its partner's signal does the work
        self._show_meaning()
        if not self.duplicates_box.isHidden():
            self.check()  # what the report says is what the import will do

    def _show_sheet(self, preview: Any) -> None:
        """Fill the column table from one sheet's header."""
        from ecodesk.services.record_import import shorten, suggest_mapping

        self._sheet = preview.sheet
        self.header_label.setText(f"（第 {preview.header_row} 行为表头）")
        hints = [
            f"隐藏的工作表“{shorten(info.name)}”中也有{self._kind.label}的表头（第 {info.header_row} 行，"
            f"认出 {info.score} 列）。要导入那张表，请在上面的“工作表”中选择它。"
            for info in preview.hidden_hints
        ]
        if preview.sheet_hidden:
            hints.insert(0, "这是一张在 Excel 中隐藏的工作表。")
        self.sheet_hint.setText("\n".join(hints))
        self.sheet_hint.setVisible(bool(hints))
        self._hinted = preview.hidden_hints[0].name if preview.hidden_hints else None
        self.switch_button.setText(f"改读“{shorten(self._hinted, 12)}”" if self._hinted else "")
        self.switch_button.setVisible(self._hinted is not None)
        suggested = suggest_mapping(self._kind, preview.headers)
        self.mapping_table.setRowCount(len(preview.headers))
        self._combos = []
        for row, header in enumerate(preview.headers):
            header_text = str(header or "").strip()
            item = QTableWidgetItem(shorten(header_text) if header_text else f"（第{row + 1}列无标题）")
            if header_text != shorten(header_text):
                item.setToolTip(shorten(header_text, 400))
            self.mapping_table.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem("（不导入）", SKIP)
            for f in self._kind.fields:
                combo.addItem(f"{f.label}{'（必填）' if f.required else ''}", f.key)
            combo.setCurrentIndex(max(combo.findData(suggested.get(header_text, SKIP)), 0))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping_table.setCellWidget(row, 1, combo)
            self._combos.append((header_text, combo))
        self.check_button.setEnabled(True)
        self.report.clear()
        self._mapping_changed()

    def _switch_to_hinted(self) -> None:
        if self._hinted is not None:
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findData(self._hinted), 0))

    def _sheet_changed(self) -> None:
        from ecodesk.errors import EcoDeskError
        from ecodesk.services.record_import import preview_xlsx

        name = str(self.sheet_combo.currentData())
        try:
            preview = preview_xlsx(self._path, self._kind, name)
        except EcoDeskError as exc:
            self._sheet = name
            self.mapping_table.setRowCount(0)
            self._combos = []
            self.header_label.setText("")
            self.sheet_hint.hide()
            self.switch_button.hide()
            self.missing.setText(str(exc))
            self.missing.show()
            self.check_button.setEnabled(False)
            self.import_button.setEnabled(False)
            self.villages_box.hide()
            return
        self._show_sheet(preview)

    def mapping(self) -> dict[str, str]:
        """Excel header → field key; "" for a column the clerk chose not to import.

        Every titled column is named, so the importer never re-matches a column set to 不导入.
        """
        return {header: str(combo.currentData() or SKIP) for header, combo in self._combos if header}

    def _mapping_changed(self) -> None:
        self.import_button.setEnabled(False)
        self.villages_box.hide()
        self.duplicates_box.hide()
        chosen = set(self.mapping().values()) - {SKIP}
        missing = [
            f.label for f in self._kind.fields if f.required and f.default is None and f.key not in chosen
        ]
        self.missing.setText(f"没有对应的列：{'、'.join(missing)}（必填）" if missing else "")
        self.missing.setVisible(bool(missing))

    def _work(self, dry_run: bool, create_villages: str | None = None) -> Any:
        from ecodesk.services.record_import import import_xlsx

        mapping = self.mapping()
        sheet = self._sheet
        on_duplicate = self.on_duplicate()

        def work(job: Job) -> Any:
            return import_xlsx(
                self._db,
                self._kind,
                self._path,
                sheet,
                mapping,
                dry_run=dry_run,
                job=job,
                create_villages=create_villages,
                on_duplicate=on_duplicate,
            )

        return work

    def check(self) -> JobHandle:
        self.report.setPlainText("正在检查……")
        self.import_button.setEnabled(False)  # until this check has said what the import will do
        self.villages_box.hide()
        self.last_handle = run_job(self, "检查数据", self._work(True), self._show_report)
        return self.last_handle

    def _summary(self, report: Any) -> str:
        lines = report.summary_lines(
            create_hint=GUI_CREATE_HINT, sheet_hint=GUI_SHEET_HINT, duplicate_hint=GUI_DUPLICATE_HINT
        )
        return "\n".join(lines)

    def _show_report(self, report: Any) -> None:
        # summary_lines already lists each bad row with its column and reason.
        self.report.setPlainText(self._summary(report))
        self.import_button.setEnabled(bool(report.ok))
        if report.ok:
            self.import_button.setFocus()
        offer = bool(report.needs_villages) and not report.errors
        if offer:
            from ecodesk.services.record_import import shorten

            names = [shorten(v.name) for v in report.new_villages]
            listed = "、".join(names[:30]) + ("等" if len(names) > 30 else "")
            self.villages_label.setText(
                f"找不到 {len(names)} 个村（社区）：{listed}。其余都已检查通过。\n"
                "可以新建这些村（社区）并导入，一次完成；导入不成功则一个也不新建。"
            )
            self.create_button.setEnabled(True)
            self.create_button.setFocus()
        self.villages_box.setVisible(offer)
        self._show_duplicates(report)

    def _show_duplicates(self, report: Any) -> None:
        """After a check: the rows that repeat a record, counted, with the three answers."""
        repeated = report.repeated
        if not repeated:
            self.duplicates_box.setVisible(False)
            return
        within = sum(1 for d in repeated if d.first_row is not None)
        against = len(repeated) - within
        parts = [f"{against} 行与已有的{self._kind.label}记录相同"] if against else []
        parts += [f"{within} 行与本表前面的行相同"] if within else []
        self.duplicates_label.setText(
            f"<b>重复的行：</b>{'，'.join(parts)}（按{report.identity_labels}判断，"
            "每一行都列在上面的检查结果中）。怎样处理这些行？"
        )
        self.duplicates_box.setVisible(True)

    def _finish(self, report: Any) -> None:
        if not report.ok:
            self._show_report(report)
            return
        self.imported = True
        notify([self._kind, UNITS] if report.new_villages else [self._kind])
        show_import_summary(self, report)
        self.accept()

    def run_import(self) -> None:
        self.import_button.setEnabled(False)
        self.last_handle = run_job(self, f"导入{self._kind.label}", self._work(False), self._finish)

    def create_and_import(self) -> JobHandle:
        """Register the missing villages (the chosen category) and import, in one transaction."""
        category = str(self.category_combo.currentData())
        self.create_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.last_handle = run_job(
            self, f"导入{self._kind.label}", self._work(False, category), self._finish_create
        )
        return self.last_handle

    def _finish_create(self, report: Any) -> None:
        self.create_button.setEnabled(True)
        self._finish(report)

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, kind: RecordKind, path: Path) -> bool:
        """Run the import dialog for ``path``; True when records were imported."""
        try:
            dialog = cls(db, kind, path, parent)
        except Exception as exc:  # noqa: BLE001 - an unreadable file is the clerk's problem to see
            log.warning("cannot read %s: %s", path, exc)
            reason = os_reason(exc) if isinstance(exc, OSError) else exc
            dialogs.show_error(parent, f"无法读取这个 Excel 文件：{path.name}\n{reason}")
            return False
        try:
            dialog.exec()
            return dialog.imported
        finally:
            dialog.deleteLater()


def import_into(parent: QWidget | None, db: Database, kind: RecordKind) -> bool:
    """Ask for a workbook, then run the import dialog on it."""
    path = dialogs.ask_open_file(parent, f"选择要导入的{kind.label}表格", XLSX_FILTER)
    if path is None:
        return False
    return ImportDialog.ask(parent, db, kind, path)
