"""A data file damaged in the middle (pages overwritten, as a failing disk or a pulled USB stick
leaves it): every command says so in one Chinese line naming the newest good backup, nothing is
written into it, and ``restore`` (the way out) still works.

The file is the real small demo town, backed up, then damaged: either bytes 40 %–60 % of the file
overwritten with garbage (whatever SQLite then trips on first), or only the pages of the patrol
table in that range, so that the file still opens and the damage is met mid-work.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from ecodesk.cli import main
from ecodesk.db import Database, backups
from ecodesk.errors import DamagedDatabaseError
from ecodesk.paths import attachments_dir, backups_dir
from ecodesk.services import records
from ecodesk.services.org import UNITS

DAMAGED = "已损坏"


@pytest.fixture(scope="module")
def _town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo town with one good backup beside it."""
    path = tmp_path_factory.mktemp("town") / "ecodesk.db"
    assert main(["--db", str(path), "-q", "init", "--town", "清河镇"]) == 0
    assert main(["--db", str(path), "-q", "demo", "--scale", "small"]) == 0
    assert main(["--db", str(path), "backup"]) == 0
    return path


@dataclass(frozen=True)
class Damaged:
    path: Path
    backup: Path  # the good one, made before the damage

    def sha(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _copy(town: Path, tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "ecodesk.db"
    shutil.copyfile(town, path)
    shutil.copytree(backups_dir(town), backups_dir(path))
    shutil.copytree(attachments_dir(town), attachments_dir(path))  # issued documents' PDFs
    (backup,) = backups_dir(path).glob("ecodesk-*.db")
    return path, backup


def overwrite(path: Path, start: float = 0.4, end: float = 0.6, table: str | None = None) -> int:
    """Random bytes over the pages from ``start`` to ``end`` of the file (only ``table``'s, if
    given); returns how many pages were overwritten."""
    with closing(sqlite3.connect(path)) as conn:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        mine = {int(r[0]) for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))}
    rnd = random.Random(13)
    hit = 0
    with open(path, "r+b") as fh:
        for index in range(int(pages * start), int(pages * end)):
            if table is None or index + 1 in mine:
                fh.seek(index * page_size)
                fh.write(rnd.randbytes(page_size))
                hit += 1
    return hit


@pytest.fixture(params=["bytes 40-60%", "patrol pages 40-60%"])
def damaged(request: pytest.FixtureRequest, _town: Path, tmp_path: Path) -> Damaged:
    path, backup = _copy(_town, tmp_path)
    table = "patrols" if "patrol" in request.param else None
    assert overwrite(path, table=table) > 0
    return Damaged(path, backup)


@pytest.fixture
def opens_damaged(_town: Path, tmp_path: Path) -> Damaged:
    """Damaged where the file still opens: only patrol pages."""
    path, backup = _copy(_town, tmp_path)
    assert overwrite(path, table="patrols") > 0
    return Damaged(path, backup)


def read_every_patrol(db: Database) -> None:
    with db.session() as session:
        session.execute(text("SELECT group_concat(findings) FROM patrols")).scalar()


def ecodesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecodesk.cli", "-q", *args], capture_output=True, text=True, encoding="utf-8"
    )


def assert_damage_line(result: subprocess.CompletedProcess[str], file: Damaged) -> None:
    """Exit 1, no traceback, one line naming the damage, the backup, and how to restore it."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Exception ignored" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("错误：") and DAMAGED in line and str(file.path) in line
    assert "请从备份恢复" in line and str(file.backup) in line and "restore" in line
    assert len(line) < 600  # a sentence, not a dump (the backup refusal was 5,000 characters)


def _roster(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "类别"])
    ws.append(["新设的办公室", "镇属单位"])
    wb.save(path)
    return path


READING = ["check", "export patrols --out {tmp}/巡查.xlsx", "report weekly --out {tmp}/周报.xlsx"]
# Writing commands check every page first: refused even when what they write is sound.
WRITING = ["import units {roster}", "backup", "letters generate --year 2031", "doc new --kind 函"]


@pytest.mark.parametrize("command", READING + WRITING)
def test_every_command_names_the_damage_and_the_backup(command: str, _town: Path, tmp_path: Path) -> None:
    path, backup = _copy(_town, tmp_path)
    assert overwrite(path) > 0  # bytes 40 %-60 %: the way the clerk's file was found
    _refused(command, Damaged(path, backup), tmp_path)


@pytest.mark.parametrize("command", ["check", "export patrols --out {tmp}/巡查.xlsx", *WRITING])
def test_damage_met_mid_work_is_named_too(command: str, opens_damaged: Damaged, tmp_path: Path) -> None:
    _refused(command, opens_damaged, tmp_path)


def _refused(command: str, damaged: Damaged, tmp_path: Path) -> None:
    roster = _roster(tmp_path / "单位.xlsx")
    before = damaged.sha()
    made = sorted(backups_dir(damaged.path).iterdir())
    argv = command.format(tmp=tmp_path, roster=roster).split()
    assert_damage_line(ecodesk("--db", str(damaged.path), *argv), damaged)
    assert damaged.sha() == before  # nothing written into it: not by import, not by a write elsewhere
    wal = Path(f"{damaged.path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert sorted(backups_dir(damaged.path).iterdir()) == made  # no backup of damaged pages, no .part
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))
    assert left == ["ecodesk.db", "ecodesk_backups", "ecodesk_files", "单位.xlsx"]  # no output file


def test_restore_is_the_way_out(damaged: Damaged) -> None:
    result = ecodesk("--db", str(damaged.path), "restore", str(damaged.backup))
    assert result.returncode == 0, result.stderr
    check = ecodesk("--db", str(damaged.path), "check")
    assert check.returncode == 0 and "结论：正常" in check.stdout


def test_without_a_backup_the_message_says_so(_town: Path, tmp_path: Path) -> None:
    path, _backup = _copy(_town, tmp_path)
    shutil.rmtree(backups_dir(path))
    overwrite(path)
    result = ecodesk("--db", str(path), "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert DAMAGED in result.stderr and "没有找到这个数据文件的完好备份" in result.stderr


def test_a_damaged_backup_is_not_offered(_town: Path, tmp_path: Path) -> None:
    path, good = _copy(_town, tmp_path)
    newer = good.with_name("ecodesk-20991231-235959-自动.db")
    shutil.copyfile(path, newer)
    overwrite(newer)
    overwrite(path, table="patrols")
    with Database.open(path) as db, pytest.raises(DamagedDatabaseError) as caught:
        read_every_patrol(db)
    assert caught.value.backup == good and newer.name not in str(caught.value)


def test_writes_are_refused_once_the_damage_is_known(opens_damaged: Damaged) -> None:
    """A write that touches only sound pages would succeed: once SQLite has reported damage
    anywhere, no session that changed a row may commit."""
    before = opens_damaged.sha()
    with Database.open(opens_damaged.path, "测试") as db:
        assert records.count(db, UNITS) > 0  # sound pages still read
        heard: list[DamagedDatabaseError] = []
        db.damage_listeners.append(heard.append)
        with pytest.raises(DamagedDatabaseError):
            read_every_patrol(db)  # meets the damage
        assert len(heard) == 1 and heard[0] is db.damage
        with pytest.raises(DamagedDatabaseError, match="请从备份恢复"):
            records.create(db, UNITS, {"name": "新设的办公室", "kind": "镇属单位"})
        assert records.count(db, UNITS) > 0  # reading is still allowed
        with pytest.raises(DamagedDatabaseError):
            backups.create_backup(db, reason="手动")
        assert len(heard) == 1  # told once
    assert opens_damaged.sha() == before


def test_verify_at_open_refuses_before_anything_is_read(opens_damaged: Damaged) -> None:
    with pytest.raises(DamagedDatabaseError) as caught:
        Database.open(opens_damaged.path, "测试", lock=True, verify=True)
    assert caught.value.backup == opens_damaged.backup
    assert caught.value.summary.startswith(f"数据文件 {opens_damaged.path} 已损坏")
    with Database.open(opens_damaged.path, "测试") as db:
        damage = db.find_damage()  # the same check the GUI runs in the background
        assert damage is not None and db.damage is damage


def test_a_sound_file_passes_the_checks(_town: Path, tmp_path: Path) -> None:
    path, _backup = _copy(_town, tmp_path)
    with Database.open(path, "测试", lock=True, verify=True) as db:
        assert db.find_damage() is None and db.damage is None
        records.create(db, UNITS, {"name": "新设的办公室", "kind": "镇属单位"})
