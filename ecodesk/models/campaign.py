"""专项行动 campaigns: phases, the 领导小组 roster, deliverables asked of each unit, and submissions.

Reference 002 is the shape: a campaign runs in phases with dates, and every village hands in dated
materials (工作计划 by 10-20, 问题整改清单 by 11-30, 工作总结 by 12-30). Whether a unit was on time,
late or is missing is derived from the due date and the received date, never stored.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session, relationship

from ecodesk.dates import format_iso
from ecodesk.db.base import AuditedChild, Base, RecordMixin
from ecodesk.models.org import Person, Unit

ROSTER_POSITIONS = ("组长", "副组长", "成员", "办公室主任")
SUBMISSION_STATES = ("按时报送", "逾期报送", "未报送", "待报送")


def _shown(value: object) -> str:
    """A logged value of a child row: dates as the app writes them, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, date):
        return format_iso(value)
    return str(value)


def _campaign_owner(session: Session, campaign_id: int | None) -> tuple[str, int] | None:
    """The campaign whose 修改记录 shows a child row; None while the campaign itself is purged.

    By the column, since a row taken out of its list no longer points back at the campaign."""
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    if campaign is None or campaign in session.deleted:
        return None
    return (Campaign.__tablename__, campaign.id)


class Campaign(RecordMixin, Base):
    """专项行动: e.g. 2024年大气污染防治攻坚冲刺行动."""

    __tablename__ = "campaigns"
    __label__ = "专项行动"

    name: Mapped[str] = mapped_column(String(120), index=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(60), default="")  # 八镇政字〔2023〕35号
    goals: Mapped[str] = mapped_column(Text, default="")  # 总体目标
    phases: Mapped[list[CampaignPhase]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CampaignPhase.start_date",
    )
    roster: Mapped[list[CampaignMember]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CampaignMember.sort_order",
    )
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Deliverable.due_date",
    )


class CampaignPhase(AuditedChild, Base):
    """One phase: 动员部署阶段（10月20日前）, 排查梳理阶段（10月21日—11月30日） …"""

    __tablename__ = "campaign_phases"
    __label__ = "工作阶段"
    __audit_fields__ = {
        "name": "阶段名称",
        "start_date": "开始日期",
        "end_date": "结束日期",
        "tasks": "主要任务",
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date | None] = mapped_column(Date, default=None)  # None: from the campaign's start
    end_date: Mapped[date] = mapped_column(Date)
    tasks: Mapped[str] = mapped_column(Text, default="")
    campaign: Mapped[Campaign] = relationship(back_populates="phases")

    def audit_owner(self, session: Session) -> tuple[str, int] | None:
        return _campaign_owner(session, self.campaign_id)

    def audit_name(self) -> str:
        return self.name

    def audit_summary(self) -> str:
        if self.start_date is None:
            return f"{self.name}（{format_iso(self.end_date)}前）"
        return f"{self.name}（{format_iso(self.start_date)} 至 {format_iso(self.end_date)}）"

    def audit_value(self, key: str, value: object) -> str:
        return _shown(value)


class CampaignMember(AuditedChild, Base):
    """A line of the 领导小组 roster: 组长：郝翔 党委副书记、镇长.

    ``person_id`` is empty for a collective line such as 成员：各村到村工作大学生 (kept in ``name``).
    """

    __tablename__ = "campaign_members"
    __label__ = "领导小组"
    __audit_fields__ = {"position": "职位", "person_id": "人员", "name": "名称", "title": "职务"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(10))  # 组长 / 副组长 / 成员
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True, default=None)
    person: Mapped[Person | None] = relationship(lazy="joined")
    name: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(60), default="")  # 职务
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    campaign: Mapped[Campaign] = relationship(back_populates="roster")

    @property
    def display_name(self) -> str:
        return self.person.name if self.person is not None else self.name

    def audit_owner(self, session: Session) -> tuple[str, int] | None:
        return _campaign_owner(session, self.campaign_id)

    def audit_name(self) -> str:
        who = self.name if self.person_id is None else self.audit_value("person_id", self.person_id)
        return f"{self.position} {who}"

    def audit_summary(self) -> str:
        return f"{self.audit_name()} {self.title}".strip()

    def audit_value(self, key: str, value: object) -> str:
        if key == "person_id" and value is not None:
            session = object_session(self)
            person = session.get(Person, value) if session is not None else None
            return person.name if person is not None else f"编号{value}"
        return _shown(value)


class Deliverable(AuditedChild, Base):
    """Material every listed unit must hand in by a date: 工作计划, 问题整改清单, 工作总结 …"""

    __tablename__ = "campaign_deliverables"
    __label__ = "报送材料"
    __audit_fields__ = {"name": "材料名称", "due_date": "截止日期", "phase_id": "所属阶段"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    phase_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_phases.id", ondelete="SET NULL"), index=True, default=None
    )
    campaign: Mapped[Campaign] = relationship(back_populates="deliverables")
    targets: Mapped[list[DeliverableTarget]] = relationship(
        back_populates="deliverable",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="DeliverableTarget.id",
    )

    def audit_owner(self, session: Session) -> tuple[str, int] | None:
        return _campaign_owner(session, self.campaign_id)

    def audit_name(self) -> str:
        return self.name

    def audit_summary(self) -> str:
        phase = self.audit_value("phase_id", self.phase_id)
        where = f"，属{phase}" if phase else ""
        return f"{self.name}（{format_iso(self.due_date)}截止{where}，{len(self.targets)}个报送单位）"

    def audit_value(self, key: str, value: object) -> str:
        if key == "phase_id" and value is not None:
            session = object_session(self)
            phase = session.get(CampaignPhase, value) if session is not None else None
            return phase.name if phase is not None else f"编号{value}"
        return _shown(value)


class DeliverableTarget(AuditedChild, Base):
    """A unit a deliverable is asked of; ``due_date`` set only where that unit was given another date."""

    __tablename__ = "campaign_targets"
    __label__ = "报送单位"
    __audit_fields__ = {"due_date": "截止日期"}
    __table_args__ = (
        Index("ix_campaign_targets_unit_deliverable", "unit_id", "deliverable_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_deliverables.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit: Mapped[Unit] = relationship(lazy="joined")
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    deliverable: Mapped[Deliverable] = relationship(back_populates="targets")

    def audit_owner(self, session: Session) -> tuple[str, int] | None:
        deliverable = self.deliverable
        if deliverable is None or deliverable in session.new or deliverable in session.deleted:
            return None  # the deliverable's own line names it with its units
        return _campaign_owner(session, deliverable.campaign_id)

    def audit_name(self) -> str:
        return f"{self.deliverable.name}·{self.unit.name}"

    def audit_value(self, key: str, value: object) -> str:
        return _shown(value) or "与材料相同"


class Submission(RecordMixin, Base):
    """报送: what a unit handed in for a deliverable, and when it arrived. The file is an Attachment
    owned by this row (``owner_table='campaign_submissions'``)."""

    __tablename__ = "campaign_submissions"
    __label__ = "报送材料"
    __table_args__ = (Index("ix_campaign_submissions_deliverable_unit", "deliverable_id", "unit_id"),)

    deliverable_id: Mapped[int] = mapped_column(ForeignKey("campaign_deliverables.id", ondelete="CASCADE"))
    deliverable: Mapped[Deliverable] = relationship(lazy="joined")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    unit: Mapped[Unit] = relationship(lazy="joined")
    received_date: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(120), default="")  # 材料名称 as handed in
