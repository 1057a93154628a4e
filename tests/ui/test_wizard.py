"""The first-start wizard: driven with the keyboard, it creates the data file and stores the answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWizard

from ecodesk.paths import DB_FILENAME
from ecodesk.services import settings as data_settings
from tests.ui.helpers import type_text
from ui.common import machine_settings
from ui.shell.wizard import FirstStartWizard, WizardResult, setup_data

pytestmark = pytest.mark.gui


def test_wizard_fills_and_saves(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "我的数据"
    wizard = FirstStartWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)

    page1 = wizard.folder_page
    page1.folder.clear()
    type_text(qtbot, page1.folder, str(folder))
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentPage() is wizard.town_page
    assert folder.is_dir()  # validated (created) before moving on

    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # town and operator are required
    type_text(qtbot, wizard.town_page.town, "清河镇")
    assert not finish.isEnabled()
    type_text(qtbot, wizard.town_page.operator, "王晓燕")
    assert finish.isEnabled()
    assert not wizard.town_page.demo.isChecked()
    with qtbot.waitSignal(wizard.accepted):
        finish.click()

    result = wizard.result_values()
    assert result == WizardResult(folder=folder, town="清河镇", operator="王晓燕", demo=False)

    db = setup_data(result)
    try:
        assert db.path == (folder / DB_FILENAME).resolve()
        stored = data_settings.load(db)
        assert stored.town_name == "清河镇"
        assert stored.operators == ["王晓燕"]
        assert stored.printing_organ == "清河镇党政综合办公室"
        assert [o["prefix"] for o in stored.organs] == ["清镇政字", "清镇环办"]
        assert db.operator == "王晓燕"
        assert machine_settings.last_db_path() == db.path
    finally:
        db.close()


def test_ask_returns_none_when_cancelled(qtbot) -> None:
    def cancel() -> None:
        for widget in qtbot_app_top_levels():
            if isinstance(widget, FirstStartWizard):
                widget.reject()

    QTimer.singleShot(0, cancel)
    assert FirstStartWizard.ask(None) is None


def qtbot_app_top_levels():
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()


def test_existing_file_keeps_its_town(qtbot, tmp_path: Path) -> None:
    first = setup_data(WizardResult(tmp_path, "清河镇", "王晓燕", False))
    first.close()
    again = setup_data(WizardResult(tmp_path, "别的镇", "李明", False))
    try:
        stored = data_settings.load(again)
        assert stored.town_name == "清河镇"
        assert stored.operators == ["王晓燕", "李明"]
    finally:
        again.close()


def test_load_demo_reports_a_missing_generator(qtbot, monkeypatch, db) -> None:
    import sys

    from ui.common import dialogs
    from ui.shell.wizard import load_demo

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(text))
    monkeypatch.setitem(sys.modules, "ecodesk.demo", None)  # as if the component were missing
    handle = load_demo(None, db)
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [False]
    assert "演示数据组件" in shown[0]


def test_load_demo_runs_the_generator(qtbot, monkeypatch, db) -> None:
    import sys
    import types

    from ui.common import dialogs
    from ui.common.changes import changes
    from ui.shell.wizard import load_demo

    calls: list[tuple] = []
    fake = types.ModuleType("ecodesk.demo")
    fake.generate = lambda db, scale="small", seed=2024, job=None: (
        calls.append((scale, job is not None)) or "已生成演示数据"
    )
    monkeypatch.setitem(sys.modules, "ecodesk.demo", fake)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    handle = load_demo(None, db)
    with qtbot.waitSignal(changes().everything_changed, timeout=5000):
        pass
    qtbot.waitUntil(lambda: bool(shown))
    assert calls == [("town", True)]
    assert shown == ["已生成演示数据"]
    assert handle.result == "已生成演示数据"
