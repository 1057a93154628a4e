"""Excel export and import for any record kind, as background jobs.

Import is careful because a roster typed by a village is never clean: the clerk sees which Excel
column goes to which field (recognised by label or alias, changeable), a dry run checks every row
without writing, the report lists each bad row and reason, and only a clean check can be imported —
in one transaction, so a failure leaves the data exactly as before.
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
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.jobs import Job
from ecodesk.schema import RecordKind
from ecodesk.services.records import ListFilter, records_of
from ui.common import dialogs
from ui.common.jobs import JobHandle, run_job
from ui.common.operations import notify

log = logging.getLogger(__name__)

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
SKIP = ""  # combo data for “不导入”


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


class ImportDialog(QDialog):
    """Map the columns, check (dry run), read the report, then import."""

    def __init__(self, db: Database, kind: RecordKind, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._kind = kind
        self._path = path
        self._sheet: str | None = None
        self.imported = False
        self.last_handle: JobHandle | None = None
        self.setWindowTitle(f"从 Excel 导入{kind.label}")
        self.resize(720, 600)

        # ImportError: reported by ask()
        from ecodesk.services.record_import import read_headers, suggest_mapping

        sheet, header_row, headers = read_headers(path, kind=kind)
        suggested = suggest_mapping(kind, headers)
        self._sheet = sheet
        intro = QLabel(
            f"文件：{path.name}　工作表：{sheet}（第 {header_row} 行为表头）\n"
            "请核对每一列导入到哪一项；认不出的列不导入。先“检查数据”，没有错误后才能导入。"
        )
        intro.setWordWrap(True)

        self.mapping_table = QTableWidget(len(headers), 2)
        self.mapping_table.setObjectName("import_mapping")
        self.mapping_table.setHorizontalHeaderLabels(("Excel 中的列", f"导入为{kind.label}的"))
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._combos: list[tuple[str, QComboBox]] = []
        for row, header in enumerate(headers):
            header_text = str(header or "").strip()
            self.mapping_table.setItem(row, 0, QTableWidgetItem(header_text or f"（第{row + 1}列无标题）"))
            combo = QComboBox()
            combo.addItem("（不导入）", SKIP)
            for f in kind.fields:
                combo.addItem(f"{f.label}{'（必填）' if f.required else ''}", f.key)
            combo.setCurrentIndex(max(combo.findData(suggested.get(header_text, SKIP)), 0))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping_table.setCellWidget(row, 1, combo)
            self._combos.append((header_text, combo))

        self.missing = QLabel()
        self.missing.setStyleSheet("color:#c62828;")
        self.missing.setWordWrap(True)

        self.check_button = QPushButton("检查数据")
        self.check_button.clicked.connect(self.check)
        self.report = QPlainTextEdit()
        self.report.setObjectName("import_report")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("检查结果显示在这里。")

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.run_import)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.mapping_table, 2)
        layout.addWidget(self.missing)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.report, 2)
        layout.addWidget(buttons)
        self._mapping_changed()

    def mapping(self) -> dict[str, str]:
        """Excel header → field key; "" for a column the clerk chose not to import.

        Every titled column is named, so the importer never re-matches a column set to 不导入.
        """
        return {header: str(combo.currentData() or SKIP) for header, combo in self._combos if header}

    def _mapping_changed(self) -> None:
        self.import_button.setEnabled(False)
        chosen = set(self.mapping().values()) - {SKIP}
        missing = [
            f.label for f in self._kind.fields if f.required and f.default is None and f.key not in chosen
        ]
        self.missing.setText(f"没有对应的列：{'、'.join(missing)}（必填）" if missing else "")
        self.missing.setVisible(bool(missing))

    def _work(self, dry_run: bool) -> Any:
        from ecodesk.services.record_import import import_xlsx

        mapping = self.mapping()

        def work(job: Job) -> Any:
            return import_xlsx(
                self._db, self._kind, self._path, self._sheet, mapping, dry_run=dry_run, job=job
            )

        return work

    def check(self) -> JobHandle:
        self.report.setPlainText("正在检查……")
        self.last_handle = run_job(self, "检查数据", self._work(True), self._show_report)
        return self.last_handle

    def _show_report(self, report: Any) -> None:
        # summary_lines already lists each bad row with its column and reason.
        self.report.setPlainText("\n".join(report.summary_lines()))
        self.import_button.setEnabled(bool(report.ok))
        if report.ok:
            self.import_button.setFocus()

    def run_import(self) -> None:
        def done(report: Any) -> None:
            if not report.ok:
                self._show_report(report)
                return
            self.imported = True
            notify([self._kind])
            dialogs.show_info(self, "\n".join(report.summary_lines()), "导入完成")
            self.accept()

        self.import_button.setEnabled(False)
        self.last_handle = run_job(self, f"导入{self._kind.label}", self._work(False), done)

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, kind: RecordKind, path: Path) -> bool:
        """Run the import dialog for ``path``; True when records were imported."""
        try:
            dialog = cls(db, kind, path, parent)
        except Exception as exc:  # noqa: BLE001 - an unreadable file is the clerk's problem to see
            log.warning("cannot read %s: %s", path, exc)
            dialogs.show_error(parent, f"无法读取这个 Excel 文件：{path.name}\n{exc}")
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
