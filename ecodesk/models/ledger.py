"""台账: one table for every ledger kind (裸露地块, 黑臭水体 … 吸污车作业报备, 巡河记录).

The columns every kind shares (name, village, responsible unit and person, the 挂牌 → 整治中 → 销号
lifecycle and its dates) are real columns, indexed for the lists; what only one kind has (area,
livestock count, truck plate, the 六个百分之百 checklist …) lives in the JSON ``data`` column under the
keys its declaration (``ecodesk.services.ledgers``) names. One table means adding a kind needs no
migration, and a list of any kind is one indexed query on ``kind``.

Filings and logs (吸污车作业报备, 巡河记录) have no lifecycle: their ``status`` is blank
(:data:`NO_STATUS`) and ``listed_date`` holds the date they are filed under (作业日期, 巡河日期), so
years, lists and sorting work as for every kind. (Files written before they were logs may still hold
a 挂牌 or 销号 status there; nothing reads it for a log kind.)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ecodesk.db.base import Base, RecordMixin
from ecodesk.models.org import Unit

LEDGER_STATUSES = ("挂牌", "整治中", "销号")
NO_STATUS = ""  # the status of a filing or a log; a 挂牌销号 kind's declaration starts its entries at 挂牌


class LedgerEntry(RecordMixin, Base):
    """One entry of a ledger; ``kind`` is the ledger's Chinese name (裸露地块 …)."""

    __tablename__ = "ledger_entries"
    __label__ = "台账"
    __table_args__ = (
        Index("ix_ledger_entries_kind_status", "kind", "status"),
        Index("ix_ledger_entries_kind_listed", "kind", "listed_date"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(100))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, default=None)
    village: Mapped[Unit | None] = relationship(foreign_keys=[village_id], lazy="joined")
    address: Mapped[str] = mapped_column(String(120), default="")
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, default=None)
    responsible_unit: Mapped[Unit | None] = relationship(foreign_keys=[responsible_unit_id], lazy="joined")
    responsible_person: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(10), default=NO_STATUS)
    listed_date: Mapped[date] = mapped_column(Date)
    started_date: Mapped[date | None] = mapped_column(Date, default=None)
    closed_date: Mapped[date | None] = mapped_column(Date, default=None)
    # The proof of a 销号: who checked the site and what they found (real columns, shared by every
    # kind, like a problem's 核查人; revision 0009).
    verifier: Mapped[str] = mapped_column(String(40), default="", server_default="")
    check_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @validates("listed_date")
    def _year_follows_date(self, _key: str, value: date | None) -> date | None:
        # Every record of work belongs to a year: the year it was listed (挂牌).
        if value is not None:
            self.year = value.year
        return value
