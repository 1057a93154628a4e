"""Settings that belong to the data, stored in the data file (SPEC §3)."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.db.audit import OPERATOR_KEY, AuditEntry, to_text
from ecodesk.db.database import Database
from ecodesk.errors import ValidationError
from ecodesk.models import Setting
from ecodesk.models.setting import DocumentOrgan, Settings


def defaults_for_town(town: str) -> dict[str, Any]:
    """Sensible organs and printing office for a new town, e.g. 八义镇."""
    short = town[0] if town else ""
    return {
        "town_name": town,
        "organs": [
            asdict(DocumentOrgan(f"{town}人民政府", f"{town}人民政府文件", f"{short}镇政字")),
            asdict(DocumentOrgan(f"{town}环境保护办公室", f"{town}环境保护办公室文件", f"{short}镇环办")),
        ],
        "printing_organ": f"{town}党政综合办公室",
    }


_KEYS = {f.name for f in fields(Settings)}
# Changes of these are written to the audit log (table "settings"): what prints on documents and who
# may work. The first value given (a new file, the demo town) is not a change and is not logged.
AUDITED_KEYS = frozenset(
    {"town_name", "organs", "printing_organ", "default_recipients", "operators", "backup_dir", "backup_keep"}
)


def load(db: Database) -> Settings:
    with db.session() as session:
        stored = {s.key: s.value for s in session.query(Setting).all() if s.key in _KEYS}
    return Settings(**stored)


def checked_town_name(town: str) -> str:
    """The name as stored, or the reason it cannot be."""
    town = str(town).strip()
    if not town:
        raise ValidationError.single("town_name", "乡镇名称", "必须填写")
    if len(town) > 20:
        raise ValidationError.single("town_name", "乡镇名称", "不能超过20个字")
    return town


def save(db: Database, **changes: Any) -> Settings:
    """Change some settings in one transaction; unknown keys are a programming error."""
    unknown = set(changes) - _KEYS
    if unknown:
        raise KeyError(f"unknown settings: {sorted(unknown)}")
    if "town_name" in changes:
        changes["town_name"] = checked_town_name(changes["town_name"])
    if "backup_keep" in changes and not 1 <= int(changes["backup_keep"]) <= 500:
        raise ValidationError.single("backup_keep", "保留备份份数", "应在1到500之间")
    with db.session() as session:
        store(session, **changes)
    return load(db)


def store(session: Session, **changes: Any) -> None:
    """Write checked values in the caller's transaction, logging each change of an audited key."""
    rows: list[dict[str, Any]] = []
    for key, value in changes.items():
        row = session.get(Setting, key)
        old = row.value if row is not None else None
        if key in AUDITED_KEYS and old not in (None, "", []) and old != value:
            rows.append(
                {
                    "at": dates.now(),
                    "operator": session.info.get(OPERATOR_KEY, ""),
                    "action": "update",
                    "table_name": Setting.__tablename__,
                    "record_id": 0,
                    "field": key,
                    "old_value": to_text(old),
                    "new_value": to_text(value),
                }
            )
        session.merge(Setting(key=key, value=value))
    if rows:
        session.execute(insert(AuditEntry), rows)


def add_operator(db: Database, name: str) -> Settings:
    name = name.strip()
    if not name:
        raise ValidationError.single("operator", "操作员", "必须填写")
    if len(name) > 20:
        raise ValidationError.single("operator", "操作员", "不能超过20个字")
    current = load(db)
    if name in current.operators:
        return current
    return save(db, operators=[*current.operators, name])
