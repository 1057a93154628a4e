"""Settings that belong to this machine, not to the data: window geometry, last page, last folders.

Kept in QSettings (the registry on Windows) behind typed helpers so no widget spells a key twice
and nothing else in the program reads QSettings directly. Settings that belong to the data (town
name, prefixes, operators) live in the database instead (``ecodesk.services.settings``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

_DB_PATH = "data/last_db_path"
_BACKUP_DIRS = "data/backup_dirs"
_GEOMETRY = "main_window/geometry"
_LAST_PAGE = "main_window/last_page"
_LAST_FOLDER = "dialogs/last_folder"
_LAST_TAB = "main_window/tab_{page}"
_LAST_OPERATOR = "data/last_operator"
_HEADER = "tables/{kind}"


def _settings() -> QSettings:
    # Organisation and application names are set by ui.shell.app; tests get their own via QSettings' defaults.
    return QSettings()


def last_db_path() -> Path | None:
    """The data file opened last time, or None on a first start."""
    value = _settings().value(_DB_PATH, "")
    return Path(str(value)) if value else None


def set_last_db_path(path: Path) -> None:
    _settings().setValue(_DB_PATH, str(path))


def backup_dir_for(db_path: Path) -> Path | None:
    """The backup folder configured for a data file, remembered so a corrupt file can still find it."""
    value = _settings().value(f"{_BACKUP_DIRS}/{_key(db_path)}", "")
    return Path(str(value)) if value else None


def set_backup_dir_for(db_path: Path, folder: Path) -> None:
    _settings().setValue(f"{_BACKUP_DIRS}/{_key(db_path)}", str(folder))


def last_operator() -> str:
    """The operator chosen last time on this machine (the default in the chooser)."""
    return str(_settings().value(_LAST_OPERATOR, "") or "")


def set_last_operator(name: str) -> None:
    _settings().setValue(_LAST_OPERATOR, name)


def window_geometry() -> QByteArray | None:
    value = _settings().value(_GEOMETRY)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def set_window_geometry(geometry: QByteArray) -> None:
    _settings().setValue(_GEOMETRY, geometry)


def last_page() -> str:
    return str(_settings().value(_LAST_PAGE, "") or "")


def set_last_page(key: str) -> None:
    _settings().setValue(_LAST_PAGE, key)


def last_tab(page: str) -> str:
    """The tab last shown inside a page with tabs (基础信息: which kind of record)."""
    return str(_settings().value(_LAST_TAB.format(page=page), "") or "")


def set_last_tab(page: str, tab: str) -> None:
    _settings().setValue(_LAST_TAB.format(page=page), tab)


def last_folder() -> Path:
    """Where file dialogs start: the folder used last, else the home folder."""
    value = str(_settings().value(_LAST_FOLDER, "") or "")
    folder = Path(value) if value else Path.home()
    return folder if folder.is_dir() else Path.home()


def remember_folder(path: Path) -> None:
    folder = path if path.is_dir() else path.parent
    _settings().setValue(_LAST_FOLDER, str(folder))


def header_state(kind_name: str) -> QByteArray | None:
    """Column widths and order of one table, as the clerk last left them."""
    value = _settings().value(_HEADER.format(kind=kind_name))
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def set_header_state(kind_name: str, state: QByteArray) -> None:
    _settings().setValue(_HEADER.format(kind=kind_name), state)


def _key(path: Path) -> str:
    # QSettings treats "/" and "\\" as group separators; keep the path readable but flat.
    return str(path).replace("\\", "|").replace("/", "|")
