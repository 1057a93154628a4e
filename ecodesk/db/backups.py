"""Backups: SQLite's online backup into a dated file, verified, rotated; and restore.

A backup is written to ``*.part`` and renamed only once complete and verified, so an interrupted
backup never leaves a file that looks good; the ``.part`` of a killed EcoDesk (as large as the data
file) is swept the next time the data file is opened with its lock (:func:`sweep_leftovers`).
Restore first saves the current data beside the backups, refuses files from a newer EcoDesk, and
never leaves a half-copied data file. A damaged data file is not backed up: a copy of damaged
pages is no backup, and the message names the newest good one instead.

These are the data file's own mechanics, so they live with it in ``ecodesk.db``: opening a file
that needs an upgrade makes a backup first without reaching up into the services.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ecodesk import dates
from ecodesk.db import migrate
from ecodesk.db.database import SQLITE_HEADER, Database, is_damage
from ecodesk.db.lock import FileLock
from ecodesk.errors import CorruptDatabaseError, DatabaseError, SchemaTooNewError
from ecodesk.files import TEMP_PATTERN, claimed, os_reason, remove_leftovers
from ecodesk.files import sweep_leftovers as sweep_files
from ecodesk.models.setting import Setting
from ecodesk.paths import backups_dir

_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?(?:-(?P<reason>[^.]*))?\.db$")
AUTO_REASON = "自动"
PART = ".part"  # a backup being written
RESTORE_PART = ".restore-part"  # a backup being copied over the data file


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    reason: str


def backup_folder(db: Database, dest_dir: Path | None = None) -> Path:
    """The folder backups go to: the one given, the configured one, or beside the data file."""
    if dest_dir is not None:
        return dest_dir
    configured = _setting(db, "backup_dir", "")
    return Path(configured) if configured else backups_dir(db.path)


def _keep_count(db: Database) -> int:
    keep = _setting(db, "backup_keep", 20)
    return keep if isinstance(keep, int) else 20


def _setting(db: Database, key: str, default: Any) -> Any:
    """One stored setting (``ecodesk.services.settings`` owns them all), or ``default``."""
    try:
        with db.session() as session:
            row = session.get(Setting, key)
    except (SQLAlchemyError, DatabaseError):  # before the settings table exists (backup before upgrade)
        return default
    return default if row is None or row.value is None else row.value


def _safe_reason(reason: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s.]+', "_", reason).strip("_")[:30]


def create_backup(db: Database, dest_dir: Path | None = None, reason: str = "") -> Path:
    """Copy the live database (consistent, even while in use) into the backup folder.

    A failed backup leaves nothing behind: no ``.part``, and not the folder it made for itself.
    """
    if db.damage is not None:
        raise db.damage
    folder = backup_folder(db, dest_dir)
    made_folder = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"无法创建备份文件夹 {folder}：{os_reason(exc)}") from None
    try:
        return _write_backup(db, folder, reason)
    except BaseException:
        if made_folder:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty
        raise


def _write_backup(db: Database, folder: Path, reason: str) -> Path:
    stamp = dates.now().strftime(_STAMP)
    suffix = f"-{_safe_reason(reason)}" if _safe_reason(reason) else ""
    target = folder / f"{db.path.stem}-{stamp}{suffix}.db"
    same_second = [b for b in list_backups(db.path, folder) if b.created.strftime(_STAMP) == stamp]
    if same_second:  # number after the newest, so order survives rotation deleting the oldest
        target = folder / f"{db.path.stem}-{stamp}-{_counter(same_second[0].path) + 1}{suffix}.db"
    partial = target.with_name(target.name + PART)
    try:
        raw = db.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            dest = sqlite3.connect(partial)
            try:
                with claimed(partial):  # a sweep by another EcoDesk opening the file leaves it alone
                    source.backup(dest)
                    check = dest.execute("PRAGMA quick_check").fetchone()
            finally:
                dest.close()
        finally:
            raw.close()
        if check is None or check[0] != "ok":
            partial.unlink(missing_ok=True)
            # The copy holds the source's pages: find out which side is at fault.
            damage = db.find_damage()
            if damage is not None:
                raise damage
            raise DatabaseError(
                f"备份写入 {folder} 后校验未通过（{_short(check)}），备份盘可能有问题；"
                "请换一个文件夹或 U 盘再备份。原数据未受影响。"
            )
        _fsync(partial)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.errno == 28:
            raise DatabaseError(f"磁盘已满，备份未完成：{folder}（原数据未受影响）") from None
        raise DatabaseError(f"备份失败：{exc.strerror or exc}（{folder}）") from None
    except sqlite3.Error as exc:  # SQLite writing the copy: a full or read-only USB stick
        partial.unlink(missing_ok=True)
        if is_damage(exc):
            damage = db.find_damage()
            if damage is not None:
                raise damage from None
            raise DatabaseError(
                f"备份写入 {folder} 时出错（{_short(exc)}），备份盘可能有问题；原数据未受影响。"
            ) from None
        message = str(exc).lower()
        if "full" in message:
            raise DatabaseError(f"磁盘已满，备份未完成：{folder}（原数据未受影响）") from None
        if "readonly" in message or "unable to open" in message:
            raise DatabaseError(f"备份文件夹不可写（只读或没有权限）：{folder}（原数据未受影响）") from None
        raise DatabaseError(f"备份失败：{_short(exc)}（{folder}，原数据未受影响）") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    rotate(folder, db.path.stem, _keep_count(db))
    return target


def _short(detail: object) -> str:
    """A driver's words in a message: one line, not a page."""
    text = str(detail).strip().splitlines()
    return text[0][:120] if text else ""


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _counter(path: Path) -> int:
    match = _NAME.match(path.name)
    return int(match.group("n") or 0) if match else 0


def list_backups(db_path: Path, dest_dir: Path | None = None) -> list[BackupInfo]:
    """Backups of this data file, newest first."""
    folder = dest_dir or backups_dir(db_path)
    if not folder.is_dir():
        return []
    found: list[tuple[datetime, int, BackupInfo]] = []
    for path in folder.glob(f"{db_path.stem}-*.db"):
        match = _NAME.match(path.name)
        if not match or match.group("stem") != db_path.stem:
            continue
        created = datetime.strptime(match.group("stamp"), _STAMP)
        order = int(match.group("n") or 0)  # several backups within one second
        found.append(
            (created, order, BackupInfo(path, created, path.stat().st_size, match.group("reason") or ""))
        )
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


def rotate(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete the oldest backups beyond ``keep``; backups made before an upgrade or restore stay."""
    removable = [
        b
        for b in list_backups(folder / f"{stem}.db", folder)
        if not b.reason.startswith(("升级前", "恢复前"))
    ]
    removed = []
    for info in removable[keep:]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def maybe_auto_backup(db: Database, every: timedelta = timedelta(hours=12)) -> Path | None:
    """Back up when the newest backup is older than ``every`` (called on open and on close)."""
    folder = backup_folder(db, None)
    newest = next(iter(list_backups(db.path, folder)), None)
    if newest is not None and dates.now() - newest.created < every:
        return None
    return create_backup(db, folder, reason=AUTO_REASON)


def verify_backup_file(path: Path) -> str:
    """Check a file before restoring it; returns its schema revision or raises a clear error."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取备份文件 {path}：{exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise CorruptDatabaseError(f"{path.name} 不是 EcoDesk 数据文件，或文件已损坏。")
    journal = [Path(f"{path}{extra}") for extra in ("-wal", "-shm")]
    had_journal = [file.exists() for file in journal]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"备份文件 {path.name} 已损坏或不是 EcoDesk 数据文件（{_short(exc)}）。"
        ) from None
    finally:
        _drop_empty_journal(journal, had_journal)
    if result is None or result[0] != "ok":
        raise CorruptDatabaseError(f"备份文件 {path.name} 未通过完整性检查。")
    if row is None:
        raise CorruptDatabaseError(f"{path.name} 不是 EcoDesk 数据文件（缺少版本信息）。")
    revision = str(row[0])
    if not migrate.is_known(revision):
        raise SchemaTooNewError(f"备份文件 {path.name} 由更新版本的 EcoDesk 创建，本程序无法恢复它。")
    return revision


def _drop_empty_journal(journal: list[Path], had: list[bool]) -> None:
    """Reading a WAL-mode backup read-only leaves SQLite's -shm and an empty -wal beside it: remove
    the ones this reading created, so checking backups does not litter the backup folder."""
    wal, shm = journal
    try:
        if not had[0] and wal.exists() and wal.stat().st_size == 0:
            wal.unlink()
            if not had[1]:
                shm.unlink(missing_ok=True)
    except OSError:
        pass


def restore_backup(db_path: Path, backup_file: Path) -> Path | None:
    """Replace the data file with ``backup_file``. Returns where the replaced data was saved.

    Refused while another EcoDesk has the file open. An older backup is upgraded the next time
    the file is opened (with a backup first, as always).
    """
    db_path = Path(db_path).expanduser().resolve()
    backup_file = Path(backup_file).expanduser().resolve()
    if not backup_file.is_file():
        raise DatabaseError(f"找不到备份文件：{backup_file}")
    verify_backup_file(backup_file)
    lock = FileLock(db_path)
    lock.acquire()
    try:
        saved = _save_current(db_path)
        partial = db_path.with_name(db_path.name + ".restore-part")
        try:
            shutil.copyfile(backup_file, partial)
            _fsync(partial)
            for extra in ("-wal", "-shm"):
                Path(str(db_path) + extra).unlink(missing_ok=True)
            os.replace(partial, db_path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise DatabaseError(f"恢复失败：{exc.strerror or exc}。原数据文件未被改动。") from None
    finally:
        lock.release()
    return saved


def _save_current(db_path: Path) -> Path | None:
    """Copy the current data (and its WAL, which may hold recent commits) aside, as it is."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{db_path.stem}-{dates.now().strftime(_STAMP)}-恢复前.db"
    n = 1
    while target.exists():
        target = folder / f"{db_path.stem}-{dates.now().strftime(_STAMP)}-{n}-恢复前.db"
        n += 1
    # Written as .part and renamed when complete, like every backup: a kill mid-copy leaves nothing
    # that looks like a backup (and the .part is swept at the next open).
    partial = target.with_name(target.name + PART)
    try:
        try:
            # Fold a pending WAL into the copy when the file is readable; copy raw bytes otherwise.
            source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            try:
                dest = sqlite3.connect(partial)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            finally:
                source.close()
        except sqlite3.DatabaseError:
            partial.unlink(missing_ok=True)
            shutil.copyfile(db_path, partial)
            wal = Path(str(db_path) + "-wal")
            if wal.exists():
                shutil.copyfile(wal, Path(str(target) + "-wal"))
        _fsync(partial)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            f"恢复前另存当前数据失败（{exc.strerror or exc}，{folder}），没有恢复，原数据文件未被改动。"
        ) from None
    return target


def configured_folder(db_path: Path) -> Path | None:
    """The backup folder set in 设置, read straight from the file (it may be too damaged for a session)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'backup_dir'").fetchone()
        finally:
            conn.close()
        value = json.loads(row[0]) if row is not None and row[0] else ""
    except (sqlite3.Error, ValueError, TypeError):
        return None
    return Path(value) if isinstance(value, str) and value else None


def newest_good_backup_of(db_path: Path) -> BackupInfo | None:
    """The newest verified backup in the configured folder or beside the data file."""
    folders = [folder for folder in (configured_folder(db_path), backups_dir(db_path)) if folder is not None]
    found = sorted(
        (info for folder in dict.fromkeys(folders) for info in list_backups(db_path, folder)),
        key=lambda info: (info.created, _counter(info.path)),
        reverse=True,
    )
    for info in found:
        try:
            verify_backup_file(info.path)
        except DatabaseError:
            continue
        return info
    return None


def sweep_leftovers(db: Database, *, older_than: float) -> list[Path]:
    """What a killed EcoDesk left beside this data file: the half backup (``*.db.part``, as big as
    the data file), a half restore, half-written exports (``.ecodesk-*.tmp``). Only our own names,
    only in the data file's folder and its backup folders, only files last written before
    ``older_than`` and claimed by no live writer. Called by :meth:`Database.open` with the lock held.
    """
    removed = sweep_files(db.path.parent, (TEMP_PATTERN,), older_than=older_than)
    removed += remove_leftovers([db.path.with_name(db.path.name + RESTORE_PART)], older_than=older_than)
    for folder in dict.fromkeys((backup_folder(db, None), backups_dir(db.path))):
        parts = [
            path
            for path in _glob(folder, f"*{PART}")
            if (m := _NAME.match(path.name[: -len(PART)])) and m.group("stem") == db.path.stem
        ]
        removed += remove_leftovers(parts, older_than=older_than)
    return removed


def _glob(folder: Path, pattern: str) -> list[Path]:
    try:
        return list(folder.glob(pattern)) if folder.is_dir() else []
    except OSError:
        return []


def newest_good_backup(db_path: Path, dest_dir: Path | None = None) -> BackupInfo | None:
    """The newest backup that passes verification — what the clerk is offered after a crash."""
    for info in list_backups(db_path, dest_dir):
        try:
            verify_backup_file(info.path)
        except DatabaseError:
            continue
        return info
    return None
