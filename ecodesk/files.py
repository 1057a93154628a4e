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
import re
import stat
import sys
import tempfile
import time
import unicodedata
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
        except PermissionError as exc:
            raise _refused(path, exc) from None
        except OSError as exc:
            raise _explained(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def _refused(path: Path, exc: PermissionError) -> EcoDeskError:
    """Windows refuses to replace a file that is read-only *or* open in another program: say which."""
    if is_read_only(path):
        return EcoDeskError(
            f"无法写入 {path}：这个文件是只读的（文件属性中勾选了“只读”）。请取消只读，或换一个文件名保存。"
        )
    if getattr(exc, "winerror", None) in _IN_USE or exc.errno == errno.EBUSY or sys.platform == "win32":
        return EcoDeskError(f"无法写入 {path}：文件可能正在 Excel、WPS 或 PDF 阅读器中打开，请关闭后重试。")
    return EcoDeskError(f"无法写入 {path}：{os_reason(exc)}")


def is_read_only(path: Path) -> bool:
    """Whether an existing file is marked read-only (Windows' 只读 attribute, or no write permission)."""
    try:
        info = path.stat()
    except OSError:
        return False
    if getattr(info, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_READONLY", 1):  # Windows
        return True
    # No write bit (Windows' 只读 shows so too, and it holds even for an administrator), or no access.
    return path.is_file() and (not info.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK))


def write_error(path: Path, exc: OSError) -> EcoDeskError:
    """Why ``path`` could not be written, in Chinese: read-only, open in another program, a full
    disk, no permission … — for every place that writes a file the clerk named."""
    return _refused(path, exc) if isinstance(exc, PermissionError) else _explained(path, exc)


def _explained(path: Path, exc: OSError) -> EcoDeskError:
    if exc.errno == errno.ENOSPC:
        return EcoDeskError(f"磁盘已满，无法写入 {path}（原有文件未受影响）。")
    if exc.errno == errno.EISDIR or path.is_dir():
        return EcoDeskError(f"无法写入 {path}：已有同名的文件夹，请换一个文件名。")
    return EcoDeskError(f"无法写入 {path}：{os_reason(exc)}")


_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EACCES: "没有权限（文件或文件夹不允许访问）",
    errno.EPERM: "没有权限（文件或文件夹不允许访问）",
    errno.EROFS: "磁盘是只读的（写保护的 U 盘或光盘？）",
    errno.ENOENT: "找不到文件或文件夹",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EIO: "磁盘读写出错（U 盘是否已拔出？）",
    errno.EBUSY: "文件正被其他程序使用",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EMFILE: "同时打开的文件太多",
    errno.EXDEV: "不能跨磁盘移动",
}
# Windows' own codes (``OSError.winerror``), which say more than the errno Python maps them to.
_IN_USE = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: Excel, WPS, an antivirus scan
_WINDOWS_REASONS = {
    2: "找不到文件",
    3: "找不到文件夹（U 盘或网络盘是否已连接？）",
    5: "没有权限（文件或文件夹不允许访问，或文件是只读的）",
    15: "找不到这个磁盘（U 盘是否已插好？）",
    19: "磁盘有写保护",
    21: "磁盘没有准备好（U 盘是否已插好？）",
    32: "文件正被其他程序使用（如 Excel、WPS 或杀毒软件），请关闭后重试",
    33: "文件的一部分被其他程序锁定，请关闭其他程序后重试",
    39: "磁盘已满",
    53: "找不到网络路径（网络盘是否已连接？）",
    112: "磁盘已满",
    206: "文件名或路径太长",
    1224: "文件正被其他程序使用",
}


def os_reason(exc: OSError) -> str:
    """The operating system's reason in Chinese, from Windows' own code first, then the errno (its
    own words only for a code we have no Chinese for)."""
    reason = _WINDOWS_REASONS.get(getattr(exc, "winerror", None) or 0) or _REASONS.get(exc.errno or 0)
    return reason or str(exc.strerror or exc)


def os_error_message(exc: OSError) -> str:
    """An OS error that reached the clerk without a message of its own: the reason in Chinese and
    the file it names; a read-only file is named read-only."""
    where = str(exc.filename) if exc.filename else ""
    if isinstance(exc, PermissionError) and where and is_read_only(Path(where)):
        return f"文件是只读的（文件属性中勾选了“只读”）：{where}。请取消只读，或换一个文件名。"
    return f"操作没有完成：{os_reason(exc)}" + (f"（{where}）" if where else "") + "。"


_FORBIDDEN_IN_NAMES = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]')
WINDOWS_RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)


def safe_file_name(name: str, fallback: str = "未命名", max_stem: int = 150) -> str:
    """``name`` made a file name Windows accepts, for every name the program suggests or stores.

    The characters Windows forbids (``\\ / : * ? " < > |`` and control characters) become ``_``;
    leading and trailing dots and spaces go (Windows drops trailing ones silently); a reserved device
    name (``CON``, ``NUL``, ``COM1``, ``LPT1`` …, with any extension) gets a ``_`` in front; the part
    before the extension is cut to ``max_stem`` characters and the extension to ten. A ``/`` is
    replaced, not read as a folder: ``第1/2期`` is one title.
    """
    name = _FORBIDDEN_IN_NAMES.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.rstrip(" .")
    if stem.split(".")[0].strip().upper() in WINDOWS_RESERVED_NAMES:
        stem = f"_{stem}"
    stem = stem[:max_stem].rstrip(" .") or fallback
    return f"{stem}.{ext[:10]}" if ext else stem


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
