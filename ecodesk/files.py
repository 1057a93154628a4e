"""Writing output files (PDF, xlsx) so that the clerk never finds half a file.

Every exporter writes into a temporary file beside the target and swaps it in only when the work
is complete: a failure, a cancel or a full USB stick leaves the earlier file (or none), and the
reason comes back in Chinese. A temporary file left by a program that was killed is swept away the
next time something is written to that folder (after an hour, so a job still running elsewhere
keeps its own).
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Iterator
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(path.parent)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix + ".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise EcoDeskError(f"无法在 {path.parent} 中写文件：{exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        try:
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
    return EcoDeskError(f"无法写入 {path}：{exc.strerror or exc}")


def sweep_stale(folder: Path, now: float | None = None) -> int:
    """Remove our temporary files older than an hour from ``folder``; returns how many."""
    cutoff = (now if now is not None else time.time()) - STALE_SECONDS
    removed = 0
    try:
        candidates = list(folder.glob(f"{TEMP_PREFIX}*.tmp"))
    except OSError:
        return 0
    for file in candidates:
        try:
            if file.is_file() and file.stat().st_mtime < cutoff:
                file.unlink()
                removed += 1
        except OSError:
            continue  # another program's, or already gone: never a reason to fail a save
    return removed
