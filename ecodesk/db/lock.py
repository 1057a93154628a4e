"""One EcoDesk per data file: an OS lock on ``ecodesk.db.lock`` beside it.

The operating system drops the lock when the process dies, so a crash never leaves the clerk
locked out (a stale PID file would).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from ecodesk.errors import DatabaseLockedError


class FileLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise DatabaseLockedError(
                f"数据文件已被另一个 EcoDesk 窗口打开（{holder or '未知进程'}），请先关闭那个窗口。"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None
            try:
                self.path.unlink()
            except OSError:
                pass  # another process may have taken it meanwhile, or the folder is read-only


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
