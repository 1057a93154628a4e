"""专项行动 campaigns: setting one up, recording what units hand in, and who is on time, late or missing.

A submission's state is derived, never stored: :func:`submission_state` is the rule, and
:func:`state_sql` is the same rule in SQL so lists and counts are filtered in the database. The two are
checked against each other by the tests.

* 按时报送 — received on or before the due date (the due date itself counts as on time);
* 逾期报送 — received after the due date;
* 未报送 — nothing received and the due date has passed (the day after the due date);
* 待报送 — nothing received yet, and it is not due before today is over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session, object_session

from ecodesk import dates
from ecodesk.dates import DateParseError, format_cn, format_iso, parse_date
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.models import Person, PersonRole, Unit
from ecodesk.models.campaign import (
    ROSTER_POSITIONS,
    Campaign,
    CampaignMember,
    CampaignPhase,
    Deliverable,
    DeliverableTarget,
    Submission,
)
from ecodesk.models.lifespan import existed_on, villages_on
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import attachments, records

T = FieldType
ON_TIME, LATE, MISSING, PENDING = "按时报送", "逾期报送", "未报送", "待报送"
SUBMISSION_TABLE = Submission.__tablename__
DUE_SOON_DAYS = 3  # SPEC §4: deadlines within 3 days are amber


# -- the rule -----------------------------------------------------------------------------------------


def submission_state(due: date, received: date | None, today: date) -> str:
    """按时报送 / 逾期报送 / 未报送 / 待报送 for one deliverable of one unit (see module doc)."""
    if received is not None:
        return ON_TIME if received <= due else LATE
    return MISSING if today > due else PENDING


def state_sql(due: ColumnElement[Any], received: ColumnElement[Any], today: date) -> ColumnElement[str]:
    """:func:`submission_state` as a SQL expression over a due-date and a received-date column."""
    return case(
        (and_(received.is_not(None), received <= due), literal(ON_TIME)),
        (received.is_not(None), literal(LATE)),
        (due < today, literal(MISSING)),
        else_=literal(PENDING),
    )


# -- declarations (list page, export) -------------------------------------------------------------------


def _campaign_checks(_session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    start = values.get("start_date", getattr(existing, "start_date", None))
    end = values.get("end_date", getattr(existing, "end_date", None))
    if start and end and end < start:
        return [FieldProblem("end_date", "结束日期", f"{format_iso(end)} 早于开始日期 {format_iso(start)}")]
    return []


CAMPAIGNS = RecordKind(
    name="campaigns",
    label="专项行动",
    model=Campaign,
    fields=(
        Field("name", "行动名称", required=True, max_len=120, aliases=("名称", "专项行动"), width=34),
        Field("start_date", "开始日期", T.DATE, required=True, aliases=("开始时间",), width=11),
        Field("end_date", "结束日期", T.DATE, required=True, aliases=("结束时间",), width=11),
        Field("document_no", "文号", max_len=60, aliases=("发文字号",), width=18),
        Field("goals", "总体目标", T.LONGTEXT, max_len=4000, aliases=("目标",), width=30, in_table=False),
        Field("remark", "备注", T.LONGTEXT, max_len=2000, width=24, in_table=False),
    ),
    search_keys=("name", "document_no"),
    identity=("name", "start_date"),
    date_key="start_date",
    default_sort="start_date",
    validators=(_campaign_checks,),
)


# -- setting a campaign up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseInput:
    name: str
    end_date: date
    start_date: date | None = None  # None: from the campaign's start (动员部署阶段（10月20日前）)
    tasks: str = ""
    id: int | None = None  # the phase edited; None: a new phase


@dataclass(frozen=True)
class MemberInput:
    """A roster line: a person (by id) or a collective name (各村到村工作大学生), with the 职务."""

    position: str
    title: str = ""
    person_id: int | None = None
    name: str = ""
    id: int | None = None  # the roster line edited; None: a new line (or the same person's line)


@dataclass(frozen=True)
class DeliverableInput:
    name: str
    due_date: date
    unit_ids: tuple[int, ...] | None = None  # None: every village and community in being on the due date
    phase: str | None = None  # the phase name it closes, if any


def _village_ids(session: Session, due: date) -> list[int]:
    """The villages and communities in being on the due date: the default 报送单位."""
    return [vid for vid, _name in villages_on(session, due)]


def _live_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.deleted_at is not None:
        raise NotFoundError(f"专项行动（编号 {campaign_id}）不存在或已删除")
    return campaign


def _check_phases(campaign: Campaign, phases: Sequence[PhaseInput]) -> list[FieldProblem]:
    problems = []
    seen: set[str] = set()
    for n, phase in enumerate(phases, 1):
        label = f"第{n}阶段（{phase.name or '未命名'}）"
        if not phase.name.strip():
            problems.append(FieldProblem("phases", "工作阶段", f"{label}：名称必须填写"))
        elif phase.name.strip() in seen:  # 添加报送材料 chooses its phase by name
            problems.append(FieldProblem("phases", "工作阶段", f"{label}：与前面的阶段同名"))
        seen.add(phase.name.strip())
        start = phase.start_date or campaign.start_date
        if phase.end_date < start:
            problems.append(FieldProblem("phases", "工作阶段", f"{label}：结束日期早于开始日期"))
        if start < campaign.start_date or phase.end_date > campaign.end_date:
            problems.append(
                FieldProblem(
                    "phases",
                    "工作阶段",
                    f"{label}：应在行动期间（{format_iso(campaign.start_date)} 至 {format_iso(campaign.end_date)}）内",
                )
            )
    return problems


def _check_roster(session: Session, members: Sequence[MemberInput]) -> list[FieldProblem]:
    problems = []
    for n, m in enumerate(members, 1):
        if m.position not in ROSTER_POSITIONS:
            problems.append(
                FieldProblem("roster", "领导小组", f"第{n}行：职位应为{'、'.join(ROSTER_POSITIONS)}之一")
            )
        if m.person_id is None and not m.name.strip():
            problems.append(FieldProblem("roster", "领导小组", f"第{n}行：应选择人员或填写名称"))
        if m.person_id is not None and session.get(Person, m.person_id) is None:
            problems.append(FieldProblem("roster", "领导小组", f"第{n}行：人员（编号 {m.person_id}）不存在"))
    return problems


def create_campaign(
    db: Database,
    raw: dict[str, Any],
    *,
    phases: Sequence[PhaseInput] = (),
    roster: Sequence[MemberInput] = (),
    deliverables: Sequence[DeliverableInput] = (),
) -> int:
    """A campaign with its phases, roster and deliverables, in one transaction; returns its id.

    ``raw`` holds the :data:`CAMPAIGNS` fields as a form or a cell would (name, start_date, end_date …).
    """
    with db.session() as session:
        campaign = records.new_record(session, CAMPAIGNS, raw)
        problems = _check_phases(campaign, phases) + _check_roster(session, roster)
        if problems:
            raise ValidationError(problems)
        _set_phases(campaign, phases)
        _set_roster(campaign, roster)
        session.flush()
        for item in deliverables:
            _add_deliverable(session, campaign, item)
        session.flush()
        return int(campaign.id)


def _set_phases(campaign: Campaign, phases: Sequence[PhaseInput]) -> None:
    """Edit the phases in place: a row with an id updates that phase (its deliverables stay linked),
    a row without one is a new phase, and a phase left out is deleted — its deliverables then belong
    to no phase (never a delete-all-and-reinsert, which unlinked every deliverable)."""
    existing = {p.id: p for p in campaign.phases if p.id is not None}
    unknown = [p for p in phases if p.id is not None and p.id not in existing]
    if unknown:
        raise ValidationError.single("phases", "工作阶段", f"“{unknown[0].name}”已被删除，请关闭后重新打开")
    kept = {p.id for p in phases if p.id is not None}
    for phase_id, row in existing.items():
        if phase_id not in kept:
            for deliverable in campaign.deliverables:
                if deliverable.phase_id == phase_id:
                    deliverable.phase_id = None
            _drop(campaign.phases, row)
    for p in phases:
        row = existing[p.id] if p.id is not None else CampaignPhase()
        row.name, row.start_date, row.end_date, row.tasks = p.name.strip(), p.start_date, p.end_date, p.tasks
        if p.id is None:
            campaign.phases.append(row)


def _drop(rows: list[Any], row: Any) -> None:
    """Take a child row out of its list and delete it, so the audit sees the deletion (an orphan
    removed only by the cascade never shows in ``session.deleted``)."""
    rows.remove(row)
    session = object_session(row)
    if session is not None:
        session.delete(row)


def phases_losing_deliverables(campaign: Campaign, kept_ids: Iterable[int]) -> list[tuple[str, int]]:
    """The phases not in ``kept_ids`` that have deliverables, with how many: what a save would unlink."""
    kept = set(kept_ids)
    out = []
    for phase in campaign.phases:
        count = sum(1 for d in campaign.deliverables if d.phase_id == phase.id)
        if phase.id not in kept and count:
            out.append((phase.name, count))
    return out


def unlink_warning(losing: Sequence[tuple[str, int]]) -> str:
    """删除阶段“…”后，它的 N 项需报送材料将不属于任何阶段 — one sentence per phase."""
    return "；".join(f"删除阶段“{name}”后，它的 {n} 项需报送材料将不属于任何阶段" for name, n in losing)


def _set_roster(campaign: Campaign, members: Sequence[MemberInput]) -> None:
    """Edit the roster in place: a line is matched by its id, else by the same person; unmatched
    old lines are removed, new ones added."""
    existing = {m.id: m for m in campaign.roster if m.id is not None}
    unused = dict(existing)
    matched: list[CampaignMember | None] = []
    for m in members:
        row = unused.pop(m.id, None) if m.id is not None else None
        if row is None and m.person_id is not None:
            row = next((r for r in unused.values() if r.person_id == m.person_id), None)
            if row is not None:
                unused.pop(row.id)
        matched.append(row)
    for row in unused.values():
        _drop(campaign.roster, row)
    for i, (m, row) in enumerate(zip(members, matched, strict=True)):
        line = row if row is not None else CampaignMember()
        line.position, line.person_id, line.name = m.position, m.person_id, m.name.strip()
        line.title, line.sort_order = m.title.strip(), i
        if row is None:
            campaign.roster.append(line)


def set_phases(db: Database, campaign_id: int, phases: Sequence[PhaseInput]) -> None:
    with db.session() as session:
        campaign = _live_campaign(session, campaign_id)
        problems = _check_phases(campaign, phases)
        if problems:
            raise ValidationError(problems)
        _set_phases(campaign, phases)


def set_roster(db: Database, campaign_id: int, members: Sequence[MemberInput]) -> None:
    with db.session() as session:
        campaign = _live_campaign(session, campaign_id)
        problems = _check_roster(session, members)
        if problems:
            raise ValidationError(problems)
        _set_roster(campaign, members)


def default_roster(db: Database) -> list[MemberInput]:
    """The town's 领导小组 from the people register (role 领导小组成员 with its 职务): the 镇长 leads,
    other town leaders are 副组长, heads of offices are 成员 — the order of reference 003."""
    with db.session() as session:
        rows = session.execute(
            select(Person.id, PersonRole.title, Person.unit_id)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == "领导小组成员", Person.deleted_at.is_(None), Person.active.is_(True))
            .order_by(Person.id)
        ).all()
    members: list[MemberInput] = []
    for person_id, title, unit_id in rows:
        if "镇长" in title and "副镇长" not in title:
            position = "组长"
        elif unit_id is None:
            position = "副组长"
        else:
            position = "成员"
        members.append(MemberInput(position, title, person_id))
    order = {p: i for i, p in enumerate(ROSTER_POSITIONS)}
    return sorted(members, key=lambda m: order[m.position])


def _add_deliverable(session: Session, campaign: Campaign, item: DeliverableInput) -> Deliverable:
    label = f"报送材料“{item.name or '未命名'}”"
    if not item.name.strip():
        raise ValidationError.single("deliverables", "报送材料", "名称必须填写")
    if item.due_date < campaign.start_date:
        raise ValidationError.single(
            "deliverables", "报送材料", f"{label}的截止日期早于行动开始日期 {format_iso(campaign.start_date)}"
        )
    phase_id = None
    if item.phase:
        matches = [p for p in campaign.phases if p.name == item.phase]
        if not matches:
            raise ValidationError.single("deliverables", "报送材料", f"{label}：没有名为“{item.phase}”的阶段")
        phase_id = matches[0].id
    unit_ids = list(item.unit_ids) if item.unit_ids is not None else _village_ids(session, item.due_date)
    if not unit_ids:
        raise ValidationError.single("deliverables", "报送材料", f"{label}：没有报送单位")
    known = set(session.scalars(select(Unit.id).where(Unit.id.in_(unit_ids), Unit.deleted_at.is_(None))))
    unknown = [str(u) for u in unit_ids if u not in known]
    if unknown:
        raise ValidationError.single(
            "deliverables", "报送材料", f"{label}：单位编号 {'、'.join(unknown)} 不存在"
        )
    deliverable = Deliverable(name=item.name.strip(), due_date=item.due_date, phase_id=phase_id)
    deliverable.targets = [DeliverableTarget(unit_id=u) for u in dict.fromkeys(unit_ids)]
    campaign.deliverables.append(deliverable)
    session.flush()
    return deliverable


def add_deliverable(db: Database, campaign_id: int, item: DeliverableInput) -> int:
    with db.session() as session:
        return _add_deliverable(session, _live_campaign(session, campaign_id), item).id


def set_unit_due_date(db: Database, deliverable_id: int, unit_id: int, due: date | None) -> None:
    """Give one unit another due date for a deliverable (``None``: back to the common date)."""
    with db.session() as session:
        target = session.scalar(
            select(DeliverableTarget).where(
                DeliverableTarget.deliverable_id == deliverable_id, DeliverableTarget.unit_id == unit_id
            )
        )
        if target is None:
            raise NotFoundError("该单位不需要报送这项材料")
        target.due_date = due


def get_campaign(db: Database, campaign_id: int) -> Campaign:
    """The campaign with its phases, roster and deliverables (and their units) loaded."""
    with db.session() as session:
        campaign = _live_campaign(session, campaign_id)
        for d in campaign.deliverables:
            for t in d.targets:
                _ = t.unit.name
        for m in campaign.roster:
            _ = m.person.name if m.person else ""
        return campaign


def current_phase(campaign: Campaign, today: date) -> CampaignPhase | None:
    """The phase ``today`` falls in (a phase without a start begins with the campaign)."""
    for phase in campaign.phases:
        if (phase.start_date or campaign.start_date) <= today <= phase.end_date:
            return phase
    return None


# -- submissions -------------------------------------------------------------------------------------------


def record_submission(
    db: Database,
    deliverable_id: int,
    unit_id: int,
    received_date: date | str,
    *,
    title: str = "",
    file: Path | None = None,
    remark: str = "",
) -> int:
    """Record what a unit handed in, with the file copied into the attachment store; returns its id."""
    try:
        received = parse_date(received_date)
    except DateParseError as exc:
        raise ValidationError.single("received_date", "收到日期", str(exc)) from None
    if received is None:
        raise ValidationError.single("received_date", "收到日期", "必须填写")
    if received > dates.today():
        raise ValidationError.single("received_date", "收到日期", f"{format_iso(received)} 还没到")
    if file is not None and not Path(file).is_file():
        raise ValidationError.single("file", "报送文件", f"找不到文件 {file}")
    with db.session() as session:
        deliverable = session.get(Deliverable, deliverable_id)
        if deliverable is None:
            raise NotFoundError(f"报送材料（编号 {deliverable_id}）不存在")
        asked = session.scalar(
            select(func.count())
            .select_from(DeliverableTarget)
            .where(DeliverableTarget.deliverable_id == deliverable_id, DeliverableTarget.unit_id == unit_id)
        )
        if not asked:
            unit = session.get(Unit, unit_id)
            raise ValidationError.single(
                "unit", "报送单位", f"“{unit.name if unit else unit_id}”不在“{deliverable.name}”的报送单位中"
            )
        submission = Submission(
            deliverable_id=deliverable_id,
            unit_id=unit_id,
            received_date=received,
            title=title.strip() or deliverable.name,
            remark=remark,
        )
        session.add(submission)
        session.flush()
        submission_id = submission.id
    if file is not None:
        attachments.add_file(db, Path(file), SUBMISSION_TABLE, submission_id, role="报送材料")
    return submission_id


def withdraw_submission(db: Database, submission_id: int) -> None:
    """A submission recorded by mistake: soft-deleted, so the unit shows as not yet submitted again."""
    with db.session() as session:
        submission = session.get(Submission, submission_id)
        if submission is None or submission.deleted_at is not None:
            raise NotFoundError(f"报送记录（编号 {submission_id}）不存在或已删除")
        submission.deleted_at = dates.now()


# -- derived states ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliverableStatus:
    """One deliverable of one unit, with its derived state."""

    campaign_id: int
    campaign: str
    deliverable_id: int
    deliverable: str
    unit_id: int
    unit: str
    due_date: date
    received_date: date | None
    submission_id: int | None
    state: str

    @property
    def days_late(self) -> int:
        """Days past the due date: of the submission when late, of today's wait when missing."""
        return 0 if self.received_date is None else max(0, (self.received_date - self.due_date).days)


def _status_query(today: date) -> Any:
    first = (
        select(
            Submission.deliverable_id.label("deliverable_id"),
            Submission.unit_id.label("unit_id"),
            func.min(Submission.received_date).label("received"),
            func.min(Submission.id).label("submission_id"),
        )
        # As of ``today``: what arrived later is not there yet (a look back at a past date).
        .where(Submission.deleted_at.is_(None), Submission.received_date <= today)
        .group_by(Submission.deliverable_id, Submission.unit_id)
        .subquery()
    )
    due = func.coalesce(DeliverableTarget.due_date, Deliverable.due_date)
    state = state_sql(due, first.c.received, today)
    query = (
        select(
            Campaign.id,
            Campaign.name,
            Deliverable.id,
            Deliverable.name,
            Unit.id,
            Unit.name,
            due.label("due"),
            first.c.received,
            first.c.submission_id,
            state.label("state"),
        )
        .select_from(DeliverableTarget)
        .join(Deliverable, Deliverable.id == DeliverableTarget.deliverable_id)
        .join(Campaign, Campaign.id == Deliverable.campaign_id)
        .join(Unit, Unit.id == DeliverableTarget.unit_id)
        .outerjoin(
            first,
            and_(first.c.deliverable_id == Deliverable.id, first.c.unit_id == DeliverableTarget.unit_id),
        )
        .where(Campaign.deleted_at.is_(None))
    )
    return query, due, state


def _rows_to_status(rows: Iterable[Any]) -> list[DeliverableStatus]:
    out = []
    for r in rows:
        out.append(
            DeliverableStatus(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                _as_date(r[6]),
                _as_date(r[7]) if r[7] else None,
                r[8],
                r[9],
            )
        )
    return out


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def deliverable_statuses(
    db: Database,
    campaign_id: int | None = None,
    *,
    today: date | None = None,
    unit_id: int | None = None,
    states: Sequence[str] = (),
) -> list[DeliverableStatus]:
    """Every (deliverable, unit) with its state, in due-date then town order; filtered in SQL."""
    today = today or dates.today()
    query, due, state = _status_query(today)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    if unit_id is not None:
        query = query.where(Unit.id == unit_id)
    if states:
        query = query.where(state.in_(list(states)))
    query = query.order_by(due, Deliverable.id, Unit.sort_order, Unit.id)
    with db.session() as session:
        return _rows_to_status(session.execute(query))


def state_counts(db: Database, campaign_id: int, today: date | None = None) -> dict[str, int]:
    """How many (deliverable, unit) pairs are in each state."""
    counts = Counter(s.state for s in deliverable_statuses(db, campaign_id, today=today))
    return {state: counts.get(state, 0) for state in (ON_TIME, LATE, MISSING, PENDING)}


def unit_tallies(db: Database, year: int, today: date | None = None) -> dict[int, dict[str, int]]:
    """Per unit, how many deliverables due in ``year`` are in each state (the appraisal deducts
    for 逾期报送 and 未报送)."""
    today = today or dates.today()
    query, due, state = _status_query(today)
    inner = query.where(due >= date(year, 1, 1), due <= date(year, 12, 31)).subquery()
    grouped = select(inner.c[4], inner.c.state, func.count()).group_by(inner.c[4], inner.c.state)
    out: dict[int, dict[str, int]] = {}
    with db.session() as session:
        for unit, st, n in session.execute(grouped):
            out.setdefault(int(unit), {s: 0 for s in (ON_TIME, LATE, MISSING, PENDING)})[str(st)] = int(n)
    return out


@dataclass(frozen=True)
class Reminder:
    """Something a unit still owes: overdue, due today or due within a few days."""

    status: DeliverableStatus
    days_left: int  # negative: days overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def text(self) -> str:
        s = self.status
        if self.days_left < 0:
            when = f"已逾期{-self.days_left}天"
        elif self.days_left == 0:
            when = "今天截止"
        else:
            when = f"还有{self.days_left}天截止"
        return f"{s.unit}：{s.deliverable}（{s.campaign}，{format_cn(s.due_date)}截止，{when}）"


def reminders(
    db: Database, today: date | None = None, within_days: int = 7, lookback_days: int = 120
) -> list[Reminder]:
    """What is overdue (by at most ``lookback_days``) or due within ``within_days`` and not yet handed
    in, most urgent first. Older gaps stay visible in :func:`deliverable_statuses` as 未报送."""
    today = today or dates.today()
    query, due, _state = _status_query(today)
    query = query.where(
        query.selected_columns.received.is_(None),
        due <= today + timedelta(days=within_days),
        due >= today - timedelta(days=lookback_days),
        existed_on(due),  # a unit 撤销 before the due date owes nothing
    )
    query = query.order_by(due, Deliverable.id, Unit.sort_order, Unit.id)
    with db.session() as session:
        statuses = _rows_to_status(session.execute(query))
    return [Reminder(s, (s.due_date - today).days) for s in statuses]


def remove_deliverable(db: Database, deliverable_id: int) -> None:
    """Drop a deliverable asked by mistake; refused once a unit has handed it in (withdraw those first)."""
    with db.session() as session:
        deliverable = session.get(Deliverable, deliverable_id)
        if deliverable is None:
            raise NotFoundError(f"报送材料（编号 {deliverable_id}）不存在")
        handed_in = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.deliverable_id == deliverable_id, Submission.deleted_at.is_(None))
        )
        if handed_in:
            raise ValidationError.single(
                "deliverables", "报送材料", f"“{deliverable.name}”已有{handed_in}份报送记录，不能删除"
            )
        session.delete(deliverable)


# -- the 报送情况表 ------------------------------------------------------------------------------------------


def write_status_xlsx(db: Database, campaign_id: int, path: Path, today: date | None = None) -> Path:
    """One row per unit, one column per deliverable: 按时 10-18 / 逾期3天 10-23 / 未报送 / 待报送,
    with each state's count at the foot — the sheet the office sends round before a deadline."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    from ecodesk.services.reports import TOTAL_FONT, TableSheet, save_workbook

    today = today or dates.today()
    campaign = get_campaign(db, campaign_id)
    statuses = deliverable_statuses(db, campaign_id, today=today)
    deliverables = list(campaign.deliverables)
    units: dict[int, str] = {}
    cells: dict[tuple[int, int], DeliverableStatus] = {}
    for s in statuses:
        units.setdefault(s.unit_id, s.unit)
        cells[(s.unit_id, s.deliverable_id)] = s
    headers = (
        "序号",
        "单位",
        *(f"{d.name}（{d.due_date.month}月{d.due_date.day}日前）" for d in deliverables),
    )
    wb = Workbook(write_only=True)
    sheet = TableSheet(
        wb,
        "报送情况",
        f"{campaign.name}材料报送情况（截至{format_cn(today)}）",
        headers,
        (5, 12, *(22 for _ in deliverables)),
    )
    fills = {LATE: PatternFill("solid", fgColor="FFF2CC"), MISSING: PatternFill("solid", fgColor="FCE4D6")}

    def text(s: DeliverableStatus | None) -> str:
        if s is None:
            return "—"
        if s.state == ON_TIME and s.received_date is not None:
            return f"按时报送 {s.received_date:%m-%d}"
        if s.state == LATE and s.received_date is not None:
            return f"逾期{s.days_late}天 {s.received_date:%m-%d}"
        return s.state

    for n, (unit_id, unit) in enumerate(units.items(), 1):
        row = [cells.get((unit_id, d.id)) for d in deliverables]
        worst = next(
            (st for st in (MISSING, LATE) if any(c is not None and c.state == st for c in row)), None
        )
        sheet.add([n, unit, *(text(c) for c in row)], fill=fills.get(worst) if worst else None)
    foot = ["合计", ""]
    for d in deliverables:
        counts = Counter(c.state for (u, did), c in cells.items() if did == d.id)
        foot.append("，".join(f"{st}{counts[st]}" for st in (ON_TIME, LATE, MISSING, PENDING) if counts[st]))
    sheet.add(foot, font=TOTAL_FONT)
    return save_workbook(wb, path)
