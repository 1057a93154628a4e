"""The opening password in the GUI (issue 18): an encrypted file's password is asked before it opens,
with a growing wait after a wrong try; 设置 → 打开密码 encrypts, re-encrypts and decrypts the file,
says what the password protects and what not, and writes a recovery key that opens the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ecodesk.db import Database, backups, cipher
from ecodesk.services import access
from tests.ui.helpers import keep_shot
from ui.common import dialogs
from ui.shell import password
from ui.shell.password import PasswordBox, PasswordDialog, UnlockDialog

pytestmark = pytest.mark.gui

PASSWORD = "环保2026年"


@pytest.fixture(autouse=True)
def _no_remembered_keys() -> Iterator[None]:
    cipher.forget_all()
    yield
    cipher.forget_all()


def _encrypt(path: Path, secret: str = PASSWORD) -> None:
    with Database.open(path, "甲", lock=True) as db:
        access.set_password(db, secret)
    cipher.forget_all()


def _unlock_dialog(qtbot: Any, path: Path) -> UnlockDialog:
    dialog = UnlockDialog(
        "数据文件设置了打开密码（已加密），请输入密码。", lambda s: password._opens_with(path, s)
    )
    dialog._delay = lambda tries: 0.2 * tries  # the real wait is 1, 2, 4 … s
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type_and_open(qtbot: Any, dialog: UnlockDialog, secret: str) -> None:
    dialog.password.setText(secret)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)


def test_a_plain_file_opens_without_asking(qtbot: Any, db_path: Path) -> None:
    assert password.ensure_key(db_path)  # no dialog: nothing to answer
    with Database.open(db_path) as db:
        assert password.unlock(db)


def test_a_wrong_then_the_right_password_opens_the_encrypted_file(qtbot: Any, db_path: Path) -> None:
    _encrypt(db_path)
    with pytest.raises(cipher.PasswordNeededError):
        Database.open(db_path)
    dialog = _unlock_dialog(qtbot, db_path)
    _type_and_open(qtbot, dialog, "不是这个密码")
    assert "密码不正确，还可以再试 4 次" in dialog.message.text()
    assert not dialog.open_button.isEnabled()  # the wait after a wrong try
    keep_shot(dialog, "unlock_wrong.png")
    qtbot.waitUntil(dialog.open_button.isEnabled, timeout=3000)
    _type_and_open(qtbot, dialog, PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with Database.open(db_path, lock=True) as db:  # the key is remembered: no second question
        assert access.is_encrypted(db)


def test_the_wait_grows_and_five_wrong_tries_give_up(qtbot: Any, db_path: Path) -> None:
    _encrypt(db_path)
    dialog = _unlock_dialog(qtbot, db_path)
    waits = []
    for attempt in range(1, 6):
        qtbot.waitUntil(dialog.open_button.isEnabled, timeout=5000)
        _type_and_open(qtbot, dialog, f"错的密码{attempt}")
        waits.append(dialog._delay(attempt))
    assert waits == sorted(waits) and dialog.failed
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert cipher.known_key(db_path) is None


def test_the_real_wait_doubles_after_each_wrong_try(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cipher.DELAY_SCALE_ENV, raising=False)
    assert [cipher.wrong_try_delay(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]


def test_settings_box_encrypts_changes_and_decrypts(
    qtbot: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(dialogs, "show_info", lambda *args, **kwargs: None)
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kwargs: False)
    db = Database.open(db_path, "甲", lock=True)
    try:
        box = PasswordBox(db)
        qtbot.addWidget(box)
        box.resize(900, 260)
        box.show()
        assert box.set_button.text() == "设置密码…" and not box.recovery_button.isVisibleTo(box)
        explain = box.explain.text()
        assert "没有密码谁也打不开" in explain and "程序开着时离开电脑" in explain
        assert "无法找回" in explain and "恢复密钥" in explain

        dialog = PasswordDialog(db, box)
        qtbot.addWidget(dialog)
        dialog.new.setText("abc12")
        dialog.again.setText("abc12")
        dialog.apply()
        assert "至少6个字符" in dialog.problem.text() and not access.is_protected(db)
        dialog.new.setText(PASSWORD)
        dialog.again.setText("环保2027年")
        dialog.apply()
        assert "不一样" in dialog.problem.text()
        dialog.again.setText(PASSWORD)
        dialog.apply()  # the conversion runs on a worker thread; apply waits for it
        assert dialog.result() == QDialog.DialogCode.Accepted and access.is_encrypted(db)
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            sqlite3.connect(db_path).execute("SELECT count(*) FROM settings").fetchone()
        backup = backups.create_backup(db, tmp_path / "bk")  # the open db goes on working, encrypted
        assert not backup.read_bytes().startswith(cipher.SQLITE_HEADER)

        box.refresh()
        assert "已加密" in box.state.text() and box.recovery_button.isVisibleTo(box)
        keep_shot(box, "password_box_encrypted.png")
        monkeypatch.setattr(dialogs, "ask_save_file", lambda *args, **kwargs: tmp_path / "恢复密钥.txt")
        written = box.write_recovery_key()
        assert written is not None
        code = next(
            line for line in written.read_text(encoding="utf-8").splitlines() if line.startswith("EK-")
        )

        remove = PasswordDialog(db, box, remove=True)
        qtbot.addWidget(remove)
        remove.current.setText("错的密码啊")
        remove.apply()
        assert "原密码" in remove.problem.text() and access.is_encrypted(db)
        remove.current.setText(code)  # the recovery key stands for a forgotten password
        remove.apply()
        assert not access.is_protected(db)
        assert db_path.read_bytes().startswith(cipher.SQLITE_HEADER)
    finally:
        db.close()


def test_restore_asks_for_a_backup_made_under_another_password(
    qtbot: Any, db_path: Path, tmp_path: Path
) -> None:
    with Database.open(db_path, "甲", lock=True) as db:
        access.set_password(db, "当时的密码1")
        old = backups.create_backup(db, tmp_path / "bk")
        access.set_password(db, PASSWORD, current="当时的密码1")
        assert password.backup_key(None, backups.create_backup(db, tmp_path / "bk")) == (True, None)
        salt = backups.backup_salt_needing_password(old)
    assert salt is not None
    answers = iter(["不对的密码", "当时的密码1"])
    asked: list[str] = []

    def answer() -> None:
        """The clerk types into the open dialog: first a wrong password, then the backup's."""
        dialog = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, UnlockDialog) and w.isVisible()
        )
        dialog.password.setText(next(answers))
        dialog.try_password()
        asked.append(dialog.message.text())
        if dialog.isVisible():
            QTimer.singleShot(50, answer)

    QTimer.singleShot(100, answer)
    go_on, key = password.backup_key(None, old, delay=lambda tries: 0.0)
    assert go_on and key is not None
    assert "密码不正确" in asked[0]
    assert backups.verify_backup_file(old, key)


def test_opening_an_encrypted_file_asks_until_the_right_password(qtbot: Any, db_path: Path) -> None:
    """What the start and 打开其他数据文件 do before ``Database.open``: the modal question."""
    _encrypt(db_path)
    answers = iter(["不是这个密码", PASSWORD])
    shown: list[str] = []

    def answer() -> None:
        dialog = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, UnlockDialog) and w.isVisible()
        )
        dialog.password.setText(next(answers))
        dialog.try_password()
        shown.append(dialog.message.text())
        if dialog.isVisible():
            QTimer.singleShot(50, answer)

    QTimer.singleShot(100, answer)
    assert password.ensure_key(db_path, delay=lambda tries: 0.0)
    assert "密码不正确" in shown[0]
    assert password.ensure_key(db_path)  # known now: no second question
    with Database.open(db_path, "甲", lock=True) as db:
        assert access.is_encrypted(db) and db.integrity_errors() == []
