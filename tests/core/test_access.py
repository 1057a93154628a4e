"""The optional password on opening the data: the file is encrypted, no password is stored, changes are audited."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.services import access


def test_a_new_file_has_no_password(db: Database) -> None:
    assert not access.is_protected(db)
    assert access.check(db, "") and access.check(db, "anything")


def test_password_set_checked_changed_removed(db: Database) -> None:
    access.set_password(db, "环保2026")
    assert access.is_protected(db)
    assert access.check(db, "环保2026")
    assert not access.check(db, "环保2025") and not access.check(db, "")

    with pytest.raises(ValidationError) as caught:
        access.set_password(db, "新密码123", current="错的")
    assert caught.value.problems[0].label == "原密码"
    access.set_password(db, "新密码123", current="环保2026")
    assert access.check(db, "新密码123") and not access.check(db, "环保2026")

    with pytest.raises(ValidationError):
        access.remove_password(db, "环保2026")
    access.remove_password(db, "新密码123")
    assert not access.is_protected(db)


def test_the_password_is_never_stored(db: Database, db_path: Path) -> None:
    access.set_password(db, "SecretPass1")
    raw = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    assert b"SecretPass1" not in raw
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(db_path).execute("SELECT count(*) FROM settings").fetchone()
    with db.session() as session:
        audit = session.execute(
            text("SELECT action, new_value FROM audit_log WHERE table_name = 'settings'")
        ).fetchall()
        gate = session.execute(text("SELECT value FROM settings WHERE key = 'open_password'")).fetchone()
    assert [tuple(row) for row in audit] == [("password", "设置了打开密码（数据文件已加密）")]
    assert gate is None  # the file's encryption is the check: no verifier is kept


@pytest.mark.parametrize(
    ("password", "reason"),
    [("abc12", "至少6个字符"), (" abcdef", "开头和结尾不能是空格"), ("x" * 65, "不能超过64个字符")],
)
def test_weak_or_odd_passwords_are_refused_with_the_reason(db: Database, password: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        access.set_password(db, password)
    assert caught.value.problems[0].reason == reason
    assert not access.is_protected(db)


def test_the_cli_asks_for_the_password(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecodesk.cli import PASSWORD_ENV, main

    access.set_password(db, "环保2026")
    db.close()
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.setenv("ECODESK_TEST_DELAY_SCALE", "0")
    assert main(["--db", str(db_path), "check"]) == 1
    assert "已设置打开密码" in capsys.readouterr().err
    assert main(["--db", str(db_path), "--password", "错的", "check"]) == 1
    assert "打开密码不正确" in capsys.readouterr().err
    assert main(["--db", str(db_path), "--password", "环保2026", "check"]) == 0
    monkeypatch.setenv(PASSWORD_ENV, "环保2026")
    assert main(["--db", str(db_path), "check"]) == 0
