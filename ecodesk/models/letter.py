"""承诺书 / 责任书: letter templates and the commitments each household, unit or enterprise signs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecodesk.db.base import Base, RecordMixin

LETTER_KINDS = (
    "禁烧承诺书",
    "环境保护目标责任书",
    "煤矸石处置承诺书",
    "养殖污染防治承诺书",
    "门前三包责任书",
)

# Who signs a kind of letter. The template's ``signer_filter`` narrows it: unit kinds for 单位,
# industries for 企业 (empty: every live record of that type).
SIGNER_HOUSEHOLD = "农户"
SIGNER_UNIT = "单位"
SIGNER_ENTERPRISE = "企业"
SIGNER_TYPES = (SIGNER_HOUSEHOLD, SIGNER_UNIT, SIGNER_ENTERPRISE)

STATUS_PENDING = "待签"
STATUS_SIGNED = "已签"
STATUS_VOID = "作废"
COMMITMENT_STATUSES = (STATUS_PENDING, STATUS_SIGNED, STATUS_VOID)


class LetterTemplate(RecordMixin, Base):
    """The wording of one kind of letter for one year; placeholders are filled per signer."""

    __tablename__ = "letter_templates"
    __label__ = "承诺书模板"
    __table_args__ = (Index("ix_letter_templates_year_kind", "year", "kind"),)

    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    party_a: Mapped[str] = mapped_column(Text, default="")  # left signature column (甲方 / 承诺人)
    party_b: Mapped[str] = mapped_column(Text, default="")  # right signature column (乙方 / 监督单位)
    signer_type: Mapped[str] = mapped_column(String(4), default=SIGNER_HOUSEHOLD)
    signer_filter: Mapped[list[str]] = mapped_column(JSON, default=list)


class Commitment(RecordMixin, Base):
    """One letter one signer must sign in one year.

    Exactly one of ``household_id``/``unit_id``/``enterprise_id`` is set. ``village_id`` and
    ``group_name`` are copied from the signer when the commitment is generated so that coverage per
    village and printing sorted by village and 组 are single indexed queries; regenerating refreshes
    them for letters not yet signed. A 作废 letter counts neither as signed nor as required.
    """

    __tablename__ = "commitments"
    __label__ = "承诺书"
    __table_args__ = (
        Index("ix_commitments_year_kind_village", "year", "kind", "village_id", "group_name"),
        Index("ix_commitments_year_kind_status", "year", "kind", "status"),
        Index("ix_commitments_household", "household_id", "year", "kind", unique=True),
        Index("ix_commitments_unit", "unit_id", "year", "kind", unique=True),
        Index("ix_commitments_enterprise", "enterprise_id", "year", "kind", unique=True),
    )
    __audit_exclude__ = frozenset({"created_at", "updated_at", "created_by", "updated_by"})

    template_id: Mapped[int] = mapped_column(ForeignKey("letter_templates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), default=None)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), default=None)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    group_name: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(4), default=STATUS_PENDING)
    signed_date: Mapped[date | None] = mapped_column(Date, default=None)
    void_reason: Mapped[str] = mapped_column(String(200), default="")
