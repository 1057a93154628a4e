"""Writing output files (PDF, xlsx) so that the clerk never finds half a file.

Every exporter writes into a temporary file beside the target and swaps it in only when the work
is complete: a failure, a cancel or a full USB stick leaves the earlier file (or none), and the
reason comes back in Chinese.

A program killed mid-write (kill -9, a power cut) leaves its temporary file behind. Such leftovers
are swept by :func:`sweep_leftovers`, the one sweeper: the next time something is written to that
folder (files older than an hour) and when the data file they sit beside is next opened with its
lock (files older than the lock; ``ecodesk.db.backups`` adds its half-written backups). A writer
still alive *claims* its file (:func:`claimed`: an OS lock the kernel drops when the process dies),
and a claimed file is never swept, however old — a long export in another EcoDesk keeps its own.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ecodesk.errors import EcoDeskError

TEMP_PREFIX = ".ecodesk-"
STALE_SECONDS = 3600


@contextmanager
def atomic_file(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` to write; it becomes ``target`` when the block ends.

    Raises :class:`EcoDeskError` when the folder cannot be written, the disk is full, or the target
    is open in another program (Windows refuses to replace it).
    """
    path = Path(target)
    if path.parent.exists() and not path.parent.is_dir():
        raise EcoDeskError(f"无法在 {path.parent} 中写文件：它是一个文件，不是文件夹。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(path.parent)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix + ".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise EcoDeskError(f"无法在 {path.parent} 中写文件：{os_reason(exc)}") from None
    tmp = Path(name)
    try:
        try:
            with claimed(tmp):
                yield tmp
        except OSError as exc:
            raise _explained(path, exc) from None
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is an ordinary document
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise EcoDeskError(
                f"无法写入 {path}：文件可能正在 Excel、WPS 或 PDF 阅读器中打开，请关闭后重试。"
            ) from None
        except OSError as exc:
            raise _explained(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def _explained(path: Path, exc: OSError) -> EcoDeskError:
    if exc.errno == errno.ENOSPC:
        return EcoDeskError(f"磁盘已满，无法写入 {path}（原有文件未受影响）。")
    if exc.errno == errno.EISDIR or path.is_dir():
        return EcoDeskError(f"无法写入 {path}：已有同名的文件夹，请换一个文件名。")
    return EcoDeskError(f"无法写入 {path}：{os_reason(exc)}")


_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的（写保护的 U 盘或光盘？）",
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EIO: "磁盘读写出错（U 盘是否已拔出？）",
}


def os_reason(exc: OSError) -> str:
    """The operating system's reason in Chinese (its own words when we have none)."""
    reason = _REASONS.get(exc.errno or 0)
    return reason or str(exc.strerror or exc)


TEMP_PATTERN = f"{TEMP_PREFIX}*.tmp"


def sweep_stale(folder: Path, now: float | None = None) -> int:
    """Remove our temporary files older than an hour from ``folder``; returns how many."""
    cutoff = (now if now is not None else time.time()) - STALE_SECONDS
    return len(sweep_leftovers(folder, (TEMP_PATTERN,), older_than=cutoff))


def sweep_leftovers(folder: Path, patterns: Iterable[str], *, older_than: float) -> list[Path]:
    """Remove the files in ``folder`` matching ``patterns`` (our own names only) last written before
    ``older_than`` and claimed by no live writer; returns what was removed."""
    candidates: list[Path] = []
    for pattern in patterns:
        try:
            candidates += folder.glob(pattern)
        except OSError:
            continue
    return remove_leftovers(candidates, older_than=older_than)


def remove_leftovers(files: Iterable[Path], *, older_than: float) -> list[Path]:
    """Remove those of ``files`` last written before ``older_than`` and claimed by no live writer.

    Never fails: a file that cannot be removed (another program's, already gone, held open on
    Windows) is left where it is.
    """
    removed: list[Path] = []
    for file in files:
        try:
            if file.is_file() and file.stat().st_mtime < older_than and _remove_unclaimed(file):
                removed.append(file)
        except OSError:
            continue  # never a reason to fail a save or an open
    return removed


@contextmanager
def claimed(path: Path) -> Iterator[None]:
    """Hold a claim on ``path`` (a file this process is writing) for the block: a sweep in another
    process leaves it alone. The claim is an OS lock, so it ends when the process dies.

    On Windows the open handle itself is the claim (a file open in another process cannot be
    deleted); it is closed before the block's end so the writer can rename the file.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 - held for the block
    except OSError:
        yield  # cannot claim (already gone): the writer will report its own error
        return
    try:
        _lock_shared(handle.fileno())
        yield
    finally:
        handle.close()  # closing drops the lock


if sys.platform == "win32":

    def _lock_shared(fd: int) -> None:
        return None  # the open handle is the claim

    def _remove_unclaimed(file: Path) -> bool:
        try:
            file.unlink()  # refused while a live writer holds the file open
        except PermissionError:
            return False
        return True

else:
    import fcntl

    def _lock_shared(fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            pass  # a claim is a courtesy to sweepers; never a reason to fail a write

    def _remove_unclaimed(file: Path) -> bool:
        with open(file, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # claimed: its writer is alive
            file.unlink()
        return True
