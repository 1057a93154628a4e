"""Text the clerk can read (issue 20, point 9), simulated on Linux.

- The command line's output redirected to a file from a Chinese Windows console (code page 936,
  simulated with ``PYTHONIOENCODING=cp936``) holds "m³" and rare characters: the file is UTF-8
  and whole, where printing failed before.
- The operating system's errors in Chinese, from Windows' own codes first (``winerror``), then the
  errno: never "Permission denied".
- A read-only file is named as read-only, not blamed on Excel; a file really in use still is.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.errors import EcoDeskError
from ecodesk.files import atomic_file, is_read_only, os_reason

RARE = "䶮"  # U+4DAE, a name character outside GBK (cp936)
TITLE = f"关于核定化粪池方量（m³）和{RARE}家村𠮷组的通知"


def _cli(*args: str, stdout: Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "cp936"}
    env.pop("PYTHONUTF8", None)
    with open(stdout, "wb") as out:
        return subprocess.run(
            [sys.executable, "-m", "ecodesk.cli", *args], stdout=out, stderr=subprocess.PIPE, env=env, cwd=cwd
        )


def test_redirected_output_keeps_every_character(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert main(["--db", str(db), "init", "--town", "清河镇"]) == 0
    fields = tmp_path / "fields.json"
    fields.write_text(json.dumps({"title": TITLE}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "输出.txt"

    result = _cli("--db", str(db), "doc", "new", "--kind", "通知", str(fields), stdout=out, cwd=tmp_path)

    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "已起草 通知" in out.read_text(encoding="utf-8") and TITLE in out.read_text(encoding="utf-8")
    assert b"Traceback" not in result.stderr and b"UnicodeEncodeError" not in result.stderr


def test_redirected_errors_keep_every_character_too(tmp_path: Path) -> None:
    missing = tmp_path / f"{RARE}家村 m³.db"
    err_file = tmp_path / "错误.txt"
    env = {**os.environ, "PYTHONIOENCODING": "cp936"}
    with open(err_file, "wb") as err:
        result = subprocess.run(
            [sys.executable, "-m", "ecodesk.cli", "--db", str(missing), "check"],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=tmp_path,
        )
    assert result.returncode == 1
    text = err_file.read_text(encoding="utf-8")
    assert text.startswith("错误：") and str(missing) in text and "Traceback" not in text


@pytest.mark.parametrize(
    ("code", "winerror", "reason"),
    [
        (errno.EACCES, None, "没有权限"),
        (errno.EPERM, None, "没有权限"),
        (errno.ENOSPC, None, "磁盘已满"),
        (errno.ENOENT, None, "找不到文件或文件夹"),
        (errno.EROFS, None, "只读"),
        (errno.EBUSY, None, "文件正被其他程序使用"),
        (errno.ENAMETOOLONG, None, "文件名或路径太长"),
        (errno.EACCES, 32, "文件正被其他程序使用"),  # ERROR_SHARING_VIOLATION comes as EACCES
        (errno.EACCES, 5, "没有权限"),
        (errno.ENOSPC, 112, "磁盘已满"),
        (errno.ENOENT, 3, "找不到文件夹"),
        (errno.EINVAL, 21, "磁盘没有准备好"),
        (errno.EINVAL, 206, "文件名或路径太长"),
    ],
)
def test_os_errors_in_chinese(code: int, winerror: int | None, reason: str) -> None:
    exc = OSError(code, os.strerror(code))
    if winerror is not None:
        exc.winerror = winerror  # type: ignore[attr-defined]  # what Windows' OSError carries
    assert reason in os_reason(exc)
    assert os.strerror(code) not in os_reason(exc)


def _windows_replace(refusal: PermissionError, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file that is read-only or open in Excel; Linux never does."""

    def refuse(_src: object, _dst: object) -> None:
        raise refusal

    monkeypatch.setattr(os, "replace", refuse)


def test_a_read_only_file_is_called_read_only_not_open_in_excel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"old")
    target.chmod(stat.S_IREAD)  # Windows' 只读 attribute shows the same way in st_mode
    assert is_read_only(target)
    _windows_replace(PermissionError(errno.EACCES, "Access is denied"), monkeypatch)
    with pytest.raises(EcoDeskError) as refused, atomic_file(target) as tmp:
        tmp.write_bytes(b"new")
    assert "只读" in str(refused.value) and "Excel" not in str(refused.value)
    target.chmod(stat.S_IREAD | stat.S_IWRITE)
    assert target.read_bytes() == b"old"


def test_a_file_open_in_another_program_is_still_said_to_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"old")
    assert not is_read_only(target)
    in_use = PermissionError(errno.EACCES, "The process cannot access the file")
    in_use.winerror = 32  # type: ignore[attr-defined]
    _windows_replace(in_use, monkeypatch)
    with pytest.raises(EcoDeskError, match="正在 Excel、WPS 或 PDF 阅读器中打开"), atomic_file(target) as tmp:
        tmp.write_bytes(b"new")


def test_the_cli_names_a_read_only_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "t.db"
    assert main(["--db", str(db), "init", "--town", "清河镇"]) == 0
    out = tmp_path / "农户.xlsx"
    out.write_bytes(b"old")
    out.chmod(stat.S_IREAD)
    capsys.readouterr()
    _windows_replace(PermissionError(errno.EACCES, "Access is denied"), monkeypatch)
    try:
        assert main(["--db", str(db), "export", "households", "--out", str(out)]) == 1
    finally:
        out.chmod(stat.S_IREAD | stat.S_IWRITE)
    err = capsys.readouterr().err
    assert err.startswith(f"错误：无法写入 {out}：这个文件是只读的") and "Excel" not in err
