"""Where things live on disk: the default data file, resources, logs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "EcoDesk"
DB_FILENAME = "ecodesk.db"
ENV_DB = "ECODESK_DB"
# A file of this name beside the frozen program (written by the installer's portable option) keeps
# the data in ``data/`` beside the program, so the whole install can live on a USB stick.
PORTABLE_MARKER = "portable.txt"
PORTABLE_DATA = "data"


def program_dir() -> Path | None:
    """The folder of the frozen program (``EcoDesk.exe``); None when running from source."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def is_portable() -> bool:
    """Whether this is a portable install (the marker file sits beside the frozen program)."""
    folder = program_dir()
    return folder is not None and (folder / PORTABLE_MARKER).is_file()


def default_data_dir() -> Path:
    """The per-user data folder (``%LOCALAPPDATA%\\EcoDesk`` on Windows), or ``data`` beside a portable program."""
    folder = program_dir()
    if folder is not None and is_portable():
        return folder / PORTABLE_DATA
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def portable_db_path() -> Path | None:
    """The data file beside a portable program, if it exists: it wins over a remembered path, which
    may name another drive letter after the USB stick moved to another PC."""
    if not is_portable():
        return None
    path = default_data_dir() / DB_FILENAME
    return path if path.is_file() else None


def portable_settings_dir() -> Path | None:
    """Where a portable program keeps its machine settings (an INI file instead of the registry)."""
    return default_data_dir() if is_portable() else None


def default_db_path() -> Path:
    """``ECODESK_DB`` if set, else ``ecodesk.db`` in the per-user data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return default_data_dir() / DB_FILENAME


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the packages in a source tree or a frozen bundle."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    frozen = getattr(__import__("sys"), "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return here.parent / "resources"


def attachments_dir(db_path: Path) -> Path:
    """The managed attachment folder beside a data file: ``ecodesk.db`` → ``ecodesk_files/``."""
    return db_path.with_name(db_path.stem + "_files")


def backups_dir(db_path: Path) -> Path:
    """Default backup folder beside a data file: ``ecodesk.db`` → ``ecodesk_backups/``."""
    return db_path.with_name(db_path.stem + "_backups")
