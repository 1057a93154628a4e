"""Declarative base and the columns every business record shares (SPEC §3)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ecodesk import dates

# Stable constraint names so Alembic batch migrations on SQLite can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Audited:
    """Marker: every insert, update and delete of this model is written to the audit log."""

    # The Chinese name of the record kind, for history views and messages.
    __label__: str = ""
    # Columns left out of the audit log (derived or bulky).
    __audit_exclude__: frozenset[str] = frozenset({"created_at", "updated_at", "created_by", "updated_by"})


class AuditedChild:
    """Marker: a row of a record's child list (a campaign's phases, roster, deliverables) is logged
    under the record it belongs to, so that record's 修改记录 shows "工作阶段 新增 总结验收阶段" or
    "工作阶段“排查梳理阶段”结束日期 2025-05-31 → 2025-05-20" without a history of its own.
    """

    # The Chinese name of the list (工作阶段); each logged column with its Chinese label.
    __label__: str = ""
    __audit_fields__: ClassVar[dict[str, str]] = {}

    def audit_owner(self, session: Session) -> tuple[str, int] | None:
        """(table, id) of the record whose 修改记录 shows this row; None: not logged (e.g. a unit of a
        deliverable added or removed in the same flush — the deliverable's own line says it)."""
        raise NotImplementedError

    def audit_name(self) -> str:
        """How the row is named in a line: 总结验收阶段, 组长 郝翔 …"""
        raise NotImplementedError

    def audit_summary(self) -> str:
        """The row as one phrase, for 新增 and 删除 lines; by default its name."""
        return self.audit_name()

    def audit_value(self, key: str, value: object) -> str:
        """A logged column's value as the clerk reads it."""
        return "" if value is None else str(value)


class RecordMixin(Audited):
    """id, timestamps, operator names, soft delete and 备注 — the columns of every business record."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Local wall-clock time (the clerk's), set in Python: SQLite's CURRENT_TIMESTAMP is UTC.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=dates.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=dates.now, onupdate=dates.now)
    created_by: Mapped[str] = mapped_column(String(40), default="")
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    # Soft delete: a deleted record keeps its row and can be restored from its history.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    remark: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
