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


# -- take-away backups (one zip: the data, the attachments, a manifest) ---------------------------


def _demo_with_attachments(db: Database, tmp_path: Path) -> dict[str, str]:
    """The small demo town, with three attachments (two sharing one stored file); name → sha256."""
    import hashlib

    from ecodesk import demo
    from ecodesk.services import attachments

    settings.save(db, town_name="清河镇")
    demo.generate(db, "small")
    source = tmp_path / "originals"
    source.mkdir()
    hashes: dict[str, str] = {}
    for name, data in (("现场照片.jpg", os.urandom(300_000)), ("承诺书扫描.pdf", b"%PDF-1.4 scan" * 1000)):
        path = _write(source / name, data)
        hashes[name] = hashlib.sha256(data).hexdigest()
        attachments.add_file(db, path, "problems", 1, "整改前")
    attachments.add_file(db, source / "现场照片.jpg", "problems", 2, "整改后")
    return hashes


def _file_hashes(folder: Path) -> dict[str, str]:
    import hashlib

    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_takeaway_round_trip_into_a_fresh_folder(db: Database, tmp_path: Path) -> None:
    from ecodesk.paths import attachments_dir

    _demo_with_attachments(db, tmp_path)
    before = backups.database_counts(db)
    stick = tmp_path / "usb"
    stick.mkdir()
    made = backups.create_takeaway(db, stick)
    assert made.name.startswith("清河镇-ecodesk-") and made.suffix == ".zip"
    assert [p.name for p in stick.iterdir()] == [made.name]  # no .part, no -wal/-shm
    assert backups.verify_backup_file(made) == db.schema_revision()
    counts = backups.record_counts(made)
    assert counts == before and counts.total > 100
    original_files = _file_hashes(attachments_dir(db.path))
    assert len(original_files) >= 2  # the demo's own and ours

    elsewhere = tmp_path / "new-pc"
    elsewhere.mkdir()
    target = elsewhere / "ecodesk.db"
    Database.open(target, "甲", create=True).close()  # a new PC: init, then restore
    saved = backups.restore_backup(target, made)
    assert saved is not None and saved.exists()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["ecodesk.db", "ecodesk_backups", "ecodesk_files"]
    assert _file_hashes(attachments_dir(target)) == original_files
    with Database.open(target, "甲") as restored:
        assert backups.database_counts(restored) == before
        assert _unit_names(restored) == _unit_names(db)
        from ecodesk.services import attachments

        assert attachments.missing_files(restored) == []


def test_takeaway_restore_keeps_present_attachments_and_deletes_none(db: Database, tmp_path: Path) -> None:
    from ecodesk.paths import attachments_dir

    hashes = _demo_with_attachments(db, tmp_path)
    made = backups.create_takeaway(db, tmp_path)
    files = attachments_dir(db.path)
    kept = files / hashes["承诺书扫描.pdf"][:2] / f"{hashes['承诺书扫描.pdf']}.pdf"
    lost = files / hashes["现场照片.jpg"][:2] / f"{hashes['现场照片.jpg']}.jpg"
    lost.unlink()
    mine = _write(files / "zz" / "the-clerks-own-file.txt", b"keep me")
    stamp = kept.stat().st_mtime_ns
    db.close()

    backups.restore_backup(db.path, made)

    assert lost.is_file() and kept.stat().st_mtime_ns == stamp  # put back; the same file untouched
    assert mine.read_bytes() == b"keep me"
    assert not list(files.rglob("*.part")) and not list(db.path.parent.glob("*.restore-part"))


def test_a_damaged_takeaway_is_refused_and_the_data_stays(db: Database, tmp_path: Path) -> None:
    import zipfile

    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    made = backups.create_takeaway(db, tmp_path)
    broken = _write(tmp_path / "broken.zip", made.read_bytes()[: made.stat().st_size // 2])
    with pytest.raises(CorruptDatabaseError, match="broken.zip"):
        backups.verify_backup_file(broken)
    with zipfile.ZipFile(made) as zf, zipfile.ZipFile(tmp_path / "no-db.zip", "w") as out:
        out.writestr(backups.MANIFEST, zf.read(backups.MANIFEST))
    db.close()
    with pytest.raises(CorruptDatabaseError, match="no-db.zip"):
        backups.restore_backup(db.path, tmp_path / "no-db.zip")
    with Database.open(db.path, "甲") as still:
        assert _unit_names(still) == ["东沟村"]
    assert not list(db.path.parent.glob("*.restore-part"))


def test_takeaway_to_a_missing_or_read_only_folder_says_so(db: Database, tmp_path: Path) -> None:
    from ecodesk.errors import DatabaseError

    with pytest.raises(DatabaseError, match="U 盘是否已插好"):
        backups.create_takeaway(db, tmp_path / "unplugged")
    stick = tmp_path / "locked"
    stick.mkdir()
    stick.chmod(0o500)
    try:
        if os.access(stick, os.W_OK):
            pytest.skip("running as root: a read-only folder is writable")
        with pytest.raises(DatabaseError, match="不可写"):
            backups.create_takeaway(db, stick)
    finally:
        stick.chmod(0o700)
    assert list(stick.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "words"), [(28, "磁盘已满，备份未完成"), (30, "备份文件夹不可写（只读或没有权限）")]
)
def test_takeaway_on_a_full_or_write_protected_stick(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    from ecodesk.errors import DatabaseError

    real = backups._write_zip

    def failing(partial: Path, *args: object) -> None:
        real(partial, *args)  # type: ignore[arg-type]
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(backups, "_write_zip", failing)
    with pytest.raises(DatabaseError, match=words) as caught:
        backups.create_takeaway(db, tmp_path)
    assert str(tmp_path) in str(caught.value) and "原数据未受影响" in str(caught.value)
    assert not list(tmp_path.glob("*.zip*"))


def test_cancelled_takeaway_leaves_no_file(db: Database, tmp_path: Path) -> None:
    from ecodesk.jobs import Job, JobCancelledError

    _demo_with_attachments(db, tmp_path)
    job = Job()
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if "附件" in message:
            job.cancel()

    job.progress = progress
    stick = tmp_path / "usb"
    stick.mkdir()
    with pytest.raises(JobCancelledError):
        backups.create_takeaway(db, stick, job)
    assert list(stick.iterdir()) == []


def test_record_counts_of_db_backups_leave_no_journal(db: Database, tmp_path: Path) -> None:
    from ecodesk import demo

    demo.generate(db, "small")
    made = backups.create_backup(db, tmp_path / "bk", reason="手动")
    counts = backups.record_counts(made)
    assert counts is not None and counts == backups.database_counts(db) and counts.counts["农户"] > 0
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]
    assert backups.record_counts(_write(tmp_path / "junk.db", b"not a database")) is None


def test_takeaways_are_listed_but_never_rotated(db: Database, tmp_path: Path) -> None:
    settings.save(db, backup_keep=1, town_name="清河镇")
    folder = tmp_path / "bk"
    folder.mkdir()
    zipped = backups.create_takeaway(db, folder)
    for _ in range(3):
        backups.create_backup(db, folder)
    listed = backups.list_backups(db.path, folder)
    assert [b.path for b in listed if b.is_takeaway] == [zipped]
    assert len([b for b in listed if not b.is_takeaway]) == 1
    assert next(b for b in listed if b.is_takeaway).reason == backups.TAKEAWAY_REASON
