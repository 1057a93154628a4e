"""工作台 charts on QtCharts: the bars carry the service's numbers, the axes their units, and the mouse
over a bar shows its month and value."""

from __future__ import annotations

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QValueAxis
from PySide6.QtCore import QPoint, QPointF

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.services import dashboard
from ecodesk.services import settings as data_settings
from tests.core.helpers import build_dashboard_town
from ui.common.charts import MonthChart, Series, TargetLine, nice_top
from ui.dashboard.page import DashboardPage

pytestmark = pytest.mark.gui


@pytest.fixture
def town_db(db: Database) -> Database:
    data_settings.save(db, **data_settings.defaults_for_town("清河镇"), operators=["测试员"])
    build_dashboard_town(db, dates.today())
    return db


def bar_sets(chart: MonthChart) -> dict[str, list[float]]:
    """Read what QtCharts draws: every bar set of every bar series in the chart."""
    out: dict[str, list[float]] = {}
    for series in chart.chart().series():
        if isinstance(series, QBarSeries):
            for bar_set in series.barSets():
                out[bar_set.label()] = [bar_set.at(i) for i in range(bar_set.count())]
    return out


def axes(chart: MonthChart) -> tuple[QBarCategoryAxis, QValueAxis]:
    months = [a for a in chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    values = [a for a in chart.chart().axes() if isinstance(a, QValueAxis)]
    assert len(months) == 1 and len(values) == 1
    return months[0], values[0]


def test_the_charts_carry_the_services_numbers(qtbot, town_db: Database) -> None:
    page = DashboardPage(town_db)
    qtbot.addWidget(page)
    d = dashboard.load(town_db)
    assert bar_sets(page.fire_chart) == {"火点": [float(m.value) for m in d.fires_by_month]}
    assert bar_sets(page.problem_chart) == {
        "新增": [float(m.value) for m in d.problems_opened],
        "销号": [float(m.value) for m in d.problems_closed],
    }
    assert bar_sets(page.fire_chart)["火点"][-2:] == [1.0, 2.0]  # last month 1, this month 2 (the town)
    months, values = axes(page.fire_chart)
    assert months.categories() == [m.label for m in d.fires_by_month] and len(months.categories()) == 12
    assert page.fire_chart.unit_text() == "单位：处" and values.min() == 0 and values.max() >= 2
    assert page.problem_chart.unit_text() == "单位：个"


def test_hovering_a_bar_shows_its_month_and_value(qtbot, town_db: Database) -> None:
    page = DashboardPage(town_db)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    chart = page.fire_chart
    series = next(s for s in chart.chart().series() if isinstance(s, QBarSeries))
    # The middle of this month's bar (the last category, value 2), from chart to view coordinates.
    scene_point = chart.chart().mapToPosition(QPointF(11, 1.0), series)
    where = chart.mapFromScene(scene_point)
    qtbot.mouseMove(chart.viewport(), QPoint(5, 5))
    qtbot.mouseMove(chart.viewport(), where)
    this_month = f"{dates.today().month}月"
    qtbot.waitUntil(lambda: chart.hover_text == f"{this_month} 火点：2 处")


def test_a_target_line_and_decimal_values(qtbot) -> None:
    chart = MonthChart("PM2.5", "μg/m³", decimals=1)
    qtbot.addWidget(chart)
    chart.set_data(
        ["1月", "2月", "3月"], [Series("实际", "#2f6f9f", [40.5, None, 30.25])], TargetLine("目标 ≤", 34)
    )
    assert chart.target_value() == 34
    assert chart.bar_text(0, 0) == "1月 实际：40.5 μg/m³"
    assert chart.bar_text(0, 1) == "2月 实际：无数据"
    assert chart.target_text() == "目标 ≤：34.0 μg/m³"
    _months, values = axes(chart)
    assert values.max() >= 40.5 and values.labelFormat() == "%.1f"


def test_count_axes_step_in_whole_numbers() -> None:
    assert nice_top(0, whole=True) == 4  # 0, 1, 2, 3, 4: an empty chart still reads as counts
    assert nice_top(2.2, whole=True) == 4
    assert nice_top(10.08, whole=True) == 12  # steps of 3, not 2.5 fires
    assert nice_top(10.08, whole=False) == 12
    assert nice_top(37.6, whole=False) == 40
