"""设置 → 立即备份 is the same take-away backup as 文件 → 备份数据 (issue 14.8 leftover): it asks where
and writes one zip with the data and the attachments, not a bare .db copy."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ecodesk.db import Database
from ecodesk.paths import attachments_dir
from ui.common import dialogs
from ui.settings.page import SettingsPage
from ui.shell import backup_dialog

pytestmark = pytest.mark.gui


def test_backup_now_writes_the_take_away_zip_where_the_clerk_chose(
    qtbot, monkeypatch, db: Database, tmp_path: Path
) -> None:
    photo = attachments_dir(db.path) / "problems" / "现场.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8photo")
    stick = tmp_path / "U盘"
    stick.mkdir()
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda parent, start: stick)
    page = SettingsPage(db)
    qtbot.addWidget(page)
    handle = page.backup_now()
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == [True]
    made = handle.result
    assert made.parent == stick and made.suffix == ".zip"
    with zipfile.ZipFile(made) as zf:
        names = zf.namelist()
    assert any(n.endswith(".db") for n in names)
    assert any(n.endswith("现场.jpg") for n in names)  # the attachments go with the data
    assert (
        str(made) in shown[0] and "含" not in page.findChild(type(page.save_button), "backup_now").text()[:2]
    )
    assert backup_dialog.remembered_folder() == stick  # offered again next time, as 文件 → 备份数据 does


def test_cancelling_the_folder_question_writes_nothing(
    qtbot, monkeypatch, db: Database, tmp_path: Path
) -> None:
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda parent, start: None)
    page = SettingsPage(db)
    qtbot.addWidget(page)
    assert page.backup_now() is None
