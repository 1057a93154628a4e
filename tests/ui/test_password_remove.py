"""取消密码 says what removing the password does (issue 21.11), not the set-password text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from ecodesk.db import Database
from ecodesk.services import access
from tests.ui.helpers import keep_shot
from ui.shell.password import PasswordDialog

pytestmark = pytest.mark.gui


def _buttons(dialog: PasswordDialog) -> list[str]:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return [b.text() for b in box.buttons()]


def test_remove_dialog_says_what_removing_does(qtbot, db: Database) -> None:
    access.set_password(db, "环保2026年")
    dialog = PasswordDialog(db, remove=True)
    qtbot.addWidget(dialog)
    dialog.show()
    note = dialog.note.text()
    assert dialog.windowTitle() == "取消打开密码"
    assert "取消后，打开这个数据文件不再需要密码" in note and "查看和修改全部记录" in note
    assert "设置后" not in note and "密码忘记后无法找回" not in note
    assert set(_buttons(dialog)) == {"取消密码", "保留密码"}
    assert not dialog.new.isVisibleTo(dialog)  # only the current password is asked
    keep_shot(dialog, "password_remove.png")


def test_set_and_change_dialogs_keep_their_own_text(qtbot, db: Database) -> None:
    first = PasswordDialog(db)
    qtbot.addWidget(first)
    assert first.note.text().startswith("设置后，每次打开") and set(_buttons(first)) == {"确定", "取消"}
    access.set_password(db, "环保2026年")
    change = PasswordDialog(db)
    qtbot.addWidget(change)
    assert change.note.text().startswith("修改后，每次打开这个数据文件要输入新密码")
