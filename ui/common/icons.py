"""Icons as plain SVG files in ``resources/icons`` (no compiled .qrc), found beside the code."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from ecodesk.paths import resources_dir


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; an empty icon if it is missing (never an error)."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()
