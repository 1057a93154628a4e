"""Where the 日报 files wait to be opened or saved: one temporary folder per page, gone when the
program closes, and old ones a crash left behind swept at the next start.

The 通报, 日报表 and Excel are written into a temporary folder so the clerk can open them at once and
另存 them where she wants. Closing the program used to leave every such folder in %TEMP%. A file
still open in a PDF reader cannot be removed on Windows: whatever is left is swept at a later start
once it is old enough that no running EcoDesk can still be showing it.

Light on purpose (no services, no reportlab): the start-up imports it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "ecodesk-日报-"
STALE_SECONDS = 12 * 3600  # older than a working day: no open window can still be showing it


def make_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix=PREFIX))


def remove_folder(folder: Path) -> None:
    """Remove ``folder`` and what is in it; a file still open elsewhere stays for the next sweep."""
    shutil.rmtree(folder, ignore_errors=True)


def sweep_leftovers(root: Path | None = None, *, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove the 日报 folders under ``root`` (the system's temporary folder) not touched for
    ``older_than`` seconds; the ones removed."""
    root = Path(tempfile.gettempdir()) if root is None else root
    cutoff = time.time() - older_than
    removed: list[Path] = []
    try:
        candidates = [p for p in root.glob(f"{PREFIX}*") if p.is_dir()]
    except OSError:
        return removed
    for folder in candidates:
        try:
            if folder.stat().st_mtime > cutoff:
                continue
        except OSError:
            continue
        remove_folder(folder)
        if not folder.exists():
            removed.append(folder)
    if removed:
        log.info("removed %d old 日报 folder(s) from %s", len(removed), root)
    return removed
