"""问题整改: the dynamic list (动态清单) of problems, their lifecycle, journal, photos and batch work.

A problem moves 待整改 → 整改中 → 已整改待核查 → 已销号, and 已整改待核查 can be sent back (退回) to
整改中; so can an 已销号 problem a re-inspection finds back (退回整改), with a required reason. Status only changes through :func:`change_status` (and the batch :func:`close_many`), which
refuses any other move with a message naming the problem, where it is and where it may go, and
writes a :class:`ProblemTransition` (date, operator, note) for every change. Overdue is derived from
the deadline — :func:`deadline_state` in Python, :func:`overdue_clause` / :func:`due_soon_clause` in
SQL — and never stored.

Every batch operation (:func:`assign`, :func:`extend_deadline`, :func:`close_many`) is one
transaction: when any problem cannot take the change, none does, and the error lists each refusal.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, event, func, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.audit import OPERATOR_KEY
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.models import Attachment, Enterprise, Unit
from ecodesk.models.complaint import Complaint
from ecodesk.models.ledger import LedgerEntry
from ecodesk.models.rectification import (
    AWAITING_CHECK,
    CLOSED,
    IN_PROGRESS,
    OPEN_STATUSES,
    PROBLEM_CATEGORIES,
    PROBLEM_SOURCES,
    PROBLEM_STATUSES,
    TODO,
    Problem,
    ProblemNote,
    ProblemTransition,
)
from ecodesk.schema import Codec, Field, FieldType, RecordKind, RefSpec
from ecodesk.services import attachments, records
from ecodesk.services.org import VILLAGE_REF
from ecodesk.services.records import ListFilter

T = FieldType
DUE_SOON_DAYS = 3  # a deadline this many days away or fewer is shown amber
PHOTO_BEFORE, PHOTO_AFTER = "整改前", "整改后"
PHOTO_STAGES = (PHOTO_BEFORE, PHOTO_AFTER)
RETURNED = "退回"  # the name of the move 已整改待核查 → 整改中
REOPENED = "退回整改"  # the name of the move 已销号 → 整改中 (a re-inspection finds it back)
ASSIGNED = "交办"  # the journal kind of setting a responsible unit, person or deadline

# Where each status may go. 待整改 → 已整改待核查 is 立行立改 (fixed on the spot, the same day).
ALLOWED: dict[str, tuple[str, ...]] = {
    TODO: (IN_PROGRESS, AWAITING_CHECK),
    IN_PROGRESS: (AWAITING_CHECK,),
    AWAITING_CHECK: (CLOSED, IN_PROGRESS),
    CLOSED: (IN_PROGRESS,),  # 退回整改: found back on re-inspection
}


# -- overdue, derived ---------------------------------------------------------------------------


class DeadlineState(enum.StrEnum):
    """Where a problem stands against its deadline; ``colour`` is how lists show it."""

    NONE = ""  # no deadline set
    ON_TRACK = "未到期"
    DUE_SOON = "即将到期"
    OVERDUE = "已超期"
    DONE_ON_TIME = "按期整改"
    DONE_LATE = "超期整改"

    @property
    def colour(self) -> str:
        """``red`` for overdue, ``amber`` for due within :data:`DUE_SOON_DAYS` days, else ``""``."""
        return {DeadlineState.OVERDUE: "red", DeadlineState.DUE_SOON: "amber"}.get(self, "")


def deadline_state(
    deadline: date | None, status: str, today: date, rectified_date: date | None = None
) -> DeadlineState:
    """A pure function of the deadline, the status and today.

    A problem counts as done on its rectified date (已整改待核查 or 已销号): done by the deadline is on
    time, later is late. An open one (待整改, 整改中) is overdue once today is past the deadline, and
    due soon from :data:`DUE_SOON_DAYS` days before it to the deadline day itself.
    """
    if deadline is None:
        return DeadlineState.NONE
    if status not in OPEN_STATUSES:
        done = rectified_date or today
        return DeadlineState.DONE_LATE if done > deadline else DeadlineState.DONE_ON_TIME
    days_left = (deadline - today).days
    if days_left < 0:
        return DeadlineState.OVERDUE
    if days_left <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


def state_of(problem: Problem, today: date | None = None) -> DeadlineState:
    return deadline_state(problem.deadline, problem.status, today or dates.today(), problem.rectified_date)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL: open problems whose deadline has passed (the same rule as :func:`deadline_state`)."""
    return and_(Problem.status.in_(OPEN_STATUSES), Problem.deadline < today)


def due_soon_clause(today: date) -> ColumnElement[bool]:
    """SQL: open problems due today or within :data:`DUE_SOON_DAYS` days."""
    return and_(
        Problem.status.in_(OPEN_STATUSES),
        Problem.deadline >= today,
        Problem.deadline <= today + timedelta(days=DUE_SOON_DAYS),
    )


OVERDUE_FILTER, DUE_SOON_FILTER, NOT_CLOSED_FILTER = "已超期", "3天内到期", "未销号"


# -- the declaration ------------------------------------------------------------------------------

UNIT_REF = RefSpec(Unit, "responsible_unit_id", sort_attr="sort_order", target_label="单位")
ENTERPRISE_REF = RefSpec(Enterprise, "enterprise_id", target_label="企业/场所")


def _derived(_session: Session, _text: str) -> None:
    return None  # a derived column read back from an export is ignored


def _ignore(_session: Session, _obj: Any, _value: Any) -> None:
    return None


DEADLINE_CODEC = Codec(display=lambda p: state_of(p).value, parse=_derived, apply=_ignore)


def _current(values: Mapping[str, Any], existing: Any | None, key: str) -> Any:
    if key in values:
        return values[key]
    return getattr(existing, key) if existing is not None else None


def _problem_checks(_session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    found = _current(values, existing, "found_date")
    deadline = _current(values, existing, "deadline")
    rectified = _current(values, existing, "rectified_date")
    closed = _current(values, existing, "closed_date")
    status = _current(values, existing, "status") or TODO
    if existing is not None and "status" in values and values["status"] != existing.status:
        problems.append(
            FieldProblem("status", "状态", "只能通过“开始整改、整改完成、销号、退回”改变，不能直接修改")
        )
    if found and deadline and deadline < found:
        problems.append(FieldProblem("deadline", "整改时限", f"不能早于发现日期（{format_iso(found)}）"))
    if found and rectified and rectified < found:
        problems.append(
            FieldProblem("rectified_date", "整改完成日期", f"不能早于发现日期（{format_iso(found)}）")
        )
    if rectified and closed and closed < rectified:
        problems.append(
            FieldProblem("closed_date", "销号日期", f"不能早于整改完成日期（{format_iso(rectified)}）")
        )
    if status in (AWAITING_CHECK, CLOSED) and not rectified:
        problems.append(FieldProblem("rectified_date", "整改完成日期", f"状态为“{status}”时必须填写"))
    if status == CLOSED and not closed:
        problems.append(FieldProblem("closed_date", "销号日期", "状态为“已销号”时必须填写"))
    if status in OPEN_STATUSES and closed:
        problems.append(FieldProblem("closed_date", "销号日期", f"状态为“{status}”时不应填写"))
    return problems


PROBLEMS = RecordKind(
    name="problems",
    label="问题整改",
    model=Problem,
    fields=(
        Field(
            "found_date",
            "发现日期",
            T.DATE,
            required=True,
            aliases=("日期", "检查日期", "交办日期"),
            width=11,
        ),
        Field(
            "source",
            "问题来源",
            T.CHOICE,
            choices=PROBLEM_SOURCES,
            default="巡查发现",
            aliases=("来源",),
            width=12,
        ),
        Field("village", "所在村", T.REF, ref=VILLAGE_REF, aliases=("村", "村（社区）", "属地"), width=10),
        Field(
            "place",
            "地点",
            required=True,
            max_len=100,
            aliases=("问题点位", "位置", "点位", "地点/点位"),
            width=22,
        ),
        Field(
            "category",
            "类别",
            T.CHOICE,
            choices=PROBLEM_CATEGORIES,
            aliases=("问题类别", "污染类别"),
            width=6,
        ),
        Field(
            "description",
            "问题描述",
            T.LONGTEXT,
            required=True,
            max_len=2000,
            aliases=("存在问题", "问题"),
            width=36,
        ),
        Field(
            "enterprise",
            "涉及企业",
            T.REF,
            ref=ENTERPRISE_REF,
            aliases=("企业", "企业名称"),
            width=20,
            in_table=False,
        ),
        Field("responsible_unit", "责任单位", T.REF, ref=UNIT_REF, aliases=("整改责任单位",), width=14),
        Field("responsible_person", "责任人", max_len=40, aliases=("整改责任人",), width=8),
        Field(
            "measures", "整改措施", T.LONGTEXT, max_len=2000, aliases=("整改要求",), width=30, in_table=False
        ),
        Field("deadline", "整改时限", T.DATE, aliases=("完成时限", "整改期限"), width=11),
        Field(
            "status",
            "状态",
            T.CHOICE,
            choices=PROBLEM_STATUSES,
            default=TODO,
            aliases=("整改状态",),
            width=12,
            in_form=False,
        ),
        Field("overdue", "时限情况", T.CUSTOM, codec=DEADLINE_CODEC, width=9, in_form=False),
        Field("rectified_date", "整改完成日期", T.DATE, aliases=("完成日期",), width=11, in_form=False),
        Field("verifier", "核查人", max_len=40, width=8, in_form=False, in_table=False),
        Field("closed_date", "销号日期", T.DATE, width=11, in_form=False),
        Field("remark", "备注", T.LONGTEXT, max_len=2000, aliases=("说明",), width=24, in_table=False),
    ),
    search_keys=("place", "description", "responsible_person", "village", "responsible_unit"),
    identity=("found_date", "village", "place", "description"),
    village_key="village",
    status_key="status",
    date_key="found_date",
    default_sort="found_date",
    validators=(_problem_checks,),
    title_key="place",
    filters={
        OVERDUE_FILTER: lambda: overdue_clause(dates.today()),
        DUE_SOON_FILTER: lambda: due_soon_clause(dates.today()),
        NOT_CLOSED_FILTER: lambda: Problem.status != CLOSED,
    },
)


# -- creating, reading ----------------------------------------------------------------------------


def create_problem(
    db: Database,
    raw: Mapping[str, Any],
    *,
    ledger_entry_id: int | None = None,
    complaint_id: int | None = None,
    patrol_id: int | None = None,
    note: str = "",
) -> Problem:
    """A new problem from form values (as ``records.create``), linked to what it came from."""
    with db.session() as session:
        problem = add_problem(
            session,
            raw,
            ledger_entry_id=ledger_entry_id,
            complaint_id=complaint_id,
            patrol_id=patrol_id,
            note=note,
        )
        session.flush()
        return load_problem(session, problem.id)


def add_problem(
    session: Session,
    raw: Mapping[str, Any],
    *,
    ledger_entry_id: int | None = None,
    complaint_id: int | None = None,
    patrol_id: int | None = None,
    note: str = "",
) -> Problem:
    """:func:`create_problem` inside the caller's session (a patrol or complaint opening a problem)."""
    problem: Problem = records.new_record(session, PROBLEMS, raw)
    if ledger_entry_id is not None:
        _need(session, LedgerEntry, ledger_entry_id, "台账记录")
    if complaint_id is not None:
        _need(session, Complaint, complaint_id, "信访举报")
    problem.ledger_entry_id = ledger_entry_id
    problem.complaint_id = complaint_id
    problem.patrol_id = patrol_id
    session.flush()
    if note.strip():
        session.add(
            ProblemNote(problem_id=problem.id, on_date=problem.found_date, kind="进展", text=note.strip())
        )
    return problem


def _need(session: Session, model: type[Any], record_id: int, label: str) -> None:
    obj = session.get(model, record_id)
    if obj is None or obj.deleted_at is not None:
        raise NotFoundError(f"{label}（编号 {record_id}）不存在或已删除")


def get_problem(db: Database, problem_id: int) -> Problem:
    with db.session() as session:
        return load_problem(session, problem_id)


def load_problem(session: Session, problem_id: int) -> Problem:
    """A problem with what its detail view shows, inside the caller's session."""
    problem: Problem = records.get_in(session, PROBLEMS, problem_id)
    # Links the detail view names, loaded while the session is open.
    _ = problem.ledger_entry, problem.complaint
    return problem


def _live(session: Session, problem_id: int) -> Problem:
    problem = session.get(Problem, problem_id)
    if problem is None or problem.deleted_at is not None:
        raise NotFoundError(f"问题（编号 {problem_id}）不存在或已删除")
    return problem


def set_links(
    db: Database,
    problem_id: int,
    *,
    ledger_entry_id: int | None = None,
    complaint_id: int | None = None,
    patrol_id: int | None = None,
) -> Problem:
    """Link a problem to a ledger entry, complaint or patrol (``None`` leaves a link as it is)."""
    with db.session() as session:
        problem = _live(session, problem_id)
        if ledger_entry_id is not None:
            _need(session, LedgerEntry, ledger_entry_id, "台账记录")
            problem.ledger_entry_id = ledger_entry_id
        if complaint_id is not None:
            _need(session, Complaint, complaint_id, "信访举报")
            problem.complaint_id = complaint_id
        if patrol_id is not None:
            problem.patrol_id = patrol_id
        session.flush()
        return load_problem(session, problem_id)


def status_counts(db: Database, flt: ListFilter | None = None, today: date | None = None) -> dict[str, int]:
    """How many problems of ``flt`` are in each status, plus 已超期 and 3天内到期 (for the page's counts)."""
    today = today or dates.today()
    flt = flt or ListFilter()
    counts = {status: 0 for status in PROBLEM_STATUSES}
    base = replace(flt, status=None)
    for status in PROBLEM_STATUSES:
        counts[status] = records.count(db, PROBLEMS, replace(base, status=status))
    with db.engine.connect() as conn:
        for name, clause in (
            (OVERDUE_FILTER, overdue_clause(today)),
            (DUE_SOON_FILTER, due_soon_clause(today)),
        ):
            query = records.filtered_query(PROBLEMS, base, select(func.count()).select_from(Problem)).where(
                clause
            )
            counts[name] = int(conn.scalar(query) or 0)
    return counts


# -- the lifecycle --------------------------------------------------------------------------------


def allowed_moves(status: str) -> tuple[str, ...]:
    return ALLOWED.get(status, ())


def move_name(from_status: str, to_status: str) -> str:
    """The button text of a move: 开始整改, 整改完成, 销号, 退回, 退回整改."""
    if from_status == AWAITING_CHECK and to_status == IN_PROGRESS:
        return RETURNED
    if from_status == CLOSED and to_status == IN_PROGRESS:
        return REOPENED
    return {IN_PROGRESS: "开始整改", AWAITING_CHECK: "整改完成", CLOSED: "销号"}.get(to_status, to_status)


def _title(problem: Problem) -> str:
    village = problem.village.name if problem.village is not None else ""
    place = problem.place if problem.place.startswith(village) else village + problem.place
    return f"问题“{place}”"


def _move(
    session: Session,
    problem: Problem,
    to_status: str,
    on_date: date,
    note: str = "",
    verifier: str = "",
) -> None:
    """Apply one status change, or raise ValidationError saying why it is not allowed."""
    now = problem.status
    if to_status not in PROBLEM_STATUSES:
        raise ValidationError.single(
            "status", "状态", f"“{to_status}”不是问题的状态（{'、'.join(PROBLEM_STATUSES)}）"
        )
    allowed = allowed_moves(now)
    if to_status not in allowed:
        if not allowed:
            why = "已销号的问题不能再改变状态"
        else:
            why = "只能改为" + "或".join(f"“{s}”" for s in allowed)
        raise ValidationError.single(
            "status", "状态", f"{_title(problem)}当前为“{now}”，不能改为“{to_status}”（{why}）"
        )
    if on_date < problem.found_date:
        raise ValidationError.single(
            "on_date",
            "日期",
            f"{_title(problem)}：日期{format_iso(on_date)}早于发现日期{format_iso(problem.found_date)}",
        )
    note = note.strip()
    if to_status == AWAITING_CHECK:
        problem.rectified_date = on_date
    elif to_status == CLOSED:
        verifier = verifier.strip()
        if not verifier:
            raise ValidationError.single("verifier", "核查人", f"{_title(problem)}销号须填写核查人")
        if problem.rectified_date and on_date < problem.rectified_date:
            raise ValidationError.single(
                "on_date",
                "销号日期",
                f"{_title(problem)}：不能早于整改完成日期{format_iso(problem.rectified_date)}",
            )
        problem.verifier = verifier
        problem.closed_date = on_date
    elif now in (AWAITING_CHECK, CLOSED):  # 退回, 退回整改
        if not note:
            raise ValidationError.single("note", "退回原因", f"{_title(problem)}退回重新整改须写明原因")
        if now == CLOSED and problem.closed_date and on_date < problem.closed_date:
            raise ValidationError.single(
                "on_date",
                "退回日期",
                f"{_title(problem)}：不能早于销号日期{format_iso(problem.closed_date)}",
            )
        # The transition keeps the dates and the verifier of what is undone; the audit log too.
        problem.rectified_date = None
        problem.closed_date = None
        problem.verifier = ""
        session.add(
            ProblemNote(problem_id=problem.id, on_date=on_date, kind=move_name(now, to_status), text=note)
        )
    problem.status = to_status
    session.add(
        ProblemTransition(
            problem_id=problem.id,
            from_status=now,
            to_status=to_status,
            on_date=on_date,
            operator=str(session.info.get(OPERATOR_KEY, "")),
            note=note,
        )
    )


def change_status(
    db: Database,
    problem_id: int,
    to_status: str,
    *,
    on_date: date | None = None,
    note: str = "",
    verifier: str = "",
) -> Problem:
    """Move one problem to ``to_status`` on ``on_date`` (default today).

    整改完成 sets the rectified date; 销号 needs the verifier and sets the closed date; 退回 (from
    已整改待核查 back to 整改中) and 退回整改 (from 已销号, found back on re-inspection) need the reason
    and clear the rectified date (退回整改 also the closed date and the verifier).
    """
    with db.session() as session:
        problem = _live(session, problem_id)
        _move(session, problem, to_status, on_date or dates.today(), note, verifier)
        session.flush()
        return load_problem(session, problem_id)


def start(db: Database, problem_id: int, on_date: date | None = None, note: str = "") -> Problem:
    return change_status(db, problem_id, IN_PROGRESS, on_date=on_date, note=note)


def mark_rectified(db: Database, problem_id: int, on_date: date | None = None, note: str = "") -> Problem:
    return change_status(db, problem_id, AWAITING_CHECK, on_date=on_date, note=note)


def close(
    db: Database, problem_id: int, verifier: str, on_date: date | None = None, note: str = ""
) -> Problem:
    return change_status(db, problem_id, CLOSED, on_date=on_date, note=note, verifier=verifier)


def send_back(db: Database, problem_id: int, reason: str, on_date: date | None = None) -> Problem:
    return change_status(db, problem_id, IN_PROGRESS, on_date=on_date, note=reason)


def reopen(db: Database, problem_id: int, reason: str, on_date: date | None = None) -> Problem:
    """退回整改: an 已销号 problem a re-inspection finds back goes to 整改中; the reason is required."""
    problem = get_problem(db, problem_id)
    if problem.status != CLOSED:
        raise ValidationError.single(
            "status", "状态", f"{_title(problem)}当前为“{problem.status}”，未销号，不需退回整改"
        )
    return change_status(db, problem_id, IN_PROGRESS, on_date=on_date, note=reason)


# -- batch operations: each one transaction, all or nothing --------------------------------------


def _batch(session: Session, ids: Iterable[int]) -> list[Problem]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise ValidationError.single("ids", "问题", "请先选择要处理的问题")
    found = {p.id: p for p in session.scalars(select(Problem).where(Problem.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found or found[i].deleted_at is not None]
    if missing:
        raise NotFoundError(f"问题（编号 {'、'.join(map(str, missing))}）不存在或已删除")
    return [found[i] for i in wanted]


def _each(problems: Sequence[Problem], apply: Any) -> None:
    """Run ``apply`` on every problem; collect every refusal and raise them together."""
    refusals: list[FieldProblem] = []
    for problem in problems:
        try:
            apply(problem)
        except ValidationError as exc:
            refusals += exc.problems
    if refusals:
        refusals.append(
            FieldProblem("batch", "批量操作", f"以上{len(refusals)}处问题未能处理，本次操作未做任何修改")
        )
        raise ValidationError(refusals)


def assign(
    db: Database,
    ids: Iterable[int],
    unit_id: int,
    person: str = "",
    on_date: date | None = None,
    note: str = "",
) -> int:
    """Give several problems a responsible unit (and person); journals 交办 on each. Returns how many."""
    on_date = on_date or dates.today()
    with db.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None or unit.deleted_at is not None:
            raise ValidationError.single(
                "responsible_unit", "责任单位", f"单位（编号 {unit_id}）不存在或已删除"
            )
        problems = _batch(session, ids)

        def apply(problem: Problem) -> None:
            if problem.status == CLOSED:
                raise ValidationError.single("status", "状态", f"{_title(problem)}已销号，不能再交办")
            problem.responsible_unit_id = unit.id
            if person.strip():
                problem.responsible_person = person.strip()
            text = f"交办{unit.name}" + (f"（责任人：{person.strip()}）" if person.strip() else "")
            session.add(
                ProblemNote(
                    problem_id=problem.id,
                    on_date=on_date,
                    kind="交办",
                    text=text + (f"：{note.strip()}" if note.strip() else ""),
                )
            )

        _each(problems, apply)
        return len(problems)


def extend_deadline(
    db: Database, ids: Iterable[int], new_deadline: date, reason: str, on_date: date | None = None
) -> int:
    """Extend the deadline of several open problems; the reason is required and journalled."""
    reason = reason.strip()
    if not reason:
        raise ValidationError.single("reason", "延期原因", "必须填写")
    on_date = on_date or dates.today()
    with db.session() as session:
        problems = _batch(session, ids)

        def apply(problem: Problem) -> None:
            if problem.status not in OPEN_STATUSES:
                raise ValidationError.single(
                    "status", "状态", f"{_title(problem)}已{problem.status}，不需延期"
                )
            if new_deadline < problem.found_date:
                raise ValidationError.single("deadline", "整改时限", f"{_title(problem)}：新时限早于发现日期")
            if problem.deadline is not None and new_deadline <= problem.deadline:
                raise ValidationError.single(
                    "deadline",
                    "整改时限",
                    f"{_title(problem)}：新时限{format_iso(new_deadline)}应晚于原时限{format_iso(problem.deadline)}",
                )
            old = format_iso(problem.deadline) or "未定"
            problem.deadline = new_deadline
            session.add(
                ProblemNote(
                    problem_id=problem.id,
                    on_date=on_date,
                    kind="延期",
                    text=f"整改时限由{old}延至{format_iso(new_deadline)}：{reason}",
                )
            )

        _each(problems, apply)
        return len(problems)


def close_many(
    db: Database, ids: Iterable[int], verifier: str, on_date: date | None = None, note: str = ""
) -> int:
    """销号 several problems awaiting verification; any refusal leaves every problem as it was."""
    on_date = on_date or dates.today()
    with db.session() as session:
        problems = _batch(session, ids)
        _each(problems, lambda p: _move(session, p, CLOSED, on_date, note, verifier))
        return len(problems)


# -- journal, history, photos ---------------------------------------------------------------------


def add_note(db: Database, problem_id: int, text: str, on_date: date | None = None) -> ProblemNote:
    """A dated progress note (进展) in the problem's journal."""
    text = text.strip()
    if not text:
        raise ValidationError.single("text", "进展情况", "必须填写")
    with db.session() as session:
        problem = _live(session, problem_id)
        on_date = on_date or dates.today()
        if on_date < problem.found_date:
            raise ValidationError.single(
                "on_date", "日期", f"不能早于发现日期（{format_iso(problem.found_date)}）"
            )
        note = ProblemNote(problem_id=problem_id, on_date=on_date, kind="进展", text=text)
        session.add(note)
        session.flush()
        return note


def notes(db: Database, problem_id: int) -> list[ProblemNote]:
    """The journal, oldest first."""
    with db.session() as session:
        query = (
            select(ProblemNote)
            .where(ProblemNote.problem_id == problem_id, ProblemNote.deleted_at.is_(None))
            .order_by(ProblemNote.on_date, ProblemNote.id)
        )
        return list(session.scalars(query))


def transitions(db: Database, problem_id: int) -> list[ProblemTransition]:
    """Every status change, oldest first."""
    with db.session() as session:
        query = (
            select(ProblemTransition)
            .where(ProblemTransition.problem_id == problem_id)
            .order_by(ProblemTransition.on_date, ProblemTransition.id)
        )
        return list(session.scalars(query))


@dataclass(frozen=True)
class TimelineItem:
    """One line of a problem's detail view: status changes and journal notes together."""

    on_date: date
    at: datetime
    kind: str  # 开始整改 / 整改完成 / 销号 / 退回 / 进展 / 延期 / 交办
    text: str
    operator: str


def timeline(db: Database, problem_id: int) -> list[TimelineItem]:
    """Status changes and notes in date order (a 退回 appears once, as the move with its reason); a
    交办 — the responsible unit, person or deadline set, in a form or in a batch — is a note too."""
    items = [
        TimelineItem(
            t.on_date,
            t.at,
            move_name(t.from_status, t.to_status),
            f"{t.from_status} → {t.to_status}" + (f"：{t.note}" if t.note else ""),
            t.operator,
        )
        for t in transitions(db, problem_id)
    ]
    items += [
        TimelineItem(n.on_date, n.created_at, n.kind, n.text, n.created_by)
        for n in notes(db, problem_id)
        if n.kind not in (RETURNED, REOPENED)
    ]
    return sorted(items, key=lambda i: (i.on_date, i.at))


# -- 交办 as a step: whatever path sets the unit, person or deadline ------------------------------

_ASSIGNMENT = (
    ("responsible_unit_id", "责任单位"),
    ("responsible_person", "责任人"),
    ("deadline", "整改时限"),
)


@event.listens_for(Session, "before_flush")
def _journal_assignments(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    """Write a 交办 note whenever a problem's 责任单位, 责任人 or 整改时限 is set or changed.

    A listener, so the edit form, the Excel import and a new problem all leave the step in 整改过程,
    not only the batch 交办. A batch 交办 or 延期 writes its own note (with its reason), so a problem
    that already has one in this flush gets no second.
    """
    journalled = {
        n.problem_id for n in session.new if isinstance(n, ProblemNote) and n.kind in (ASSIGNED, "延期")
    }
    with session.no_autoflush:
        for problem in [*session.new, *session.dirty]:
            if not isinstance(problem, Problem) or problem.deleted_at is not None:
                continue
            if problem.id is not None and problem.id in journalled:
                continue
            text = _assignment_text(session, problem)
            if not text:
                continue
            new = problem.id is None or problem in session.new
            on_date = problem.found_date if new else max(dates.today(), problem.found_date)
            session.add(ProblemNote(problem=problem, on_date=on_date, kind=ASSIGNED, text=text))


def _assignment_text(session: Session, problem: Problem) -> str:
    state = inspect(problem)
    parts: list[str] = []
    for attr, label in _ASSIGNMENT:
        history = state.attrs[attr].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        old_text, new_text = _assignment_value(session, attr, old), _assignment_value(session, attr, new)
        if old_text == new_text or (not new_text and not old_text):
            continue
        if state.pending or not old_text:
            parts.append(f"{label}：{new_text or '未定'}")
        else:
            parts.append(f"{label}由{old_text}改为{new_text or '未定'}")
    return "；".join(parts)


def _assignment_value(session: Session, attr: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if attr == "responsible_unit_id":
        unit = session.get(Unit, value)
        return unit.name if unit is not None else f"单位编号{value}"
    if isinstance(value, date):
        return format_iso(value)
    return str(value)


def add_photo(db: Database, problem_id: int, path: Path, stage: str) -> Attachment:
    """Attach a 整改前 or 整改后 photo (copied into the attachment store)."""
    if stage not in PHOTO_STAGES:
        raise ValidationError.single("stage", "照片类别", f"应为{'或'.join(PHOTO_STAGES)}")
    with db.session() as session:
        _live(session, problem_id)
    return attachments.add_file(db, path, Problem.__tablename__, problem_id, role=stage)


def photos(db: Database, problem_id: int) -> dict[str, list[Attachment]]:
    """The problem's photos by stage: {"整改前": [...], "整改后": [...]}."""
    return attachments.by_role(db, Problem.__tablename__, problem_id, PHOTO_STAGES)
