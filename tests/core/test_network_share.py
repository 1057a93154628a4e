"""The live data file is refused on a network location; backups may go there.

Windows is simulated: ``drives._on_windows`` and ``drives._drive_type`` (``GetDriveTypeW``) are
replaced, as on an office PC where Z: is mapped to the town's file server. Elsewhere the mount table
is a file written here, with a CIFS mount over a test folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecodesk import drives
from ecodesk.cli import main
from ecodesk.db import Database, backups

LOCAL_DISK, REMOTE = 3, drives.DRIVE_REMOTE


@pytest.fixture
def windows_with_z_mapped(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A Windows PC whose Z: is a network drive and C:, D: local disks; the roots asked about."""
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return REMOTE if root.upper() == "Z:\\" else LOCAL_DISK

    monkeypatch.setattr(drives, "_on_windows", lambda: True)
    monkeypatch.setattr(drives, "_drive_type", drive_type)
    return asked


@pytest.fixture
def nas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A folder mounted from a file server (CIFS), by the mount table Linux shows."""
    folder = tmp_path / "nas"
    folder.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/sda1 / ext4 rw 0 0\n//fileserver/环保办 {folder} cifs rw,vers=3.0 0 0\n", encoding="utf-8"
    )
    monkeypatch.setattr(drives, "MOUNTS", mounts)
    monkeypatch.setattr(drives, "_on_windows", lambda: False)  # the mount table, also on the Windows runner
    return folder


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("\\\\fileserver\\环保办\\EcoDesk\\ecodesk.db", "网络共享 \\\\fileserver\\环保办"),
        ("//fileserver/环保办/ecodesk.db", "网络共享 \\\\fileserver\\环保办"),
        ("\\\\?\\UNC\\fileserver\\share\\ecodesk.db", "网络共享 \\\\fileserver\\share"),
        ("\\\\?\\C:\\EcoDesk\\ecodesk.db", None),
        ("\\\\.\\PhysicalDrive0", None),
    ],
)
def test_unc_paths_are_network_locations(path: str, where: str | None) -> None:
    assert drives.network_location(path) == where


def test_a_mapped_network_drive_is_found_by_its_drive_type(windows_with_z_mapped: list[str]) -> None:
    assert drives.network_location("Z:\\EcoDesk\\ecodesk.db") == "网络驱动器 Z:"
    assert drives.network_location("z:/数据/ecodesk.db") == "网络驱动器 Z:"
    assert drives.network_location("D:\\EcoDesk\\ecodesk.db") is None
    assert windows_with_z_mapped == ["Z:\\", "z:\\", "D:\\"]


def test_a_network_file_system_mount_is_found_elsewhere(nas: Path, tmp_path: Path) -> None:
    assert drives.network_location(nas / "EcoDesk" / "ecodesk.db") == "网络文件夹（cifs）"  # not made yet
    assert drives.network_location(tmp_path / "本机" / "ecodesk.db") is None


def test_the_refusal_says_why_in_chinese() -> None:
    text = drives.network_refusal("\\\\fileserver\\环保办\\ecodesk.db")
    assert text is not None
    assert text.startswith("数据文件不能放在网络位置（网络共享 \\\\fileserver\\环保办）")
    assert "两台电脑同时打开" in text and "网络中途断开" in text and "损坏" in text
    assert "备份可以放在网络位置" in text


def test_cli_refuses_a_db_on_a_mapped_drive(
    windows_with_z_mapped: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # on Linux "Z:\..." is a file name here: nothing may appear
    code = main(["--db", "Z:\\EcoDesk\\ecodesk.db", "init", "--town", "清河镇"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("错误：数据文件不能放在网络位置（网络驱动器 Z:）")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_every_command_on_a_share(
    nas: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_share = nas / "ecodesk.db"
    shutil.copyfile(db_path, on_share)
    before = on_share.read_bytes()
    for argv in (["check"], ["backup"], ["export", "households", "--out", str(nas / "户.xlsx")]):
        code = main(["--db", str(on_share), "-q", *argv])
        assert code == 1, argv
        assert "数据文件不能放在网络位置（网络文件夹（cifs））" in capsys.readouterr().err
    assert on_share.read_bytes() == before
    assert sorted(p.name for p in nas.iterdir()) == ["ecodesk.db"]  # no journal, lock or backup


def test_backups_may_go_to_a_share(nas: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", str(db_path), "-q", "backup", "--to", str(nas)])
    assert code == 0, capsys.readouterr().err
    made = backups.list_backups(db_path, nas)
    assert len(made) == 1
    backups.verify_backup_file(made[0].path)
    with Database.open(db_path, "测试员"):
        pass  # the local file itself is untouched by the rule
