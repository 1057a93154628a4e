"""Errors that reach the clerk: each carries a Chinese message fit to show as it is."""

from __future__ import annotations

from dataclasses import dataclass


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
