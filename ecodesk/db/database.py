"""Opening a data file: checks, lock, pragmas, migrations with a backup first, sessions.

Every service takes a :class:`Database` and opens a short session per call with
:meth:`Database.session`; nothing keeps a session open between calls.

What the clerk brings in is never refused without a reason, nor silently lost:

- a missing file is an error (:class:`MissingDatabaseError`) unless the caller means to create one
  (``create=True``: ``ecodesk init``, the first-start wizard, 新建数据文件), so a mistyped ``--db``
  never becomes a new, empty file that then "passes" ``check`` or takes an import meant elsewhere;
- a file SQLite reports damaged ("database disk image is malformed", "file is not a database") is
  one Chinese message naming the newest verified backup, wherever SQLite notices it (an engine
  hook turns the error into :class:`DamagedDatabaseError`); once the damage is known, no session
  that changed anything may commit. ``PRAGMA quick_check`` reads every page, 0.2 s on the decade
  demo (88 MB) with a warm cache, so it runs at open only when asked (``verify=True``: the CLI's
  writing commands, imports among them) and in the background in the GUI;
- only the holder of the file lock upgrades the schema (a lock-free open may be a read-only command
  beside an open window), and only it sweeps what a killed EcoDesk left beside the file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ecodesk.db import audit, cipher, migrate
from ecodesk.db.base import Base
from ecodesk.db.lock import FileLock
from ecodesk.errors import (
    CorruptDatabaseError,
    DamagedDatabaseError,
    DatabaseError,
    MissingDatabaseError,
    SchemaTooNewError,
    UpgradeNeedsLockError,
)
from ecodesk.files import os_reason

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
IMMEDIATE = "ecodesk_immediate"
_CHANGES_AT_BEGIN = "ecodesk_changes_at_begin"
# What SQLite says when pages are not what it wrote (SQLITE_CORRUPT, SQLITE_NOTADB).
_DAMAGE_WORDS = ("malformed", "not a database")


ZH_SORT_KEY = "zh_key"


def zh_sort_key(value: Any) -> Any:
    """Chinese text in the order the clerk expects (by pinyin, as Excel and WPS sort in China).

    GB18030 puts the 3,755 common characters (GB2312 level 1) in pinyin order, so its bytes sort
    白 < 蔡 < 曹 … < 赵 where Unicode order would not. Rarer characters follow their code; other
    values pass through unchanged.
    """
    if isinstance(value, str):
        try:
            return value.encode("gb18030")
        except UnicodeEncodeError:  # lone surrogates: keep them sortable, never fail a list
            return value.encode("utf-8", "surrogatepass")
    return value


def _configure_engine(engine: Engine, on_damage: Callable[[BaseException], DamagedDatabaseError]) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # We emit BEGIN ourselves (below) so that SQLite transactions follow SQLAlchemy's.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed record survives a power cut, not only a program crash.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()
        dbapi_conn.create_function(ZH_SORT_KEY, 1, zh_sort_key, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # BEGIN IMMEDIATE takes the write lock up front: used where two writers must not race
        # (document numbers), so the second waits instead of failing half-way.
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        conn.info[_CHANGES_AT_BEGIN] = _total_changes(conn)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> BaseException | None:
        # Wherever SQLite trips over a damaged page (a list, a report, an import's flush, the commit),
        # the clerk reads one message with the way out instead of a driver error.
        if is_damage(context.original_exception):
            return on_damage(context.original_exception)
        return None


def _total_changes(conn: Connection) -> int:
    """Rows changed on this connection since it was opened (SQLite counts every INSERT/UPDATE/DELETE)."""
    driver = conn.connection.driver_connection
    return int(getattr(driver, "total_changes", 0))  # sqlite3's or SQLCipher's connection


def is_damage(exc: BaseException) -> bool:
    """Whether SQLite said the file is damaged (or is no database at all)."""
    if not isinstance(exc, (SADatabaseError, *cipher.driver_errors())):
        return False
    message = str(getattr(exc, "orig", None) or exc).lower()
    return any(word in message for word in _DAMAGE_WORDS)


def _sqlite_reason(exc: BaseException) -> str:
    """SQLite's own words, short (the clerk can read them out to whoever maintains the program)."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:120]


def damage_error(path: Path, reason: str, *, summary: str = "") -> DamagedDatabaseError:
    """The one message for a damaged data file: what is wrong, and the newest verified backup to
    restore (from the command line and in the program), or that there is none.

    Looks for backups in the folder configured in the file (read directly, if it can still be
    read) and beside the data file; verifying a backup reads it whole, so this runs once per
    damage, never on a healthy path.
    """
    from ecodesk.db import backups  # local: backups imports this module

    summary = summary or (
        f"数据文件 {path} 已损坏：部分内容已被破坏（SQLite 报告“{reason}”），EcoDesk 不会再向它写入。"
    )
    try:
        good = backups.newest_good_backup_of(path)
    except Exception:  # noqa: BLE001 - looking for a way out must not hide the damage itself
        log.warning("looking for a backup of damaged %s failed", path, exc_info=True)
        good = None
    if good is None:
        way_out = (
            "没有找到这个数据文件的完好备份。请不要再使用这个文件：把它复制一份保存好，再联系维护人员；"
            "若另有备份（如 U 盘上），可用“从备份恢复”选择它。"
        )
        backup = None
    else:
        backup = good.path
        way_out = (
            f"请从备份恢复：最新的完好备份是 {good.path}（{good.created:%Y-%m-%d %H:%M}）。"
            f'命令行：ecodesk --db "{path}" restore "{good.path}"；程序中：文件 → 从备份恢复…。'
            "恢复前，损坏的文件会另存一份。"
        )
    return DamagedDatabaseError(f"{summary}{way_out}", path=path, summary=summary, backup=backup)


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except PermissionError:
        raise DatabaseError(f"没有读取数据文件的权限：{path}") from None
    except OSError as exc:
        raise DatabaseError(f"无法读取数据文件 {path}：{os_reason(exc)}") from None
    if head and head != SQLITE_HEADER:
        raise damage_error(path, "", summary=f"{path} 不是 EcoDesk 数据文件，或文件已损坏。")


def _missing(path: Path) -> MissingDatabaseError | None:
    """Why there is no data file to open at ``path`` (None when there is one)."""
    if path.is_dir():
        return MissingDatabaseError(f"{path} 是一个文件夹，不是数据文件（新建请用 ecodesk init）", path=path)
    if not path.exists():
        return MissingDatabaseError(f"找不到数据文件 {path}（新建请用 ecodesk init）", path=path)
    wal = path.with_name(path.name + "-wal")
    if path.stat().st_size == 0 and not (wal.is_file() and wal.stat().st_size > 0):
        return MissingDatabaseError(
            f"数据文件 {path} 是空文件（0 字节），里面没有任何数据（新建请用 ecodesk init）", path=path
        )
    return None


class Database:
    """An open EcoDesk data file."""

    def __init__(
        self, path: Path, engine: Engine, operator: str, lock: FileLock | None, key: cipher.Key | None = None
    ) -> None:
        self.path = path
        self.engine = engine
        # The SQLCipher key of an encrypted file (None: a plain file); backups are written with it.
        self.key = key
        self.operator = operator
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        audit.install(self._sessions)
        # Set once SQLite has reported the file damaged; from then on no session may commit a change.
        self.damage: DamagedDatabaseError | None = None
        # Called (on whatever thread noticed it) the first time damage is found: the GUI offers a restore.
        self.damage_listeners: list[Callable[[DamagedDatabaseError], None]] = []
        self._damage_guard = threading.Lock()

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        operator: str = "",
        *,
        lock: bool = False,
        backup_before_upgrade: bool = True,
        create: bool = False,
        verify: bool = False,
        key: cipher.Key | None = None,
    ) -> Database:
        """Open the data file at ``path``, upgrading it when needed (only with ``lock``).

        ``create``: make a new data file when there is none (``init``, the wizard, 新建数据文件);
        otherwise a missing file raises :class:`MissingDatabaseError` and nothing is created — no
        file, folder, journal or lock file. ``lock``: take the file lock (a window, a writing
        command); it is also what allows an upgrade and sweeping a killed EcoDesk's leftovers.
        ``verify``: run SQLite's ``quick_check`` first, so a damaged file is refused before anything
        is written to it. ``key``: the SQLCipher key of an encrypted file (else one remembered in this
        process; without either :class:`cipher.PasswordNeededError`). A plain file ignores it.

        Raises :class:`DatabaseError` subclasses with a message fit for the clerk: the file is
        missing, damaged, from a newer EcoDesk, locked by another window, needs an upgrade that only
        the lock holder may make, or is in a folder we cannot write.
        """
        path = Path(path).expanduser().resolve()
        if not create:
            missing = _missing(path)
            if missing is not None:
                raise missing
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据文件夹 {path.parent}：{os_reason(exc)}") from None
        # SQLite needs to write its journal beside the file, even to read it: say so plainly.
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise DatabaseError(
                f"数据文件或其文件夹是只读的（或没有写入权限），无法打开：{path}。"
                "若数据在光盘或写保护的 U 盘上，请先复制到电脑上再打开。"
            )
        existed = path.exists() and path.stat().st_size > 0
        if existed and cipher.looks_encrypted(path):
            key = cipher.needs_key(path, key)
            cipher.remember(path, key)  # its backups (same key and salt) are then read without asking
        else:
            key = None
            if existed:
                _check_header(path)
        file_lock = FileLock(path) if lock else None
        locked_at = time.time()
        if file_lock is not None:
            try:
                file_lock.acquire()
            except OSError as exc:  # no lock file here (a lock held elsewhere is DatabaseLockedError)
                raise DatabaseError(
                    f"无法在数据文件夹中建立锁文件 {file_lock.path.name}（{os_reason(exc)}）：{path.parent}"
                ) from None
        if file_lock is not None:
            cipher.recover(path)  # the copy a killed password change left
        db = cls(path, _engine(path, key), operator, file_lock, key)
        _configure_engine(db.engine, db._damaged)
        try:
            db._prepare_schema(create, backup_before_upgrade)
            if verify and existed:
                damage = db.find_damage()
                if damage is not None:
                    raise damage
        except BaseException:
            db.close()
            raise
        if file_lock is not None:
            db._sweep_leftovers(locked_at)
        return db

    def change_key(self, key: cipher.Key | None) -> None:
        """Encrypt, re-encrypt or decrypt the file in place (:func:`cipher.convert`): set, change or
        remove the opening password. Under the file lock (taken here if this open has none, refused
        while another window has the file); the engine is reopened on the new file."""
        held = self._lock
        if held is None:  # a lock-free open (a test, a script): take the lock for the conversion
            held = FileLock(self.path)
            held.acquire()
        self.engine.dispose()
        try:
            cipher.convert(self.path, self.key, key)
        finally:
            if held is not self._lock:
                held.release()
        self.key = key
        self.engine = _engine(self.path, key)
        _configure_engine(self.engine, self._damaged)
        self._sessions.configure(bind=self.engine)

    def _sweep_leftovers(self, locked_at: float) -> None:
        """Remove what a killed EcoDesk left beside this file (a half backup, temporaries).

        Only the lock holder sweeps, only files written before the lock was taken, and never one
        still claimed by a live writer (a read-only command needs no lock: ``ecodesk backup`` or an
        export may be writing beside the file right now).
        """
        from ecodesk.db import backups  # local: backups imports this module

        try:
            removed = backups.sweep_leftovers(self, older_than=locked_at)
        except Exception:  # noqa: BLE001 - tidying up must never stop the clerk opening the file
            log.warning("sweeping leftovers beside %s failed", self.path, exc_info=True)
            return
        for path in removed:
            log.info("removed leftover %s", path)

    def _prepare_schema(self, create: bool, backup_before_upgrade: bool) -> None:
        try:
            with self.engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                revision = migrate.current_revision(conn) if tables else None
        except (SADatabaseError, sqlite3.DatabaseError) as exc:
            raise _explain(self.path, exc) from None
        if not tables:
            if not create:
                raise CorruptDatabaseError(
                    f"{self.path} 是一个空的 SQLite 数据库，不是 EcoDesk 数据文件（新建请用 ecodesk init）。"
                )
            self._create_fresh()
            return
        if revision is None:
            raise CorruptDatabaseError(f"{self.path} 不是 EcoDesk 数据文件（缺少版本信息）。")
        if not migrate.is_known(revision):
            raise SchemaTooNewError(
                f"数据文件 {self.path.name} 由更新版本的 EcoDesk 创建（数据版本 {revision}），"
                "本程序无法打开。请安装最新版本的 EcoDesk；本程序不会改动该文件。"
            )
        if revision == migrate.head_revision():
            return
        if self._lock is None:
            # Without the lock another window may have the file open: upgrading under it would
            # change the tables that window is using.
            raise UpgradeNeedsLockError(
                "数据文件需要升级，请先关闭其他 EcoDesk 窗口后再运行"
                f"（{self.path}：数据版本 {revision} → {migrate.head_revision()}）。"
            )
        if backup_before_upgrade:
            from ecodesk.db import backups  # local: backups imports Database

            made = backups.create_backup(self, reason=f"升级前-{revision}")
            log.info("backup before upgrade: %s", made)
        with self.engine.connect() as conn:
            # A batch migration rebuilds a table (copy, drop, rename); with foreign keys on, dropping
            # a table others point at (grids, units) fails. SQLite ignores this pragma inside a
            # transaction, so it is set before BEGIN, and the keys are checked before the commit.
            driver = conn.connection.driver_connection  # outside SQLAlchemy's transaction (autobegin)
            assert driver is not None
            driver.execute("PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    migrate.upgrade(conn)
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        where = "、".join(sorted({str(row[0]) for row in broken}))
                        raise CorruptDatabaseError(
                            f"{self.path.name} 升级后有 {len(broken)} 行引用了不存在的记录（{where}），"
                            "已撤销升级，文件保持原样。"
                        )
            finally:
                driver.execute("PRAGMA foreign_keys = ON")
        log.info("upgraded %s from %s to %s", self.path, revision, migrate.head_revision())

    def _create_fresh(self) -> None:
        import ecodesk.models  # noqa: F401  (registers every table)

        try:
            with self.engine.begin() as conn:
                Base.metadata.create_all(conn)
                migrate.stamp(conn)
        except OperationalError as exc:
            raise _explain(self.path, exc) from None

    # -- use -----------------------------------------------------------------------------------

    @contextmanager
    def session(self, *, immediate: bool = False) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls everything back on any error.

        On a file known to be damaged a session that changed anything is rolled back instead of
        committed (:class:`DamagedDatabaseError`): no write reports success on such a file.
        """
        session = self._sessions()
        session.info[audit.OPERATOR_KEY] = self.operator
        if immediate:
            session.connection(execution_options={IMMEDIATE: True})
        try:
            yield session
            if self.damage is not None:
                self._refuse_changes(session, self.damage)
            session.commit()
        except BaseException as exc:
            session.rollback()
            failure = write_failure(self.path, exc)
            if failure is not None:
                raise failure from exc
            raise
        finally:
            session.close()

    @staticmethod
    def _refuse_changes(session: Session, damage: DamagedDatabaseError) -> None:
        if not session.in_transaction():
            return
        session.flush()
        conn = session.connection()
        if _total_changes(conn) != conn.info.get(_CHANGES_AT_BEGIN, 0):
            raise damage

    # -- damage ----------------------------------------------------------------------------------

    def _damaged(self, exc: BaseException) -> DamagedDatabaseError:
        """The damage error for this file (built once), telling every listener the first time."""
        with self._damage_guard:
            first = self.damage is None
            if self.damage is None:
                self.damage = damage_error(self.path, _sqlite_reason(exc))
                log.error("damaged data file %s: %s", self.path, _sqlite_reason(exc))
            damage = self.damage
        if first:
            for listener in list(self.damage_listeners):
                try:
                    listener(damage)
                except Exception:  # noqa: BLE001 - a listener must not replace the damage message
                    log.exception("damage listener failed")
        return damage

    def find_damage(self) -> DamagedDatabaseError | None:
        """SQLite's ``quick_check`` over every page: the damage found, or None for a sound file.

        Reads the whole file (0.2 s for the 88 MB decade demo with a warm cache), so it is asked
        for, never run on every open: writing CLI commands run it first, the GUI on a worker thread.
        """
        if self.damage is not None:
            return self.damage
        try:
            with self.engine.connect() as conn:
                rows = [str(r[0]) for r in conn.execute(text("PRAGMA quick_check"))]
        except DamagedDatabaseError as exc:
            return exc
        if rows == ["ok"]:
            return None
        return self._damaged(sqlite3.DatabaseError(f"quick_check: {rows[0] if rows else '?'}"))

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return migrate.current_revision(conn)

    def integrity_errors(self, quick: bool = False) -> list[str]:
        """SQLite's own integrity check: an empty list when the file is sound."""
        pragma = "quick_check" if quick else "integrity_check"
        with self.engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text(f"PRAGMA {pragma}"))]
            fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
        problems = [] if rows == ["ok"] else rows
        problems += [f"外键错误：表 {r[0]} 第 {r[1]} 行引用了不存在的 {r[2]}" for r in fk]
        return problems

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _engine(path: Path, key: cipher.Key | None) -> Engine:
    """Python's own sqlite3 for a plain file (as ever), keyed SQLCipher connections for an encrypted one."""
    if key is not None:
        return cipher.engine_for(path, key)
    # A URL object, not "sqlite:///{path}": a "?" or "#" in a folder name would cut that string.
    return create_engine(URL.create("sqlite", database=str(path)), future=True)


def write_failure(path: Path, exc: BaseException) -> DatabaseError | None:
    """A write the file system refused, in the clerk's words; None for anything else."""
    if isinstance(exc, DamagedDatabaseError):
        return exc
    if not isinstance(exc, (SADatabaseError, *cipher.driver_errors())):
        return None
    if is_damage(exc):
        return damage_error(path, _sqlite_reason(exc))
    message = str(getattr(exc, "orig", exc)).lower()
    undone = "本次操作已全部撤销，原有数据完好。"
    if "disk" in message and "full" in message:
        return DatabaseError(f"磁盘已满，无法写入数据文件 {path}。{undone}请清理磁盘空间后重试。")
    if "readonly" in message or "read-only" in message:
        return DatabaseError(f"数据文件或其文件夹是只读的，无法写入：{path}。{undone}")
    if "disk i/o error" in message:
        return DatabaseError(f"读写数据文件 {path} 时磁盘出错（U 盘是否已拔出？）。{undone}")
    return None


def _explain(path: Path, exc: Exception) -> DatabaseError:
    message = str(getattr(exc, "orig", exc))
    if is_damage(exc) or "corrupt" in message:
        return damage_error(path, _sqlite_reason(exc))
    if "readonly" in message or "read-only" in message:
        return DatabaseError(f"数据文件或其文件夹是只读的，无法写入：{path}")
    if "disk" in message and "full" in message:
        return DatabaseError(f"磁盘已满，无法写入数据文件：{path}")
    if "unable to open" in message:
        return DatabaseError(f"无法打开数据文件：{path}（文件夹不存在或没有权限）")
    return DatabaseError(f"无法打开数据文件 {path.name}：{message}")
