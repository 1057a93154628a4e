"""``ecodesk password set|change|remove|recovery-key`` and every command on an encrypted file
(issue 18): the password from ECODESK_PASSWORD or a no-echo prompt, a new one from
ECODESK_NEW_PASSWORD or typed twice; ``--password`` warns; a wrong password is one Chinese line."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.db import backups, cipher
from ecodesk.paths import attachments_dir

PASSWORD = "镇环保办2026"
ENV_KEYS = ("ECODESK_PASSWORD", "ECODESK_NEW_PASSWORD", "ECODESK_BACKUP_PASSWORD")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ENV_KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(cipher.DELAY_SCALE_ENV, "0")
    monkeypatch.setenv("ECODESK_LOG_DIR", str(tmp_path / "logs"))
    cipher.forget_all()
    yield
    cipher.forget_all()


@pytest.fixture
def encrypted(tmp_path: Path, small_demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "town.db"
    shutil.copyfile(small_demo_db, path)
    shutil.copytree(attachments_dir(small_demo_db), attachments_dir(path))  # issued documents' PDFs
    monkeypatch.setenv("ECODESK_NEW_PASSWORD", PASSWORD)
    assert main(["--db", str(path), "password", "set"]) == 0
    monkeypatch.delenv("ECODESK_NEW_PASSWORD")
    assert not path.read_bytes().startswith(cipher.SQLITE_HEADER)
    return path


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecodesk.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_every_command_works_with_the_password_in_the_environment(
    encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ECODESK_PASSWORD", PASSWORD)
    db = str(encrypted)
    commands = [
        ["check"],
        ["backup"],
        ["backup", "--with-files", "--to", str(tmp_path)],
        ["export", "complaints", "--out", str(tmp_path / "信访.xlsx")],
        ["export", "households", "--out", str(tmp_path / "农户.xlsx")],
        ["print", "complaints", "--out", str(tmp_path / "信访.pdf")],
        ["report", "daily", "--out", str(tmp_path / "日报.xlsx")],
        ["report", "fires", "--year", "2026", "--out", str(tmp_path / "火点.xlsx")],
        ["doc", "list"],
        ["letters", "coverage", "--year", "2026"],
        ["appraisal", "compute", "--year", "2026"],
    ]
    for command in commands:
        code = main(["--db", db, *command])
        out = capsys.readouterr()
        assert code == 0, (command, out.err, out.out[-300:])
    made = backups.list_backups(encrypted)
    assert made and all(not info.path.read_bytes().startswith(cipher.SQLITE_HEADER) for info in made)
    assert main(["--db", db, "restore", str(made[-1].path)]) == 0, capsys.readouterr().err
    assert main(["--db", db, "check"]) == 0


def test_a_wrong_or_missing_password_is_one_chinese_line(encrypted: Path) -> None:
    wrong = run("--db", str(encrypted), "check", env={"ECODESK_PASSWORD": "不是这个密码"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == f"错误：打开密码不正确，数据文件 {encrypted.name} 没有打开。"
    assert wrong.stdout == ""
    missing = run("--db", str(encrypted), "export", "complaints", "--out", str(encrypted.parent / "x.xlsx"))
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "已设置打开密码" in missing.stderr
    assert "ECODESK_PASSWORD" in missing.stderr and "Traceback" not in missing.stderr


def test_a_wrong_password_waits_longer_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cipher.DELAY_SCALE_ENV, "1")
    assert [cipher.wrong_try_delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_wrong_password_in_the_environment_waits_before_failing(encrypted: Path) -> None:
    started = time.monotonic()
    result = run(
        "--db", str(encrypted), "check", env={"ECODESK_PASSWORD": "不是这个密码", cipher.DELAY_SCALE_ENV: "1"}
    )
    assert result.returncode == 1 and time.monotonic() - started >= 1.0


def test_password_on_the_command_line_works_with_a_warning(encrypted: Path) -> None:
    result = run("--db", str(encrypted), "--password", PASSWORD, "check")
    assert result.returncode == 0, result.stderr
    assert "进程列表" in result.stderr and "ECODESK_PASSWORD" in result.stderr


def test_change_and_remove_from_the_environment(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(encrypted)
    monkeypatch.setenv("ECODESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("ECODESK_NEW_PASSWORD", "短")
    assert main(["--db", db, "password", "change"]) == 1
    assert "至少6个字符" in capsys.readouterr().err
    monkeypatch.setenv("ECODESK_NEW_PASSWORD", "换过的密码789")
    assert main(["--db", db, "password", "change"]) == 0
    assert main(["--db", db, "check"]) == 1  # the old password no longer opens it
    assert "打开密码不正确" in capsys.readouterr().err
    monkeypatch.setenv("ECODESK_PASSWORD", "换过的密码789")
    assert main(["--db", db, "password", "remove"]) == 0
    assert encrypted.read_bytes().startswith(cipher.SQLITE_HEADER)
    monkeypatch.delenv("ECODESK_PASSWORD")
    assert main(["--db", db, "check"]) == 0


def test_the_recovery_key_written_by_the_cli_opens_the_file(
    encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ECODESK_PASSWORD", PASSWORD)
    assert main(["--db", str(encrypted), "password", "recovery-key", str(tmp_path / "钥匙")]) == 0
    text = (tmp_path / "钥匙.txt").read_text(encoding="utf-8")
    code = next(line for line in text.splitlines() if line.startswith("EK-"))
    monkeypatch.setenv("ECODESK_PASSWORD", code)
    capsys.readouterr()
    assert main(["--db", str(encrypted), "check"]) == 0
    monkeypatch.setenv("ECODESK_NEW_PASSWORD", "忘了以后的新密码")
    assert main(["--db", str(encrypted), "password", "change"]) == 0
    monkeypatch.setenv("ECODESK_PASSWORD", "忘了以后的新密码")
    assert main(["--db", str(encrypted), "check"]) == 0


def test_restore_of_a_backup_under_another_password_takes_its_password(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(encrypted)
    monkeypatch.setenv("ECODESK_PASSWORD", PASSWORD)
    assert main(["--db", db, "backup"]) == 0
    old = backups.list_backups(encrypted)[0].path
    monkeypatch.setenv("ECODESK_NEW_PASSWORD", "后来的密码000")
    assert main(["--db", db, "password", "change"]) == 0
    monkeypatch.setenv("ECODESK_PASSWORD", "后来的密码000")
    capsys.readouterr()
    assert main(["--db", db, "restore", str(old)]) == 1  # no backup password and no terminal
    assert "ECODESK_BACKUP_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("ECODESK_BACKUP_PASSWORD", "错的备份密码")
    assert main(["--db", db, "restore", str(old)]) == 1
    assert "打开密码不正确" in capsys.readouterr().err
    monkeypatch.setenv("ECODESK_BACKUP_PASSWORD", PASSWORD)
    assert main(["--db", db, "restore", str(old)]) == 0
    monkeypatch.setenv("ECODESK_PASSWORD", PASSWORD)  # the restored file has the backup's password
    assert main(["--db", db, "check"]) == 0


def _converse(args: list[str], answers: list[str], tmp_path: Path) -> tuple[int, str]:
    """Run the CLI on a terminal (a pseudo-terminal), answering each password prompt in turn."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on the terminal
        os.environ.pop("ECODESK_PASSWORD", None)
        os.environ.pop("ECODESK_NEW_PASSWORD", None)
        os.execv(sys.executable, [sys.executable, "-m", "ecodesk.cli", *args])
    seen = b""
    answered_at = 0  # answer a prompt once, after it appeared (getpass flushes input typed earlier)
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if pending and len(seen) > answered_at and seen.rstrip().endswith("：".encode()):
            time.sleep(0.2)  # let getpass switch the echo off before the answer arrives
            os.write(fd, (pending.pop(0) + "\n").encode())
            answered_at = len(seen)
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminal")
def test_passwords_are_asked_on_the_terminal_without_echo(
    tmp_path: Path, small_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "town.db"
    shutil.copyfile(small_demo_db, path)
    shutil.copytree(attachments_dir(small_demo_db), attachments_dir(path))
    code, screen = _converse(
        ["--db", str(path), "password", "set"], ["六个字以上啊", "六个字以上哦"], tmp_path
    )
    assert code == 1 and "两次输入的新密码不一样" in screen
    assert path.read_bytes().startswith(cipher.SQLITE_HEADER)
    code, screen = _converse(
        ["--db", str(path), "password", "set"], ["六个字以上啊", "六个字以上啊"], tmp_path
    )
    assert code == 0, screen
    assert "六个字以上啊" not in screen  # typed without echo
    code, screen = _converse(["--db", str(path), "check"], ["错的密码呀", "六个字以上啊"], tmp_path)
    assert code == 0, screen
    assert "密码不正确，请再输入一次" in screen and "结论：正常" in screen


def test_an_encrypted_file_damaged_at_its_first_page_is_restored_with_the_password(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(encrypted)
    monkeypatch.setenv("ECODESK_PASSWORD", PASSWORD)
    assert main(["--db", db, "backup"]) == 0
    backup = backups.list_backups(encrypted)[0].path
    data = bytearray(encrypted.read_bytes())
    data[cipher.SALT_BYTES : 4096] = b"\x00" * (4096 - cipher.SALT_BYTES)  # page 1 wiped, salt kept
    encrypted.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["--db", db, "check"]) == 1  # the password cannot open it any more
    assert main(["--db", db, "restore", str(backup)]) == 0, capsys.readouterr().err
    assert main(["--db", db, "check"]) == 0
