"""Automatic backups as the office PC meets them (issue 20, points 3 and 5), simulated on Linux.

- The backup folder set in 设置 is a USB stick that is not plugged in, or a disk that fills up: the
  backup goes to the default folder beside the data file and the 工作台's line says why, in red.
- The PC's clock is set back (a flat CMOS battery, an offline PC that drifted): rotation keeps the
  backups made last (by their number, not their time stamp) and the line asks to check the date.
- Folder names with "#" and "?" (both legal on Windows and Linux): the backups list as sound, the
  restore works and its 恢复前 copy holds the data, and nothing appears at the path a raw
  ``file:`` URI would have been cut to.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ecodesk import dates
from ecodesk.db import Database, backups
from ecodesk.errors import DatabaseError
from ecodesk.paths import backups_dir
from ecodesk.services import settings as data_settings

START = datetime(2026, 12, 6, 8, 30)


class Clock:
    """The program's one clock (``ecodesk.dates.now``), set by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
        self.at = at
        monkeypatch.setattr(dates, "now", lambda: self.at)

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.db"))


def test_a_missing_usb_folder_falls_back_to_the_default_folder_and_says_so(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Clock(monkeypatch, START)
    stick = tmp_path / "usb" / "环保办备份"  # the stick is not plugged in: no such folder
    data_settings.save(db, backup_dir=str(stick))

    made = backups.maybe_auto_backup(db)

    assert made is not None and made.parent == backups_dir(db.path)
    assert not stick.exists()  # not created on the PC's own disk as if it were the stick
    assert backups.verify_backup_file(made)
    status = backups.auto_backup_status(db)
    assert status.tone == "red"
    assert status.text.startswith(f"自动备份失败：找不到备份文件夹 {stick}")
    assert f"已改存到默认文件夹 {backups_dir(db.path)}" in status.text


def test_a_full_disk_is_named_and_the_backup_goes_to_the_default_folder(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, START)
    stick = tmp_path / "U盘"
    stick.mkdir()
    data_settings.save(db, backup_dir=str(stick))
    real_replace = os.replace

    def full_stick(src: str | Path, dst: str | Path) -> None:  # the stick fills up as the copy lands
        if Path(dst).parent == stick:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_stick)

    made = backups.maybe_auto_backup(db)

    assert made is not None and made.parent == backups_dir(db.path)
    assert _names(stick) == [] and list(stick.iterdir()) == []  # no half backup on the stick
    status = backups.auto_backup_status(db)
    assert status.tone == "red"
    assert status.text == f"自动备份失败：磁盘已满，已改存到默认文件夹 {backups_dir(db.path)}"

    # The stick has room again: the next automatic backup (12 hours on) goes there and the red line goes.
    monkeypatch.setattr(os, "replace", real_replace)
    clock.advance(hours=13)
    again = backups.maybe_auto_backup(db)
    assert again is not None and again.parent == stick
    status = backups.auto_backup_status(db)
    assert (status.tone, status.text) == ("", f"自动备份：最近一次 刚刚（{stick}）")


def test_when_no_folder_can_take_it_the_line_says_so_with_the_last_good_backup(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, START)
    assert backups.maybe_auto_backup(db) is not None
    clock.advance(days=3)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))

    with pytest.raises(DatabaseError, match="磁盘已满"):
        backups.maybe_auto_backup(db)

    status = backups.auto_backup_status(db)
    assert status.tone == "red"
    assert status.text == f"自动备份失败：磁盘已满。最近一次备份 3 天前（{backups_dir(db.path)}）"


def test_an_old_newest_backup_is_flagged(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch, START)
    backups.maybe_auto_backup(db)
    assert backups.auto_backup_status(db).text == f"自动备份：最近一次 刚刚（{backups_dir(db.path)}）"
    clock.advance(hours=30)  # the program left open for a day and more: no backup since
    status = backups.auto_backup_status(db)
    assert status.tone == "amber"
    assert status.text == f"自动备份：最近一次 1 天前（{backups_dir(db.path)}），已超过 12 小时没有备份"


def test_rotation_keeps_the_newest_by_number_whatever_the_clock_says(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, START)
    data_settings.save(db, backup_keep=3)
    made = []
    for _ in range(4):
        made.append(backups.create_backup(db, reason=backups.AUTO_REASON))
        clock.advance(days=1)
    assert _names(backups_dir(db.path)) == sorted(p.name for p in made[1:])
    assert [backups._counter(p) for p in made] == [1, 2, 3, 4]

    clock.at = datetime(2020, 1, 1, 0, 0)  # the CMOS battery: the clock is back in 2020
    after_reset = [backups.create_backup(db, reason=backups.AUTO_REASON) for _ in range(2)]

    kept = _names(backups_dir(db.path))
    assert kept == sorted(
        p.name for p in [made[3], *after_reset]
    )  # the last three made, not the "newest" stamps
    assert after_reset[-1].name.startswith("ecodesk-20200101-000000-6-")


def test_a_clock_set_back_is_flagged_and_does_not_stop_the_automatic_backup(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, START)
    data_settings.save(db, backup_keep=2)
    first = backups.maybe_auto_backup(db)
    assert first is not None
    clock.at = START - timedelta(days=400)  # set back more than a year

    status = backups.auto_backup_status(db)
    assert status.clock_behind and status.tone == "red"
    assert status.text == (
        f"自动备份：最近一次 2026年12月6日 08:30（{backups_dir(db.path)}）。电脑时间早于最近一次备份的时间，请检查日期"
    )

    second = backups.maybe_auto_backup(db)  # before: "the newest is in the future" skipped every backup
    assert second is not None
    assert backups.maybe_auto_backup(db) is None  # one now, not one at every look while the clock is wrong
    assert backups.auto_backup_status(db).clock_behind  # the 2026 backup still says so

    made = [backups.create_backup(db) for _ in range(2)]  # keep 2: the last two made stay, by number
    assert _names(backups_dir(db.path)) == sorted(p.name for p in made)
    assert not backups.auto_backup_status(db).clock_behind  # no backup left dated after the clock


NO_QUESTION_MARK = pytest.mark.skipif(sys.platform == "win32", reason="Windows forbids ? in names")


@pytest.mark.parametrize("folder_name", ["备份#1", pytest.param("a?b", marks=NO_QUESTION_MARK)])
def test_folder_names_that_would_cut_a_raw_sqlite_uri(
    tmp_path: Path, _template_db: Path, monkeypatch: pytest.MonkeyPatch, folder_name: str
) -> None:
    Clock(monkeypatch, START)
    home = tmp_path / folder_name
    home.mkdir()
    data = home / "ecodesk.db"
    data.write_bytes(_template_db.read_bytes())
    with Database.open(data, operator="测试员") as db:
        data_settings.save(db, town_name="清河镇")
        made = backups.create_backup(db)
        target = backups.maybe_auto_backup(db, every=timedelta(0))
    assert target is not None
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    listed = backups.list_backups(data)
    assert {info.path for info in listed} == {made, target}
    assert backups.verify_backup_file(made)  # was: 已损坏 (the cut path held no database)
    assert backups.newest_good_backup_of(data) is not None
    assert backups.record_counts(made) is not None

    saved = backups.restore_backup(data, made)
    assert saved is not None and saved.stat().st_size > 0  # was: an empty 恢复前 copy
    cut = tmp_path / folder_name.split("#")[0].split("?")[0]  # where "file:" + the raw path ends
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert not cut.exists()
    assert set(after) - set(before) == {saved.relative_to(tmp_path)}  # only the 恢复前 copy is new
    with closing(sqlite3.connect(backups.read_only_uri(saved, immutable=True), uri=True)) as conn:
        town = conn.execute("SELECT value FROM settings WHERE key = 'town_name'").fetchone()[0]
    assert json.loads(town) == "清河镇"  # the data as it was before the restore, not an empty file


def test_the_uri_escapes_and_marks_read_only(tmp_path: Path) -> None:
    uri = backups.read_only_uri(tmp_path / "备份#1" / "a.db")
    assert uri.startswith("file:///") and uri.endswith("/%E5%A4%87%E4%BB%BD%231/a.db?mode=ro")
    if sys.platform != "win32":
        assert backups.read_only_uri(tmp_path / "a?b" / "x.db").endswith("/a%3Fb/x.db?mode=ro")
    assert backups.read_only_uri(tmp_path / "x.db", immutable=True).endswith("x.db?mode=ro&immutable=1")
