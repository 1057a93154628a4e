"""Opening a data file: checks, lock, pragmas, migrations with a backup first, sessions.

Every service takes a :class:`Database` and opens a short session per call with
:meth:`Database.session`; nothing keeps a session open between calls.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ecodesk.db import audit, migrate
from ecodesk.db.base import Base
from ecodesk.db.lock import FileLock
from ecodesk.errors import CorruptDatabaseError, DatabaseError, SchemaTooNewError

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
IMMEDIATE = "ecodesk_immediate"


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


def _configure_engine(engine: Engine) -> None:
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


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except PermissionError:
        raise DatabaseError(f"没有读取数据文件的权限：{path}") from None
    except OSError as exc:
        raise DatabaseError(f"无法读取数据文件 {path}：{exc.strerror or exc}") from None
    if head and head != SQLITE_HEADER:
        raise CorruptDatabaseError(f"{path} 不是 EcoDesk 数据文件，或文件已损坏。")


class Database:
    """An open EcoDesk data file."""

    def __init__(self, path: Path, engine: Engine, operator: str, lock: FileLock | None) -> None:
        self.path = path
        self.engine = engine
        self.operator = operator
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        audit.install(self._sessions)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        operator: str = "",
        *,
        lock: bool = False,
        backup_before_upgrade: bool = True,
    ) -> Database:
        """Open (creating or upgrading as needed) the data file at ``path``.

        Raises :class:`DatabaseError` subclasses with a message fit for the clerk: the file is
        corrupt, from a newer EcoDesk, locked by another window, or in a folder we cannot write.
        """
        path = Path(path).expanduser().resolve()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据文件夹 {path.parent}：{exc.strerror or exc}") from None
        # SQLite needs to write its journal beside the file, even to read it: say so plainly.
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise DatabaseError(
                f"数据文件或其文件夹是只读的（或没有写入权限），无法打开：{path}。"
                "若数据在光盘或写保护的 U 盘上，请先复制到电脑上再打开。"
            )
        existed = path.exists() and path.stat().st_size > 0
        if existed:
            _check_header(path)
        file_lock = FileLock(path) if lock else None
        if file_lock is not None:
            try:
                file_lock.acquire()
            except PermissionError:
                raise DatabaseError(f"数据文件夹不可写：{path.parent}") from None
        engine = create_engine(f"sqlite:///{path}", future=True)
        _configure_engine(engine)
        db = cls(path, engine, operator, file_lock)
        try:
            db._prepare_schema(existed, backup_before_upgrade)
        except BaseException:
            db.close()
            raise
        return db

    def _prepare_schema(self, existed: bool, backup_before_upgrade: bool) -> None:
        try:
            with self.engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                revision = migrate.current_revision(conn) if tables else None
        except (SADatabaseError, sqlite3.DatabaseError) as exc:
            raise _explain(self.path, exc) from None
        if not tables:
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
        if backup_before_upgrade:
            from ecodesk.db import backups  # local: backups imports Database

            made = backups.create_backup(self, reason=f"升级前-{revision}")
            log.info("backup before upgrade: %s", made)
        with self.engine.begin() as conn:
            migrate.upgrade(conn)
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
        """A unit of work: commits when the block ends, rolls everything back on any error."""
        session = self._sessions()
        session.info[audit.OPERATOR_KEY] = self.operator
        if immediate:
            session.connection(execution_options={IMMEDIATE: True})
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            failure = write_failure(self.path, exc)
            if failure is not None:
                raise failure from exc
            raise
        finally:
            session.close()

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


def write_failure(path: Path, exc: BaseException) -> DatabaseError | None:
    """A write the file system refused, in the clerk's words; None for anything else."""
    if not isinstance(exc, SADatabaseError | sqlite3.DatabaseError):
        return None
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
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return CorruptDatabaseError(f"数据文件 {path.name} 已损坏，无法读取（{message}）。")
    if "readonly" in message or "read-only" in message:
        return DatabaseError(f"数据文件或其文件夹是只读的，无法写入：{path}")
    if "disk" in message and "full" in message:
        return DatabaseError(f"磁盘已满，无法写入数据文件：{path}")
    if "unable to open" in message:
        return DatabaseError(f"无法打开数据文件：{path}（文件夹不存在或没有权限）")
    return DatabaseError(f"无法打开数据文件 {path.name}：{message}")
