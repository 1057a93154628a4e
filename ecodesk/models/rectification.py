"""问题整改: the dynamic list of problems, their status changes and their progress journal.

A problem's status only moves through ``ecodesk.services.rectification`` (which enforces the allowed
transitions and writes a :class:`ProblemTransition` for each); overdue is derived from the deadline,
never stored.

``patrol_id`` is a plain integer without a foreign key: the patrol table belongs to the patrol module,
built beside this one; the constraint can be added by a later migration once both exist.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ecodesk import dates
from ecodesk.db.base import Base, RecordMixin
from ecodesk.models.complaint import Complaint
from ecodesk.models.ledger import LedgerEntry
from ecodesk.models.org import Enterprise, Unit

PROBLEM_SOURCES = ("巡查发现", "上级交办", "信访举报", "督查检查", "卫星/无人机火点", "环保督察反馈", "自查")
PROBLEM_CATEGORIES = ("大气", "水", "土壤", "固废", "噪声", "生态")
TODO, IN_PROGRESS, AWAITING_CHECK, CLOSED = "待整改", "整改中", "已整改待核查", "已销号"
PROBLEM_STATUSES = (TODO, IN_PROGRESS, AWAITING_CHECK, CLOSED)
OPEN_STATUSES = (TODO, IN_PROGRESS)  # not yet rectified: these can be overdue
NOTE_KINDS = ("进展", "延期", "交办", "退回", "退回整改")


class Problem(RecordMixin, Base):
    """问题: one problem found, who must fix it by when, and the proof it was fixed and closed (销号)."""

    __tablename__ = "problems"
    __label__ = "问题整改"
    __table_args__ = (
        Index("ix_problems_status_deadline", "status", "deadline"),
        Index("ix_problems_village_found", "village_id", "found_date"),
    )

    year: Mapped[int] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(12), default="")
    found_date: Mapped[date] = mapped_column(Date, index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    village: Mapped[Unit | None] = relationship(foreign_keys=[village_id], lazy="joined")
    place: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(6), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True, default=None)
    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")
    ledger_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id"), index=True, default=None
    )
    ledger_entry: Mapped[LedgerEntry | None] = relationship(lazy="select")
    patrol_id: Mapped[int | None] = mapped_column(
        Integer, index=True, default=None
    )  # no FK yet: see module doc
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True, default=None)
    complaint: Mapped[Complaint | None] = relationship(lazy="select")
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, default=None)
    responsible_unit: Mapped[Unit | None] = relationship(foreign_keys=[responsible_unit_id], lazy="joined")
    responsible_person: Mapped[str] = mapped_column(String(40), default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date, index=True, default=None)
    status: Mapped[str] = mapped_column(String(10), default=TODO)
    rectified_date: Mapped[date | None] = mapped_column(Date, default=None)
    verifier: Mapped[str] = mapped_column(String(40), default="")
    closed_date: Mapped[date | None] = mapped_column(Date, default=None)

    @validates("found_date")
    def _year_follows_date(self, _key: str, value: date | None) -> date | None:
        if value is not None:
            self.year = value.year
        return value


class ProblemTransition(Base):
    """One status change of a problem: from, to, the date it took effect, by whom, why."""

    __tablename__ = "problem_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(10), default="")
    to_status: Mapped[str] = mapped_column(String(10))
    on_date: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime, default=dates.now)
    operator: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ProblemNote(RecordMixin, Base):
    """进展记录: a dated note in a problem's journal (progress, deadline extension, reassignment)."""

    __tablename__ = "problem_notes"
    __label__ = "整改进展"

    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), index=True)
    # Lets a note be added with a problem not yet flushed (the 交办 step of a new problem).
    problem: Mapped[Problem] = relationship(lazy="select")
    on_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(6), default="进展")
    text: Mapped[str] = mapped_column(Text, default="")
