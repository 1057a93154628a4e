"""Backup, rotation, restore, and the refusals around them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ecodesk.db import Database, backups
from ecodesk.errors import CorruptDatabaseError, DatabaseLockedError, SchemaTooNewError
from ecodesk.services import records, settings
from ecodesk.services.org import UNITS


def _unit_names(db: Database) -> list[str]:
    return [row[0] for row in records.fetch_rows(db, UNITS, records.list_ids(db, UNITS)).values()]


def test_backup_restore_round_trip(db: Database, db_path: Path) -> None:
    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    made = backups.create_backup(db, reason="手动")
    assert made.exists() and not list(made.parent.glob("*.part"))
    assert backups.verify_backup_file(made)
    records.create(db, UNITS, {"name": "南庄村", "kind": "村"})  # after the backup
    db.close()

    saved = backups.restore_backup(db_path, made)

    with Database.open(db_path, "甲") as restored:
        assert _unit_names(restored) == ["东沟村"]
    assert saved is not None
    with Database.open(saved, "甲") as before_restore:
        assert sorted(_unit_names(before_restore)) == ["东沟村", "南庄村"]  # nothing lost by restoring


def test_backup_of_a_database_in_use_includes_uncheckpointed_writes(db: Database) -> None:
    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})  # still in the WAL
    made = backups.create_backup(db)
    with sqlite3.connect(made) as conn:
        assert conn.execute("SELECT name FROM units").fetchall() == [("东沟村",)]


def test_rotation_keeps_the_configured_number(db: Database, tmp_path: Path) -> None:
    settings.save(db, backup_keep=3, backup_dir=str(tmp_path / "usb"))
    made = [backups.create_backup(db) for _ in range(5)]
    kept = backups.list_backups(db.path, tmp_path / "usb")
    assert [b.path for b in kept] == list(reversed(made[-3:]))


def test_upgrade_and_restore_safety_copies_survive_rotation(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    keep_me = backups.create_backup(db, folder, reason="升级前-0001")
    for _ in range(4):
        backups.create_backup(db, folder)
    backups.rotate(folder, db.path.stem, keep=1)
    assert keep_me.exists()


def test_restore_refuses_a_newer_backup(db: Database, db_path: Path, tmp_path: Path) -> None:
    made = backups.create_backup(db, tmp_path / "bk")
    with sqlite3.connect(made) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNewError):
        backups.restore_backup(db_path, made)
    assert db_path.read_bytes() == before


def test_restore_refuses_a_corrupt_backup(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    with pytest.raises(CorruptDatabaseError):
        backups.restore_backup(db_path, bad)


def test_restore_is_refused_while_the_file_is_open_elsewhere(db_path: Path, tmp_path: Path) -> None:
    with Database.open(db_path, "甲", lock=True) as db:
        made = backups.create_backup(db, tmp_path / "bk")
        with pytest.raises(DatabaseLockedError):
            backups.restore_backup(db_path, made)


def test_newest_good_backup_skips_damaged_ones(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    good = backups.create_backup(db, folder)
    newer = backups.create_backup(db, folder)
    newer.write_bytes(b"garbage" * 100)
    found = backups.newest_good_backup(db.path, folder)
    assert found is not None and found.path == good


def test_restore_over_a_corrupt_file_keeps_a_copy_of_it(db: Database, db_path: Path, tmp_path: Path) -> None:
    made = backups.create_backup(db, tmp_path / "bk")
    db.close()
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    saved = backups.restore_backup(db_path, made)
    assert saved is not None and saved.read_bytes().startswith(b"SQLite format 3")
    Database.open(db_path, "甲").close()


def test_auto_backup_runs_only_when_due(db: Database) -> None:
    assert backups.maybe_auto_backup(db) is not None
    assert backups.maybe_auto_backup(db) is None
