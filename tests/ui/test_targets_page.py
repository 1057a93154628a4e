"""目标 page: the table and chart show what the service computes; a hand-filled month is saved through
its dialog (a bad value shows the service's reason under the field and saves nothing); the station's
sheet is imported through the page (all months or none); indicators are added, refused and retired
in 管理指标; the year exports to xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import settings as data_settings
from ecodesk.services import targets
from ecodesk.services.targets import AirMonth, IndicatorYear
from tests.core.helpers import build_dashboard_town, write_sheet
from ui.common import dialogs, unsaved
from ui.shell.main_window import MainWindow
from ui.targets.dialogs import (
    NOT_A_NUMBER,
    AirMonthDialog,
    IndicatorDialog,
    IndicatorsDialog,
    MonthValueDialog,
)
from ui.targets.model import ACTUAL, FIRST_MONTH, NAME, STATUS, TARGET, UNIT
from ui.targets.page import TargetsPage

pytestmark = pytest.mark.gui

TODAY = date(2026, 6, 15)
STRAW = "秸秆综合利用率"
PM25 = "PM2.5年均浓度"
# The station's first months: (month, PM2.5, PM10, 优良天数, 有效监测天数)
STATION = ((1, 52.0, 90.0, 18, 31), (2, 44.0, 80.0, 20, 28), (3, 30.0, 60.0, 28, 30))


@pytest.fixture
def town_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_dashboard_town(db, TODAY)  # two fire points this month, problems, letters
    for month, pm25, pm10, good, valid in STATION:
        targets.set_air_month(db, AirMonth(2026, month, pm25, pm10, good, valid))
    straw = targets.find_indicator(db, STRAW, 2026)
    targets.set_value(db, straw.id, 2026, 5, 60.0)
    return db


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What the page tells the clerk in message boxes."""
    seen: dict[str, list[str]] = {"info": [], "error": []}
    monkeypatch.setattr(dialogs, "show_info", lambda _p, text, title="": seen["info"].append(text))
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text, title="": seen["error"].append(text))
    return seen


def open_page(qtbot: Any, db: Database) -> TargetsPage:
    page = TargetsPage(db)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def row_of(page: TargetsPage, name: str) -> int:
    row = next(n for n, r in enumerate(page.model.rows) if r.indicator.name == name)
    return row


def service_row(db: Database, name: str) -> IndicatorYear:
    return next(r for r in targets.year_table(db, 2026).rows if r.indicator.name == name)


def test_the_table_shows_the_services_indicators_and_values(qtbot: Any, town_db: Database) -> None:
    page = open_page(qtbot, town_db)
    table = targets.year_table(town_db, 2026)
    assert [r.indicator.name for r in page.model.rows] == [r.indicator.name for r in table.rows]
    assert len(table.rows) >= 9  # the shipped set
    for n, expected in enumerate(table.rows):
        assert page.cell_text(n, NAME) == expected.indicator.name
        assert page.cell_text(n, UNIT) == expected.indicator.unit
        assert [page.cell_text(n, FIRST_MONTH + m) for m in range(12)] == [c.text for c in expected.months]
        assert page.cell_text(n, ACTUAL) == expected.actual_text
        assert page.cell_text(n, TARGET) == expected.indicator.target_text
        assert page.cell_text(n, STATUS) == expected.status  # the status in words, not colour alone
    pm = row_of(page, PM25)
    # Weighted by valid days: (52×31 + 44×28 + 30×30) ÷ 89 = 3744 ÷ 89 = 42.07, as the service says.
    assert page.cell_text(pm, ACTUAL) == "42.1" == service_row(town_db, PM25).actual_text
    assert page.cell_text(pm, FIRST_MONTH) == "52.0"
    # Colour beside the word: 有风险 amber on its own background, as the tile and the legend say.
    status = page.model.index(pm, STATUS)
    assert page.model.data(status) == "有风险"
    assert page.model.data(status, Qt.ItemDataRole.BackgroundRole).color().name() == "#fff1c9"
    # A counted month is read-only and says from which records.
    fires = row_of(page, "卫星遥感火点")
    tip = page.model.data(page.model.index(fires, FIRST_MONTH + 5), Qt.ItemDataRole.ToolTipRole)
    assert "自动统计，只读" in tip and "火点记录（仅卫星遥感）" in tip
    assert page.model.data(page.model.index(fires, FIRST_MONTH + 5), Qt.ItemDataRole.FontRole).italic()
    # How the yearly values are computed: the service's method text for the selected indicator.
    page.select(pm)
    assert service_row(town_db, PM25).indicator.method in page.method.text()
    assert service_row(town_db, PM25).working in page.working.text()
    assert "年度结束后" in page.rule.text()


def test_the_chart_follows_the_selected_row(qtbot: Any, town_db: Database) -> None:
    page = open_page(qtbot, town_db)
    page.select(row_of(page, PM25))
    expected = service_row(town_db, PM25)
    assert page.chart.values() == {"当月数值": [c.value or 0.0 for c in expected.months]}
    assert page.chart.target_value() == 34.0 and page.chart.unit_text() == "单位：μg/m³"
    assert page.chart.bar_text(0, 1) == "2月 当月数值：44.0 μg/m³"
    assert page.chart.bar_text(0, 6) == "7月 当月数值：无数据"
    assert page.chart.target_text() == "目标（不高于）：34.0 μg/m³"
    assert not page.chart.is_empty
    page.year.setValue(2019)  # nothing reported that year: the chart says so instead of a blank plot
    assert page.chart.is_empty and page.chart.empty_item.text() == "尚无数据"
    page.year.setValue(2026)
    page.select(row_of(page, "火点总数"))  # no target: no line, whole numbers
    assert page.chart.target_value() is None and page.chart.values()["当月数值"][5] == 2.0
    assert page.chart.bar_text(0, 5) == "6月 当月数值：2 个"


def test_editing_a_month_saves_it_and_the_table_and_chart_follow(qtbot: Any, town_db: Database) -> None:
    page = open_page(qtbot, town_db)
    straw = row_of(page, STRAW)
    page.grid.setCurrentIndex(page.model.index(straw, FIRST_MONTH + 5))  # 6月
    dialog = page.edit_cell(page.grid.currentIndex())
    assert isinstance(dialog, MonthValueDialog)
    dialog.value.setText("72.5")
    with qtbot.waitSignal(page.table_shown):
        dialog.save()
    assert not dialog.isVisible()
    assert service_row(town_db, STRAW).months[5].value == 72.5
    straw = row_of(page, STRAW)
    assert page.cell_text(straw, FIRST_MONTH + 5) == "72.5"
    assert page.cell_text(straw, ACTUAL) == service_row(town_db, STRAW).actual_text == "72.5"  # the latest
    assert page.selected_row() is not None and page.selected_row().indicator.name == STRAW
    assert page.chart.values()["当月数值"][4:6] == [60.0, 72.5]


def test_a_bad_value_shows_the_reason_under_the_field_and_saves_nothing(
    qtbot: Any, town_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, town_db)
    straw = page.model.rows[row_of(page, STRAW)]
    dialog = MonthValueDialog(town_db, straw, 6, page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.value.setText("120")
    assert dialog.save() is False
    error = dialog.errors["value"]
    assert error.isVisible() and error.text() == "百分比不能超过100（收到120.0）"  # the service's words
    dialog.value.setText("七十")
    assert dialog.save() is False and dialog.errors["value"].text() == NOT_A_NUMBER
    assert dialog.isVisible()
    assert service_row(town_db, STRAW).months[5].value is None
    # Esc with the typing still there asks first; 继续编辑 keeps it, 放弃 closes it.
    asked: list[unsaved.Answer] = []

    def answer(choice: unsaved.Answer) -> None:
        monkeypatch.setattr(unsaved, "ask", lambda _parent: asked.append(choice) or choice)

    answer(unsaved.Answer.KEEP)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [unsaved.Answer.KEEP] and dialog.isVisible()
    answer(unsaved.Answer.DISCARD)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and service_row(town_db, STRAW).months[5].value is None


def test_a_station_month_is_entered_in_its_own_dialog(qtbot: Any, town_db: Database) -> None:
    page = open_page(qtbot, town_db)
    pm = row_of(page, PM25)
    dialog = page.edit_cell(page.model.index(pm, FIRST_MONTH + 3))  # 4月
    assert isinstance(dialog, AirMonthDialog) and dialog.month.currentData() == 4
    values = {"pm25": "25", "pm10": "50", "good_days": "29", "valid_days": "30"}
    for key, text in values.items():
        dialog.edits[key].setText(text)
    dialog.edits["good_days"].setText("32")
    assert dialog.save() is False
    assert "不能多于有效监测天数" in dialog.errors["good_days"].text()
    assert [m.month for m in targets.air_months(town_db, 2026)] == [1, 2, 3]
    dialog.edits["good_days"].setText("29")
    with qtbot.waitSignal(page.table_shown):
        assert dialog.save() is True
    assert page.cell_text(row_of(page, PM25), FIRST_MONTH + 3) == "25.0"
    assert page.cell_text(row_of(page, "PM10年均浓度"), FIRST_MONTH + 3) == "50.0"


def station_sheet(path: Path, pm25_march: object) -> Path:
    """The way a station sends it: a merged title with the year, units in the headers, a 平均 row."""
    rows: list[list[Any]] = [
        ["月份", "PM2.5（μg/m³）", "PM10（μg/m³）", "优良天数（天）", "有效监测天数（天）"]
    ]
    rows += [
        ["1月", 50, 88, 19, 31],
        ["2月", 41, 77, 21, 28],
        ["3月", pm25_march, 58, 27, 30],
        ["4月", 28, 51, 28, 30],
    ]
    rows.append(["平均", 36, 68, None, None])
    return write_sheet(path, rows, title="清河镇2026年空气质量月报", sheet="月报")


def test_importing_the_stations_sheet_through_the_page(
    qtbot: Any, town_db: Database, tmp_path: Path, shown: dict[str, list[str]]
) -> None:
    page = open_page(qtbot, town_db)
    handle = page.import_file(station_sheet(tmp_path / "月报.xlsx", 29))
    with qtbot.waitSignal(handle.finished, timeout=20_000) as blocker:
        pass
    assert blocker.args == [True]
    assert page.last_import is not None and page.last_import.replaced == (1, 2, 3)
    assert page.last_import.added == (4,)
    message = shown["info"][-1]
    assert message == page.last_import.message and "新增1个月" in message and "替换已有的3个月" in message
    assert "跳过1行" in message  # the 平均 row
    qtbot.waitUntil(lambda: page.cell_text(row_of(page, PM25), FIRST_MONTH + 3) == "28.0")
    assert page.cell_text(row_of(page, PM25), FIRST_MONTH) == "50.0"


def test_a_bad_sheet_names_the_cell_and_saves_nothing(
    qtbot: Any, town_db: Database, tmp_path: Path, shown: dict[str, list[str]]
) -> None:
    page = open_page(qtbot, town_db)
    before = targets.air_months(town_db, 2026)
    handle = page.import_file(station_sheet(tmp_path / "月报.xlsx", "暂缺"))
    with qtbot.waitSignal(handle.finished, timeout=20_000) as blocker:
        pass
    assert blocker.args == [False]
    assert len(shown["error"]) == 1 and "第5行" in shown["error"][0] and "PM2.5" in shown["error"][0]
    assert "暂缺" in shown["error"][0]
    assert targets.air_months(town_db, 2026) == before  # nothing saved, not even January
    assert page.cell_text(row_of(page, PM25), FIRST_MONTH) == "52.0"


def test_managing_indicators(
    qtbot: Any, town_db: Database, monkeypatch: pytest.MonkeyPatch, shown: dict[str, list[str]]
) -> None:
    page = open_page(qtbot, town_db)
    manage = page.manage()
    assert isinstance(manage, IndicatorsDialog)
    qtbot.addWidget(manage)
    add = manage.add()
    assert isinstance(add, IndicatorDialog)
    add.name.setText(STRAW)  # a name already used: the service's reason under the name
    add.unit.setText("%")
    assert add.save() is False and add.errors["name"].text() == f"已有名为“{STRAW}”的指标"
    add.name.setText("畜禽粪污综合利用率")
    add.direction.setCurrentIndex(add.direction.findData("≥"))
    add.aggregate.setCurrentIndex(add.aggregate.findData("latest"))
    add.target.setText("80")
    assert "最近一个已填报月份" in add.method.text()  # the method text follows the choices
    with qtbot.waitSignal(page.table_shown):
        assert add.save() is True
    new = row_of(page, "畜禽粪污综合利用率")
    assert page.cell_text(new, TARGET) == "≥80%" and page.cell_text(new, STATUS) == "无数据"
    assert "畜禽粪污综合利用率" in [v.name for v in manage.views]
    # A shipped indicator retired from this year: gone from 2026's table, kept in the list as 停用.
    manage.table.selectRow(next(n for n, v in enumerate(manage.views) if v.name == "火点总数"))
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    with qtbot.waitSignal(page.table_shown):
        manage.retire_or_restore()
    assert "火点总数" not in [r.indicator.name for r in page.model.rows]
    assert "火点总数" in [
        r.indicator.name for r in targets.year_table(town_db, 2025).rows
    ]  # earlier years keep it
    assert manage.retire_button.text() == "恢复跟踪" and shown["error"] == []


def test_export_writes_the_year(
    qtbot: Any, town_db: Database, tmp_path: Path, shown: dict[str, list[str]]
) -> None:
    page = open_page(qtbot, town_db)
    handle = page.export_to(tmp_path / targets.export_file_name(2026))
    with qtbot.waitSignal(handle.finished, timeout=20_000):
        pass
    assert page.last_export is not None and page.last_export.exists()
    sheet = openpyxl.load_workbook(page.last_export).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert PM25 in text and STRAW in text and "2026" in text


def test_the_page_is_in_the_side_bar_after_appraisal(qtbot: Any, town_db: Database) -> None:
    window = MainWindow(town_db)
    qtbot.addWidget(window)
    labels = [window.nav.item(n).text() for n in range(window.nav.count())]
    assert labels.index("目标") == labels.index("考核") + 1
    page = window.show_page("targets")
    assert isinstance(page, TargetsPage) and page.current_year() == 2026


def test_a_sheet_without_a_year_goes_into_the_year_on_screen(
    qtbot: Any, town_db: Database, tmp_path: Path, shown: dict[str, list[str]]
) -> None:
    page = open_page(qtbot, town_db)
    page.year.setValue(2025)
    rows = [["月份", "PM2.5", "PM10", "优良天数", "有效监测天数"], ["1月", 61, 95, 15, 31]]
    handle = page.import_file(write_sheet(tmp_path / "无年份.xlsx", rows, sheet="月报"))
    with qtbot.waitSignal(handle.finished, timeout=20_000) as blocker:
        pass
    assert blocker.args == [True] and shown["error"] == []
    assert [(m.year, m.month, m.pm25) for m in targets.air_months(town_db, 2025)] == [(2025, 1, 61.0)]
    assert "已导入2025年1月" in shown["info"][-1]


def test_enter_on_a_month_opens_it(qtbot: Any, town_db: Database) -> None:
    page = open_page(qtbot, town_db)
    page.grid.setCurrentIndex(page.model.index(row_of(page, STRAW), FIRST_MONTH + 4))
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    dialog = page.findChild(MonthValueDialog)
    assert dialog is not None and dialog.isVisible() and dialog.value.text() == "60"
    dialog.reject()  # untouched: closes without asking
    assert not dialog.isVisible()
