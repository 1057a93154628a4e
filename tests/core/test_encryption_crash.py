"""kill -9 during a password set, change or remove loses nothing (issue 18): the conversion runs in a
real ``ecodesk password …`` process that stops at a named point (``ECODESK_TEST_PAUSE_AT``) and is
killed there; afterwards the data file opens — the old one before the swap, the new one after it —
with every row, and the next locked open removes the half-made copy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.db import Database, cipher

OLD = "原来的密码123"
NEW = "新设的密码456"
# (operation, password before, password after): None is a plain file.
OPERATIONS = {
    "set": (None, NEW),
    "change": (OLD, NEW),
    "remove": (OLD, None),
}
POINTS = ("after-copy", "before-swap", "after-swap")


@pytest.fixture(autouse=True)
def _no_remembered_keys() -> Iterator[None]:
    cipher.forget_all()
    yield
    cipher.forget_all()


def rows(path: Path, password: str | None) -> dict[str, int]:
    key = cipher.key_for(path, password) if password is not None else None
    conn = cipher.connect(path, key)
    try:
        return cipher.table_counts(conn)
    finally:
        conn.close()


def run_until_paused(db_path: Path, operation: str, point: str, tmp_path: Path) -> subprocess.Popen[str]:
    before, after = OPERATIONS[operation]
    env = {
        **os.environ,
        cipher.PAUSE_ENV: point,
        cipher.DELAY_SCALE_ENV: "0",
        "ECODESK_LOG_DIR": str(tmp_path / "logs"),
        "ECODESK_PASSWORD": before or "",
        "ECODESK_NEW_PASSWORD": after or "",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecodesk.cli", "--db", str(db_path), "password", operation],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # blocks until the process says where it stopped (or ends)
        if line.startswith(f"{cipher.PAUSED} {point}"):
            return proc
    proc.wait(timeout=30)
    pytest.fail(f"password {operation} ended (exit {proc.returncode}) without pausing at {point}")


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_kill_during_conversion_leaves_a_whole_file(
    operation: str, point: str, tmp_path: Path, small_demo_db: Path
) -> None:
    before, after = OPERATIONS[operation]
    db_path = tmp_path / "town.db"
    db_path.write_bytes(small_demo_db.read_bytes())
    if before is not None:
        cipher.convert(db_path, None, cipher.new_key(before))
        cipher.forget_all()
    expected = rows(db_path, before)

    proc = run_until_paused(db_path, operation, point, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    swapped = point == "after-swap"
    now = after if swapped else before
    assert db_path.read_bytes().startswith(cipher.SQLITE_HEADER) == (now is None)
    assert rows(db_path, now) == expected
    other = before if swapped else after
    if now is not None and other is not None:  # the password of the other side does not open it
        assert not cipher.opens(db_path, cipher.key_for(db_path, other))

    key = cipher.key_for(db_path, now) if now is not None else None
    with Database.open(db_path, "甲", lock=True, key=key) as db:  # the startup step tidies up
        assert db.integrity_errors() == []
    assert not Path(f"{db_path}{cipher.NEW_SUFFIX}").exists()
