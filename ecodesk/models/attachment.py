"""Files kept with the records: scans, photos, submitted reports, issued PDFs."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecodesk.db.base import Base, RecordMixin


class Attachment(RecordMixin, Base):
    """A file copied into the managed folder, stored under its content hash.

    ``owner_table``/``owner_id`` say which record it belongs to, ``role`` what it is for
    (扫描件, 整改前, 整改后, 报送材料…). The same content is stored once however often it is attached.
    """

    __tablename__ = "attachments"
    __label__ = "附件"
    __table_args__ = (Index("ix_attachments_owner", "owner_table", "owner_id"),)

    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    owner_table: Mapped[str] = mapped_column(String(60), default="")
    owner_id: Mapped[int | None] = mapped_column(Integer, default=None)
    role: Mapped[str] = mapped_column(String(30), default="")
