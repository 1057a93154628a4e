"""The main window: every module opens without a Qt warning; 基础信息 lists the records."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from ecodesk.db import Database, backups
from ecodesk.services import records
from ecodesk.services import settings as data_settings
from ecodesk.services.lookups import village_choices
from ecodesk.services.org import HOUSEHOLDS
from tests.ui.helpers import keep_shot, type_text
from ui.common import dialogs, machine_settings, operations
from ui.org.page import OrgPage
from ui.settings.page import SettingsPage
from ui.settings.rename_dialog import RenameTownDialog
from ui.shell import backup_dialog
from ui.shell.main_window import NAV_ITEMS, PAGE_FACTORIES, MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, village_db: Database) -> MainWindow:
    data_settings.save(village_db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    win = MainWindow(village_db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_every_nav_item_opens_its_page(window: MainWindow) -> None:
    assert "清河镇" in window.windowTitle()
    assert str(window.db.path) in window.path_label.text()
    assert "测试员" in window.operator_label.text()
    for row, (key, label) in enumerate(NAV_ITEMS):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[key]
        assert window.nav.currentItem().text() == label
    assert set(PAGE_FACTORIES) == {key for key, _ in NAV_ITEMS}  # every module has its page, none a stand-in
    assert type(window.pages["dashboard"]).__name__ == "DashboardPage"
    assert type(window.pages["appraisal"]).__name__ == "AppraisalPage"
    assert isinstance(window.pages["org"], OrgPage)
    assert isinstance(window.pages["settings"], SettingsPage)
    assert type(window.pages["documents"]).__name__ == "DocumentsPage"
    assert type(window.pages["letters"]).__name__ == "LettersPage"
    assert type(window.pages["patrols"]).__name__ == "PatrolsPage"
    assert type(window.pages["campaigns"]).__name__ == "CampaignsPage"
    for key, name in (
        ("problems", "ProblemsPage"),
        ("ledgers", "LedgersPage"),
        ("complaints", "ComplaintsPage"),
    ):
        assert type(window.pages[key]).__name__ == name
    assert machine_settings.last_page() == "settings"


def test_org_page_shows_households_with_count(qtbot, window: MainWindow) -> None:
    org = window.show_page("org")
    assert isinstance(org, OrgPage)
    page = org.show_kind("households")
    assert page.model.rowCount() == 5
    assert page.count_label.text() == "共 5 条"
    assert window.count_label.text() == "当前列表 5 条"
    org.show_kind("units")
    assert window.count_label.text() == "当前列表 2 条"

    org.show_kind("households")
    with qtbot.waitSignal(page.model.modelReset, timeout=2000):
        type_text(qtbot, page.filter_bar.text, "秀英")
    assert page.model.rowCount() == 1
    assert window.count_label.text() == "当前列表 1 条"


def test_delete_and_restore_from_the_list(qtbot, monkeypatch, window: MainWindow) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kwargs: True)
    page = window.show_page("org").show_kind("households")
    page.table.selectRow(0)
    record_id = page.selected_ids()[0]
    assert page.detail.record_id == record_id
    page.delete_selected()
    assert page.model.rowCount() == 4
    assert records.count(window.db, HOUSEHOLDS) == 4

    page.filter_bar.show_deleted.setChecked(True)
    assert page.model.rowCount() == 5
    page.select_ids([record_id])
    assert page.restore_button.isEnabled() and not page.edit_button.isEnabled()
    page.restore_selected()
    assert records.count(window.db, HOUSEHOLDS) == 5
    actions = [e.action for e in records.history(window.db, HOUSEHOLDS, record_id)]
    assert actions[:2] == ["restore", "delete"]


def test_add_from_list_uses_the_dialog(monkeypatch, window: MainWindow) -> None:
    from ui.records.form import RecordDialog

    page = window.show_page("org").show_kind("households")
    village = page.model.index(0, 1).data()

    def fake_ask(parent, db, kind, record_id=None):
        village_id = next(i for i, n in village_choices(db, kind) if n == village)

        made = operations.write(
            parent,
            lambda: records.create(db, kind, {"head_name": "新农户", "village": village_id}),
            [kind],
        )
        return made.id

    monkeypatch.setattr(RecordDialog, "ask", staticmethod(fake_ask))
    page.add_record()
    assert page.model.rowCount() == 6
    assert page.detail.record_id is not None
    assert "新农户" in page.detail.fields_view.toPlainText()


def test_settings_page_saves_and_rejects(qtbot, monkeypatch, window: MainWindow) -> None:
    offered: list[str] = []  # renaming offers to update the texts naming 清河镇 (test_rename_town_ui.py)
    monkeypatch.setattr(RenameTownDialog, "ask", lambda parent, places, old, new: offered.append(old))
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    assert page.town.text() == "清河镇"
    page.town.clear()
    assert page.save() is None
    assert "乡镇名称" in page.problems.text()
    type_text(qtbot, page.town, "清河新镇")
    saved = page.save()
    assert saved is not None and saved.town_name == "清河新镇"
    assert "清河新镇" in window.windowTitle()
    assert offered == ["清河镇"]


def test_window_remembers_geometry_and_page(qtbot, village_db: Database) -> None:
    first = MainWindow(village_db)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.show_page("org")
    first.resize(700, 500)  # the offscreen screen is 800×600
    first.close()
    second = MainWindow(village_db)
    qtbot.addWidget(second)
    assert second.current_key() == "org"
    assert second.size().width() == 700


def test_backup_now_asks_where_and_takes_the_attachments(
    qtbot, monkeypatch, window: MainWindow, tmp_path: Path
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda parent, start: stick)
    handle = window.backup_now()
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == [True]
    assert handle.result.is_file() and handle.result.parent == stick and handle.result.suffix == ".zip"
    assert str(handle.result) in shown[0]
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda parent, start: None)
    assert window.backup_now() is None  # 取消 at the folder question: nothing written
    assert list(stick.iterdir()) == [handle.result]


def test_fresh_file_starts_empty_and_keeps_the_old_one(qtbot, window: MainWindow, tmp_path: Path) -> None:
    old_path = window.db.path
    page = window.show_page("org").show_kind("households")
    assert page.model.rowCount() == 5
    assert window.open_file(tmp_path / "新数据.db", fresh=True)
    assert window.db.path == (tmp_path / "新数据.db").resolve()
    assert data_settings.load(window.db).town_name == "清河镇"
    new_page = window.pages["org"].page("households")
    assert new_page.model.rowCount() == 0
    assert "清河镇" in window.windowTitle()
    assert machine_settings.last_db_path() == window.db.path
    assert window.open_file(old_path, fresh=False)
    assert window.pages["org"].page("households").model.rowCount() == 5
    window.db.close()


def test_restore_from_backup_brings_the_old_data_back(qtbot, monkeypatch, window: MainWindow) -> None:
    from ecodesk.db import backups

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(title))
    made = backups.create_backup(window.db, reason="测试")
    page = window.show_page("org").show_kind("households")
    records.soft_delete(window.db, HOUSEHOLDS, records.list_ids(window.db, HOUSEHOLDS))
    operations.notify([HOUSEHOLDS])
    assert page.model.rowCount() == 0

    assert window.restore_file(made)
    assert shown == ["恢复完成"]
    assert window.pages["org"].page("households").model.rowCount() == 5
    window.db.close()


def test_keyboard_in_the_list(qtbot, monkeypatch, window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    from ui.records.form import RecordDialog

    opened: list[int | None] = []
    monkeypatch.setattr(
        RecordDialog, "ask", staticmethod(lambda parent, db, kind, record_id=None: opened.append(record_id))
    )
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kwargs: True)
    page = window.show_page("org").show_kind("households")
    page.table.selectRow(1)
    record_id = page.selected_ids()[0]
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [record_id]
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 4


# -- a damaged or missing data file --------------------------------------------------------------------


def _overwrite_pages_of(path: Path, table: str) -> None:
    """Random bytes over every page of ``table`` (a failing disk's work): the file still opens."""
    with closing(sqlite3.connect(path)) as conn:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        pages = [int(r[0]) for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))]
    rnd = random.Random(5)
    with open(path, "r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * size)
            fh.write(rnd.randbytes(size))


def test_a_damaged_file_is_met_with_the_offer_to_restore(qtbot, monkeypatch, village_db: Database) -> None:
    """The file opens (the damage is in the households' pages); the window's background check
    finds it and offers the newest good backup at once, and restoring brings the data back."""
    path = village_db.path
    made = backups.create_backup(village_db, reason="测试")
    village_db.close()
    _overwrite_pages_of(path, "households")
    asked: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text, **kw: asked.append(text) or True)
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": told.append(text))
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": told.append(text))
    db = Database.open(path, "测试员", lock=True)
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: bool(told) and "已从备份恢复" in told[-1], timeout=15_000)
    try:
        assert "已损坏" in asked[0] and "找到最近一份完好的备份" in asked[0] and str(made) in asked[0]
        assert "命令行" not in asked[0]  # the window's own words, not the command line's
        assert win.db is not db and win.db.find_damage() is None
        assert records.count(win.db, HOUSEHOLDS) == 5
    finally:
        win.db.close()


def test_opening_a_missing_file_is_refused_and_creates_nothing(
    monkeypatch, window: MainWindow, tmp_path: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(text))
    missing = tmp_path / "拔掉的U盘" / "ecodesk.db"
    assert window.open_file(missing, fresh=False) is False
    assert "找不到数据文件" in shown[0] and str(missing) in shown[0] and "新建空白数据文件" in shown[0]
    assert not missing.parent.exists()
    assert window.db.path != missing


def test_ctrl_digits_switch_modules_and_ctrl_n_adds_at_once(qtbot, monkeypatch, window: MainWindow) -> None:
    """Issue 14, 12: Ctrl+3 shows 问题整改 (the side bar's third item says so); Ctrl+N right after opens
    its 新增 form without a click into the list; the title names the program once."""
    from PySide6.QtCore import Qt

    from ui.records.form import RecordDialog

    assert window.nav.item(1).toolTip() == "巡查日志（Ctrl+2）"
    window.activateWindow()
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "problems"
    assert window.stack.currentWidget() is window.pages["problems"]
    opened: list[str] = []
    monkeypatch.setattr(
        RecordDialog, "ask", classmethod(lambda cls, parent, db, kind, *a: opened.append(kind.name))
    )
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == ["problems"]
    keep_shot(window, "main_ctrl3.png")

    title = window.windowTitle()
    assert title == f"清河镇 — {window.db.path.name} — 乡镇生态环境工作台账"
    # Qt appends the display name (app.py sets it to the program name) unless the title ends with it.
    shown = title if title.endswith("乡镇生态环境工作台账") else f"{title} — 乡镇生态环境工作台账"
    assert shown.count("乡镇生态环境工作台账") == 1
