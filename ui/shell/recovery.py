"""When the data file is not there or is damaged: say so plainly and offer the way out at once.

Two moments need it. Opening (``ui.shell.app`` at start-up, 打开其他数据文件 in the main window): a
missing file is never silently created again, and a file SQLite cannot read offers the newest good
backup. And working: a file that opened may turn out damaged later — the main window runs SQLite's
quick check on a worker thread after every open, and any damage SQLite reports while a page reads or
writes reaches the window through :attr:`ecodesk.db.Database.damage_listeners` — so the window offers
the restore as soon as it is known, instead of letting the clerk type into a file that refuses writes.
Both paths use the same candidates and the same words, kept here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ecodesk.db.backups import BackupInfo
from ecodesk.errors import DatabaseError
from ecodesk.paths import backups_dir
from ui.common import dialogs, machine_settings

log = logging.getLogger(__name__)

DAMAGED_TITLE = "数据文件已损坏"


def backup_candidates(db_path: Path) -> list[BackupInfo]:
    """Backups of ``db_path``, newest first: beside it, and in the folder this PC remembers for it
    (the folder set in 设置 is inside the file, which may be what cannot be read)."""
    from ecodesk.db import backups

    found = list(backups.list_backups(db_path))
    for folder in (machine_settings.backup_dir_for(db_path), backups.configured_folder(db_path)):
        if folder is not None and folder != backups_dir(db_path):
            found += backups.list_backups(db_path, folder)
    unique = {info.path: info for info in found}
    return sorted(unique.values(), key=lambda info: info.created, reverse=True)


def newest_good(db_path: Path) -> BackupInfo | None:
    from ecodesk.db import backups

    for info in backup_candidates(db_path):
        try:
            backups.verify_backup_file(info.path)
        except DatabaseError as exc:
            log.warning("backup %s unusable: %s", info.path, exc)
            continue
        return info
    return None


def offer_text(problem: str, info: BackupInfo) -> str:
    return (
        f"{problem}\n\n找到最近一份完好的备份：{info.created:%Y年%m月%d日 %H:%M}\n{info.path}\n\n"
        "是否用它恢复？损坏的文件会另存一份，不会删除。"
    )


def offer_backup(parent: QWidget | None, db_path: Path, problem: str) -> bool:
    """The file (not open) is damaged: restore the newest good backup if the clerk agrees.

    True once restored; False when declined, impossible (said so), or there is no good backup.
    """
    from ecodesk.db import backups

    info = newest_good(db_path)
    if info is None:
        dialogs.show_error(
            parent,
            f"{problem}\n\n没有找到可用的备份。数据文件没有被改动，请联系维护人员。",
            DAMAGED_TITLE,
        )
        return False
    if not dialogs.confirm(parent, offer_text(problem, info), title=DAMAGED_TITLE, ok_text="用备份恢复"):
        return False
    try:
        saved = backups.restore_backup(db_path, info.path)
    except DatabaseError as exc:
        dialogs.show_error(parent, str(exc), "恢复失败")
        return False
    dialogs.show_info(parent, f"已从备份恢复。损坏的文件另存为：\n{saved}", "恢复完成")
    return True
