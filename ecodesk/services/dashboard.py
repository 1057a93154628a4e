"""工作台: the numbers the clerk sees first each morning, and the list behind each of them.

Everything is counted in SQL on indexed columns (patrol and fire-point dates, problem status and
deadline, commitment year): the page is the first one shown at start-up, so it must stay well under
300 ms on a ten-year data file. Each tile carries a :class:`Target` — the page, the record list and
the filter that show the records behind the number.

Beside the tiles, :attr:`Dashboard.todo` is the clerk's 待办: every problem, complaint and campaign
deliverable (per village not yet handed in) that is overdue or due within
:data:`~ecodesk.services.rectification.DUE_SOON_DAYS` days, oldest deadline first, each with the
:class:`Target` of its own record. Overdue work is listed however old, since a tile that only counts
"this week" hid work that was already late. Villages without a patrol today come with whom to phone
(:class:`Contact`: their grid members, else the people with the 网格员 role, and the village leader).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Integer, cast, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.models import Unit
from ecodesk.models.complaint import Complaint
from ecodesk.models.letter import STATUS_SIGNED, STATUS_VOID, Commitment
from ecodesk.models.lifespan import villages_on
from ecodesk.models.org import Grid, Person, PersonRole, grid_members
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.services import campaigns, targets
from ecodesk.services import complaints as complaint_service
from ecodesk.services.records import ListFilter
from ecodesk.services.rectification import (
    DUE_SOON_DAYS,
    DUE_SOON_FILTER,
    OVERDUE_FILTER,
    due_soon_clause,
    overdue_clause,
)

WEEK_DAYS = 7
CHART_MONTHS = 12
TODO_LIMIT = 300  # rows of the 待办 list; more are counted, not listed (a neglected file can hold thousands)
DELIVERABLE_LOOKBACK_DAYS = 120  # as the 专项行动 reminder list: older gaps stay in the 报送情况 table
GRID_ROLE = "网格员"
TODO_PROBLEM, TODO_DELIVERABLE, TODO_COMPLAINT = "问题整改", "报送材料", "信访举报"


@dataclass(frozen=True)
class Target:
    """Where a tile leads: a page (navigation key), the list in it (record kind) and its filter.

    ``tab`` names a tab to show where the page has no record list for it (承诺书's 签订率).
    """

    page: str
    kind: str = ""
    flt: ListFilter = field(default_factory=ListFilter)
    tab: str = ""
    record_id: int | None = None  # one record to select (shown even when the filter would hide it)
    cell: tuple[int, int] | None = None  # (unit id, deliverable id) in a campaign's 报送情况


@dataclass(frozen=True)
class TodoItem:
    """One row of the 待办: what, which village, the deadline, and the record behind it."""

    category: str  # 问题整改 / 报送材料 / 信访举报
    what: str
    village: str
    deadline: date
    days_left: int  # negative: days overdue
    target: Target

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def when(self) -> str:
        if self.days_left < 0:
            return f"已逾期 {-self.days_left} 天"
        if self.days_left == 0:
            return "今天到期"
        return f"{self.days_left} 天后到期"


@dataclass(frozen=True)
class Contact:
    """A village without a patrol today and whom to phone about it."""

    village: str
    village_id: int
    grid_members: tuple[tuple[str, str], ...]  # (name, phone)
    leader: str
    leader_phone: str
    grid_leaders: tuple[tuple[str, str], ...] = ()  # 网格长 of its grids: (name, phone)


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
    deliverables_overdue: int  # village × deliverable pairs past due and not handed in
    todo: tuple[TodoItem, ...]  # overdue and due within DUE_SOON_DAYS days, oldest deadline first
    todo_total: int  # all of them; ``todo`` stops at TODO_LIMIT (:func:`all_todo` lists every one)
    silent_contacts: tuple[Contact, ...]  # one per village in ``silent_today``, in the same order
    fires_by_month: tuple[MonthCount, ...]  # the last twelve months, oldest first
    problems_opened: tuple[MonthCount, ...]
    problems_closed: tuple[MonthCount, ...]
    todo_overdue_total: int = 0  # overdue among ``todo_total``, listed or not
    # 目标指标 有风险 or 未达标 this year: (name, status), in the 目标 page's order
    indicators_at_risk: tuple[tuple[str, str], ...] = ()

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

    def target_indicators(self) -> Target:
        """The 目标 page at this year (it selects the first indicator at risk)."""
        return Target(
            "targets", flt=ListFilter(date_from=self.today.replace(month=1, day=1), date_to=self.today)
        )

    @property
    def indicators_missed(self) -> int:
        return sum(1 for _name, status in self.indicators_at_risk if status == targets.MISSED)

    @property
    def todo_overdue(self) -> int:
        return sum(1 for item in self.todo if item.overdue)


def _short(text: str, limit: int = 30) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _todo_records(session: Session, today: date, limit: int | None) -> tuple[list[TodoItem], int, int]:
    """Problems and complaints overdue or due within DUE_SOON_DAYS days, oldest deadline first (at
    most ``limit`` of each; None: all), how many there are, and how many of those are overdue."""
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    problem_where = (
        Problem.deleted_at.is_(None),
        or_(overdue_clause(today), due_soon_clause(today)),
    )
    complaint_where = (
        Complaint.deleted_at.is_(None),
        or_(complaint_service.overdue_clause(today), complaint_service.due_soon_clause(today)),
    )
    total = int(session.scalar(select(func.count()).select_from(Problem).where(*problem_where)) or 0)
    total += int(session.scalar(select(func.count()).select_from(Complaint).where(*complaint_where)) or 0)
    late = int(
        session.scalar(
            select(func.count())
            .select_from(Problem)
            .where(Problem.deleted_at.is_(None), overdue_clause(today))
        )
        or 0
    )
    late += int(
        session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(Complaint.deleted_at.is_(None), complaint_service.overdue_clause(today))
        )
        or 0
    )
    items: list[TodoItem] = []
    problems = session.execute(
        select(Problem.id, Problem.deadline, Problem.place, Problem.description, Unit.name)
        .outerjoin(Unit, Unit.id == Problem.village_id)
        .where(*problem_where, Problem.deadline <= horizon)
        .order_by(Problem.deadline, Problem.id)
        .limit(limit)
    )
    for pid, deadline, place, description, village in problems:
        what = "，".join(t for t in (_short(place, 16), _short(description, 24)) if t) or "问题"
        items.append(
            TodoItem(
                TODO_PROBLEM,
                what,
                village or "",
                deadline,
                (deadline - today).days,
                Target("problems", "problems", record_id=int(pid)),
            )
        )
    complaints = session.execute(
        select(Complaint.id, Complaint.deadline, Complaint.channel, Complaint.content, Unit.name)
        .outerjoin(Unit, Unit.id == Complaint.village_id)
        .where(*complaint_where, Complaint.deadline <= horizon)
        .order_by(Complaint.deadline, Complaint.id)
        .limit(limit)
    )
    for cid, deadline, channel, content, village in complaints:
        # The content only, never the complainant: the 工作台 may be on screen with a visitor present.
        what = (f"{channel}：" if channel else "") + (_short(content, 30) or "信访件")
        items.append(
            TodoItem(
                TODO_COMPLAINT,
                what,
                village or "",
                deadline,
                (deadline - today).days,
                Target("complaints", "complaints", record_id=int(cid)),
            )
        )
    return items, total, late


def _deliverable_todo(owed: list[campaigns.Reminder]) -> list[TodoItem]:
    """The campaign deliverables of ``owed`` overdue or due within DUE_SOON_DAYS days, per village."""
    items: list[TodoItem] = []
    for r in owed:
        if r.days_left > DUE_SOON_DAYS:
            continue
        s = r.status
        items.append(
            TodoItem(
                TODO_DELIVERABLE,
                f"{s.campaign}：{s.deliverable}",
                s.unit,
                s.due_date,
                r.days_left,
                Target("campaigns", "campaigns", record_id=s.campaign_id, cell=(s.unit_id, s.deliverable_id)),
            )
        )
    return items


def _todo_order(item: TodoItem) -> tuple[date, str, str]:
    return item.deadline, item.category, item.village


def all_todo(db: Database, today: date | None = None) -> tuple[TodoItem, ...]:
    """Every row of the 待办, not only the first TODO_LIMIT the 工作台 lists (还有 N 条，点此查看全部)."""
    today = today or dates.today()
    with db.session() as session:
        items, _total, _late = _todo_records(session, today, limit=None)
    owed = campaigns.reminders(db, today, within_days=DUE_SOON_DAYS, lookback_days=DELIVERABLE_LOOKBACK_DAYS)
    items += _deliverable_todo(owed)
    items.sort(key=_todo_order)
    return tuple(items)


def _contacts(session: Session, silent: list[tuple[int, str]]) -> tuple[Contact, ...]:
    """Whom to phone in each silent village: its grids' members, else its people with the 网格员 role."""
    ids = [v for v, _name in silent]
    if not ids:
        return ()
    members: dict[int, list[tuple[str, str]]] = {v: [] for v in ids}
    rows = session.execute(
        select(Grid.village_id, Person.name, Person.phone)
        .join(grid_members, grid_members.c.grid_id == Grid.id)
        .join(Person, Person.id == grid_members.c.person_id)
        .where(
            Grid.village_id.in_(ids),
            Grid.deleted_at.is_(None),
            Person.deleted_at.is_(None),
            Person.active.is_(True),
        )
        .order_by(Grid.village_id, Grid.id, Person.id)
    )
    for village_id, name, phone in rows:
        if (name, phone or "") not in members[int(village_id)]:
            members[int(village_id)].append((name, phone or ""))
    without = [v for v in ids if not members[v]]
    if without:
        rows = session.execute(
            select(Person.unit_id, Person.name, Person.phone)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(
                Person.unit_id.in_(without),
                PersonRole.role == GRID_ROLE,
                Person.deleted_at.is_(None),
                Person.active.is_(True),
            )
            .order_by(Person.unit_id, Person.id)
        )
        for unit_id, name, phone in rows:
            if unit_id is not None and (name, phone or "") not in members[int(unit_id)]:
                members[int(unit_id)].append((name, phone or ""))
    leaders = {
        int(uid): (leader or "", phone or "")
        for uid, leader, phone in session.execute(
            select(Unit.id, Unit.leader, Unit.phone).where(Unit.id.in_(ids))
        )
    }
    grid_leaders: dict[int, list[tuple[str, str]]] = {v: [] for v in ids}
    for village_id, name, phone in session.execute(
        select(Grid.village_id, Person.name, Person.phone)
        .join(Person, Person.id == Grid.leader_id)
        .where(Grid.village_id.in_(ids), Grid.deleted_at.is_(None), Person.deleted_at.is_(None))
        .order_by(Grid.village_id, Grid.id)
    ):
        if (name, phone or "") not in grid_leaders[int(village_id)]:
            grid_leaders[int(village_id)].append((name, phone or ""))
    return tuple(
        Contact(name, v, tuple(members[v]), *leaders.get(v, ("", "")), grid_leaders=tuple(grid_leaders[v]))
        for v, name in silent
    )


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
        villages = villages_on(session, today)
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
        todo, todo_total, todo_late = _todo_records(session, today, TODO_LIMIT)
        silent = [(int(v), str(name)) for v, name in villages if v not in reported]
        contacts = _contacts(session, silent)
    owed = campaigns.reminders(db, today, within_days=WEEK_DAYS - 1, lookback_days=DELIVERABLE_LOOKBACK_DAYS)
    due = [r.status for r in owed if not r.overdue]
    late = [r for r in owed if r.overdue]
    owed_now = _deliverable_todo(owed)
    todo += owed_now
    todo_total += len(owed_now)
    todo_late += sum(1 for item in owed_now if item.overdue)
    todo.sort(key=_todo_order)
    risky = tuple((r.indicator.name, r.status) for r in targets.at_risk(db, today.year, today=today))
    return Dashboard(
        today=today,
        villages=len(villages),
        patrols_today=sum(int(n) for _v, n in today_rows),
        reported_today=sum(1 for v, _n in villages if v in reported),
        silent_today=tuple(name for _v, name in silent),
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
        deliverables_overdue=len(late),
        todo=tuple(todo[:TODO_LIMIT]),
        todo_total=todo_total,
        todo_overdue_total=todo_late,
        silent_contacts=contacts,
        fires_by_month=fire_chart,
        problems_opened=opened,
        problems_closed=closed,
        indicators_at_risk=risky,
    )
