"""Starting EcoDesk again on the open data file brings the open window forward instead of an error.

Two real local endpoints in one process, offscreen: the running window's server (as ``main`` sets it
up) and the second start's ``app.main`` — which must answer 0 without opening the file (the file
lock would otherwise make it show "数据文件正在使用").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QWidget

from ecodesk.db import Database
from ecodesk.services import settings as data_settings
from ui.common import dialogs
from ui.shell import app, single_instance
from ui.shell.main_window import MainWindow
from ui.shell.operator_dialog import OperatorDialog
from ui.shell.single_instance import RunningInstance, bring_running_to_front, raise_window, server_name

pytestmark = pytest.mark.gui


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(f"{title}|{text}"))
    return shown


@pytest.fixture
def second_start(monkeypatch: pytest.MonkeyPatch):
    """``app.main`` as a second start would run it, minus what would outlive the test in this
    process (a log handler on the root logger, the program's font, the excepthook)."""
    monkeypatch.delenv("ECODESK_DB", raising=False)
    monkeypatch.setattr(app, "setup_logging", lambda folder=None: None)
    monkeypatch.setattr(app, "apply_ui_font", lambda qt_app: None)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    return lambda db_path: app.main(["--db", str(db_path)])


def test_a_second_start_brings_the_open_window_forward(
    qtbot, db_path: Path, messages: list[str], second_start
) -> None:
    holder = Database.open(db_path, "王晓燕", lock=True)  # the first EcoDesk, with its window
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    raised: list[bool] = []

    def activate() -> None:
        raised.append(True)
        raise_window(window)

    running = RunningInstance(activate)
    try:
        assert running.follow(holder.path)
        assert second_start(db_path) == 0
    finally:
        running.server.close()
        holder.close()
    assert raised == [True]
    assert not window.isMinimized() and window.isVisible()
    assert messages == []  # never reached the file lock's "数据文件正在使用"


def test_a_first_start_that_does_not_answer_falls_back_to_the_lock_message(
    qtbot, monkeypatch: pytest.MonkeyPatch, db_path: Path, messages: list[str], second_start
) -> None:
    """A hung first EcoDesk accepts the connection and never answers: the second start does not wait
    longer than the timeout and says what it always said."""
    monkeypatch.setattr(single_instance, "ANSWER_MS", 300)
    holder = Database.open(db_path, "王晓燕", lock=True)
    hung = QLocalServer()
    assert hung.listen(server_name(db_path))
    began = time.monotonic()
    try:
        assert second_start(db_path) == 1
    finally:
        hung.close()
        holder.close()
    assert time.monotonic() - began < 3
    assert messages and messages[0].startswith("数据文件正在使用|") and "另一个 EcoDesk" in messages[0]


def test_another_data_file_is_not_the_open_window(qtbot, tmp_path: Path, db_path: Path) -> None:
    """Two data files may be open at once (each has its own lock), so each has its own name."""
    other = tmp_path / "其他" / "ecodesk.db"
    assert server_name(db_path) != server_name(other)
    assert server_name(db_path) == server_name(db_path.parent / "." / db_path.name)
    raised: list[bool] = []
    running = RunningInstance(lambda: raised.append(True))
    try:
        assert running.follow(db_path)
        assert not bring_running_to_front(other, timeout_ms=300)
    finally:
        running.server.close()
    assert raised == []


def test_the_window_answers_for_the_file_it_has_now(
    qtbot, village_db: Database, tmp_path: Path, _template_db: Path
) -> None:
    """After 文件 → 打开其他数据文件 a start on the new file reaches the window, one on the old file does not."""
    first_path = village_db.path
    window = MainWindow(village_db)
    qtbot.addWidget(window)
    window.show()
    running = RunningInstance()
    app._answer_later_starts(window, running)
    assert bring_running_to_front(first_path, timeout_ms=2000)
    other = tmp_path / "另一个" / "ecodesk.db"
    other.parent.mkdir()
    other.write_bytes(_template_db.read_bytes())
    assert window.open_file(other, fresh=False)
    try:
        assert running.path == other.resolve()
        assert bring_running_to_front(other, timeout_ms=2000)
        assert not bring_running_to_front(first_path, timeout_ms=300)
    finally:
        running.server.close()
        window.db.close()


def test_a_start_still_asking_for_the_operator_answers_already(
    qtbot, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    """A double-click while the first start asks who is working: the second start reaches the first
    (its question comes forward) instead of running into the lock."""
    with Database.open(db_path, "测试") as db:
        data_settings.save(db, operators=["王晓燕", "李军"])
    monkeypatch.delenv("ECODESK_DB", raising=False)
    answered: list[bool] = []

    def ask_operator(cls, parent, known, last=""):  # the clerk double-clicks the icon meanwhile
        answered.append(bring_running_to_front(db_path, timeout_ms=2000))
        return "王晓燕"

    monkeypatch.setattr(OperatorDialog, "ask", classmethod(ask_operator))
    running = RunningInstance()
    try:
        started = app.start(argparse.Namespace(db=db_path, operator=None), on_open=running.follow)
        assert started is not None
        started[0].close()
    finally:
        running.server.close()
    assert answered == [True]
