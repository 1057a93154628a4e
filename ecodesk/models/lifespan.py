"""When a unit existed: the one place that answers "which villages count on this day, in this period".

A unit counts only from its 设立日期 (none: before any record) up to the day before its 撤销日期 (none:
still in being), the same rule as :meth:`ecodesk.models.org.Unit.existed_on`. Every report, 工作台
figure, coverage rate and appraisal asks here, so the condition is written once. It sits beside the
models (not in the services) because the appraisal rules, one layer below the services, need it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_, select
from sqlalchemy.orm import Session

from ecodesk.models.org import VILLAGE_KINDS, Unit

# A day given as a date or as an SQL expression (a deliverable's due date, per row).
Day = date | SQLColumnExpression[Any]


def existed_during(start: Day, end: Day) -> ColumnElement[bool]:
    """SQL: the unit existed on at least one day from ``start`` to ``end`` (both included)."""
    return and_(
        or_(Unit.established_date.is_(None), Unit.established_date <= end),
        or_(Unit.retired_date.is_(None), Unit.retired_date > start),
    )


def existed_on(day: Day) -> ColumnElement[bool]:
    """SQL: the unit existed on ``day``."""
    return existed_during(day, day)


def not_retired_by(day: date) -> ColumnElement[bool]:
    """SQL: the unit is not 撤销 by ``day`` (in being, or not yet set up): the 基础信息 list's 在册."""
    return or_(Unit.retired_date.is_(None), Unit.retired_date > day)


def retired_ids(session: Session, day: date) -> set[int]:
    """Ids of the units 撤销 by ``day``: pickers for new records leave them out."""
    return set(session.scalars(select(Unit.id).where(~not_retired_by(day))))


def _villages(session: Session, condition: ColumnElement[bool]) -> list[tuple[int, str]]:
    query = (
        select(Unit.id, Unit.name)
        .where(Unit.kind.in_(VILLAGE_KINDS), Unit.deleted_at.is_(None), condition)
        .order_by(Unit.sort_order, Unit.id)
    )
    return [(int(i), str(n)) for i, n in session.execute(query)]


def villages_on(session: Session, day: date) -> list[tuple[int, str]]:
    """(id, name) of the live villages and communities in being on ``day``, in the town's order."""
    return _villages(session, existed_on(day))


def villages_during(session: Session, start: date, end: date) -> list[tuple[int, str]]:
    """(id, name) of the live villages and communities in being on some day of the period."""
    return _villages(session, existed_during(start, end))


@dataclass(frozen=True)
class Lifespan:
    """A unit's 设立日期 and 撤销日期 (either may be None)."""

    established: date | None = None
    retired: date | None = None

    def existed_on(self, day: date) -> bool:
        if self.established is not None and day < self.established:
            return False
        return self.retired is None or day < self.retired

    def clip(self, start: date, end: date) -> tuple[date, date] | None:
        """The part of ``start``–``end`` the unit existed in, or None when it existed on none of it."""
        first = max(start, self.established) if self.established else start
        last = min(end, self.retired - timedelta(days=1)) if self.retired else end
        return (first, last) if first <= last else None

    def days_in(self, start: date, end: date) -> int:
        """How many days of ``start``–``end`` (both included) the unit existed."""
        span = self.clip(start, end)
        return (span[1] - span[0]).days + 1 if span else 0


def lifespans(session: Session, unit_ids: Iterable[int]) -> dict[int, Lifespan]:
    """unit id → its :class:`Lifespan`, in one query."""
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = session.execute(select(Unit.id, Unit.established_date, Unit.retired_date).where(Unit.id.in_(ids)))
    return {int(i): Lifespan(est, ret) for i, est, ret in rows}
