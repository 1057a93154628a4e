"""The optional password on opening the data (SPEC §8, privacy).

The office PC is often shared; the clerk may want the complaint records kept from whoever sits down at
it next. A password set here is asked for before the program shows anything.

Only a derived key is kept: scrypt (RFC 7914, in Python's standard library) of the password with a
random salt, stored in the data file's settings — never the password itself. Comparing uses a
constant-time check. This is an access gate for the program, not file encryption: the file itself
stays a plain SQLite file (which keeps backups, repair and moving to a new PC simple); the README says
so, and the clerk keeps the PC and USB sticks safe as before.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import insert, select

from ecodesk import dates
from ecodesk.db.audit import OPERATOR_KEY, AuditEntry
from ecodesk.db.database import Database
from ecodesk.errors import ValidationError
from ecodesk.models import Setting

SETTING_KEY = "open_password"
MIN_LENGTH = 4
MAX_LENGTH = 64
# scrypt cost: about 50 ms on the office's 2-core PC — unnoticeable once, slow for guessing.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_KEY_BYTES = 32


@dataclass(frozen=True)
class PasswordRecord:
    """What is stored: the KDF, its parameters, the salt and the derived key (hex)."""

    kdf: str
    n: int
    r: int
    p: int
    salt: str
    key: str

    @classmethod
    def derive(cls, password: str, salt: bytes | None = None) -> PasswordRecord:
        salt = salt if salt is not None else os.urandom(_SALT_BYTES)
        key = _scrypt(password, salt, _N, _R, _P)
        return cls("scrypt", _N, _R, _P, salt.hex(), key.hex())

    def matches(self, password: str) -> bool:
        if self.kdf != "scrypt":
            return False
        key = _scrypt(password, bytes.fromhex(self.salt), self.n, self.r, self.p)
        return hmac.compare_digest(key, bytes.fromhex(self.key))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=_KEY_BYTES
    )


def _stored(db: Database) -> PasswordRecord | None:
    with db.session() as session:
        value: Any = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    if not value:
        return None
    return PasswordRecord(**value)


def is_protected(db: Database) -> bool:
    """Whether opening this data file asks for a password."""
    return _stored(db) is not None


def check(db: Database, password: str) -> bool:
    """True when ``password`` opens this file (always true for a file without a password)."""
    record = _stored(db)
    return record is None or record.matches(password)


def _validate_new(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError.single("password", "密码", f"至少{MIN_LENGTH}个字符")
    if len(password) > MAX_LENGTH:
        raise ValidationError.single("password", "密码", f"不能超过{MAX_LENGTH}个字符")
    if password != password.strip():
        raise ValidationError.single("password", "密码", "开头和结尾不能是空格")


def set_password(db: Database, new: str, current: str = "") -> None:
    """Set or change the password; changing needs the current one."""
    record = _stored(db)
    if record is not None and not record.matches(current):
        raise ValidationError.single("current_password", "原密码", "不正确")
    _validate_new(new)
    _save(db, PasswordRecord.derive(new), "设置了打开密码" if record is None else "修改了打开密码")


def remove_password(db: Database, current: str) -> None:
    """Stop asking for a password (needs the current one)."""
    record = _stored(db)
    if record is None:
        return
    if not record.matches(current):
        raise ValidationError.single("current_password", "原密码", "不正确")
    _save(db, None, "取消了打开密码")


def _save(db: Database, record: PasswordRecord | None, what: str) -> None:
    with db.session() as session:
        session.merge(Setting(key=SETTING_KEY, value=asdict(record) if record else None))
        # The change itself is audited; the key never is.
        session.execute(
            insert(AuditEntry),
            [
                {
                    "at": dates.now(),
                    "operator": session.info.get(OPERATOR_KEY, ""),
                    "action": "password",
                    "table_name": "settings",
                    "record_id": 0,
                    "field": SETTING_KEY,
                    "old_value": None,
                    "new_value": what,
                }
            ],
        )
