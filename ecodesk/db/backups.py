"""Backups: SQLite's online backup into a dated file, verified, rotated; and restore.

A backup is written to ``*.part`` and renamed only once complete and verified, so an interrupted
backup never leaves a file that looks good; the ``.part`` of a killed EcoDesk (as large as the data
file) is swept the next time the data file is opened with its lock (:func:`sweep_leftovers`).
Restore first saves the current data beside the backups, refuses files from a newer EcoDesk, and
never leaves a half-copied data file. A damaged data file is not backed up: a copy of damaged
pages is no backup, and the message names the newest good one instead.

A *take-away* backup (:func:`create_takeaway`) is one zip the clerk carries off on a USB stick:
the verified database copy and the attachment folder (photos, scans) laid out as they sit beside
the data file (``ecodesk.db`` + ``ecodesk_files/``), so even unzipped by hand on another PC it is a
working data file, plus ``manifest.json`` (schema revision, record counts, attachment count and
bytes). The automatic backups stay plain ``.db`` copies: fast, rotated, without attachments.
:func:`restore_backup` takes either; from a zip it also puts missing attachments back, never
deleting one. :func:`record_counts` says how many records a backup holds (from the zip's manifest,
or counted in the ``.db`` opened read-only and immutable, so no ``-wal``/``-shm`` appears), so the
restore list can warn when a backup would lose most of the data.

These are the data file's own mechanics, so they live with it in ``ecodesk.db``: opening a file
that needs an upgrade makes a backup first without reaching up into the services.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ecodesk import dates
from ecodesk.db import cipher, migrate
from ecodesk.db.database import SQLITE_HEADER, Database, is_damage
from ecodesk.db.lock import FileLock
from ecodesk.errors import CorruptDatabaseError, DatabaseError, SchemaTooNewError
from ecodesk.files import TEMP_PATTERN, claimed, os_reason, remove_leftovers
from ecodesk.files import sweep_leftovers as sweep_files
from ecodesk.jobs import Job
from ecodesk.models.setting import Setting
from ecodesk.paths import attachments_dir, backups_dir

_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?(?:-(?P<reason>[^.]*))?\.db$")
AUTO_REASON = "自动"
PART = ".part"  # a backup being written
RESTORE_PART = ".restore-part"  # a backup being copied over the data file


TAKEAWAY_REASON = "带附件"  # how a take-away zip shows in the restore list
MANIFEST = "manifest.json"
TAKEAWAY_FORMAT = "ecodesk-takeaway"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    reason: str

    @property
    def is_takeaway(self) -> bool:
        return self.path.suffix.lower() == ".zip"


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
    # Numbered one past the highest number in the folder: rotation follows the number, not the
    # time stamp, which comes from a clock that drifts or resets on an offline PC.
    target = folder / f"{db.path.stem}-{stamp}-{next_sequence(folder, db.path.stem)}{suffix}.db"
    partial = target.with_name(target.name + PART)
    try:
        raw = db.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert source is not None
            # An encrypted file's backup has its key and salt: the same password opens both.
            dest = cipher.connect(partial, db.key)
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
        raise DatabaseError(f"备份失败：{os_reason(exc)}（{folder}）") from None
    except cipher.driver_errors() as exc:  # SQLite writing the copy: a full or read-only USB stick
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


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """An SQLite URI opening ``path`` read-only. Built with :meth:`Path.as_uri` from the absolute
    path, so a ``#`` or ``?`` in a folder name (``备份#1``) is escaped: pasted raw into ``file:…`` it
    would end the path there and drop ``mode=ro``, and SQLite would open or create the cut path."""
    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    uri = Path(path).expanduser().resolve().as_uri()
    if not uri.startswith("file:///"):  # a share (\\server\share\…): SQLite takes no URI authority
        uri = "file:////" + uri.removeprefix("file://")
    return f"{uri}?{query}"


def _short(detail: object) -> str:
    """A driver's words in a message: one line, not a page."""
    text = str(detail).strip().splitlines()
    return text[0][:120] if text else ""


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _counter(path: Path) -> int:
    """A backup's number (``ecodesk-20261206-143015-42-自动.db`` → 42; 0 for an unnumbered one)."""
    match = _NAME.match(path.name)
    return int(match.group("n") or 0) if match else 0


def next_sequence(folder: Path, stem: str) -> int:
    """The number for the next backup of ``stem`` in ``folder``: one past the highest there.

    Older EcoDesk versions numbered only a second backup within one second (``-1``), so a number is
    also above every such counter, and those versions still read the name the same way.
    """
    return 1 + max((_counter(info.path) for info in list_backups(folder / f"{stem}.db", folder)), default=0)


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
    takeaway = _takeaway_name(db_path.stem)
    for path in folder.glob(f"*{db_path.stem}-*.zip"):
        zmatch = takeaway.match(path.name)
        if not zmatch:
            continue
        created = datetime.strptime(zmatch.group("stamp"), _STAMP)
        found.append(
            (
                created,
                int(zmatch.group("n") or 0),
                BackupInfo(path, created, path.stat().st_size, TAKEAWAY_REASON),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


def rotate(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete the oldest backups beyond ``keep``; backups made before an upgrade or restore stay.

    "Oldest" by the backup's number (:func:`next_sequence`), never by its time stamp or by age from
    today: with the PC's clock set back a year, the backup just made is still the newest and stays.
    """
    removable = sorted(
        (
            b
            for b in list_backups(folder / f"{stem}.db", folder)
            if not b.reason.startswith(("升级前", "恢复前")) and not b.is_takeaway  # the clerk's own copies
        ),
        key=lambda b: (_counter(b.path), b.created),
        reverse=True,
    )
    removed = []
    for info in removable[keep:]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


# -- automatic backups: on open and on close, with a fallback folder and a status for the 工作台 --

AUTO_EVERY = timedelta(hours=12)  # an automatic backup when the newest is older than this


@dataclass(frozen=True)
class AutoAttempt:
    """The last automatic backup tried for a data file in this session."""

    at: datetime
    failure: str  # why the backup folder could not be used, in Chinese; "" when it worked
    made: Path | None  # the backup written: in the backup folder, or in the default one instead


_attempts: dict[Path, AutoAttempt] = {}


def maybe_auto_backup(db: Database, every: timedelta = AUTO_EVERY) -> Path | None:
    """Back up when the newest backup is older than ``every`` (called on open and on close).

    A backup folder set in 设置 that cannot be used (the USB stick is out, the disk is full) is
    replaced by the default folder beside the data file, and what happened is kept for the 工作台
    (:func:`auto_backup_status`). A clock earlier than the newest backup does not stop the backup.
    Raises :class:`DatabaseError` when no backup could be written anywhere.
    """
    now = dates.now()
    if any(timedelta(0) <= now - info.created < every for info in _auto_folders_backups(db)):
        return None  # a recent one. One dated after the clock does not count: the clock was set back
    folder, default = backup_folder(db, None), backups_dir(db.path)
    try:
        if not _same_folder(folder, default) and (unusable := _unusable(folder, db.path)):
            raise DatabaseError(unusable)
        made = create_backup(db, folder, reason=AUTO_REASON)
    except CorruptDatabaseError:
        raise  # the data file itself is damaged: no other folder helps
    except DatabaseError as exc:
        failure = _failure_reason(exc)
        if _same_folder(folder, default):
            _attempts[db.path] = AutoAttempt(now, failure, None)
            raise
        try:
            made = create_backup(db, default, reason=AUTO_REASON)
        except DatabaseError as again:
            _attempts[db.path] = AutoAttempt(
                now, f"{failure}；默认文件夹也无法备份：{_failure_reason(again)}", None
            )
            raise
        _attempts[db.path] = AutoAttempt(now, failure, made)
        return made
    _attempts[db.path] = AutoAttempt(now, "", made)
    return made


def _same_folder(a: Path, b: Path) -> bool:
    return Path(os.path.abspath(a)) == Path(os.path.abspath(b))


def _unusable(folder: Path, db_path: Path) -> str:
    """Why the backup folder set in 设置 cannot take a backup now ("" when it can). Unlike the default
    folder it is never created: missing, it is a USB stick not plugged in, not a folder to make."""
    try:
        if not folder.exists():
            return f"找不到备份文件夹 {folder}（U 盘没有插好，或文件夹已改名、删除？）"
        if not folder.is_dir():
            return f"{folder} 不是文件夹"
        if not os.access(folder, os.W_OK):
            return f"备份文件夹 {folder} 不可写（只读或没有权限）"
        needed = sum(p.stat().st_size for p in (db_path, Path(f"{db_path}-wal")) if p.exists())
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return f"无法使用备份文件夹 {folder}：{os_reason(exc)}"
    if free < needed:
        return f"磁盘已满（{folder} 所在磁盘只剩 {free / 2**20:.1f} MB，备份约需 {needed / 2**20:.1f} MB）"
    return ""


def _failure_reason(exc: DatabaseError) -> str:
    """The reason for the 工作台 line: the system's own error in Chinese when there was one (the
    message raised keeps it as its context), else the message itself."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, OSError):
        return os_reason(cause)
    if isinstance(cause, sqlite3.Error) and "full" in str(cause).lower():
        return "磁盘已满"
    return str(exc)


def newest_backup(db: Database) -> BackupInfo | None:
    """The newest backup of the data file, in the backup folder or the default one (where an
    automatic backup goes when the backup folder cannot be used)."""
    return max(_auto_folders_backups(db), key=lambda info: (info.created, _counter(info.path)), default=None)


def _auto_folders_backups(db: Database) -> list[BackupInfo]:
    folders = dict.fromkeys((backup_folder(db, None), backups_dir(db.path)))
    return [info for folder in folders for info in list_backups(db.path, folder)]


@dataclass(frozen=True)
class BackupStatus:
    """The automatic backup as the 工作台 shows it: one line of text and its tone."""

    text: str
    tone: str  # "" all well, "amber" worth a look, "red" a backup is not where the clerk expects it
    newest: BackupInfo | None
    clock_behind: bool  # the PC's clock is earlier than the newest backup


def auto_backup_status(db: Database, every: timedelta = AUTO_EVERY) -> BackupStatus:
    """How the automatic backup stands: the newest backup's age and folder; a failure in this
    session (and where the backup went instead); no backup for longer than ``every``; a clock
    earlier than the newest backup (the date on the PC is wrong, so ages and names are too)."""
    now = dates.now()
    newest = newest_backup(db)
    behind = newest is not None and now < newest.created
    attempt = _attempts.get(db.path)
    failed = attempt is not None and attempt.failure and (newest is None or newest.created <= attempt.at)
    folder, default = backup_folder(db, None), backups_dir(db.path)
    tone = ""
    if failed and attempt is not None:
        tone = "red"
        if attempt.made is not None:
            text = f"自动备份失败：{attempt.failure}，已改存到默认文件夹 {attempt.made.parent}"
        else:
            text = f"自动备份失败：{attempt.failure}。" + (
                f"最近一次备份 {_when(newest.created, now)}（{newest.path.parent}）"
                if newest is not None
                else "还没有任何备份"
            )
    elif newest is None:
        tone = "amber"
        text = "自动备份：还没有备份（打开和关闭程序时自动备份）"
    else:
        text = f"自动备份：最近一次 {_when(newest.created, now)}（{newest.path.parent}）"
        if not _same_folder(folder, default) and not _same_folder(newest.path.parent, folder):
            tone = "amber"
            text += f"，不在设置的备份文件夹 {folder} 中（U 盘没有插好？）"
        if not behind and now - newest.created > every:
            tone = "amber"
            text += f"，已超过 {every.total_seconds() / 3600:g} 小时没有备份"
    if behind and newest is not None:
        tone = "red"
        text += "。电脑时间早于最近一次备份的时间，请检查日期"  # the line gives that time already
    return BackupStatus(text, tone, newest, behind)


def _when(moment: datetime, now: datetime) -> str:
    """``刚刚``, ``25 分钟前``, ``5 小时前``, ``3 天前``; the date itself when it lies ahead of the clock."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return _stamp_cn(moment)
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时前"
    return f"{int(seconds // 86400)} 天前"


def _stamp_cn(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def verify_backup_file(path: Path, key: cipher.Key | None = None) -> str:
    """Check a file before restoring it (a ``.db`` or a take-away zip); returns its schema revision
    or raises a clear error. An encrypted backup needs ``key`` or a remembered key with its salt
    (:class:`cipher.PasswordNeededError` otherwise)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取备份文件 {path}：{os_reason(exc)}") from None
    if header.startswith(ZIP_MAGIC):
        with tempfile.TemporaryDirectory(prefix="ecodesk-verify-") as tmp:
            copy = Path(tmp) / "check.db"
            _extract_db(path, copy)
            return _verify_database(copy, path.name, key)
    if header != SQLITE_HEADER and not cipher.looks_encrypted(path):
        raise CorruptDatabaseError(f"{path.name} 不是 EcoDesk 数据文件，或文件已损坏。")
    return _verify_database(path, path.name, key)


def _verify_database(path: Path, shown: str, key: cipher.Key | None = None) -> str:
    """Integrity and schema revision of an SQLite file; messages name ``shown`` (the backup's name)."""
    journal = [Path(f"{path}{extra}") for extra in ("-wal", "-shm")]
    had_journal = [file.exists() for file in journal]
    key = cipher.needs_key(path, key, what="备份文件") if cipher.looks_encrypted(path) else None
    try:
        conn = cipher.connect(read_only_uri(path), key, uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except cipher.driver_errors() as exc:
        raise CorruptDatabaseError(
            f"备份文件 {shown} 已损坏或不是 EcoDesk 数据文件（{_short(exc)}）。"
        ) from None
    finally:
        _drop_empty_journal(journal, had_journal)
    if result is None or result[0] != "ok":
        raise CorruptDatabaseError(f"备份文件 {shown} 未通过完整性检查。")
    if row is None:
        raise CorruptDatabaseError(f"{shown} 不是 EcoDesk 数据文件（缺少版本信息）。")
    revision = str(row[0])
    if not migrate.is_known(revision):
        raise SchemaTooNewError(f"备份文件 {shown} 由更新版本的 EcoDesk 创建，本程序无法恢复它。")
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


def restore_backup(
    db_path: Path, backup_file: Path, job: Job | None = None, key: cipher.Key | None = None
) -> Path | None:
    """Replace the data file with ``backup_file`` (a ``.db`` or a take-away zip). Returns where the
    replaced data was saved.

    From a zip, the attachments are put back first (a file already there with the same name and
    size is kept; none is deleted), then the database replaces the data file: a failure on the way
    leaves the old data file as it was. Refused while another EcoDesk has the file open. An older
    backup is upgraded the next time the file is opened (with a backup first, as always).
    """
    db_path = Path(db_path).expanduser().resolve()
    backup_file = Path(backup_file).expanduser().resolve()
    if not backup_file.is_file():
        raise DatabaseError(f"找不到备份文件：{backup_file}")
    takeaway = _is_zip(backup_file)
    if not takeaway:
        verify_backup_file(backup_file, key)
    lock = FileLock(db_path)
    lock.acquire()
    try:
        partial = db_path.with_name(db_path.name + RESTORE_PART)
        manifest: dict[str, Any] = {}
        if takeaway:
            try:
                if job is not None:
                    job.report(0, 0, f"正在读取 {backup_file.name}……")
                manifest = _extract_db(backup_file, partial)
                _verify_database(partial, backup_file.name, key)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        try:
            saved = _save_current(db_path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        try:
            if takeaway:
                _restore_files(backup_file, manifest, attachments_dir(db_path), job)
            else:
                shutil.copyfile(backup_file, partial)
            _fsync(partial)
            for extra in ("-wal", "-shm"):
                Path(str(db_path) + extra).unlink(missing_ok=True)
            os.replace(partial, db_path)
            # The restored file has the backup's password (none for a plain backup) from now on.
            cipher.remember(
                db_path, (key or cipher.known_key(db_path)) if cipher.looks_encrypted(db_path) else None
            )
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise DatabaseError(f"恢复失败：{os_reason(exc)}。原数据文件未被改动。") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
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
            source = sqlite3.connect(read_only_uri(db_path), uri=True)
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
            f"恢复前另存当前数据失败（{os_reason(exc)}，{folder}），没有恢复，原数据文件未被改动。"
        ) from None
    return target


def configured_folder(db_path: Path) -> Path | None:
    """The backup folder set in 设置, read straight from the file (it may be too damaged for a session)."""
    try:
        conn = cipher.connect(read_only_uri(db_path), _remembered_key(db_path), uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'backup_dir'").fetchone()
        finally:
            conn.close()
        value = json.loads(row[0]) if row is not None and row[0] else ""
    except cipher.driver_errors() + (ValueError, TypeError):
        return None
    return Path(value) if isinstance(value, str) and value else None


def backup_salt_needing_password(path: Path) -> bytes | None:
    """The SQLCipher salt of an encrypted backup (``.db`` or the database in a take-away zip) whose
    key this process does not know — the caller asks for that backup's password and passes
    ``cipher.key_from(salt, password)`` to :func:`restore_backup`. None: plain, or the key is known."""
    start = cipher.head(path)
    if start.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
                with zf.open(str(manifest["database"])) as member:
                    start = member.read(cipher.SALT_BYTES)
        except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile):
            return None  # the restore itself names what is wrong with the zip
    elif not cipher.looks_encrypted(path):
        return None
    if len(start) < cipher.SALT_BYTES or start == SQLITE_HEADER:
        return None
    return None if cipher.known_for_salt(start) is not None else start


def _remembered_key(path: Path) -> cipher.Key | None:
    """The key this process knows for an encrypted file (None for a plain one, or none known)."""
    return cipher.known_key(path) if cipher.looks_encrypted(path) else None


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
            if ((m := _NAME.match(path.name[: -len(PART)])) and m.group("stem") == db.path.stem)
            or _takeaway_name(db.path.stem).match(path.name[: -len(PART)])
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


# -- take-away backups: one zip with the data and the attachments --------------------------------

ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 20
# Stored attachment names are content hashes (``ab/ab12…ef.jpg``); nothing else is restored from a
# zip, so a crafted entry (``../../x``) cannot write outside the attachment folder.
_STORED = re.compile(r"^(?P<dir>[0-9a-f]{2})/(?P=dir)[0-9a-f]{62}(?:\.[A-Za-z0-9]{1,8})?$")
# What the restore list counts: live rows of the main record tables, label shown to the clerk.
COUNTED: tuple[tuple[str, str], ...] = (
    ("households", "农户"),
    ("enterprises", "企业"),
    ("patrols", "巡查记录"),
    ("fire_points", "火点"),
    ("problems", "问题"),
    ("complaints", "信访"),
    ("commitments", "承诺书"),
    ("ledger_entries", "台账"),
)


@dataclass(frozen=True)
class RecordCounts:
    """Live records per main table (label → count), as held by a backup or the open data file."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def detail(self) -> str:
        """``农户 120，巡查记录 3,400，…`` (the tables that have any)."""
        return "，".join(f"{label} {n:,}" for label, n in self.counts.items() if n) or "没有记录"


def _takeaway_name(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:.+-)?{re.escape(stem)}-(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<n>\d+))?\.zip$")


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == ZIP_MAGIC
    except OSError:
        return False


def count_records(conn: sqlite3.Connection) -> RecordCounts:
    """Count the live rows of :data:`COUNTED` on an open connection (a table or ``deleted_at`` column
    an older schema lacks is skipped or counted whole)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts: dict[str, int] = {}
    for table, label in COUNTED:
        if table not in tables:
            continue
        columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        live = " WHERE deleted_at IS NULL" if "deleted_at" in columns else ""
        counts[label] = int(conn.execute(f'SELECT COUNT(*) FROM "{table}"{live}').fetchone()[0])
    return RecordCounts(counts)


def database_counts(db: Database) -> RecordCounts:
    """Record counts of the open data file (through its own connection: it may have a WAL)."""
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        return count_records(conn)
    finally:
        raw.close()


def record_counts(path: Path) -> RecordCounts | None:
    """How many records a backup holds: a zip's manifest, or counted in a ``.db`` opened read-only
    and immutable (no ``-wal``/``-shm`` appears beside it). None when the file cannot say."""
    if _is_zip(path):
        try:
            with zipfile.ZipFile(path) as zf:
                manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            counts = manifest["counts"]
            return RecordCounts({str(k): int(v) for k, v in counts.items()})
        except (OSError, KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile):
            return None
    try:
        conn = cipher.connect(read_only_uri(path, immutable=True), _remembered_key(path), uri=True)
        try:
            return count_records(conn)
        finally:
            conn.close()
    except cipher.driver_errors() + (OSError, ValueError):
        return None


def _extract_db(zip_path: Path, target: Path) -> dict[str, Any]:
    """Write the database inside a take-away zip to ``target``; returns its manifest."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != TAKEAWAY_FORMAT:
                raise ValueError("manifest")
            member = str(manifest["database"])
            with zf.open(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, _CHUNK)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"无法读取备份文件 {zip_path.name}：{os_reason(exc)}") from None
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, EOFError) as exc:
        target.unlink(missing_ok=True)
        raise CorruptDatabaseError(
            f"{zip_path.name} 不是 EcoDesk 的带附件备份，或文件已损坏（{_short(exc)}）。"
        ) from None
    return manifest


def _restore_files(
    zip_path: Path, manifest: dict[str, Any], files_dir: Path, job: Job | None
) -> tuple[int, int]:
    """Put the zip's attachments into ``files_dir``: (copied, kept). A file already there with the
    same name and size is kept; nothing is deleted. Each file is written as ``.part`` and renamed."""
    prefix = str(manifest.get("files", "")).rstrip("/") + "/"
    copied = kept = 0
    with zipfile.ZipFile(zip_path) as zf:
        members = [
            info
            for info in zf.infolist()
            if info.filename.startswith(prefix) and _STORED.match(info.filename[len(prefix) :])
        ]
        total = sum(info.file_size for info in members) // 1024 or 1
        done = 0
        for i, info in enumerate(members, 1):
            if job is not None:
                job.report(done // 1024, total, f"正在放回附件 {i}/{len(members)}……")
            target = files_dir / info.filename[len(prefix) :]
            done += info.file_size
            if target.is_file() and target.stat().st_size == info.file_size:
                kept += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + PART)
            try:
                with zf.open(info) as src, open(partial, "wb") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
                os.replace(partial, target)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            copied += 1
    return copied, kept


def _attachment_files(files_dir: Path) -> list[tuple[str, Path, int]]:
    """(path inside the folder, file, size) of every stored attachment, ``.part`` files left out."""
    if not files_dir.is_dir():
        return []
    found = []
    for path in sorted(files_dir.rglob("*")):
        if path.is_file() and not path.name.endswith(PART):
            found.append((path.relative_to(files_dir).as_posix(), path, path.stat().st_size))
    return found


def takeaway_name(db: Database) -> str:
    """``清河镇-ecodesk-20261206-143015.zip``: the town first, so the clerk knows the stick's file."""
    town = _safe_reason(str(_setting(db, "town_name", "") or ""))
    stem = f"{db.path.stem}-{dates.now().strftime(_STAMP)}"
    return f"{town}-{stem}.zip" if town else f"{stem}.zip"


def create_takeaway(db: Database, folder: Path, job: Job | None = None) -> Path:
    """Write one zip into ``folder`` holding a verified copy of the database, the attachment folder
    and a manifest. Written as ``.part``, read back (the database copy passes ``quick_check``, every
    attachment's size matches), fsynced, then renamed: the zip is whole or absent."""
    if db.damage is not None:
        raise db.damage
    job = job or Job()
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DatabaseError(f"找不到文件夹 {folder}（U 盘是否已插好？），没有备份。原数据未受影响。")
    base = takeaway_name(db).removesuffix(".zip")
    target = folder / f"{base}.zip"
    n = 1
    while target.exists() or target.with_name(target.name + PART).exists():  # twice within a second
        target = folder / f"{base}-{n}.zip"
        n += 1
    partial = target.with_name(target.name + PART)
    files_dir = attachments_dir(db.path)
    files = _attachment_files(files_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="ecodesk-takeaway-") as tmp:
            copy = Path(tmp) / db.path.name
            job.report(0, 0, "正在复制数据库……")
            _copy_database(db, copy)
            with contextlib.closing(
                cipher.connect(read_only_uri(copy, immutable=True), db.key, uri=True)
            ) as conn:
                counts = count_records(conn)
                revision = str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
            manifest = {
                "format": TAKEAWAY_FORMAT,
                "version": 1,
                "created": dates.now().isoformat(timespec="seconds"),
                "town": str(_setting(db, "town_name", "") or ""),
                "schema_revision": revision,
                "database": db.path.name,
                "files": files_dir.name,
                "counts": counts.counts,
                "total_records": counts.total,
                "attachments": {"count": len(files), "bytes": sum(size for _, _, size in files)},
            }
            _write_zip(partial, copy, manifest, files, job)
            _verify_zip(partial, manifest, files, Path(tmp) / "verify.db", folder, db.key)
        _fsync(partial)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _stick_error(exc, folder) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _stick_error(exc: OSError, folder: Path) -> DatabaseError:
    if exc.errno == errno.ENOSPC:
        return DatabaseError(f"磁盘已满，备份未完成：{folder}（原数据未受影响）")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return DatabaseError(f"备份文件夹不可写（只读或没有权限）：{folder}（原数据未受影响）")
    return DatabaseError(f"备份失败：{os_reason(exc)}（{folder}，原数据未受影响）")


def _copy_database(db: Database, dest: Path) -> None:
    """SQLite's online copy of the live database into ``dest``, ``quick_check``-verified."""
    raw = db.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert source is not None
        with contextlib.closing(cipher.connect(dest, db.key)) as out:  # encrypted like the data file
            source.backup(out)
            check = out.execute("PRAGMA quick_check").fetchone()
    except cipher.driver_errors() as exc:
        damage = db.find_damage() if is_damage(exc) else None
        if damage is not None:
            raise damage from None
        raise DatabaseError(f"复制数据库时出错（{_short(exc)}），没有备份；原数据未受影响。") from None
    finally:
        raw.close()
    if check is None or check[0] != "ok":
        damage = db.find_damage()
        if damage is not None:
            raise damage
        raise DatabaseError(f"数据库副本校验未通过（{_short(check)}），没有备份；原数据未受影响。")


def _write_zip(
    partial: Path, copy: Path, manifest: dict[str, Any], files: list[tuple[str, Path, int]], job: Job
) -> None:
    total = (copy.stat().st_size + sum(size for _, _, size in files)) // 1024 or 1
    with zipfile.ZipFile(partial, "w", allowZip64=True) as zf, claimed(partial):
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        job.report(0, total, "正在写入数据库……")
        # SQLite pages compress 3–5×; photos and scans are compressed already and are stored as is.
        zf.write(copy, str(manifest["database"]), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        done = copy.stat().st_size
        for i, (rel, path, size) in enumerate(files, 1):
            job.report(done // 1024, total, f"正在写入附件 {i}/{len(files)}……")
            info = zipfile.ZipInfo.from_file(path, f"{manifest['files']}/{rel}")
            info.compress_type = zipfile.ZIP_STORED
            with open(path, "rb") as src, zf.open(info, "w", force_zip64=size > 2**31) as out:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    out.write(chunk)
                    done += len(chunk)
                    job.report(done // 1024, total, f"正在写入附件 {i}/{len(files)}……")


def _verify_zip(
    partial: Path,
    manifest: dict[str, Any],
    files: list[tuple[str, Path, int]],
    scratch: Path,
    folder: Path,
    key: cipher.Key | None = None,
) -> None:
    """Read the written zip back: its database passes ``quick_check``, each attachment's size matches."""
    problem = ""
    try:
        with zipfile.ZipFile(partial) as zf:
            sizes = {info.filename: info.file_size for info in zf.infolist()}
            for rel, _path, size in files:
                if sizes.get(f"{manifest['files']}/{rel}") != size:
                    problem = f"附件 {rel} 大小不符"
                    break
            if not problem:
                with zf.open(str(manifest["database"])) as src, open(scratch, "wb") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
                with contextlib.closing(
                    cipher.connect(read_only_uri(scratch, immutable=True), key, uri=True)
                ) as conn:
                    check = conn.execute("PRAGMA quick_check").fetchone()
                if check is None or check[0] != "ok":
                    problem = _short(check)
    except cipher.driver_errors() + (zipfile.BadZipFile, KeyError) as exc:
        problem = _short(exc)
    if problem:
        raise DatabaseError(
            f"备份写入 {folder} 后校验未通过（{problem}），备份盘可能有问题；"
            "请换一个文件夹或 U 盘再备份。原数据未受影响。"
        )
