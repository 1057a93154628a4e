"""Where things live on disk: the default data file, resources, logs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "EcoDesk"
DB_FILENAME = "ecodesk.db"
ENV_DB = "ECODESK_DB"


def default_data_dir() -> Path:
    """The per-user data folder (``%LOCALAPPDATA%\\EcoDesk`` on Windows)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


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
