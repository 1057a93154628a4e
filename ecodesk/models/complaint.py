"""信访举报: complaints received by the office, with a confidential complainant."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ecodesk.db.base import Base, RecordMixin
from ecodesk.models.org import Unit

COMPLAINT_CHANNELS = ("12345", "12369", "来信", "来访", "电话", "上级转办")
COMPLAINT_STATUSES = ("办理中", "已办结")
SATISFACTION = ("满意", "基本满意", "不满意", "未回访")


class Complaint(RecordMixin, Base):
    """One complaint (信访件). ``complainant_name``/``complainant_phone`` are confidential: every
    list, export and PDF shows them masked (see ``ecodesk.services.complaints``)."""

    __tablename__ = "complaints"
    __label__ = "信访举报"
    __table_args__ = (Index("ix_complaints_status_deadline", "status", "deadline"),)

    year: Mapped[int] = mapped_column(Integer, index=True)
    received_date: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(10), default="")
    case_number: Mapped[str] = mapped_column(String(40), default="")  # 12345 工单号 / 转办文号
    complainant_name: Mapped[str] = mapped_column(String(40), default="")
    complainant_phone: Mapped[str] = mapped_column(String(40), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, default=None)
    village: Mapped[Unit | None] = relationship(lazy="joined")
    category: Mapped[str] = mapped_column(String(10), default="")
    handler: Mapped[str] = mapped_column(String(40), default="")
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), default="办理中")
    reply: Mapped[str] = mapped_column(Text, default="")
    reply_date: Mapped[date | None] = mapped_column(Date, default=None)
    satisfaction: Mapped[str] = mapped_column(String(10), default="")
    reward_amount: Mapped[float | None] = mapped_column(Float, default=None)  # 举报奖励，元
    reward_paid_date: Mapped[date | None] = mapped_column(Date, default=None)

    @validates("received_date")
    def _year_follows_date(self, _key: str, value: date | None) -> date | None:
        if value is not None:
            self.year = value.year
        return value
