"""The command line: exit codes and one-line messages, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ecodesk.cli import main


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
