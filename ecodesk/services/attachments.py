"""The attachment store: files copied beside the data file, named by their content hash.

``ecodesk_files/ab/ab12…ef.jpg`` — the same scan attached twice is stored once; the clerk's
original file name is kept in the record (sanitised), never used as a path, and nothing
attached is ever opened by us except to copy it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from ecodesk import dates
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError, NotFoundError
from ecodesk.files import os_reason, safe_file_name
from ecodesk.models import Attachment
from ecodesk.paths import attachments_dir

MAX_SIZE = 200 * 1024 * 1024  # a scan or a report; a 200 MB "attachment" is a mistake
_SAFE_EXT = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


class AttachmentMissingError(EcoDeskError):
    """The record says a file exists, but it is gone from the attachment folder."""


def sanitise_name(name: str) -> str:
    """An attached file's own name kept for the record: its last path part, made safe on Windows."""
    return safe_file_name(re.split(r"[\\/]", name)[-1], fallback="附件")


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def stored_path(db: Database, attachment: Attachment) -> Path:
    return attachments_dir(db.path) / attachment.stored_name[:2] / attachment.stored_name


def add_file(
    db: Database, source: Path, owner_table: str, owner_id: int | None, role: str = ""
) -> Attachment:
    """Copy ``source`` into the store and record it against its owner."""
    source = Path(source)
    if not source.is_file():
        raise NotFoundError(f"找不到文件：{source}")
    if source.stat().st_size > MAX_SIZE:
        raise EcoDeskError(f"文件 {source.name} 超过 {MAX_SIZE // (1024 * 1024)} MB，不能作为附件。")
    sha, size = _hash_file(source)
    ext = source.suffix.lower() if _SAFE_EXT.match(source.suffix) else ""
    stored_name = sha + ext
    target = attachments_dir(db.path) / stored_name[:2] / stored_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        try:
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise EcoDeskError(f"无法保存附件 {source.name}：{os_reason(exc)}") from None
    with db.session() as session:
        attachment = Attachment(
            sha256=sha,
            original_name=sanitise_name(source.name),
            stored_name=stored_name,
            size=size,
            owner_table=owner_table,
            owner_id=owner_id,
            role=role,
        )
        session.add(attachment)
        session.flush()
        return attachment


def list_for(db: Database, owner_table: str, owner_id: int) -> list[Attachment]:
    with db.session() as session:
        query = (
            select(Attachment)
            .where(
                Attachment.owner_table == owner_table,
                Attachment.owner_id == owner_id,
                Attachment.deleted_at.is_(None),
            )
            .order_by(Attachment.id)
        )
        return list(session.scalars(query))


def by_role(
    db: Database, owner_table: str, owner_id: int, roles: Sequence[str], unnamed: str = ""
) -> dict[str, list[Attachment]]:
    """A record's attachments grouped by role, every role in ``roles`` present (an empty list when
    none); an attachment without a role counts as ``unnamed``."""
    found: dict[str, list[Attachment]] = {role: [] for role in roles}
    for att in list_for(db, owner_table, owner_id):
        found.setdefault(att.role or unnamed, []).append(att)
    return found


def open_path(db: Database, attachment_id: int) -> Path:
    """Where the file is on disk; a clear error when it has gone missing."""
    with db.session() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFoundError(f"附件（编号 {attachment_id}）不存在")
    path = stored_path(db, attachment)
    if not path.is_file():
        raise AttachmentMissingError(
            f"附件“{attachment.original_name}”的文件不见了（应在 {path}）。"
            "请从备份中找回附件文件夹，或重新添加该附件。"
        )
    return path


def remove(db: Database, attachment_id: int) -> None:
    """Detach (soft delete); the file stays, since other records may share it."""
    with db.session() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is not None and attachment.deleted_at is None:
            attachment.deleted_at = dates.now()


def missing_files(db: Database) -> list[Attachment]:
    with db.session() as session:
        live = list(session.scalars(select(Attachment).where(Attachment.deleted_at.is_(None))))
    return [a for a in live if not stored_path(db, a).is_file()]
