"""从备份恢复 of a take-away zip runs on a worker thread with a progress dialog, as the backup does: the
screen keeps answering while the data and the attachments are put back, and a bad file ends in a
Chinese message with the old data open again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog

from ecodesk.db import Database, backups
from ecodesk.paths import attachments_dir
from ecodesk.services import records
from ecodesk.services import settings as data_settings
from ecodesk.services.org import HOUSEHOLDS
from ui.common import dialogs
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, village_db: Database) -> MainWindow:
    data_settings.save(village_db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    win = MainWindow(village_db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    # The start-up quick check reads the file 1.5 s after it opens: let it finish, as it has long
    # before a clerk gets to 从备份恢复, so it does not read the file being replaced.
    qtbot.waitUntil(lambda: win.check_thread is not None, timeout=10_000)
    win.check_thread.join(10)
    return win


@pytest.fixture(autouse=True)
def _no_unanswered_message(monkeypatch) -> None:
    """A message box nobody answers would hang the test: fail instead."""

    def refuse(*args: object, **kwargs: object) -> bool:
        raise AssertionError(f"unexpected question or error: {args[1:2]}")

    monkeypatch.setattr(dialogs, "confirm", refuse)
    monkeypatch.setattr(dialogs, "show_error", refuse)


def watch_progress(window: MainWindow) -> list[tuple[str, bool]]:
    """What the screen showed while the event loop ran: the progress dialog's text, and whether the
    window was repainting (it must not, while its data file is being replaced)."""
    seen: list[tuple[str, bool]] = []
    timer = QTimer(window)
    timer.setInterval(0)

    def look() -> None:
        for dialog in window.findChildren(QProgressDialog):
            if dialog.windowTitle() == "正在从备份恢复":
                seen.append((dialog.labelText(), window.updatesEnabled()))

    timer.timeout.connect(look)
    timer.start()
    return seen


def test_restoring_a_take_away_zip_keeps_the_screen_alive(
    qtbot, monkeypatch, window: MainWindow, tmp_path: Path
) -> None:
    db = window.db
    files = attachments_dir(db.path)
    photos = []
    for n in range(30):  # stored as the program stores them: named by their SHA-256
        content = b"\xff\xd8" + n.to_bytes(2, "big") + bytes(200_000)
        digest = hashlib.sha256(content).hexdigest()
        photo = files / digest[:2] / f"{digest}.jpg"
        photo.parent.mkdir(parents=True, exist_ok=True)
        photo.write_bytes(content)
        photos.append(photo)
    records.create(db, HOUSEHOLDS, {"village": "东沟村", "head_name": "备份前的户"})
    stick = tmp_path / "U盘"
    stick.mkdir()
    zipped = backups.create_takeaway(db, stick)
    before = len(records.list_ids(db, HOUSEHOLDS))
    records.soft_delete(db, HOUSEHOLDS, records.list_ids(db, HOUSEHOLDS))
    for photo in photos:
        photo.unlink()

    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": infos.append(title))
    seen = watch_progress(window)
    assert window.restore_file(zipped)

    assert infos == ["恢复完成"]
    assert seen, "the event loop never ran while restoring: the GUI thread was blocked"
    assert all(not repainting for _text, repainting in seen)  # no page read the file being replaced
    assert window.updatesEnabled()
    assert len(records.list_ids(window.db, HOUSEHOLDS)) == before
    assert all(photo.is_file() for photo in photos)  # the attachments are back
    window.db.close()


def test_a_bad_zip_says_why_and_the_old_data_stays_open(
    qtbot, monkeypatch, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "损坏.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    count = len(records.list_ids(window.db, HOUSEHOLDS))
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": errors.append(text))
    assert not window.restore_file(bad)
    assert len(errors) == 1 and "Traceback" not in errors[0]
    assert window.updatesEnabled()
    assert len(records.list_ids(window.db, HOUSEHOLDS)) == count  # the same data, open again
    window.db.close()
