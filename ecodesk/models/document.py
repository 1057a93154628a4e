"""The document register (发文登记): every notice, circular and letter the office drafts or issues.

A document is a draft until it is issued; issuing gives it the next sequence of its prefix and year
(清镇政字〔2024〕12号), freezes what was printed (``spec``) and keeps the PDF as an attachment. A voided
document keeps its number, so a number once given is never given again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecodesk.db.base import Base, RecordMixin

# The 文种 the office writes: the one list the register, the JSON spec and the drafts all use.
NOTICE, CIRCULAR, RECTIFICATION, INTERVIEW, LETTER = "通知", "通报", "整改通知书", "约谈通知书", "函"
DOCUMENT_KINDS: tuple[str, ...] = (NOTICE, CIRCULAR, RECTIFICATION, INTERVIEW, LETTER)
DRAFT, ISSUED, VOID = "草稿", "已印发", "作废"
DOCUMENT_STATUSES = (DRAFT, ISSUED, VOID)


class Document(RecordMixin, Base):
    __tablename__ = "documents"
    __label__ = "公文"
    __table_args__ = (
        # Drafts have no sequence (NULL), and SQLite lets NULLs repeat: only given numbers are unique.
        UniqueConstraint("number_prefix", "year", "sequence"),
        Index("ix_documents_year_kind_status", "year", "kind", "status"),
    )
    __audit_exclude__ = frozenset({"created_at", "updated_at", "created_by", "updated_by", "spec"})

    kind: Mapped[str] = mapped_column(String(12), default="通知")
    title: Mapped[str] = mapped_column(String(200), default="")
    organ: Mapped[str] = mapped_column(String(60), default="")  # 发文机关 (署名 by default)
    organ_mark: Mapped[str] = mapped_column(String(60), default="")  # the red 发文机关标志
    number_prefix: Mapped[str] = mapped_column(String(30), default="")
    year: Mapped[int] = mapped_column(Integer)  # the 成文日期's year; the number's year once issued
    sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(8), default=DRAFT, index=True)
    recipients: Mapped[str] = mapped_column(Text, default="")  # 主送
    body: Mapped[str] = mapped_column(Text, default="")
    # [{"title": …, "body": …}]; an attachment without a body is only named in the 附件说明.
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    cc: Mapped[str] = mapped_column(Text, default="")  # 抄送
    signature: Mapped[str] = mapped_column(String(60), default="")  # 发文机关署名
    doc_date: Mapped[date | None] = mapped_column(Date, default=None)  # 成文日期
    seal: Mapped[bool] = mapped_column(Boolean, default=True)  # leave room for the seal
    note: Mapped[str] = mapped_column(Text, default="")  # 附注
    printing_organ: Mapped[str] = mapped_column(String(60), default="")  # 印发机关
    printing_date: Mapped[date | None] = mapped_column(Date, default=None)  # 印发日期
    # What was printed, as DocumentSpec JSON, frozen when the document was issued.
    spec: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    issued_by: Mapped[str] = mapped_column(String(40), default="")
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    voided_by: Mapped[str] = mapped_column(String(40), default="")
    pdf_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), default=None)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")

    @property
    def number(self) -> str:
        """发文字号 such as 清镇政字〔2024〕12号; empty for a draft."""
        if self.sequence is None:
            return ""
        return f"{self.number_prefix}〔{self.year}〕{self.sequence}号"
