"""工作台: the numbers the clerk sees first each morning, and the list behind each of them.

Everything is counted in SQL on indexed columns (patrol and fire-point dates, problem status and
deadline, commitment year): the page is the first one shown at start-up, so it must stay well under
300 ms on a ten-year data file. Each tile carries a :class:`Target` — the page, the record list and
the filter that show the records behind the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Integer, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.models import VILLAGE_KINDS, Unit
from ecodesk.models.letter import STATUS_SIGNED, STATUS_VOID, Commitment
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.services import campaigns
from ecodesk.services.records import ListFilter
from ecodesk.services.rectification import DUE_SOON_FILTER, OVERDUE_FILTER, due_soon_clause, overdue_clause

WEEK_DAYS = 7
CHART_MONTHS = 12


@dataclass(frozen=True)
class Target:
    """Where a tile leads: a page (navigation key), the list in it (record kind) and its filter.

    ``tab`` names a tab to show where the page has no record list for it (承诺书's 签订率).
    """

    page: str
    kind: str = ""
    flt: ListFilter = field(default_factory=ListFilter)
    tab: str = ""


@dataclass(frozen=True)
class DueItem:
    unit: str
    deliverable: str
    campaign: str
    due: date
    campaign_id: int
    unit_id: int
    deliverable_id: int


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    value: int

    @property
    def label(self) -> str:
        return f"{self.month}月"


@dataclass(frozen=True)
class Dashboard:
    today: date
    villages: int
    patrols_today: int
    reported_today: int  # villages with at least one patrol today
    silent_today: tuple[str, ...]  # villages without one
    overdue_problems: int
    due_soon_problems: int
    fires_this_month: int
    fires_last_month: int
    coverage_year: int
    signed: int
    required: int
    due_this_week: tuple[DueItem, ...]
    fires_by_month: tuple[MonthCount, ...]  # the last twelve months, oldest first
    problems_opened: tuple[MonthCount, ...]
    problems_closed: tuple[MonthCount, ...]

    @property
    def coverage_rate(self) -> float | None:
        return self.signed / self.required if self.required else None

    # -- where each tile leads ---------------------------------------------------------------

    def target_patrols_today(self) -> Target:
        return Target("patrols", "patrols", ListFilter(date_from=self.today, date_to=self.today))

    def target_overdue(self) -> Target:
        return Target("problems", "problems", ListFilter(named=(OVERDUE_FILTER,)))

    def target_due_soon(self) -> Target:
        return Target("problems", "problems", ListFilter(named=(DUE_SOON_FILTER,)))

    def target_fires_this_month(self) -> Target:
        return Target(
            "patrols", "fire_points", ListFilter(date_from=self.today.replace(day=1), date_to=self.today)
        )

    def target_coverage(self) -> Target:
        return Target("letters", tab="签订率")

    def target_due_this_week(self) -> Target:
        return Target("campaigns")


def _months_back(today: date, n: int) -> list[tuple[int, int]]:
    """(year, month) of the last ``n`` months including this one, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _per_month(
    session: Session,
    column: InstrumentedAttribute[date] | InstrumentedAttribute[date | None],
    where: list[ColumnElement[bool]],
    months: list[tuple[int, int]],
) -> tuple[MonthCount, ...]:
    start = date(months[0][0], months[0][1], 1)
    year = cast(func.strftime("%Y", column), Integer)
    month = cast(func.strftime("%m", column), Integer)
    query = select(year, month, func.count()).where(column >= start, *where).group_by(year, month)
    counts = {(int(y), int(m)): int(n) for y, m, n in session.execute(query)}
    return tuple(MonthCount(y, m, counts.get((y, m), 0)) for y, m in months)


def _coverage(session: Session, year: int) -> tuple[int, int]:
    """(signed, required) for the town. Counted on the (year, kind, status) index alone: letters are
    voided (作废), never soft-deleted, and reading 30,000 rows for a deleted flag costs 200 ms."""
    query = (
        select(Commitment.status, func.count())
        .where(Commitment.year == year)
        .group_by(Commitment.kind, Commitment.status)
    )
    signed = required = 0
    for status, n in session.execute(query):
        if status != STATUS_VOID:
            required += int(n)
        if status == STATUS_SIGNED:
            signed += int(n)
    return signed, required


def load(db: Database, today: date | None = None) -> Dashboard:
    """Every number of the 工作台 as of ``today``."""
    today = today or dates.today()
    month_start = today.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    months = _months_back(today, CHART_MONTHS)
    with db.session() as session:
        villages = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind.in_(VILLAGE_KINDS), Unit.deleted_at.is_(None), Unit.active.is_(True))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        today_rows = session.execute(
            select(Patrol.village_id, func.count())
            .where(Patrol.date == today, Patrol.deleted_at.is_(None))
            .group_by(Patrol.village_id)
        ).all()
        reported = {int(v) for v, _n in today_rows}
        overdue = session.scalar(
            select(func.count())
            .select_from(Problem)
            .where(Problem.deleted_at.is_(None), overdue_clause(today))
        )
        due_soon = session.scalar(
            select(func.count())
            .select_from(Problem)
            .where(Problem.deleted_at.is_(None), due_soon_clause(today))
        )

        def fires(start: date, end: date) -> int:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(FirePoint)
                    .where(FirePoint.date >= start, FirePoint.date <= end, FirePoint.deleted_at.is_(None))
                )
                or 0
            )

        fires_now, fires_before = (
            fires(month_start, today),
            fires(last_month_start, month_start - timedelta(days=1)),
        )
        coverage_year = today.year
        if not session.scalar(select(Commitment.id).where(Commitment.year == today.year).limit(1)):
            latest = session.scalar(select(func.max(Commitment.year)))
            coverage_year = int(latest) if latest else today.year
        signed, required = _coverage(session, coverage_year)
        fire_chart = _per_month(session, FirePoint.date, [FirePoint.deleted_at.is_(None)], months)
        opened = _per_month(session, Problem.found_date, [Problem.deleted_at.is_(None)], months)
        # A closed date is only ever set on 销号 (the service enforces it): no status condition, which
        # would send SQLite through the status index and back to the table for every closed problem.
        closed = _per_month(session, Problem.closed_date, [Problem.deleted_at.is_(None)], months)
    due = [r.status for r in campaigns.reminders(db, today, within_days=WEEK_DAYS - 1, lookback_days=0)]
    return Dashboard(
        today=today,
        villages=len(villages),
        patrols_today=sum(int(n) for _v, n in today_rows),
        reported_today=sum(1 for v, _n in villages if v in reported),
        silent_today=tuple(name for v, name in villages if v not in reported),
        overdue_problems=int(overdue or 0),
        due_soon_problems=int(due_soon or 0),
        fires_this_month=fires_now,
        fires_last_month=fires_before,
        coverage_year=coverage_year,
        signed=signed,
        required=required,
        due_this_week=tuple(
            DueItem(s.unit, s.deliverable, s.campaign, s.due_date, s.campaign_id, s.unit_id, s.deliverable_id)
            for s in due
        ),
        fires_by_month=fire_chart,
        problems_opened=opened,
        problems_closed=closed,
    )
