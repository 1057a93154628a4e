"""工作台 page: the tiles show the service's numbers, and a click opens the filtered list behind one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import settings as data_settings
from tests.core.helpers import build_dashboard_town
from ui.dashboard.page import DashboardPage
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def town_db(db: Database) -> Database:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_dashboard_town(db, dates.today())
    return db


def test_tiles_show_the_numbers(qtbot, town_db: Database) -> None:
    page = DashboardPage(town_db)
    qtbot.addWidget(page)
    tiles = page.tiles
    assert tiles["patrols"].value.text() == "3 次"
    assert tiles["patrols"].detail.text() == "2/3 个村（社区）已报送巡查记录"
    assert (tiles["silent"].value.text(), tiles["silent"].detail.text()) == ("1 个", "南坡村")
    assert tiles["overdue"].value.text() == "1 个" and "1 个3天内到期" in tiles["overdue"].detail.text()
    assert tiles["fires"].value.text() == "2 处"
    assert (
        tiles["coverage"].value.text() == "75.0%" and "已签 3 / 应签 4 份" in tiles["coverage"].detail.text()
    )
    assert tiles["due"].value.text() == "2 项" and "东沟村：禁烧工作方案" in tiles["due"].detail.text()
    assert page.fire_chart.series[0][2][-1] == 2 and len(page.problem_chart.series) == 2
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    assert not page.grab().isNull()  # the charts paint without error


def test_a_tile_click_opens_the_filtered_list(qtbot, town_db: Database) -> None:
    window = MainWindow(town_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.current_key() == "dashboard"  # the first page at start
    dash = window.pages["dashboard"]
    assert isinstance(dash, DashboardPage)

    qtbot.mouseClick(dash.tiles["overdue"], Qt.MouseButton.LeftButton)
    assert window.current_key() == "problems"
    problems = window.pages["problems"]
    assert problems.model.rowCount() == 1 and problems.chips.current() == "已超期"
    assert "河道" in " ".join(
        problems.model.data(problems.model.index(0, c)) or "" for c in range(problems.model.columnCount())
    )

    window.show_page("dashboard")
    dash.tiles["fires"].setFocus()
    qtbot.keyClick(dash.tiles["fires"], Qt.Key.Key_Return)  # keyboard works too
    assert window.current_key() == "patrols"
    patrols = window.pages["patrols"]
    fire_page = patrols.fire_page
    assert fire_page is not None and patrols.tabs.currentWidget().isAncestorOf(fire_page)
    assert fire_page.model.rowCount() == 2
    today = dates.today()
    assert fire_page.filter_bar.date_from.parsed_date() == today.replace(day=1)
    assert fire_page.filter_bar.date_to.parsed_date() == today

    window.show_page("dashboard")
    qtbot.mouseClick(dash.tiles["patrols"], Qt.MouseButton.LeftButton)
    assert patrols.tabs.currentIndex() == 0 and patrols.patrol_page.model.rowCount() == 3

    window.show_page("dashboard")
    qtbot.mouseClick(dash.tiles["coverage"], Qt.MouseButton.LeftButton)
    letters = window.pages["letters"]
    assert window.current_key() == "letters" and letters.tabs.tabText(letters.tabs.currentIndex()) == "签订率"


def test_a_target_with_a_status_on_a_chip_page(qtbot, town_db: Database) -> None:
    from ecodesk.services.dashboard import Target
    from ecodesk.services.records import ListFilter
    from ui.shell.navigation import open_target

    window = MainWindow(town_db)
    qtbot.addWidget(window)
    window.show()
    problems_page = open_target(
        window.pages["dashboard"], Target("problems", "problems", ListFilter(status="待整改"))
    )
    assert problems_page is window.pages["problems"]
    assert (
        problems_page.filter_bar.status.currentData() == "待整改"
        and problems_page.chips.current() == "待整改"
    )
    assert problems_page.model.rowCount() == 1
