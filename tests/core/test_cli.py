"""The command line: exit codes and one-line messages, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from ecodesk.cli import main
from ecodesk.db import migrate
from ecodesk.db.lock import FileLock


def test_init_check_backup_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "init", "--town", "清河镇"]) == 0
    assert main(["--db", db, "check"]) == 0
    assert "结论：正常" in capsys.readouterr().out
    assert main(["--db", db, "backup", "--to", str(tmp_path / "usb")]) == 0
    made = next((tmp_path / "usb").glob("t-*.db"))
    assert main(["--db", db, "restore", str(made)]) == 0


def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ecodesk.cli", "--db", str(bad), "check"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "不是 EcoDesk 数据文件" in result.stderr


def test_unknown_kind_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--db", str(tmp_path / "t.db"), "export", "spaceships", "--out", str(tmp_path / "x.xlsx")]) == 1
    )
    assert "spaceships" in capsys.readouterr().err


def test_restore_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "restore", str(tmp_path / "nope.db")]) == 1
    assert "找不到备份文件" in capsys.readouterr().err


def _old_file(path: Path) -> Path:
    """A data file as an early EcoDesk left it (WAL mode, schema revision 0001)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode = WAL")
        migrate.upgrade(conn, "0001")
    engine.dispose()
    return path


def test_an_older_file_is_upgraded_only_when_no_window_has_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _old_file(tmp_path / "old.db")
    lock = FileLock(path.resolve())  # a window of an older EcoDesk, which has not upgraded it
    lock.acquire()
    try:
        assert main(["--db", str(path), "check"]) == 1
        err = capsys.readouterr().err
        assert (
            err.startswith("错误：数据文件需要升级，请先关闭其他 EcoDesk 窗口后再运行")
            and err.count("\n") == 1
        )
    finally:
        lock.release()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert main(["--db", str(path), "check"]) == 0  # no window: upgraded under the lock, then read
    assert "结论：正常" in capsys.readouterr().out
    with closing(sqlite3.connect(path)) as conn:
        assert (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head_revision()
        )


def test_commands_on_a_missing_file_create_nothing(tmp_path: Path) -> None:
    """A mistyped --db: every command but init says so, in a process of its own, and leaves nothing."""
    missing = tmp_path / "打错的文件夹" / "ecodesk.db"
    for argv in (["check"], ["export", "units", "--out", str(tmp_path / "u.xlsx")], ["backup"], ["demo"]):
        result = subprocess.run(
            [sys.executable, "-m", "ecodesk.cli", "--db", str(missing), *argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr == f"错误：找不到数据文件 {missing}（新建请用 ecodesk init）\n"
    assert list(tmp_path.iterdir()) == []
    assert main(["--db", str(missing), "init"]) == 0 and missing.is_file()


def test_backup_with_files_and_restore_the_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ecodesk.db import Database
    from ecodesk.paths import attachments_dir
    from ecodesk.services import attachments

    db = tmp_path / "t.db"
    assert main(["--db", str(db), "init", "--town", "清河镇"]) == 0
    scan = tmp_path / "扫描.pdf"
    scan.write_bytes(b"%PDF-1.4 " + os.urandom(5000))
    with Database.open(db, "甲") as opened:
        attachments.add_file(opened, scan, "problems", 1, "整改前")
    stored = next(p for p in attachments_dir(db).rglob("*") if p.is_file())
    capsys.readouterr()

    assert main(["--db", str(db), "backup", "--to", str(tmp_path / "U盘"), "--with-files"]) == 0
    made = next((tmp_path / "U盘").glob("清河镇-t-*.zip"))
    assert "含附件" in capsys.readouterr().out
    stored.unlink()
    assert main(["--db", str(db), "restore", str(made)]) == 0
    assert stored.read_bytes() == scan.read_bytes()
    assert f"已从 {made} 恢复" in capsys.readouterr().out


def test_backup_with_files_to_an_unplugged_stick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "backup", "--to", str(tmp_path / "E" / "备份"), "--with-files"]) == 1
    assert "U 盘" in capsys.readouterr().err
    assert not (tmp_path / "E").exists()
