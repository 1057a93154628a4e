"""Backups the clerk handles herself: the take-away copy for a USB stick, and choosing one to restore.

备份数据 asks where the copy goes (the folder used last is offered: usually the USB stick) and writes
one zip holding the data and the attachments, as a background job, then says where it went. Where a
take-away copy goes belongs to this machine (drive letters differ between PCs), not to the data, so
the folder is remembered in QSettings here rather than in the data file's settings.

从备份恢复 lists every backup with its date, size, reason and how many records it holds, and asks
again when the chosen one holds far fewer records than the data now: the 自动 backup taken before the
demo town was loaded would otherwise wipe a year of work at one click. The restore itself (a take-away
zip with a year of photos takes a while) runs on a worker thread with progress, as the backup does:
:func:`restore_in_background`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.db import Database, backups, cipher
from ecodesk.db.backups import BackupInfo, RecordCounts
from ecodesk.jobs import Job
from ui.common import dialogs
from ui.common.jobs import JobHandle, run_job, run_job_and_wait

_TAKEAWAY_DIR = "backup/takeaway_dir"
FEW_RECORDS = 0.5  # a backup holding less than half the current records is questioned
_WARN = QColor("#b3261e")


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1024) // 1024} KB"


# -- where the take-away copy goes --------------------------------------------------------------


def remembered_folder() -> Path | None:
    """The folder the last take-away copy went to (a USB stick: absent when it is not plugged in)."""
    value = str(QSettings().value(_TAKEAWAY_DIR, "") or "")
    return Path(value) if value else None


def remember_folder(folder: Path) -> None:
    QSettings().setValue(_TAKEAWAY_DIR, str(folder))


def choose_folder(parent: QWidget | None, start: Path) -> Path | None:
    """Ask the folder (replaced in tests)."""
    return dialogs.ask_folder(parent, "备份数据：选择保存位置（如 U 盘）", start)


def take_away_backup(parent: QWidget | None, db: Database, folder: Path | None = None) -> JobHandle | None:
    """Ask where (unless ``folder`` is given), then write the take-away zip as a job and say where
    it went. None when the clerk cancelled the question."""
    if folder is None:
        last = remembered_folder()
        start = last if last is not None and last.is_dir() else backups.backup_folder(db)
        folder = choose_folder(parent, start if start.is_dir() else Path.home())
        if folder is None:
            return None
    remember_folder(folder)
    target = folder

    def work(job: Job) -> Path:
        return backups.create_takeaway(db, target, job)

    def done(path: Path) -> None:
        dialogs.show_info(parent, done_text(path), "备份完成")

    return run_job(parent, "正在备份（含附件）", work, done)


def done_text(path: Path) -> str:
    counts = backups.record_counts(path)
    held = f"共 {counts.total:,} 条记录，" if counts is not None else ""
    return (
        f"已备份（数据和附件）到：\n{path}\n\n{held}文件大小 {size_text(path.stat().st_size)}。\n"
        "若在 U 盘上，请先“安全删除硬件”再拔下。恢复时：文件 → 从备份恢复…，选这个文件。"
    )


# -- restoring ---------------------------------------------------------------------------------


def restore_in_background(
    parent: QWidget | None, db_path: Path, backup_file: Path, key: cipher.Key | None = None
) -> Path | None:
    """Put ``backup_file`` in place of the (closed) data file on a worker thread, with progress and
    取消, and wait for it while the screen stays alive; where the replaced data was saved.

    The caller closed the data file first and reopens it afterwards, so the window's pages must not
    read it meanwhile: the window stops repainting (a lazy list would fetch rows to paint) until the
    job ends; the progress dialog, a window of its own, still does. Raises the job's error (an
    :class:`~ecodesk.errors.EcoDeskError` carries the clerk's message; 取消 is one, changing nothing).
    """

    def work(job: Job) -> Path | None:
        return backups.restore_backup(db_path, backup_file, job, key)  # key: an encrypted backup's

    saved = run_job_and_wait(parent, "正在从备份恢复", work)
    return saved if isinstance(saved, Path) else None


# -- choosing a backup to restore ---------------------------------------------------------------


def few_records_text(name: str, held: int, current: int) -> str:
    return (
        f"备份“{name}”只有 {held:,} 条记录，当前数据有 {current:,} 条。"
        "恢复后将失去其余记录（当前数据会先另存一份）。确定要恢复吗？"
    )


def ask(parent: QWidget | None, text: str) -> bool:
    """The question before restoring a backup with far fewer records (replaced in tests)."""
    return dialogs.confirm(parent, text, "记录明显减少", "仍然恢复")


def is_far_fewer(held: RecordCounts | None, current: RecordCounts | None) -> bool:
    return held is not None and current is not None and held.total < current.total * FEW_RECORDS


class RestoreDialog(QDialog):
    """Lists backups (``BackupInfo``) newest first with their record counts; ``chosen`` is the file
    picked. Given the open ``db``, it also lists the take-away copies in the remembered folder (the
    USB stick, when plugged in) and questions a backup with far fewer records than the data now."""

    def __init__(
        self, backups_found: list[Any], parent: QWidget | None = None, db: Database | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.resize(720, 440)
        self.chosen: Path | None = None
        self.current = backups.database_counts(db) if db is not None else None
        self._backups = _with_takeaways(backups_found, db)
        self.counts = [backups.record_counts(Path(info.path)) for info in self._backups]

        intro = QLabel(
            "选择要恢复的备份。恢复前，当前数据会先另存一份，不会丢失。"
            + (f"当前数据有 {self.current.total:,} 条记录。" if self.current is not None else "")
            if self._backups
            else "没有找到备份。可以点“选择其他文件…”找到备份文件（.db，或 U 盘上带附件的 .zip）。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._backups), 4)
        self.table.setObjectName("backup_list")
        self.table.setHorizontalHeaderLabels(("备份时间", "大小", "记录数", "说明"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, (info, counts) in enumerate(zip(self._backups, self.counts, strict=True)):
            when = QTableWidgetItem(f"{info.created:%Y-%m-%d %H:%M:%S}")
            when.setToolTip(str(info.path))
            self.table.setItem(row, 0, when)
            size = QTableWidgetItem(size_text(info.size))
            size.setTextAlignment(right)
            self.table.setItem(row, 1, size)
            count = QTableWidgetItem(f"{counts.total:,}" if counts is not None else "无法读取")
            count.setTextAlignment(right)
            count.setToolTip(counts.detail() if counts is not None else "这个文件读不出记录数，可能已损坏。")
            self.table.setItem(row, 2, count)
            reason = getattr(info, "reason", "") or ""
            note = QTableWidgetItem(reason)
            if is_far_fewer(counts, self.current):
                note.setText(f"{reason}　记录明显少于当前数据".strip())
                for item in (count, note):
                    item.setForeground(QBrush(_WARN))
            if getattr(info, "is_takeaway", False):
                note.setToolTip(f"带附件的备份（照片、扫描件一起恢复）：{info.path}")
            self.table.setItem(row, 3, note)
        if self._backups:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _index: self._use_selected())

        buttons = QDialogButtonBox()
        restore = buttons.addButton("恢复所选备份", QDialogButtonBox.ButtonRole.AcceptRole)
        restore.setEnabled(bool(self._backups))
        other = buttons.addButton("选择其他文件…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._use_selected)
        buttons.rejected.connect(self.reject)
        other.clicked.connect(self._pick_file)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _use_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            row = rows[0].row()
            self._take(Path(self._backups[row].path), self.counts[row])

    def _pick_file(self) -> None:
        path = dialogs.ask_open_file(
            self,
            "选择备份文件",
            "EcoDesk 备份 (*.db *.zip);;带附件的备份 (*.zip);;数据文件 (*.db)",
            remembered_folder(),
        )
        if path is not None:
            self._take(path, backups.record_counts(path))

    def _take(self, path: Path, counts: RecordCounts | None) -> None:
        current = self.current
        if (
            counts is not None
            and current is not None
            and is_far_fewer(counts, current)
            and not ask(self, few_records_text(path.name, counts.total, current.total))
        ):
            return
        self.chosen = path
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, backups_found: list[Any], db: Database | None = None) -> Path | None:
        dialog = cls(backups_found, parent, db)
        try:
            return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def _with_takeaways(found: list[Any], db: Database | None) -> list[Any]:
    """The listed backups plus the take-away copies in the remembered folder, newest first."""
    folder = remembered_folder()
    if db is None or folder is None or not folder.is_dir():
        return list(found)
    extra: list[BackupInfo] = [info for info in backups.list_backups(db.path, folder) if info.is_takeaway]
    seen = {Path(info.path).resolve() for info in found}
    merged = list(found) + [info for info in extra if info.path.resolve() not in seen]
    merged.sort(key=lambda info: info.created, reverse=True)
    return merged
