"""考核 year-end appraisal: a scheme per year (items with maximum scores and rules), scores per item ×
village, and the year's lock.

A scheme holds its items; an item's ``rule`` names how its score is computed from the records (see
``ecodesk.appraisal.rules``) and ``params`` carries the rule's numbers (−2 per fire point …). A score
keeps what the rule computed, the clerk's adjustment with its required reason, and the final value.
Finalising stamps ``finalised_at``/``finalised_by`` on the scheme: from then on the year is read-only
until someone deliberately unlocks it (audited with the reason).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecodesk.db.base import Base, RecordMixin


class AppraisalScheme(RecordMixin, Base):
    """考核方案 of one year: its title, the weight that converts the total, and the lock."""

    __tablename__ = "appraisal_schemes"
    __label__ = "考核方案"
    __table_args__ = (Index("ix_appraisal_schemes_year", "year", unique=True),)

    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120), default="")
    # 考核结果按比例纳入年终对村考核分值: converted = total × weight / 100.
    weight: Mapped[float] = mapped_column(Float, default=10.0)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    finalised_by: Mapped[str] = mapped_column(String(40), default="")
    computed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    items: Mapped[list[AppraisalItem]] = relationship(
        back_populates="scheme",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="(AppraisalItem.sort_order, AppraisalItem.id)",
    )

    @property
    def locked(self) -> bool:
        return self.finalised_at is not None


class AppraisalItem(RecordMixin, Base):
    """考核项目: one line of the sheet, e.g. 大气污染防治 / 火点管控 (15分, 每个火点扣3分)."""

    __tablename__ = "appraisal_items"
    __label__ = "考核项目"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("appraisal_schemes.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    max_score: Mapped[float] = mapped_column(Float)
    bonus: Mapped[bool] = mapped_column(Boolean, default=False)  # 加分项: starts at 0, capped at max
    rule: Mapped[str] = mapped_column(String(20), default="manual")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    standard: Mapped[str] = mapped_column(Text, default="")  # 考核标准 as printed on the sheet
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    scheme: Mapped[AppraisalScheme] = relationship(back_populates="items")


class AppraisalScore(RecordMixin, Base):
    """One item × one village: computed by the rule, adjusted by the clerk (with a reason), final.

    The computed value, its evidence and the final value are rewritten by every compute and are left
    out of the audit log; the adjustment and its reason are what a person decides, and are audited.
    """

    __tablename__ = "appraisal_scores"
    __label__ = "考核得分"
    __table_args__ = (Index("ix_appraisal_scores_item_village", "item_id", "village_id", unique=True),)
    __audit_exclude__ = frozenset(
        {
            "created_at",
            "updated_at",
            "created_by",
            "updated_by",
            "computed",
            "evidence",
            "final",
            "deduction_count",
        }
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("appraisal_items.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    computed: Mapped[float | None] = mapped_column(Float, default=None)  # None: a manual item
    deduction_count: Mapped[int] = mapped_column(Integer, default=0)  # records behind the deduction
    # [{"table": "fire_points", "id": 12, "date": "2026-05-30", "text": "…", "points": -3.0}, …]
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    adjustment: Mapped[float] = mapped_column(Float, default=0.0)
    adjust_reason: Mapped[str] = mapped_column(Text, default="")
    final: Mapped[float] = mapped_column(Float, default=0.0)
