"""专项行动 campaigns: phases, the 领导小组 roster, deliverables asked of each unit, and submissions.

Reference 002 is the shape: a campaign runs in phases with dates, and every village hands in dated
materials (工作计划 by 10-20, 问题整改清单 by 11-30, 工作总结 by 12-30). Whether a unit was on time,
late or is missing is derived from the due date and the received date, never stored.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecodesk.db.base import Base, RecordMixin
from ecodesk.models.org import Person, Unit

ROSTER_POSITIONS = ("组长", "副组长", "成员", "办公室主任")
SUBMISSION_STATES = ("按时报送", "逾期报送", "未报送", "待报送")


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


class CampaignPhase(Base):
    """One phase: 动员部署阶段（10月20日前）, 排查梳理阶段（10月21日—11月30日） …"""

    __tablename__ = "campaign_phases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date | None] = mapped_column(Date, default=None)  # None: from the campaign's start
    end_date: Mapped[date] = mapped_column(Date)
    tasks: Mapped[str] = mapped_column(Text, default="")
    campaign: Mapped[Campaign] = relationship(back_populates="phases")


class CampaignMember(Base):
    """A line of the 领导小组 roster: 组长：郝翔 党委副书记、镇长.

    ``person_id`` is empty for a collective line such as 成员：各村到村工作大学生 (kept in ``name``).
    """

    __tablename__ = "campaign_members"

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


class Deliverable(Base):
    """Material every listed unit must hand in by a date: 工作计划, 问题整改清单, 工作总结 …"""

    __tablename__ = "campaign_deliverables"

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


class DeliverableTarget(Base):
    """A unit a deliverable is asked of; ``due_date`` set only where that unit was given another date."""

    __tablename__ = "campaign_targets"
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
