"""工作台 page: the tiles show the service's numbers, and a click opens the filtered list behind one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import settings as data_settings
from tests.core.helpers import build_dashboard_town
from tests.core.test_dashboard import add_late_work
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
    assert tiles["due"].detail.text().startswith("0 项逾期，2 项本周到期")
    assert page.fire_chart.values()["火点"][-1] == 2 and len(page.problem_chart.values()) == 2
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


@pytest.fixture
def late_db(db: Database) -> tuple[Database, dict[str, int]]:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    ids = build_dashboard_town(db, dates.today())
    return db, add_late_work(db, dates.today(), ids)


def test_the_todo_shows_overdue_work_and_the_tile_counts_it(qtbot, late_db) -> None:
    db, _extra = late_db
    page = DashboardPage(db)
    qtbot.addWidget(page)
    assert page.tiles["due"].value.text() == "4 项"
    assert page.tiles["due"].detail.text().startswith("2 项逾期，2 项本周到期")
    rows = [page.todo.row_texts(r)[1:4] for r in range(page.todo.table.rowCount())]
    assert rows[:4] == [
        ("已逾期 5 天", "报送材料", "东沟村"),
        ("已逾期 5 天", "报送材料", "南坡村"),
        ("已逾期 2 天", "信访举报", "东沟村"),
        ("已逾期 1 天", "问题整改", "东沟村"),
    ]
    assert len(rows) == 8 and page.todo.heading.text().startswith("待办　已逾期 4 项，3天内到期 4 项")
    assert "问题大排查：问题整改清单" in page.todo.row_texts(0)[4]


def test_a_todo_row_opens_its_record(qtbot, late_db) -> None:
    db, extra = late_db
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dash = window.pages["dashboard"]
    assert isinstance(dash, DashboardPage)
    table = dash.todo.table

    # A complaint, by Enter.
    table.setFocus()
    table.setCurrentCell(2, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.current_key() == "complaints"
    complaints = window.pages["complaints"]
    from ecodesk.services.complaints import COMPLAINTS
    from ui.shell.navigation import _find_list

    listing = _find_list(complaints, COMPLAINTS.name)
    assert listing is not None and listing.selected_ids() == [extra["late"]]

    # A problem, by double-click: selected in the list even though the list was filtered to 已销号.
    window.show_page("problems")
    problems = window.pages["problems"]
    problems.choose_chip("已销号")
    window.show_page("dashboard")
    table.scrollTo(table.model().index(3, 4))
    rect = table.visualRect(table.model().index(3, 4))
    assert table.viewport().rect().contains(rect.center()), (rect, table.viewport().rect())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_key() == "problems"
    target = dash.data.todo[3].target
    assert problems.selected_ids() == [target.record_id] and problems.chips.current() == ""

    # A deliverable: the campaign's 报送情况 at that village and deliverable.
    window.show_page("dashboard")
    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    campaigns = window.pages["campaigns"]
    assert window.current_key() == "campaigns" and campaigns.detail.campaign_id == extra["campaign"]
    status = campaigns.detail.grid.selected_status()
    assert status is not None and (status.unit, status.deliverable) == ("南坡村", "问题整改清单")


def test_the_silent_tile_says_whom_to_phone(qtbot, late_db) -> None:
    db, _extra = late_db
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    dash = window.pages["dashboard"]
    qtbot.mouseClick(dash.tiles["silent"], Qt.MouseButton.LeftButton)
    assert window.current_key() == "dashboard"  # no longer the patrols of the villages that did report
    from ui.dashboard.contacts import SilentVillagesDialog

    dialog = dash.findChild(SilentVillagesDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.rows() == [
        ("南坡村", "孙网格", "网格员", "13800000001"),
        ("南坡村", "南坡书记", "村（社区）负责人", "0311-5550001"),
    ]
    dialog.close()


def test_a_file_without_villages_claims_no_zeros_and_fills_in_when_the_town_arrives(
    qtbot, db: Database
) -> None:
    """A new file, or the demo town still loading (one transaction): "—" and 尚无数据, not a green "0 个";
    the numbers appear when the load announces ``everything_changed``."""
    from ui.common.operations import notify

    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    page = DashboardPage(db)
    qtbot.addWidget(page)
    shown = {key: (tile.value.text(), tile.detail.text()) for key, tile in page.tiles.items()}
    assert set(shown.values()) == {("—", "尚无数据")}
    assert page.hint.text() == "录入村（社区）或载入演示数据后显示"
    build_dashboard_town(db, dates.today())
    notify(everything=True)
    assert page.tiles["patrols"].value.text() == "3 次" and page.tiles["overdue"].value.text() == "1 个"
    assert page.hint.text() == "点击方块或双击待办查看记录"
