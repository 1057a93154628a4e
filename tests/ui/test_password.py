"""The opening password in the GUI: asked before a protected file opens, managed in 设置."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from ecodesk.db import Database
from ecodesk.services import access
from ui.common import dialogs
from ui.shell import password
from ui.shell.password import PasswordBox, PasswordDialog, UnlockDialog

pytestmark = pytest.mark.gui


def answer_unlock(monkeypatch: pytest.MonkeyPatch, answers: list[str | None]) -> list[str]:
    """Replace the modal exec with typed answers (None: the clerk presses 退出); returns messages shown."""
    shown: list[str] = []

    def fake_exec(self: UnlockDialog) -> int:
        shown.append(self.message.text())
        answer = answers.pop(0)
        if answer is None:
            return int(QDialog.DialogCode.Rejected)
        self.password.setText(answer)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(UnlockDialog, "exec", fake_exec)
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(text))
    return shown


def test_a_file_without_password_opens_without_asking(qtbot: Any, db: Database, monkeypatch) -> None:
    shown = answer_unlock(monkeypatch, [])
    assert password.unlock(db)
    assert shown == []


def test_the_right_password_on_the_second_try_opens(qtbot: Any, db: Database, monkeypatch) -> None:
    access.set_password(db, "环保2026")
    shown = answer_unlock(monkeypatch, ["错的", "环保2026"])
    assert password.unlock(db)
    assert "还可以再试 2 次" in shown[1]


def test_three_wrong_tries_or_cancel_do_not_open(qtbot: Any, db: Database, monkeypatch) -> None:
    access.set_password(db, "环保2026")
    shown = answer_unlock(monkeypatch, ["1111", "2222", "3333"])
    assert not password.unlock(db)
    assert "连续三次不正确" in shown[-1]
    answer_unlock(monkeypatch, [None])
    assert not password.unlock(db)


def test_settings_box_sets_changes_and_removes(qtbot: Any, db: Database, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    box = PasswordBox(db)
    qtbot.addWidget(box)
    assert box.set_button.text() == "设置密码…" and not box.remove_button.isVisibleTo(box)

    dialog = PasswordDialog(db, box)
    qtbot.addWidget(dialog)
    dialog.new.setText("abc")
    dialog.again.setText("abc")
    dialog.apply()
    assert "至少4个字符" in dialog.problem.text() and not access.is_protected(db)
    dialog.new.setText("环保2026")
    dialog.again.setText("环保2027")
    dialog.apply()
    assert "不一样" in dialog.problem.text()
    dialog.again.setText("环保2026")
    dialog.apply()
    assert dialog.result() == QDialog.DialogCode.Accepted and access.check(db, "环保2026")

    box.refresh()
    assert box.set_button.text() == "修改密码…" and box.remove_button.isVisibleTo(box)
    remove = PasswordDialog(db, box, remove=True)
    qtbot.addWidget(remove)
    remove.current.setText("错的")
    remove.apply()
    assert "原密码" in remove.problem.text() and access.is_protected(db)
    remove.current.setText("环保2026")
    remove.apply()
    assert not access.is_protected(db)
