"""One EcoDesk per data file: an OS lock on ``ecodesk.db.lock`` beside it.

The operating system drops the lock when the process dies, so a crash never leaves the clerk
locked out (a stale PID file would).

Windows locks are mandatory: no other handle may read a locked byte (``ReadFile`` fails, Python
raises PermissionError). So the lock is taken on one byte far past the end of the file, and the
holder's line ("进程 1234") sits at its start, where a second EcoDesk can still read it to say who
has the file. A lock that cannot be taken always means "already open", never "cannot write here".
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import IO

from ecodesk.errors import DatabaseLockedError

log = logging.getLogger(__name__)

# The locked byte: far past the holder's line (Windows' _locking takes a 32-bit offset) and never
# written, so the file stays a few bytes long and reading the line never touches the lock.
LOCK_OFFSET = 1 << 30
HOLDER_BYTES = 200
# Opening the lock file can fail for a moment on Windows: an antivirus scanning the new file, or the
# previous holder deleting it as it closes. A few short retries before believing the folder is unwritable.
OPEN_TRIES = 5
OPEN_PAUSE = 0.1


class FileLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`DatabaseLockedError` naming the holder when another EcoDesk
        has it. A folder where the lock file cannot be made raises PermissionError/OSError."""
        handle = self._open()
        try:
            _lock(handle)
        except OSError:
            holder = _read_holder(handle)
            handle.close()
            raise DatabaseLockedError(
                f"数据文件已被另一个 EcoDesk 窗口打开（{holder or '未知进程'}），请先关闭那个窗口。"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}".encode())
        handle.flush()
        self._handle = handle

    def _open(self) -> IO[bytes]:
        for attempt in range(OPEN_TRIES):
            try:
                return open(self.path, "a+b")  # noqa: SIM115 - held until release()
            except PermissionError:
                if attempt == OPEN_TRIES - 1:
                    raise
                time.sleep(OPEN_PAUSE)
        raise AssertionError("unreachable")

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


def _read_holder(handle: IO[bytes]) -> str:
    """Who holds the lock, as its holder wrote it; empty when it cannot be read (never an error:
    the clerk needs to hear that the file is open elsewhere, not why its line was unreadable)."""
    try:
        handle.seek(0)
        return handle.read(HOLDER_BYTES).decode("utf-8", "replace").strip()
    except OSError:
        log.info("could not read the lock holder of %s", handle.name, exc_info=True)
        return ""


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(LOCK_OFFSET)  # msvcrt locks from the file position
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
