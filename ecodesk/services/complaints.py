"""信访举报: complaints, their deadlines, replies, satisfaction and rewards — with a protected complainant.

The complainant's name and phone are confidential (SPEC §8). The declaration masks them
(``Field.mask``), so every list, export and PDF built from :data:`COMPLAINTS` shows 张** and
138****1234; the form shows the mask too and sending it back untouched keeps the stored value. The
real identity comes out only through :func:`reveal` (or an export with ``reveal=True``), and each
such act is written to the audit log with the operator's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.dates import format_cn, format_iso
from ecodesk.db.audit import record_event
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError
from ecodesk.exports.xlsx_export import write_table
from ecodesk.jobs import Job
from ecodesk.models.complaint import COMPLAINT_CHANNELS, COMPLAINT_STATUSES, SATISFACTION, Complaint
from ecodesk.models.rectification import PROBLEM_CATEGORIES, Problem
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import record_export, records, rectification
from ecodesk.services.org import VILLAGE_REF
from ecodesk.services.records import ListFilter
from ecodesk.services.validation import phone_problem

T = FieldType
IN_HAND, DONE = COMPLAINT_STATUSES
REVEAL = "reveal"  # the audit action of showing a complainant
DEFAULT_DAYS = 15  # 办理时限 when none is given: 15 days, the usual for 12345 / 12369 work orders


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***: the surname stays so the clerk can tell cases apart."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; a short number keeps only its last two digits."""
    digits = phone.strip()
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:] if digits else ""


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL: complaints still in hand after their deadline."""
    return and_(Complaint.status == IN_HAND, Complaint.deadline < today)


def due_soon_clause(today: date) -> ColumnElement[bool]:
    return and_(
        Complaint.status == IN_HAND,
        Complaint.deadline >= today,
        Complaint.deadline <= today + timedelta(days=rectification.DUE_SOON_DAYS),
    )


def deadline_state(
    deadline: date | None, status: str, today: date, reply_date: date | None = None
) -> rectification.DeadlineState:
    """As :func:`ecodesk.services.rectification.deadline_state`, the reply date being the finish."""
    return rectification.deadline_state(
        deadline, "整改中" if status == IN_HAND else "已销号", today, reply_date
    )


def _current(values: dict[str, Any], existing: Any | None, key: str) -> Any:
    if key in values:
        return values[key]
    return getattr(existing, key) if existing is not None else None


def _checks(_session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    received = _current(values, existing, "received_date")
    deadline = _current(values, existing, "deadline")
    reply_date = _current(values, existing, "reply_date")
    status = _current(values, existing, "status") or IN_HAND
    if received and deadline and deadline < received:
        problems.append(FieldProblem("deadline", "办理时限", f"不能早于受理日期（{format_iso(received)}）"))
    if received and reply_date and reply_date < received:
        problems.append(FieldProblem("reply_date", "答复日期", f"不能早于受理日期（{format_iso(received)}）"))
    if status == DONE and not reply_date:
        problems.append(FieldProblem("reply_date", "答复日期", "办结的信访件必须填写答复日期"))
    if status == DONE and not (_current(values, existing, "reply") or "").strip():
        problems.append(FieldProblem("reply", "答复内容", "办结的信访件必须填写答复内容"))
    if status == IN_HAND and reply_date:
        problems.append(FieldProblem("status", "办理状态", "已填写答复日期，状态应为“已办结”"))
    if _current(values, existing, "reward_paid_date") and not _current(values, existing, "reward_amount"):
        problems.append(FieldProblem("reward_amount", "奖励金额（元）", "填写了奖励发放日期，必须填写金额"))
    if "complainant_phone" in values:
        reason = phone_problem(values["complainant_phone"] or "")
        if reason:
            problems.append(FieldProblem("complainant_phone", "举报人电话", reason))
    return problems


COMPLAINTS = RecordKind(
    name="complaints",
    label="信访举报",
    model=Complaint,
    fields=(
        Field(
            "received_date",
            "受理日期",
            T.DATE,
            required=True,
            aliases=("来信日期", "日期", "接收日期"),
            width=11,
        ),
        Field("channel", "来源渠道", T.CHOICE, choices=COMPLAINT_CHANNELS, aliases=("渠道", "来源"), width=9),
        Field("case_number", "工单编号", max_len=40, aliases=("工单号", "编号", "转办文号"), width=14),
        Field(
            "complainant_name",
            "举报人",
            max_len=40,
            aliases=("举报人姓名", "信访人"),
            width=8,
            mask=mask_name,
            help="保密：列表、导出和打印中只显示姓氏",
        ),
        Field(
            "complainant_phone",
            "举报人电话",
            max_len=40,
            aliases=("联系电话", "电话"),
            width=13,
            mask=mask_phone,
            help="保密：列表、导出和打印中只显示前三位和后四位",
        ),
        Field(
            "content",
            "举报内容",
            T.LONGTEXT,
            required=True,
            max_len=4000,
            aliases=("内容", "反映问题", "诉求内容"),
            width=36,
        ),
        Field("village", "所在村", T.REF, ref=VILLAGE_REF, aliases=("村", "村（社区）", "属地"), width=10),
        Field("category", "类别", T.CHOICE, choices=PROBLEM_CATEGORIES, aliases=("问题类别",), width=6),
        Field("handler", "承办人", max_len=40, aliases=("经办人", "办理人"), width=8),
        Field("deadline", "办理时限", T.DATE, aliases=("时限", "办结时限"), width=11),
        Field(
            "status",
            "办理状态",
            T.CHOICE,
            choices=COMPLAINT_STATUSES,
            default=IN_HAND,
            aliases=("状态",),
            width=8,
        ),
        Field(
            "reply",
            "答复内容",
            T.LONGTEXT,
            max_len=4000,
            aliases=("办理结果", "答复"),
            width=30,
            in_table=False,
        ),
        Field("reply_date", "答复日期", T.DATE, aliases=("办结日期",), width=11),
        Field("satisfaction", "满意度", T.CHOICE, choices=SATISFACTION, aliases=("回访满意度",), width=8),
        Field(
            "reward_amount",
            "奖励金额（元）",
            T.FLOAT,
            min_value=0,
            max_value=1_000_000,
            aliases=("奖励金额", "举报奖励"),
            width=9,
        ),
        Field("reward_paid_date", "奖励发放日期", T.DATE, aliases=("发放日期",), width=11),
        Field("remark", "备注", T.LONGTEXT, max_len=2000, aliases=("说明",), width=24, in_table=False),
    ),
    # Never the complainant: a search would tell who complained.
    search_keys=("content", "case_number", "handler", "village"),
    identity=("case_number",),
    village_key="village",
    status_key="status",
    date_key="received_date",
    default_sort="received_date",
    validators=(_checks,),
    title_key="case_number",
    # On A4 landscape the content needs the room more than the work-order number and paid date.
    extra={
        "print_keys": (
            "received_date",
            "channel",
            "complainant_name",
            "complainant_phone",
            "content",
            "village",
            "category",
            "handler",
            "deadline",
            "status",
            "reply_date",
            "satisfaction",
            "reward_amount",
        )
    },
    filters={
        "已超期": lambda: overdue_clause(dates.today()),
        "3天内到期": lambda: due_soon_clause(dates.today()),
        "有举报奖励": lambda: Complaint.reward_amount > 0,
    },
)


@dataclass(frozen=True)
class Complainant:
    name: str
    phone: str


def _live(session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.deleted_at is not None:
        raise NotFoundError(f"信访举报（编号 {complaint_id}）不存在或已删除")
    return complaint


def reveal(db: Database, complaint_id: int, reason: str = "") -> Complainant:
    """The real complainant of one complaint. A deliberate act: written to the audit log."""
    with db.session() as session:
        complaint = _live(session, complaint_id)
        record_event(
            session, complaint, REVEAL, field="complainant", detail=reason.strip() or "查看举报人信息"
        )
        return Complainant(complaint.complainant_name, complaint.complainant_phone)


def reveal_count(db: Database, complaint_id: int) -> int:
    """How often this complaint's complainant was revealed (for the detail view)."""
    return sum(1 for e in records.history(db, COMPLAINTS, complaint_id) if e.action == REVEAL)


def default_deadline(received: date) -> date:
    return received + timedelta(days=DEFAULT_DAYS)


def open_problem(
    db: Database,
    complaint_id: int,
    *,
    place: str = "",
    description: str = "",
    found_date: date | None = None,
    deadline: date | None = None,
    responsible_unit_id: int | None = None,
) -> Problem:
    """Open a rectification problem from a complaint in one step (source 信访举报), linked to it.

    The complaint's content becomes the description; the complainant never reaches the problem.
    """
    with db.session() as session:
        complaint = _live(session, complaint_id)
        found = found_date or complaint.received_date
        village = complaint.village.name if complaint.village is not None else ""
        raw: dict[str, Any] = {
            "found_date": found,
            "source": "信访举报",
            "village": complaint.village_id,
            "place": place.strip() or village or "（待核实）",
            "category": complaint.category,
            "description": description.strip() or complaint.content,
            "responsible_unit": responsible_unit_id,
            "deadline": deadline or complaint.deadline or default_deadline(found),
        }
        problem = rectification.add_problem(
            session,
            raw,
            complaint_id=complaint.id,
            note=f"由信访举报转办（{complaint.channel or '来件'}{complaint.case_number and '，' + complaint.case_number}，"
            f"{format_cn(complaint.received_date)}受理）",
        )
        session.flush()
        return rectification.load_problem(session, problem.id)


def export_xlsx(
    db: Database,
    path: Path,
    flt: ListFilter | None = None,
    *,
    reveal: bool = False,
    reason: str = "",
    job: Job | None = None,
) -> int:
    """The complaints list to Excel: masked, or — ``reveal=True`` — with the real complainants, each
    revealed record logged in the audit log."""
    flt = flt or ListFilter()
    if not reveal:
        return record_export.export_xlsx(db, COMPLAINTS, path, flt, job=job)
    fields = record_export.export_fields(COMPLAINTS)
    ids = records.list_ids(db, COMPLAINTS, flt)
    rows: list[list[Any]] = []
    with db.session() as session:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            objs = {c.id: c for c in session.query(Complaint).filter(Complaint.id.in_(chunk))}
            for cid in chunk:
                obj = objs[cid]
                rows.append(
                    [
                        records.field_value(f, obj) if f.mask is not None else records.cell_value(f, obj)
                        for f in fields
                    ]
                )
                record_event(
                    session, obj, REVEAL, field="complainant", detail=reason.strip() or "导出含举报人信息"
                )
        title = f"{COMPLAINTS.label}（含举报人信息，{format_cn(dates.today())}导出，共{len(ids)}条）"
        return write_table(
            path,
            title,
            [f.label for f in fields],
            [f.width for f in fields],
            rows,
            job=job,
            total=len(ids),
            sheet=COMPLAINTS.label,
        )
