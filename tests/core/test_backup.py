"""Backup, rotation, restore, and the refusals around them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecodesk.db import Database, backups
from ecodesk.errors import CorruptDatabaseError, DatabaseLockedError, SchemaTooNewError
from ecodesk.paths import backups_dir
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


# -- leftovers of a killed EcoDesk -------------------------------------------------------------------


def _age(path: Path, seconds: float = 60) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_a_killed_programs_leftovers_are_swept_by_the_next_locked_open(db_path: Path, tmp_path: Path) -> None:
    """A kill -9 mid-backup leaves a .part as large as the data file; mid-export an empty
    .ecodesk-*.tmp. The next open with the lock removes exactly those (our names, beside this file
    or in its backup folders, written before the lock); a lock-free open touches nothing."""
    usb = tmp_path / "U盘备份"
    with Database.open(db_path, "甲") as db:
        settings.save(db, backup_dir=str(usb))
    default = backups_dir(db_path)
    ours = [
        _age(_write(default / "ecodesk-20240101-080000-自动.db.part", db_path.read_bytes())),
        _age(_write(usb / "ecodesk-20240101-090000-2-手动.db.part", b"SQLite format 3\x00")),
        _age(_write(tmp_path / ".ecodesk-k3j2h1.xlsx.tmp", b"")),
        _age(_write(tmp_path / "ecodesk.db.restore-part", b"half")),
    ]
    not_ours = [
        _age(_write(default / "other-20240101-080000.db.part", b"x")),  # another data file's
        _age(_write(default / "ecodesk-20240101-080000.db", db_path.read_bytes())),  # a finished backup
        _age(_write(tmp_path / "clerk.tmp", b"x")),
        _age(_write(tmp_path / "ecodesk.db.part", b"x")),
        _write(default / "ecodesk-20240101-100000-自动.db.part", b"x"),  # written after the lock: see below
    ]
    later = not_ours[-1]
    future = time.time() + 3600
    os.utime(later, (future, future))

    Database.open(db_path, "甲").close()  # without the lock: another window may be writing them
    assert all(p.exists() for p in ours + not_ours)
    Database.open(db_path, "甲", lock=True).close()
    assert [p for p in ours if p.exists()] == []
    assert all(p.exists() for p in not_ours)


def test_a_file_claimed_by_a_live_writer_is_not_swept(db_path: Path, tmp_path: Path) -> None:
    """``ecodesk backup`` needs no lock, so it may be writing its .part while a window opens the
    file: the writer's claim keeps it; once the writer is dead, the next open sweeps it."""
    part = _age(_write(backups_dir(db_path) / "ecodesk-20240101-080000-手动.db.part", b"x"))
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom ecodesk.files import claimed\n"
            f"with claimed(Path({str(part)!r})):\n    print('ready', flush=True)\n    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        Database.open(db_path, "甲", lock=True).close()
        assert part.exists()
    finally:
        writer.kill()
        writer.wait(30)
    Database.open(db_path, "甲", lock=True).close()
    assert not part.exists()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
