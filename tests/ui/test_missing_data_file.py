"""The data file used last time is not there at start-up: the clerk chooses, nothing is created.

The real dialog, offscreen: it names the file, 重试 waits for the file to come back (a USB stick
plugged in), 选择数据文件… opens the file where it is now, 新建数据文件… goes to the first-start
wizard, which will not create the new file at the missing file's place; 退出 quits.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget, QWizard

from tests.ui.helpers import keep_shot
from ui.common import dialogs, machine_settings
from ui.shell import app
from ui.shell.missing_data_file import MissingDataFileDialog
from ui.shell.wizard import FirstStartWizard

pytestmark = pytest.mark.gui


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    return shown


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None], seen: list[QWidget]) -> None:
    """Run ``act`` on the modal ``kind`` once it is up (the start blocks in its exec())."""

    def poll() -> None:
        shown = QApplication.activeModalWidget()
        if isinstance(shown, kind) and shown.isVisible():
            seen.append(shown)
            act(shown)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


@pytest.fixture
def on_usb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path) -> tuple[Path, Path]:
    """The remembered data file on a "USB stick" that is not plugged in; where the file waits."""
    monkeypatch.delenv("ECODESK_DB", raising=False)
    stick = tmp_path / "U盘" / "EcoDesk" / "ecodesk.db"
    stick.parent.mkdir(parents=True)
    shutil.copyfile(db_path, stick)
    machine_settings.set_last_db_path(stick)
    aside = tmp_path / "拔下的U盘.db"
    stick.rename(aside)
    return stick, aside


def start() -> object:
    return app.start(argparse.Namespace(db=None, operator="王晓燕"))


def test_retry_opens_the_file_once_the_stick_is_back(qtbot, on_usb: tuple[Path, Path], messages) -> None:
    stick, aside = on_usb
    seen: list[QWidget] = []
    still_missing: list[bool] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, MissingDataFileDialog)
        keep_shot(dialog, "missing_data_file.png")
        assert dialog.retry_button is not None
        dialog.retry_button.click()  # not plugged in yet: the dialog stays and says so
        still_missing.append(dialog.isVisible() and dialog.still_missing.isVisible())
        keep_shot(dialog, "missing_data_file_still.png")
        aside.rename(stick)  # the stick is plugged in
        dialog.retry_button.click()

    when_shown(MissingDataFileDialog, answer, seen)
    started = start()
    assert started is not None
    db, _demo = started  # type: ignore[misc]
    try:
        assert db.path == stick.resolve()
    finally:
        db.close()
    assert len(seen) == 1 and still_missing == [True]
    texts = " ".join(label.text() for label in seen[0].findChildren(type(seen[0].still_missing)))
    assert f"找不到上次使用的数据文件：{stick}" in texts
    assert messages == []


def test_choose_opens_the_file_where_it_is_now(
    qtbot, monkeypatch: pytest.MonkeyPatch, on_usb: tuple[Path, Path], messages
) -> None:
    """The stick came back as F: instead of E: — the clerk picks the file there."""
    stick, aside = on_usb
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **kw: aside)
    seen: list[QWidget] = []
    when_shown(MissingDataFileDialog, lambda dialog: dialog.choose_button.click(), seen)  # type: ignore[attr-defined]
    started = start()
    assert started is not None
    db, _demo = started  # type: ignore[misc]
    try:
        assert db.path == aside.resolve()
    finally:
        db.close()
    assert len(seen) == 1
    assert not stick.exists()
    assert machine_settings.last_db_path() == aside.resolve()


def test_quit_creates_nothing(qtbot, on_usb: tuple[Path, Path], messages) -> None:
    stick, _aside = on_usb
    seen: list[QWidget] = []
    when_shown(MissingDataFileDialog, lambda dialog: dialog.quit_button.click(), seen)  # type: ignore[attr-defined]
    assert start() is None
    assert len(seen) == 1
    assert list(stick.parent.iterdir()) == []  # no file, journal or lock file
    assert machine_settings.last_db_path() == stick  # still remembered for when the stick is back


def test_new_goes_to_the_wizard_which_does_not_create_at_the_missing_place(
    qtbot, tmp_path: Path, on_usb: tuple[Path, Path], messages: list[str]
) -> None:
    stick, _aside = on_usb
    elsewhere = tmp_path / "新的数据"
    wizards: list[QWidget] = []

    def fill_wizard(wizard: QWidget) -> None:
        assert isinstance(wizard, FirstStartWizard)
        page = wizard.folder_page
        assert str(stick) in page.findChild(QLabel, "wizard_avoid").text()
        page.folder.setText(str(stick.parent))  # the missing file's own folder: refused
        assert "不能在这里新建" in page.note.text()
        keep_shot(wizard, "missing_then_new_wizard.png")
        wizard.next()
        assert wizard.currentPage() is page
        page.folder.setText(str(elsewhere))
        wizard.next()
        wizard.town_page.town.setText("清河镇")
        wizard.town_page.operator.setText("王晓燕")
        wizard.button(QWizard.WizardButton.FinishButton).click()

    def choose_new(dialog: QWidget) -> None:
        when_shown(FirstStartWizard, fill_wizard, wizards)
        dialog.new_button.click()  # type: ignore[attr-defined]

    seen: list[QWidget] = []
    when_shown(MissingDataFileDialog, choose_new, seen)
    started = start()
    assert started is not None
    db, _demo = started  # type: ignore[misc]
    try:
        assert db.path == (elsewhere / "ecodesk.db").resolve()
    finally:
        db.close()
    assert len(seen) == 1 and len(wizards) == 1
    assert messages and messages[0].startswith("请换一个文件夹|") and str(stick) in messages[0]
    assert list(stick.parent.iterdir()) == []  # nothing at the missing file's place
