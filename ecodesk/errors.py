"""Errors that reach the clerk: each carries a Chinese message fit to show as it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class EcoDeskError(Exception):
    """Base of every error meant for the user; ``str(err)`` is the message to show."""


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field: which one (Chinese label) and why."""

    field: str
    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label}：{self.reason}"


class ValidationError(EcoDeskError):
    """Input rejected by a service; names every field at fault and the reason."""

    def __init__(self, problems: list[FieldProblem] | FieldProblem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("；".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, label: str, reason: str) -> ValidationError:
        return cls(FieldProblem(field, label, reason))


class NotFoundError(EcoDeskError):
    """The record asked for does not exist (or was deleted)."""


class DatabaseError(EcoDeskError):
    """The data file cannot be used as it is (corrupt, locked, unreadable)."""


class SchemaTooNewError(DatabaseError):
    """The file was written by a newer EcoDesk; we never downgrade it."""


class DatabaseLockedError(DatabaseError):
    """Another EcoDesk window already has this data file open."""


class CorruptDatabaseError(DatabaseError):
    """The file is not a readable EcoDesk database."""


class DamagedDatabaseError(CorruptDatabaseError):
    """SQLite reports the file damaged ("database disk image is malformed"): pages overwritten by a
    failing disk, a USB stick pulled mid-write, another program. Nothing more is written to it; the
    way out is a backup, which the message names.

    ``summary`` is the first sentence (what is wrong), for a window that offers the restore itself;
    ``str(err)`` adds the newest verified backup and how to restore it from the command line.
    """

    def __init__(self, message: str, *, path: Path, summary: str, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.summary = summary
        self.backup = backup


class MissingDatabaseError(DatabaseError):
    """There is no data file at the path given. Only ``ecodesk init`` and the program's own “new data
    file” choices create one, so that a mistyped path is never silently a new, empty file."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class UpgradeNeedsLockError(DatabaseError):
    """The file needs an upgrade, but it was opened without the file lock (a read-only command, the
    password check) and another EcoDesk window may have it open: upgrading under it is refused."""
