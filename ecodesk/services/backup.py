"""Temporary: moved to ecodesk.db.backups (removed once ui/ and cli/ import from there)."""

from ecodesk.db.backups import *  # noqa: F403
from ecodesk.db.backups import _save_current  # noqa: F401
