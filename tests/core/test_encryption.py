"""Encryption at rest (issue 18): with an opening password the data file, its -wal and every backup
are SQLCipher files that sqlite3 cannot read and in whose bytes no complainant's name or phone is
found; the password or the recovery key opens them; the lock, WAL, integrity check, online backup,
restore and an Alembic upgrade work on an encrypted file; a plain file stays plain."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from ecodesk.db import Database, backups, cipher, migrate
from ecodesk.errors import DatabaseLockedError, ValidationError
from ecodesk.services import access

PASSWORD = "清河镇环保2026"


@pytest.fixture(autouse=True)
def _no_remembered_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test proves its keys itself (the process remembers keys across opens)."""
    monkeypatch.setenv(cipher.DELAY_SCALE_ENV, "0")
    cipher.forget_all()
    yield
    cipher.forget_all()


@pytest.fixture
def town(tmp_path: Path, small_demo_db: Path) -> Path:
    path = tmp_path / "town.db"
    shutil.copyfile(small_demo_db, path)
    return path


def complainants(path: Path) -> list[bytes]:
    """Every complainant's name and phone in the (plain) demo file, as UTF-8 bytes."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT complainant_name, complainant_phone FROM complaints").fetchall()
    found = {value for row in rows for value in row if value}
    assert len(found) >= 4, "the demo town has named complainants with phones"
    return [value.encode("utf-8") for value in found]


def counts(conn: object) -> dict[str, int]:
    return cipher.table_counts(conn)


def plain_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return counts(conn)


def encrypted_counts(path: Path, password: str) -> dict[str, int]:
    conn = cipher.connect(path, cipher.key_for(path, password))
    try:
        return counts(conn)
    finally:
        conn.close()


def sqlite3_refuses(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def test_with_a_password_sqlite3_reads_neither_the_file_nor_a_backup(town: Path, tmp_path: Path) -> None:
    secrets = complainants(town)
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, PASSWORD)
        # A complaint written after the conversion sits in the -wal first: it must be encrypted too.
        with db.session() as session:
            session.execute(
                text(
                    "UPDATE complaints SET complainant_name = '欧阳测试', complainant_phone = '13912345678'"
                    " WHERE id = (SELECT min(id) FROM complaints)"
                )
            )
        secrets += ["欧阳测试".encode(), b"13912345678"]
        wal = Path(f"{town}-wal")
        assert wal.stat().st_size > 0
        raw = town.read_bytes() + wal.read_bytes()
        backup = backups.create_backup(db, tmp_path / "bk")
        zipped = backups.create_takeaway(db, tmp_path)
    sqlite3_refuses(town)
    sqlite3_refuses(backup)
    with zipfile.ZipFile(zipped) as zf:
        inner = zf.read(town.name)
    (tmp_path / "inner.db").write_bytes(inner)
    sqlite3_refuses(tmp_path / "inner.db")
    for blob in (raw, town.read_bytes(), backup.read_bytes(), inner, zipped.read_bytes()):
        assert not blob.startswith(cipher.SQLITE_HEADER)
        for secret in secrets:
            assert secret not in blob
    # The same password opens the file and both backups (one salt, one key).
    assert encrypted_counts(backup, PASSWORD)["complaints"] == encrypted_counts(town, PASSWORD)["complaints"]
    assert encrypted_counts(tmp_path / "inner.db", PASSWORD)["complaints"] > 0


def test_set_change_remove_keep_every_row(town: Path) -> None:
    before = plain_counts(town)
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, PASSWORD)
        assert access.is_encrypted(db)
    assert encrypted_counts(town, PASSWORD) == {**before, "audit_log": before["audit_log"] + 1}
    cipher.forget_all()
    with Database.open(town, "甲", lock=True, key=cipher.key_for(town, PASSWORD)) as db:
        with pytest.raises(ValidationError, match="原密码"):
            access.set_password(db, "新的密码123", current="不对的密码")
        access.set_password(db, "新的密码123", current=PASSWORD)
    cipher.forget_all()
    with pytest.raises(cipher.WrongPasswordError, match="打开密码不正确"):
        Database.open(town, key=cipher.key_for(town, PASSWORD))
    assert encrypted_counts(town, "新的密码123")["households"] == before["households"]
    with Database.open(town, "甲", lock=True, key=cipher.key_for(town, "新的密码123")) as db:
        access.remove_password(db, "新的密码123")
        assert not access.is_protected(db)
    after = plain_counts(town)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    assert after["audit_log"] == before["audit_log"] + 3
    assert not Path(f"{town}{cipher.NEW_SUFFIX}").exists()


def test_an_encrypted_file_is_not_opened_without_its_password(town: Path) -> None:
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, PASSWORD)
    cipher.forget_all()
    with pytest.raises(cipher.PasswordNeededError, match="已设置打开密码"):
        Database.open(town)
    with pytest.raises(cipher.WrongPasswordError, match="打开密码不正确"):
        Database.open(town, key=cipher.key_for(town, "差一点点的密码"))
    with Database.open(town, key=cipher.key_for(town, PASSWORD)) as db:
        assert db.schema_revision() == migrate.head_revision()


def test_new_passwords_need_six_characters(town: Path) -> None:
    with Database.open(town, "甲", lock=True) as db:
        with pytest.raises(ValidationError, match="至少6个字符"):
            access.set_password(db, "12345")
        assert not access.is_protected(db)
    assert town.read_bytes().startswith(cipher.SQLITE_HEADER)


def test_the_recovery_key_opens_the_file_and_its_backups_until_the_password_changes(
    town: Path, tmp_path: Path
) -> None:
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, PASSWORD)
        written = access.write_recovery_key(db, tmp_path / "恢复密钥")
        backup = backups.create_backup(db, tmp_path / "bk")
    code = next(line for line in written.read_text(encoding="utf-8").splitlines() if line.startswith("EK-"))
    assert written.suffix == ".txt" and PASSWORD not in written.read_text(encoding="utf-8")
    cipher.forget_all()
    key = cipher.key_for(town, code)
    assert cipher.opens(town, key) and cipher.opens(backup, key)
    # Typed loosely (lower case, spaces for dashes) it is still the recovery key.
    assert cipher.opens(town, cipher.key_for(town, code.lower().replace("-", " ")))
    with Database.open(town, "甲", lock=True, key=key) as db:
        assert access.check(db, code) and access.check(db, PASSWORD)
        access.set_password(db, "换了一个新密码", current=code)  # the way back in after a forgotten password
    cipher.forget_all()
    assert not cipher.opens(town, cipher.key_for(town, code))  # a new salt and key: write a new one
    assert cipher.opens(backup, cipher.key_for(backup, code))  # the older backup still opens with it


def test_lock_wal_integrity_and_damage_check_work_on_an_encrypted_file(town: Path) -> None:
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, PASSWORD)
        with pytest.raises(DatabaseLockedError):
            Database.open(town, lock=True)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
        assert db.integrity_errors() == [] and db.find_damage() is None
        assert backups.database_counts(db).total > 0
    assert not Path(f"{town}.lock").exists()


def test_an_encrypted_file_at_0011_upgrades_with_an_encrypted_backup_first(town: Path) -> None:
    engine = create_engine(f"sqlite:///{town}")
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0011")
    engine.dispose()
    key = cipher.new_key(PASSWORD)
    cipher.convert(town, None, key)
    cipher.forget_all()
    with Database.open(town, "甲", lock=True, key=cipher.key_for(town, PASSWORD)) as db:
        assert db.schema_revision() == migrate.head_revision()
        assert db.integrity_errors() == []
    made = [info for info in backups.list_backups(town) if info.reason.startswith("升级前")]
    assert made, "a backup before the upgrade"
    sqlite3_refuses(made[0].path)
    assert backups.verify_backup_file(made[0].path, cipher.key_for(made[0].path, PASSWORD)) == "0011"


def test_restoring_a_backup_made_under_another_password_asks_for_it(town: Path, tmp_path: Path) -> None:
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, "旧的密码123")
        old_backup = backups.create_backup(db, tmp_path / "bk")
        access.set_password(db, PASSWORD, current="旧的密码123")
        # The current password's key opens today's backups, not the old one.
        assert backups.backup_salt_needing_password(backups.create_backup(db, tmp_path / "bk")) is None
        salt = backups.backup_salt_needing_password(old_backup)
    assert salt is not None
    with pytest.raises(cipher.PasswordNeededError, match="备份文件"):
        backups.restore_backup(town, old_backup)
    with pytest.raises(cipher.WrongPasswordError):
        backups.restore_backup(town, old_backup, key=cipher.key_from(salt, PASSWORD))
    backups.restore_backup(town, old_backup, key=cipher.key_from(salt, "旧的密码123"))
    cipher.forget_all()
    with Database.open(town, key=cipher.key_for(town, "旧的密码123")) as db:  # the backup's password now
        assert db.integrity_errors() == []


def test_a_plain_file_stays_plain_and_opens_through_sqlite3(town: Path, tmp_path: Path) -> None:
    with Database.open(town, "甲", lock=True) as db:
        assert db.key is None and not access.is_protected(db)
        backup = backups.create_backup(db, tmp_path / "bk")
        raw = db.engine.raw_connection()
        try:
            assert isinstance(raw.driver_connection, sqlite3.Connection)  # Python's own sqlite3, as ever
        finally:
            raw.close()
    assert town.read_bytes().startswith(cipher.SQLITE_HEADER)
    assert backup.read_bytes().startswith(cipher.SQLITE_HEADER)


def test_exports_of_an_encrypted_file_still_mask_the_complainant(town: Path, tmp_path: Path) -> None:
    from ecodesk.cli import main

    secrets = complainants(town)
    with Database.open(town, "甲", lock=True) as db:
        access.set_password(db, PASSWORD)
    out = tmp_path / "信访.xlsx"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECODESK_PASSWORD", PASSWORD)
        assert main(["--db", str(town), "export", "complaints", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        sheet = b"".join(zf.read(name) for name in zf.namelist() if name.endswith(".xml"))
    names = [s for s in secrets if not s.isdigit()]
    assert names and not any(name in sheet for name in names)


def test_an_old_gate_password_still_asks_and_setting_again_encrypts(town: Path) -> None:
    """A plain file of an older version kept only an scrypt verifier in its settings."""
    import hashlib
    import json

    salt = bytes(range(16))
    verifier = hashlib.scrypt(
        "老密码1234".encode(), salt=salt, n=2**14, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32
    )
    record = {"kdf": "scrypt", "n": 2**14, "r": 8, "p": 1, "salt": salt.hex(), "key": verifier.hex()}
    with sqlite3.connect(town) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('open_password', ?)", (json.dumps(record),)
        )
    with Database.open(town, "甲", lock=True) as db:
        assert access.has_old_gate(db) and access.is_protected(db) and not access.is_encrypted(db)
        assert access.check(db, "老密码1234") and not access.check(db, "别的密码12")
        with pytest.raises(ValidationError, match="原密码"):
            access.set_password(db, PASSWORD, current="别的密码12")
        access.set_password(db, PASSWORD, current="老密码1234")
        assert access.is_encrypted(db) and not access.has_old_gate(db)
    sqlite3_refuses(town)
