"""Faults with real processes and real file systems: kill -9 in the middle of a job, a read-only
folder, a full disk. Whatever happens, the data file passes SQLite's integrity check and holds all or
nothing of the job, and the clerk reads a clear Chinese message.

A read-only or full file system is a small tmpfs mounted for the test when the machine allows it
(root in CI); elsewhere the same assertions run against an injected OSError / SQLite error.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import Workbook

from ecodesk import dates
from ecodesk.db import Database, backups
from ecodesk.errors import DatabaseError, EcoDeskError
from ecodesk.paths import backups_dir
from ecodesk.services import records
from ecodesk.services.org import HOUSEHOLDS, UNITS
from ecodesk.services.record_export import export_xlsx

pytestmark = pytest.mark.slow

VILLAGES = ("东沟村", "南庄村", "西岭村")


def add_villages(db: Database) -> None:
    for order, name in enumerate(VILLAGES, start=1):
        records.create(db, UNITS, {"name": name, "kind": "村", "sort_order": order})


def roster(path: Path, rows: int) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["户主姓名", "所属村", "组", "门牌/住址", "联系电话", "人口"])
    for i in range(rows):
        village = VILLAGES[i % 3]
        ws.append([f"户主{i}", village, f"{i % 9 + 1}组", f"{village}{i}号", f"138{i:08d}", i % 6 + 1])
    wb.save(path)
    return path


def household_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM households WHERE deleted_at IS NULL").fetchone()[0])


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def ecodesk(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ecodesk.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 180.0) -> bool:  # generous: CI machines can be busy  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def kill(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return proc.returncode


# -- kill -9 ------------------------------------------------------------------------------------


def test_kill_during_an_import_leaves_nothing_of_it(tmp_path: Path, db_path: Path) -> None:
    with Database.open(db_path) as db:
        add_villages(db)
    before = household_count(db_path)
    xlsx = roster(tmp_path / "花名册.xlsx", 15_000)
    wal = Path(f"{db_path}-wal")
    wal_start = wal.stat().st_size if wal.exists() else 0

    proc = ecodesk("--db", str(db_path), "-q", "import", "households", str(xlsx))
    # Rows are flushed into the open transaction every 1,000: the WAL grows while nothing is committed.
    writing = wait_for(lambda: wal.exists() and wal.stat().st_size > wal_start + 256 * 1024)
    assert writing, "the import never started writing"
    assert proc.poll() is None, "the import ended before it could be killed"
    assert kill(proc) == -signal.SIGKILL

    assert integrity(db_path) == "ok"
    assert household_count(db_path) == before  # none of the 15,000 rows
    with Database.open(db_path) as db:  # the lock of the killed process does not block the clerk
        assert db.integrity_errors() == []


def test_kill_during_backups_leaves_only_good_backups(tmp_path: Path, db_path: Path) -> None:
    with Database.open(db_path) as db:
        add_villages(db)
    folder = tmp_path / "U盘备份"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ecodesk.db import Database\n"
        "from ecodesk.db import backups\n"
        f"db = Database.open(Path({str(db_path)!r}), operator='测试')\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        f"    backups.create_backup(db, Path({str(folder)!r}), reason='循环')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    assert wait_for(lambda: len(list(folder.glob("*.db"))) >= 3)
    kill(proc)

    found = backups.list_backups(db_path, folder)
    assert found, "no finished backup"
    for info in found:  # every file offered for restore is a complete, verified copy
        backups.verify_backup_file(info.path)
        assert integrity(info.path) == "ok"
    assert integrity(db_path) == "ok"


def test_a_half_backup_left_by_kill_is_swept_at_the_next_open(tmp_path: Path, db_path: Path) -> None:
    """kill -9 while the automatic backup writes its .part (as large as the data file: 117 MB on
    the clerk's PC): the .part stays behind until the next open with the lock removes it."""
    with closing(sqlite3.connect(db_path)) as conn:  # some weight, so that a backup takes a while
        conn.execute("CREATE TABLE ballast (data BLOB)")
        conn.executemany("INSERT INTO ballast VALUES (randomblob(65536))", [()] * 400)
        conn.commit()
    folder = backups_dir(db_path)
    script = (
        "from pathlib import Path\n"
        "from ecodesk.db import Database, backups\n"
        f"db = Database.open(Path({str(db_path)!r}), operator='测试', lock=True)\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    backups.create_backup(db, reason='自动')\n"
    )
    for _attempt in range(20):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        assert wait_for(lambda: any(folder.glob("*.part")))
        kill(proc)
        if any(folder.glob("*.part")):
            break
    parts = list(folder.glob("*.part"))
    assert parts, "never killed during a backup"
    with Database.open(db_path, "测试") as db:  # without the lock: left alone
        assert db.integrity_errors() == []
    assert all(p.exists() for p in parts)
    with Database.open(db_path, "测试", lock=True):
        pass
    assert list(folder.glob("*.part")) == []
    for info in backups.list_backups(db_path):
        backups.verify_backup_file(info.path)


def test_kill_during_a_batch_print_leaves_no_letters_file(tmp_path: Path, db_path: Path) -> None:
    from ecodesk.demo import generate

    with Database.open(db_path, operator="测试") as db:
        generate(db, "town", seed=5)
        year = dates.today().year
    out_dir = tmp_path / "打印"
    out_dir.mkdir()
    target = out_dir / "禁烧承诺书.pdf"
    proc = ecodesk(
        "--db",
        str(db_path),
        "-q",
        "letters",
        "print",
        "--kind",
        "禁烧承诺书",
        "--year",
        str(year),
        "--out",
        str(target),
    )

    def partial() -> list[Path]:
        return [p for p in out_dir.iterdir() if p.name.endswith(".tmp")]

    assert wait_for(lambda: any(p.stat().st_size > 200_000 for p in partial())), "the batch never started"
    assert proc.poll() is None, "the batch ended before it could be killed"
    kill(proc)

    assert not target.exists()  # never half a file under the name the clerk asked for
    assert all(p.name.startswith(".") for p in partial())  # only a hidden temporary remains
    assert integrity(db_path) == "ok"


# -- read-only folder and full disk ------------------------------------------------------------------


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or os.environ.get("ECODESK_TEST_NO_MOUNT"):  # the latter: try the injected path
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 3 MB file system, or None where mounting is not allowed."""
    folder = tmp_path / "small"
    mounted = _mount_tmpfs(folder, "3m")
    yield folder if mounted else None
    if mounted:
        _umount(folder)


def _fill(folder: Path, leave_bytes: int) -> Path:
    """Fill the file system up to ``leave_bytes`` of free space."""
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(free - leave_bytes, 0))
    return filler


def test_full_disk_during_an_import_keeps_the_data(
    tmp_path: Path, db_path: Path, small_disk: Path | None
) -> None:
    from ecodesk.services.record_import import import_xlsx

    xlsx = roster(tmp_path / "花名册.xlsx", 8_000)
    if small_disk is not None:
        path = small_disk / "ecodesk.db"
        path.write_bytes(db_path.read_bytes())
    else:
        path = db_path
    with Database.open(path) as db:
        add_villages(db)
        before = records.count(db, HOUSEHOLDS)
        if small_disk is not None:
            _fill(small_disk, 64 * 1024)
        else:
            _inject_sqlite_error(db, "database or disk is full")
        with pytest.raises(EcoDeskError) as caught:
            import_xlsx(db, HOUSEHOLDS, xlsx)
        assert "磁盘已满" in str(caught.value)
    if small_disk is not None:
        (small_disk / "filler.bin").unlink()
    assert integrity(path) == "ok"
    with Database.open(path) as db:
        assert records.count(db, HOUSEHOLDS) == before
        records.create(db, HOUSEHOLDS, {"head_name": "空间恢复后", "village": "东沟村"})  # still usable


def test_full_usb_stick_for_backup_and_export(tmp_path: Path, db: Database, small_disk: Path | None) -> None:
    from ecodesk.services.record_import import import_xlsx

    add_villages(db)
    assert import_xlsx(db, HOUSEHOLDS, roster(tmp_path / "花名册.xlsx", 6000)).committed  # a file > 1 MB
    if small_disk is None:
        pytest.skip("needs a mountable file system (root); the injected variants cover the messages")
    _fill(small_disk, 16 * 1024)
    with pytest.raises(EcoDeskError) as caught:
        backups.create_backup(db, small_disk / "备份")
    assert "空间" in str(caught.value) or "磁盘" in str(caught.value)
    assert list((small_disk / "备份").glob("*.db")) == []  # no half backup offered for restore

    with pytest.raises(EcoDeskError) as caught:
        export_xlsx(db, HOUSEHOLDS, small_disk / "农户.xlsx")
    assert "磁盘" in str(caught.value)
    assert sorted(p.name for p in small_disk.iterdir()) in (["filler.bin"], ["filler.bin", "备份"])


def test_read_only_folder_is_named(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "ro"
    mounted = _mount_tmpfs(folder, "8m")
    try:
        path = folder / "ecodesk.db"
        path.write_bytes(db_path.read_bytes())
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            with pytest.raises(DatabaseError) as caught:
                Database.open(path)
            assert "只读" in str(caught.value) or "不可写" in str(caught.value)
        with Database.open(db_path) as db:
            # Unmounted, the backup goes below a plain file: the OS refuses the folder all the same.
            target = folder / "备份" if mounted else path / "备份"
            with pytest.raises(EcoDeskError) as caught:
                backups.create_backup(db, target)
            assert str(target) in str(caught.value)
    finally:
        if mounted:
            _umount(folder)


def _inject_sqlite_error(db: Database, message: str) -> None:
    """Make the 2,000th household INSERT fail the way SQLite fails on a full disk."""
    from sqlalchemy import event

    calls = {"n": 0}

    def before_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO households"):
            calls["n"] += 1
            if calls["n"] >= 2000:
                raise sqlite3.OperationalError(message)

    event.listen(db.engine, "before_cursor_execute", before_execute)
