"""工作台 指标预警: the tile counts the 目标指标 有风险 or 未达标 this year as the service does, names
them, and a click opens the 目标 page at this year with the first of them selected."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import dashboard, targets
from ecodesk.services import settings as data_settings
from ecodesk.services.targets import AirMonth
from tests.core.helpers import build_dashboard_town
from ui.common import operations
from ui.common.changes import Area
from ui.dashboard.page import DashboardPage
from ui.shell.main_window import MainWindow
from ui.targets.model import STATUS
from ui.targets.page import TargetsPage

pytestmark = pytest.mark.gui

TODAY = date(2026, 6, 15)


@pytest.fixture
def town_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Two satellite fire points this month (target 0: 未达标) and a PM2.5 over 34 (有风险)."""
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_dashboard_town(db, TODAY)
    targets.set_air_month(db, AirMonth(2026, 1, 52.0, 90.0, 18, 31))
    return db


def test_the_tile_counts_what_the_service_says(qtbot: Any, town_db: Database) -> None:
    risky = targets.at_risk(town_db, 2026)
    statuses = {r.indicator.name: r.status for r in risky}
    assert statuses.get("PM2.5年均浓度") == targets.AT_RISK and len(risky) >= 1
    page = DashboardPage(town_db)
    qtbot.addWidget(page)
    tile = page.tiles["indicators"]
    assert tile.value.text() == f"{len(risky)} 项"
    assert "PM2.5年均浓度（有风险）" in tile.detail.text()
    assert dashboard.load(town_db).indicators_at_risk == tuple((r.indicator.name, r.status) for r in risky)
    missed = sum(1 for r in risky if r.status == targets.MISSED)
    assert f"未达标 {missed} 项" in tile.toolTip()


def test_a_year_without_risk_says_so_in_green(
    qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_dashboard_town(db, TODAY)
    for name in [r.indicator.name for r in targets.at_risk(db, 2026)]:
        targets.set_target(db, targets.find_indicator(db, name, 2026).id, 2026, None)  # no target: no risk
    page = DashboardPage(db)
    qtbot.addWidget(page)
    tile = page.tiles["indicators"]
    assert tile.value.text() == "0 项" and tile.detail.text() == "2026年各项指标暂无风险"
    assert "#1b5e20" in tile.value.styleSheet()


def test_clicking_the_tile_opens_the_targets_page(qtbot: Any, town_db: Database) -> None:
    window = MainWindow(town_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dash = window.pages["dashboard"]
    assert isinstance(dash, DashboardPage)
    qtbot.mouseClick(dash.tiles["indicators"], Qt.MouseButton.LeftButton)
    assert window.current_key() == "targets"
    page = window.pages["targets"]
    assert isinstance(page, TargetsPage) and page.current_year() == 2026
    selected = page.selected_row()
    assert selected is not None and selected.status in (targets.AT_RISK, targets.MISSED)
    assert page.grid.currentIndex().column() == STATUS


def test_the_tile_follows_a_change_on_the_targets_page(qtbot: Any, town_db: Database) -> None:
    window = MainWindow(town_db)
    qtbot.addWidget(window)
    window.show()
    dash = window.pages["dashboard"]
    before = len(targets.at_risk(town_db, 2026))
    pm = targets.find_indicator(town_db, "PM2.5年均浓度", 2026)
    operations.write(window, lambda: targets.set_target(town_db, pm.id, 2026, None), [Area.TARGETS])
    with qtbot.waitSignal(dash.loaded, timeout=5_000):
        window.show_page("dashboard")
    assert dash.tiles["indicators"].value.text() == f"{before - 1} 项"
