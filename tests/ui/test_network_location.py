"""The program refuses to keep the live data file on a network location: the first-start wizard,
文件 → 打开其他数据文件 / 新建空白数据文件, and a start whose file is on a share (Windows simulated:
``GetDriveTypeW`` says Z: is a network drive)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ecodesk import drives
from ecodesk.db import Database
from tests.ui.helpers import keep_shot
from ui.common import dialogs, machine_settings
from ui.shell import app
from ui.shell.main_window import MainWindow
from ui.shell.missing_data_file import MissingDataFileDialog
from ui.shell.wizard import FirstStartWizard

pytestmark = pytest.mark.gui


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    return shown


@pytest.fixture
def nas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "nas"
    folder.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"//fileserver/环保办 {folder} cifs rw 0 0\n", encoding="utf-8")
    monkeypatch.setattr(drives, "MOUNTS", mounts)
    monkeypatch.setattr(drives, "_on_windows", lambda: False)  # the mount table, also on the Windows runner
    return folder


def test_the_wizard_refuses_a_mapped_network_drive(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, messages: list[str]
) -> None:
    monkeypatch.setattr(drives, "_on_windows", lambda: True)
    monkeypatch.setattr(drives, "_drive_type", lambda root: drives.DRIVE_REMOTE if root == "Z:\\" else 3)
    monkeypatch.chdir(tmp_path)  # on Linux "Z:\..." would be made here as a folder name
    wizard = FirstStartWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.folder_page.folder.setText("Z:\\环保办\\EcoDesk")
    wizard.next()
    assert wizard.currentPage() is wizard.folder_page
    assert messages[0].startswith("不能使用网络位置|数据文件不能放在网络位置（网络驱动器 Z:）")
    assert list(tmp_path.iterdir()) == []
    wizard.folder_page.folder.setText(str(tmp_path / "本机"))
    wizard.next()
    assert wizard.currentPage() is wizard.town_page


def test_open_and_new_refuse_a_share(qtbot, village_db: Database, nas: Path, messages: list[str]) -> None:
    window = MainWindow(village_db)
    qtbot.addWidget(window)
    on_share = nas / "ecodesk.db"
    shutil.copyfile(village_db.path, on_share)
    assert not window.open_file(on_share, fresh=False)
    assert not window.open_file(nas / "新.db", fresh=True)
    assert window.db is village_db
    assert len(messages) == 2 and all("数据文件不能放在网络位置（网络文件夹（cifs））" in m for m in messages)
    assert sorted(p.name for p in nas.iterdir()) == ["ecodesk.db"]


def test_a_start_on_a_share_offers_another_file(
    qtbot, monkeypatch: pytest.MonkeyPatch, nas: Path, db_path: Path, messages: list[str]
) -> None:
    """The remembered file lies on the share: refused with the reason, no 重试; 选择数据文件… goes on."""
    monkeypatch.delenv("ECODESK_DB", raising=False)
    on_share = nas / "ecodesk.db"
    shutil.copyfile(db_path, on_share)
    machine_settings.set_last_db_path(on_share)
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **kw: db_path)
    seen: list[QWidget] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MissingDataFileDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog)
        keep_shot(dialog, "network_refused.png")
        dialog.choose_button.click()

    QTimer.singleShot(0, answer)
    started = app.start(argparse.Namespace(db=None, operator="王晓燕"))
    assert started is not None
    db, _demo = started
    try:
        assert db.path == db_path.resolve()
    finally:
        db.close()
    assert len(seen) == 1 and seen[0].retry_button is None
    assert seen[0].windowTitle() == "不能使用网络位置"
    assert sorted(p.name for p in nas.iterdir()) == ["ecodesk.db"]
