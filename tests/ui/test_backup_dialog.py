"""备份数据 (the take-away copy, asking where) and 从备份恢复 (counts, the few-records question)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecodesk import demo
from ecodesk.db import Database, backups
from ecodesk.services import settings
from ui.common import dialogs
from ui.shell import backup_dialog
from ui.shell.backup_dialog import RestoreDialog


@pytest.fixture
def town(db: Database) -> Database:
    settings.save(db, town_name="清河镇")
    backups.create_backup(db, reason=backups.AUTO_REASON)  # the 自动 backup before the demo load
    demo.generate(db, "small")
    backups.create_backup(db, reason="手动")
    return db


def test_take_away_backup_asks_where_and_remembers_the_folder(
    qtbot, monkeypatch, town: Database, tmp_path: Path
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    offered: list[Path] = []
    shown: list[str] = []
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda parent, start: offered.append(start) or stick)
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))

    handle = backup_dialog.take_away_backup(None, town)
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=20_000) as blocker:
        pass
    assert blocker.args == [True]
    made = handle.result
    assert made.parent == stick and made.name.startswith("清河镇-ecodesk-") and made.suffix == ".zip"
    assert f"已备份（数据和附件）到：\n{made}" in shown[0] and "条记录" in shown[0]
    assert offered[0] == backups.backup_folder(town)  # nothing remembered yet
    assert backup_dialog.remembered_folder() == stick

    monkeypatch.setattr(backup_dialog, "choose_folder", lambda parent, start: offered.append(start) and None)
    assert backup_dialog.take_away_backup(None, town) is None  # the clerk cancelled: nothing written
    assert offered[1] == stick
    assert list(stick.iterdir()) == [made]


def test_restore_list_shows_counts_and_questions_a_backup_with_far_fewer(
    qtbot, monkeypatch, town: Database
) -> None:
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(backup_dialog, "ask", lambda parent, text: asked.append(text) or answer[0])
    found = backups.list_backups(town.path, backups.backup_folder(town))
    dialog = RestoreDialog(found, None, town)
    qtbot.addWidget(dialog)
    current = backups.database_counts(town).total
    assert dialog.table.item(0, 2).text() == f"{current:,}"  # the newest: the manual backup
    empty_row = next(
        r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 3).text().startswith("自动")
    )
    assert dialog.table.item(empty_row, 2).text() == "0"
    assert "记录明显少于当前数据" in dialog.table.item(empty_row, 3).text()

    dialog.table.selectRow(empty_row)
    dialog._use_selected()
    assert asked == [
        f"备份“{found[empty_row].path.name}”只有 0 条记录，当前数据有 {current:,} 条。"
        "恢复后将失去其余记录（当前数据会先另存一份）。确定要恢复吗？"
    ]
    assert dialog.chosen is None and dialog.result() != RestoreDialog.DialogCode.Accepted

    dialog.table.selectRow(0)
    dialog._use_selected()
    assert len(asked) == 1 and dialog.chosen == found[0].path  # as many records: no question

    answer[0] = True
    dialog.table.selectRow(empty_row)
    dialog._use_selected()
    assert dialog.chosen == found[empty_row].path
    folder = backups.backup_folder(town)
    assert not [p for p in folder.iterdir() if p.name.endswith(("-wal", "-shm"))]


def test_restore_list_includes_take_aways_on_the_remembered_stick(
    qtbot, town: Database, tmp_path: Path
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    made = backups.create_takeaway(town, stick)
    backup_dialog.remember_folder(stick)
    dialog = RestoreDialog(backups.list_backups(town.path, backups.backup_folder(town)), None, town)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    notes = [dialog.table.item(r, 3).text() for r in range(3)]
    row = notes.index(backups.TAKEAWAY_REASON)
    assert dialog.table.item(row, 0).toolTip() == str(made)
    dialog.show()
    qtbot.waitExposed(dialog)
    if os.environ.get("ECODESK_SHOTS"):
        dialog.table.selectRow(row)
        dialog.grab().save(str(Path(os.environ["ECODESK_SHOTS"]) / "restore_dialog.png"))


def test_restore_dialog_without_a_database_still_lists(qtbot, db: Database) -> None:
    made = backups.create_backup(db)
    dialog = RestoreDialog(backups.list_backups(db.path, made.parent))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "0"
