"""The optional opening password (SPEC §8, privacy): the data file and its backups encrypted at rest.

Setting a password converts the data file in place into an SQLCipher file (``ecodesk.db.cipher``):
without the password neither the file nor a backup of it can be read — by EcoDesk, ``sqlite3`` or
any other program. Changing it re-encrypts under a new key; removing it makes the file plain again.
The password itself is never stored: the file's own encryption is the check.

Older EcoDesk versions kept only a *gate*: an scrypt verifier in the settings of a plain file. Such a
file still asks for its password (:func:`check`) until the clerk sets a password again, which
encrypts the file and drops the old verifier.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from ecodesk import dates
from ecodesk.db import cipher
from ecodesk.db.audit import OPERATOR_KEY, AuditEntry
from ecodesk.db.database import Database
from ecodesk.errors import DatabaseError, ValidationError
from ecodesk.files import os_reason
from ecodesk.models import Setting

SETTING_KEY = "open_password"  # the old gate's verifier (plain files of older versions)
MIN_LENGTH = cipher.MIN_LENGTH
MAX_LENGTH = cipher.MAX_LENGTH
RECOVERY_FILE_SUFFIX = ".txt"


@dataclass(frozen=True)
class _Gate:
    """The old gate's stored scrypt verifier (read only: new passwords encrypt the file)."""

    kdf: str
    n: int
    r: int
    p: int
    salt: str
    key: str

    def matches(self, password: str) -> bool:
        if self.kdf != "scrypt":
            return False
        key = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(self.salt),
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=64 * 1024 * 1024,
            dklen=len(bytes.fromhex(self.key)),
        )
        return hmac.compare_digest(key, bytes.fromhex(self.key))


def _gate(db: Database) -> _Gate | None:
    with db.session() as session:
        value: Any = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    return _Gate(**value) if value else None


def is_encrypted(db: Database) -> bool:
    """Whether the data file is encrypted (has an opening password in the new sense)."""
    return db.key is not None


def has_old_gate(db: Database) -> bool:
    """A plain file of an older version whose password only gates the program."""
    return db.key is None and _gate(db) is not None


def is_protected(db: Database) -> bool:
    """Whether opening this data file asks for a password."""
    return is_encrypted(db) or has_old_gate(db)


def check(db: Database, password: str) -> bool:
    """True when ``password`` (or the recovery key) opens this file; always for a file without one."""
    if db.key is not None:
        return cipher.same_key(cipher.key_for(db.path, password), db.key)
    gate = _gate(db)
    return gate is None or gate.matches(password)


def _validate_new(password: str) -> None:
    problem = cipher.problem_with(password)
    if problem:
        raise ValidationError.single("password", "密码", problem)


def _check_current(db: Database, current: str) -> None:
    if is_protected(db) and not check(db, current):
        raise ValidationError.single("current_password", "原密码", "不正确")


def set_password(db: Database, new: str, current: str = "") -> None:
    """Set or change the password: the file is encrypted (again) under ``new``; changing needs the
    current password (or the recovery key). Raises :class:`ValidationError` before touching the file,
    :class:`DatabaseError` (file unchanged) when the conversion fails."""
    _check_current(db, current)
    _validate_new(new)
    changing = is_protected(db)
    db.change_key(cipher.new_key(new))
    _record(db, "修改了打开密码" if changing else "设置了打开密码（数据文件已加密）")


def remove_password(db: Database, current: str) -> None:
    """Stop asking for a password: the file becomes a plain SQLite file again (needs the current one)."""
    if not is_protected(db):
        return
    _check_current(db, current)
    if db.key is not None:
        db.change_key(None)
    _record(db, "取消了打开密码（数据文件不再加密）")


def _record(db: Database, what: str) -> None:
    """Drop an old gate's verifier (the encryption is the check now) and audit the change (never a key)."""
    with db.session() as session:
        session.execute(delete(Setting).where(Setting.key == SETTING_KEY))
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


# -- the recovery key ----------------------------------------------------------------------------


def recovery_text(db: Database) -> str:
    """The text of a recovery-key file for this (encrypted) file: what it is, how to use it, the key."""
    if db.key is None:
        raise DatabaseError("这个数据文件没有设置打开密码，不需要恢复密钥。")
    return (
        "EcoDesk 数据文件恢复密钥\n"
        f"数据文件：{db.path}\n"
        f"写出时间：{dates.now():%Y-%m-%d %H:%M}\n\n"
        "忘记打开密码时，在“输入打开密码”处粘贴下面这一行（连同 EK），就能打开这个数据文件\n"
        "和它的备份（命令行：把它放进环境变量 ECODESK_PASSWORD）。打开后请到 设置 → 打开密码 设一个新密码。\n"
        "修改密码后这一行不再有效，请重新写出恢复密钥。\n"
        "这一行和密码一样能打开全部记录：请把本文件存在 U 盘或打印出来，和电脑分开、妥善保管。\n\n"
        f"{db.key.recovery_code()}\n"
    )


def write_recovery_key(db: Database, target: Path) -> Path:
    """Write :func:`recovery_text` to ``target`` (``.txt`` added when missing)."""
    target = Path(target).expanduser()
    if target.suffix.lower() != RECOVERY_FILE_SUFFIX:
        target = target.with_name(target.name + RECOVERY_FILE_SUFFIX)
    try:
        target.write_text(recovery_text(db), encoding="utf-8")
    except OSError as exc:
        raise DatabaseError(f"无法写入恢复密钥文件 {target}：{os_reason(exc)}") from None
    return target
