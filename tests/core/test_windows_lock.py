"""A second EcoDesk on the same data file, under Windows' mandatory locks, simulated on Linux.

On Windows ``msvcrt.locking`` locks are mandatory: once one handle locks a byte, a read through any
other handle that covers that byte fails (``ReadFile`` → ERROR_LOCK_VIOLATION, which Python raises as
PermissionError with no file name). The lock module is loaded here as it is on Windows (its
``win32`` branch, with a simulated ``msvcrt``), and the files it opens refuse such reads, so the
second window, ``Database.open`` and the CLI's ``restore`` meet what they would meet on the office PC.
"""

from __future__ import annotations

import errno
import importlib.util
import io
import os
import sys
import types
from pathlib import Path
from typing import IO, Any

import pytest

from ecodesk.cli import main
from ecodesk.db import Database, backups, lock
from ecodesk.errors import DatabaseError, DatabaseLockedError

LOCKED = "已被另一个 EcoDesk 窗口打开"


class MandatoryLocks:
    """``msvcrt`` as far as the lock uses it: byte-range locks that other handles cannot read through."""

    LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = range(5)

    def __init__(self) -> None:
        self.held: dict[tuple[int, int, int], int] = {}  # (device, inode, offset) → fd holding it

    @staticmethod
    def _key(fd: int, offset: int) -> tuple[int, int, int]:
        info = os.fstat(fd)
        return info.st_dev, info.st_ino, offset

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        start = os.lseek(fd, 0, os.SEEK_CUR)  # msvcrt locks from the file position
        keys = [self._key(fd, offset) for offset in range(start, start + nbytes)]
        if mode == self.LK_UNLCK:
            for key in keys:
                if self.held.get(key) != fd:
                    raise PermissionError(errno.EACCES, "Permission denied")
                del self.held[key]
            return
        if any(self.held.get(key, fd) != fd for key in keys):
            raise PermissionError(errno.EACCES, "Permission denied")  # what LK_NBLCK raises
        for key in keys:
            self.held[key] = fd

    def check_read(self, fd: int, start: int, length: int) -> None:
        info = os.fstat(fd)
        for (dev, ino, offset), holder in self.held.items():
            if (dev, ino) == (info.st_dev, info.st_ino) and holder != fd and start <= offset < start + length:
                raise PermissionError(errno.EACCES, "Permission denied")  # no filename, as on Windows


class WindowsFile:
    """A file whose reads fail where another handle holds a lock (Python reads a whole buffer)."""

    def __init__(self, inner: IO[bytes], locks: MandatoryLocks) -> None:
        self._inner = inner
        self._locks = locks

    def read(self, size: int = -1) -> bytes:
        start = self._inner.tell()
        wanted = size if size >= 0 else max(os.fstat(self._inner.fileno()).st_size - start, 0)
        self._locks.check_read(self._inner.fileno(), start, max(wanted, io.DEFAULT_BUFFER_SIZE))
        return self._inner.read(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def windows_locks(monkeypatch: pytest.MonkeyPatch) -> MandatoryLocks:
    """The lock module's Windows branch, run against the simulated mandatory locks."""
    locks = MandatoryLocks()
    fake_msvcrt = types.ModuleType("msvcrt")
    for name in ("LK_UNLCK", "LK_LOCK", "LK_NBLCK", "LK_RLCK", "LK_NBRLCK"):
        setattr(fake_msvcrt, name, getattr(locks, name))
    fake_msvcrt.locking = locks.locking  # type: ignore[attr-defined]
    spec = importlib.util.spec_from_file_location("ecodesk_lock_on_windows", lock.__file__)
    assert spec is not None and spec.loader is not None
    as_on_windows = importlib.util.module_from_spec(spec)
    with monkeypatch.context() as windows:
        windows.setattr(sys, "platform", "win32")
        windows.setitem(sys.modules, "msvcrt", fake_msvcrt)
        spec.loader.exec_module(as_on_windows)
    monkeypatch.setattr(lock, "_lock", as_on_windows._lock)
    monkeypatch.setattr(lock, "_unlock", as_on_windows._unlock)

    def open_on_windows(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> WindowsFile:
        return WindowsFile(open(path, mode, *args, **kwargs), locks)  # noqa: SIM115

    monkeypatch.setattr(lock, "open", open_on_windows, raising=False)
    return locks


def test_the_simulated_lock_is_mandatory_as_on_windows(tmp_path: Path, windows_locks: MandatoryLocks) -> None:
    """What the old lock ran into: the holder's own byte cannot be read through another handle."""
    path = tmp_path / "x.lock"
    path.write_bytes("进程 1".encode())
    owner, other = lock.open(path, "a+b"), lock.open(path, "a+b")
    try:
        owner.seek(0)
        windows_locks.locking(owner.fileno(), MandatoryLocks.LK_NBLCK, 1)
        other.seek(0)
        with pytest.raises(PermissionError):
            other.read()
        with pytest.raises(PermissionError):
            windows_locks.locking(other.fileno(), MandatoryLocks.LK_NBLCK, 1)
    finally:
        owner.close()
        other.close()


def test_a_second_window_hears_the_file_is_open_elsewhere(
    db_path: Path, windows_locks: MandatoryLocks
) -> None:
    first = Database.open(db_path, "甲", lock=True)
    try:
        assert windows_locks.held, "the Windows branch took the lock"
        with pytest.raises(DatabaseLockedError) as caught:
            Database.open(db_path, "乙", lock=True)
        assert LOCKED in str(caught.value)
        assert f"进程 {os.getpid()}" in str(caught.value)  # the holder's line is still readable
        assert "不可写" not in str(caught.value)
    finally:
        first.close()
    assert not windows_locks.held
    Database.open(db_path, "乙", lock=True).close()  # free again once the first one closed


def test_restore_while_a_window_has_the_file_says_so(
    db_path: Path, windows_locks: MandatoryLocks, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI's ``restore`` printed "没有权限访问 None" here: a PermissionError without a file name."""
    with Database.open(db_path, "甲") as db:
        backup = backups.create_backup(db, reason="测试")
    before = db_path.read_bytes()
    window = Database.open(db_path, "窗口", lock=True)
    try:
        code = main(["--db", str(db_path), "-q", "restore", str(backup)])
    finally:
        window.close()
    err = capsys.readouterr().err
    assert code == 1
    assert LOCKED in err and "None" not in err
    assert db_path.read_bytes() == before


def test_a_lock_file_that_cannot_be_made_is_named(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, windows_locks: MandatoryLocks
) -> None:
    """A folder that lets Python check it writable but refuses the lock file (a policy, an antivirus
    holding it): the clerk reads which file and why, not that another window has it."""

    def refused(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> IO[bytes]:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(lock, "open", refused, raising=False)
    monkeypatch.setattr(lock, "OPEN_PAUSE", 0)
    with pytest.raises(DatabaseError) as caught:
        Database.open(db_path, "甲", lock=True)
    assert not isinstance(caught.value, DatabaseLockedError)
    assert "ecodesk.db.lock" in str(caught.value) and "没有权限" in str(caught.value)


def test_a_lock_file_busy_for_a_moment_is_tried_again(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, windows_locks: MandatoryLocks
) -> None:
    """An antivirus scanning the new lock file (a sharing violation for a moment) is waited out."""
    refusals = [PermissionError(errno.EACCES, "Permission denied")] * 2
    real_open = lock.open

    def busy_then_free(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if refusals:
            raise refusals.pop()
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(lock, "open", busy_then_free, raising=False)
    monkeypatch.setattr(lock, "OPEN_PAUSE", 0)
    Database.open(db_path, "甲", lock=True).close()
    assert refusals == []
