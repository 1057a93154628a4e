"""Database layer: engine, sessions, audit log, migrations."""

from ecodesk.db.database import Database

__all__ = ["Database"]
