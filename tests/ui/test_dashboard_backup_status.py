"""The 工作台's automatic-backup line (issue 20, point 3): the newest backup's age and folder, in red
when the last automatic backup failed (and where it went instead) or the PC's clock is earlier than
the newest backup. The failures are simulated: the backup folder set in 设置 does not exist (the
USB stick is not plugged in), the clock is set back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ecodesk import dates
from ecodesk.db import Database, backups
from ecodesk.paths import backups_dir
from ecodesk.services import settings as data_settings
from tests.core.helpers import build_dashboard_town
from tests.ui.helpers import keep_shot
from ui.dashboard.page import TONE, DashboardPage
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

NOW = datetime(2026, 12, 6, 8, 30)


@pytest.fixture
def town_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(dates, "now", lambda: NOW)
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_dashboard_town(db, dates.today())
    return db


def _page(qtbot, db: Database) -> DashboardPage:
    page = DashboardPage(db)
    qtbot.addWidget(page)
    return page


def test_the_line_gives_the_newest_backups_age_and_folder(
    qtbot, town_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "now", lambda: NOW - timedelta(days=3))
    backups.maybe_auto_backup(town_db)
    monkeypatch.setattr(dates, "now", lambda: NOW - timedelta(hours=5))
    backups.create_backup(town_db)  # the clerk's own, five hours ago
    monkeypatch.setattr(dates, "now", lambda: NOW)

    page = _page(qtbot, town_db)
    line = page.backup_status
    assert line.text() == f"自动备份：最近一次 5 小时前（{backups_dir(town_db.path)}）"
    assert TONE["red"] not in line.styleSheet()
    assert "自动备份" in line.toolTip()


def test_a_failed_automatic_backup_shows_in_red_with_where_it_went(
    qtbot, town_db: Database, tmp_path: Path
) -> None:
    stick = tmp_path / "E盘" / "环保办备份"
    data_settings.save(town_db, backup_dir=str(stick))
    backups.maybe_auto_backup(town_db)  # as the program does on opening the file

    window = MainWindow(town_db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.findChild(DashboardPage)
    assert page is not None
    line = page.backup_status
    assert line.text() == (
        f"自动备份失败：找不到备份文件夹 {stick}（U 盘没有插好，或文件夹已改名、删除？），"
        f"已改存到默认文件夹 {backups_dir(town_db.path)}"
    )
    assert TONE["red"] in line.styleSheet() and line.isVisible()
    assert line.geometry().bottom() < page.tiles["patrols"].geometry().top()  # above the tiles, not cut off
    keep_shot(window, "dashboard_backup_failed_1366.png")


def test_a_clock_earlier_than_the_newest_backup_is_pointed_out(
    qtbot, town_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups.maybe_auto_backup(town_db)
    monkeypatch.setattr(dates, "now", lambda: datetime(2020, 1, 1, 0, 5))  # a flat CMOS battery

    page = _page(qtbot, town_db)
    line = page.backup_status
    assert line.text() == (
        f"自动备份：最近一次 2026年12月6日 08:30（{backups_dir(town_db.path)}）。"
        "电脑时间早于最近一次备份的时间，请检查日期"
    )
    assert TONE["red"] in line.styleSheet()

    monkeypatch.setattr(dates, "now", lambda: NOW + timedelta(minutes=1))  # the date put right, F5
    page.refresh()
    assert line.text() == f"自动备份：最近一次 1 分钟前（{backups_dir(town_db.path)}）"


def test_a_window_left_open_backs_up_when_due_and_the_line_follows(
    qtbot, town_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups.maybe_auto_backup(town_db)  # as the program does on opening the file
    window = MainWindow(town_db)
    qtbot.addWidget(window)
    window.show()
    page = window.findChild(DashboardPage)
    assert page is not None
    assert window.backup_timer.isActive() and window.backup_timer.interval() == 30 * 60 * 1000
    assert window.auto_backup() is None  # not due yet

    monkeypatch.setattr(dates, "now", lambda: NOW + timedelta(hours=13))  # left open overnight
    page.refresh()
    assert page.backup_status.text().endswith("，已超过 12 小时没有备份")
    made = window.auto_backup()  # the timer's next look
    assert made is not None and made.parent == backups_dir(town_db.path)
    assert page.backup_status.text() == f"自动备份：最近一次 刚刚（{backups_dir(town_db.path)}）"
