"""The audit log: who changed which record, which field, from what to what, and when.

Written by a flush listener on every session of a :class:`~ecodesk.db.database.Database`, so no
service can forget it. An insert is one row holding the new record as JSON; an update is one row
per changed field; a (soft) delete is one row.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text, event, insert
from sqlalchemy.orm import Mapped, Session, UOWTransaction, class_mapper, mapped_column
from sqlalchemy.orm.attributes import instance_state

from ecodesk import dates
from ecodesk.db.base import Audited, AuditedChild, Base

OPERATOR_KEY = "operator"
# A child row (AuditedChild) added to or removed from its record's list, logged under that record.
ITEM_ADDED, ITEM_REMOVED = "item_added", "item_removed"
SKIP_AUDIT_KEY = "skip_audit"


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(12))  # insert / update / delete / restore / reveal
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(60), default=None)
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)


def to_text(value: Any) -> str | None:
    """How a value is kept in the log: readable, stable, and comparable as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _column_keys(obj: Audited) -> list[str]:
    mapper = class_mapper(type(obj))
    return [attr.key for attr in mapper.column_attrs if attr.key not in obj.__audit_exclude__]


def _stamp_operator(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    operator = session.info.get(OPERATOR_KEY, "")
    for obj in session.new:
        if hasattr(obj, "created_by"):
            obj.created_by = obj.created_by or operator
            obj.updated_by = operator
    for obj in session.dirty:
        if hasattr(obj, "updated_by") and session.is_modified(obj, include_collections=False):
            obj.updated_by = operator


def _write_audit(session: Session, flush_context: UOWTransaction) -> None:
    if session.info.get(SKIP_AUDIT_KEY):
        return
    now = dates.now()
    operator = session.info.get(OPERATOR_KEY, "")
    rows: list[dict[str, Any]] = []

    def add(obj: Any, action: str, field: str | None, old: Any, new: Any) -> None:
        rows.append(
            {
                "at": now,
                "operator": operator,
                "action": action,
                "table_name": obj.__tablename__,
                "record_id": obj.id,
                "field": field,
                "old_value": old,
                "new_value": new,
            }
        )

    for obj in session.new:
        if isinstance(obj, Audited):
            snapshot = {k: to_text(getattr(obj, k)) for k in _column_keys(obj)}
            snapshot = {k: v for k, v in snapshot.items() if v not in (None, "")}
            add(obj, "insert", None, None, json.dumps(snapshot, ensure_ascii=False))
    for obj in session.dirty:
        if not isinstance(obj, Audited):
            continue
        state = instance_state(obj)
        for key in _column_keys(obj):
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = to_text(hist.deleted[0]) if hist.deleted else None
            new = to_text(hist.added[0]) if hist.added else None
            if old == new:
                continue
            if key == "deleted_at":
                add(obj, "delete" if new else "restore", None, old, new)
            else:
                add(obj, "update", key, old, new)
    for obj in session.deleted:
        if isinstance(obj, Audited):
            add(obj, "purge", None, None, None)
    rows.extend(_child_rows(session, now, operator))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def _child_rows(session: Session, now: datetime, operator: str) -> list[dict[str, Any]]:
    """The lines an AuditedChild's changes add to its owner's history (see AuditedChild)."""
    rows: list[dict[str, Any]] = []

    def add(owner: tuple[str, int], action: str, field: str, old: str | None, new: str | None) -> None:
        table, record_id = owner
        rows.append(
            {
                "at": now,
                "operator": operator,
                "action": action,
                "table_name": table,
                "record_id": record_id,
                "field": field,
                "old_value": old,
                "new_value": new,
            }
        )

    for obj in session.new:
        if isinstance(obj, AuditedChild) and (owner := obj.audit_owner(session)) is not None:
            add(owner, ITEM_ADDED, obj.__label__, None, obj.audit_summary())
    for obj in session.dirty:
        if not isinstance(obj, AuditedChild) or (owner := obj.audit_owner(session)) is None:
            continue
        state = instance_state(obj)
        for key, label in obj.__audit_fields__.items():
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = obj.audit_value(key, hist.deleted[0] if hist.deleted else None)
            new = obj.audit_value(key, hist.added[0] if hist.added else None)
            if old != new:
                add(owner, "update", f"{obj.__label__}“{obj.audit_name()}”{label}", old or None, new or None)
    for obj in session.deleted:
        if isinstance(obj, AuditedChild) and (owner := obj.audit_owner(session)) is not None:
            add(owner, ITEM_REMOVED, obj.__label__, None, obj.audit_summary())
    return rows


def install(session_factory: Any) -> None:
    """Attach the operator stamp and the audit writer to every session the factory makes."""
    event.listen(session_factory, "before_flush", _stamp_operator)
    event.listen(session_factory, "after_flush", _write_audit)


def record_event(session: Session, obj: Any, action: str, field: str | None = None, detail: str = "") -> None:
    """Log a deliberate act that changes no column (revealing a masked name, printing…)."""
    session.connection().execute(
        insert(AuditEntry),
        [
            {
                "at": dates.now(),
                "operator": session.info.get(OPERATOR_KEY, ""),
                "action": action,
                "table_name": obj.__tablename__,
                "record_id": obj.id,
                "field": field,
                "old_value": None,
                "new_value": detail or None,
            }
        ],
    )
