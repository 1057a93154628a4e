"""Output files are swapped in whole or not at all, and a killed program's leftovers are swept."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from ecodesk.errors import EcoDeskError
from ecodesk.files import TEMP_PREFIX, atomic_file, claimed, sweep_leftovers, sweep_stale


def test_the_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "通报.pdf"
    with atomic_file(target) as tmp:
        tmp.write_bytes(b"%PDF new")
        assert not target.exists() and tmp.parent == tmp_path and tmp.name.startswith(TEMP_PREFIX)
    assert target.read_bytes() == b"%PDF new"
    assert [p.name for p in tmp_path.iterdir()] == ["通报.pdf"]


def test_a_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "名单.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("cancelled")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["名单.xlsx"]


def test_a_full_disk_is_said_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(EcoDeskError) as caught, atomic_file(tmp_path / "a.pdf"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert "磁盘已满" in str(caught.value) and "原有文件未受影响" in str(caught.value)


def test_stale_temporaries_are_swept_fresh_ones_kept(tmp_path: Path) -> None:
    old = tmp_path / f"{TEMP_PREFIX}abc.pdf.tmp"
    fresh = tmp_path / f"{TEMP_PREFIX}def.pdf.tmp"
    other = tmp_path / "clerk.tmp"
    for file in (old, fresh, other):
        file.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    with atomic_file(tmp_path / "b.pdf") as tmp:
        tmp.write_bytes(b"%PDF")
    assert not old.exists()  # left by a killed batch
    assert fresh.exists() and other.exists()  # a job still running, and not ours
    assert sweep_stale(tmp_path) == 0


def test_a_file_claimed_by_its_writer_is_never_swept(tmp_path: Path) -> None:
    """However old, a temporary still being written (a long export in another EcoDesk) stays."""
    busy = tmp_path / f"{TEMP_PREFIX}busy.xlsx.tmp"
    busy.write_bytes(b"")
    two_hours_ago = time.time() - 7200
    os.utime(busy, (two_hours_ago, two_hours_ago))
    with claimed(busy):
        assert sweep_stale(tmp_path) == 0 and busy.exists()
    assert sweep_stale(tmp_path) == 1 and not busy.exists()


def test_the_sweeper_takes_only_the_names_and_ages_it_is_given(tmp_path: Path) -> None:
    old = time.time() - 60
    names = ("ecodesk-20240101-080000.db.part", "notes.part", f"{TEMP_PREFIX}a.pdf.tmp")
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    removed = sweep_leftovers(tmp_path, ("ecodesk-*.db.part",), older_than=time.time())
    assert [p.name for p in removed] == ["ecodesk-20240101-080000.db.part"]
    assert sweep_leftovers(tmp_path, (f"{TEMP_PREFIX}*.tmp",), older_than=old - 1) == []  # too new
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def test_an_output_under_a_file_is_said_in_chinese(tmp_path: Path) -> None:
    blocker = tmp_path / "报表"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(EcoDeskError, match="它是一个文件，不是文件夹"), atomic_file(blocker / "日报.pdf"):
        pass
    folder = tmp_path / "日报.pdf"
    folder.mkdir()
    with pytest.raises(EcoDeskError, match="已有同名的文件夹"), atomic_file(folder) as tmp:
        tmp.write_bytes(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报表", "日报.pdf"]
