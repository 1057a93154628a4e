"""目标指标: the shipped set, the bureau's weighting worked by hand, counted indicators equal to the
records, the status rules, targets kept per year, retiring, the xlsx export read back, the 考核 rule,
migration 0012 on an 0011 file, and the demo town's 目标 page not empty."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from ecodesk import dates, demo
from ecodesk.appraisal.defaults import ItemInput
from ecodesk.db import Database, migrate
from ecodesk.errors import ValidationError
from ecodesk.services import appraisal
from ecodesk.services import targets as t
from tests.core import helpers as h

SHIPPED_NAMES = [
    "PM2.5年均浓度",
    "PM10年均浓度",
    "优良天数比例",
    "秸秆综合利用率",
    "卫星遥感火点",
    "火点总数",
    "问题销号率",
    "承诺书签订率",
    "巡查次数",
]


def row(table: t.YearTable, name: str) -> t.IndicatorYear:
    return next(r for r in table.rows if r.indicator.name == name)


def ind_id(db: Database, name: str, year: int = 2026) -> int:
    return t.find_indicator(db, name, year).id


def test_a_fresh_file_has_the_indicators_of_reference_002(db: Database) -> None:
    views = {v.name: v for v in t.list_indicators(db, 2026)}
    assert list(views) == SHIPPED_NAMES
    assert views["PM2.5年均浓度"].target_text == "≤34μg/m³"
    assert views["优良天数比例"].target_text == "≥95%"
    assert views["秸秆综合利用率"].target_text == "≥90%" and views["秸秆综合利用率"].entered
    assert views["卫星遥感火点"].target_text == "≤0个" and views["卫星遥感火点"].computed
    assert views["PM2.5年均浓度"].station and "有效监测天数加权" in views["PM2.5年均浓度"].method


# -- the bureau's arithmetic ---------------------------------------------------------------------------


def test_annual_means_are_weighted_by_valid_days_and_the_good_day_ratio_is_summed(db: Database) -> None:
    for month in (
        t.AirMonth(2026, 1, 60.0, 100.0, 10, 31),
        t.AirMonth(2026, 2, 40.0, 80.0, 20, 20),
        t.AirMonth(2026, 3, 20.0, 50.0, 28, 30),
    ):
        t.set_air_month(db, month)
    table = t.year_table(db, 2026, today=date(2026, 4, 15))
    # PM2.5 = (60×31 + 40×20 + 20×30) ÷ (31+20+30) = (1860+800+600) ÷ 81 = 3260 ÷ 81 = 40.246… → 40.2
    # (the plain mean of the three months would be 40.0)
    pm25 = row(table, "PM2.5年均浓度")
    assert pm25.actual == pytest.approx(3260 / 81) and pm25.actual_text == "40.2"
    assert "3260 ÷ Σ有效监测天数 81" in pm25.working
    # PM10 = (100×31 + 80×20 + 50×30) ÷ 81 = (3100+1600+1500) ÷ 81 = 6200 ÷ 81 = 76.54… → 76.5
    assert row(table, "PM10年均浓度").actual_text == "76.5"
    # 优良天数比例 = (10+20+28) ÷ (31+20+30) = 58 ÷ 81 = 71.60…% (the mean of the monthly rates,
    # (32.3+100+93.3) ÷ 3 = 75.2%, is not the bureau's figure)
    good = row(table, "优良天数比例")
    assert good.actual == pytest.approx(58 * 100 / 81) and good.actual_text == "71.6"
    assert [c.text for c in good.months[:4]] == ["32.3", "100.0", "93.3", ""]
    assert good.months[0].origin == t.ORIGIN_STATION and not good.months[0].editable
    assert good.months_covered == 3 and good.latest_month == 3


def test_entered_values_make_the_year_by_the_indicators_aggregate(db: Database) -> None:
    straw = ind_id(db, "秸秆综合利用率")  # reported cumulatively: the year is the latest month's value
    t.set_value(db, straw, 2026, 6, 62.0)
    t.set_value(db, straw, 2026, 9, 91.5)
    t.set_value(db, straw, 2026, 8, 80.0)
    table = t.year_table(db, 2026, today=date(2026, 10, 2))
    assert row(table, "秸秆综合利用率").actual == 91.5
    assert row(table, "秸秆综合利用率").months[5].editable
    summed = t.create_indicator(
        db, t.IndicatorInput("禁烧宣传次数", "次", t.GE, aggregate=t.SUM, target=10), 2026
    )
    t.set_value(db, summed, 2026, 1, 3)
    t.set_value(db, summed, 2026, 2, 4)
    t.set_value(db, summed, 2026, 2, None)  # cleared
    assert row(t.year_table(db, 2026, today=date(2026, 3, 1)), "禁烧宣传次数").actual == 3


def test_values_that_cannot_be_typed_are_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="监测站月报"):
        t.set_value(db, ind_id(db, "PM2.5年均浓度"), 2026, 1, 30)
    with pytest.raises(ValidationError, match="自动统计"):
        t.set_value(db, ind_id(db, "卫星遥感火点"), 2026, 1, 1)
    with pytest.raises(ValidationError, match="不能为负数"):
        t.set_value(db, ind_id(db, "秸秆综合利用率"), 2026, 1, -1)
    with pytest.raises(ValidationError, match="月份"):
        t.set_value(db, ind_id(db, "秸秆综合利用率"), 2026, 13, 50)
    with pytest.raises(ValidationError, match="优良天数：不能多于有效监测天数"):
        t.set_air_month(db, t.AirMonth(2026, 2, 30, 50, 29, 28))
    with pytest.raises(ValidationError, match="有效监测天数：不能多于当月天数"):
        t.set_air_month(db, t.AirMonth(2026, 2, 30, 50, 20, 29))
    assert t.air_months(db, 2026) == []


# -- counted indicators --------------------------------------------------------------------------------


def test_counted_indicators_equal_the_records(db: Database) -> None:
    h.build_scored_town(db)
    table = t.year_table(db, h.SCORED_YEAR, today=h.SCORED_AS_OF)
    # 2 fire points in 东沟 + 6 in 南坡 in 2025 (the 2024 one and the deleted one do not count), all 巡查发现.
    assert row(table, "火点总数").actual == 8 and row(table, "火点总数").months[5].value == 8
    assert row(table, "卫星遥感火点").actual == 0 and row(table, "卫星遥感火点").status == t.MET
    # Problems found: March, April, May; only May's is 销号 → 1 ÷ 3.
    closed = row(table, "问题销号率")
    assert closed.actual == pytest.approx(100 / 3) and closed.working == "Σ已销号 1 ÷ Σ发现问题 3 = 33.3%"
    assert [closed.months[m].value for m in (2, 3, 4)] == [0.0, 0.0, 100.0]
    assert closed.months[0].value is None  # nothing found in January: no rate, not 0%
    # Letters: 东沟 4 owed (the void one is not), 3 signed; 南坡 2 of 2 → 5 ÷ 6, all signed 1 March.
    letters = row(table, "承诺书签订率")
    assert letters.actual == pytest.approx(500 / 6) and letters.months[1].value == 0.0
    assert letters.months[2].value == pytest.approx(500 / 6)  # cumulative from March on
    # Patrols: two a month in 东沟 (one short in February) and 南坡 → 23 + 24.
    assert row(table, "巡查次数").actual == 47
    assert closed.months[0].origin == "" and row(table, "巡查次数").months[0].origin == t.ORIGIN_COMPUTED


# -- status ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "actual", "target", "year_over", "grows", "fraction", "expected", "met"),
    [
        (t.LE, 1, 0, False, True, 0.5, t.MISSED, False),  # a fire over a zero target: missed for the year
        (t.LE, 3, 10, False, True, 0.25, t.AT_RISK, True),  # 3 by March → 3 ÷ 0.25 = 12 by December > 10
        (t.LE, 2, 10, False, True, 0.5, t.ON_TRACK, True),  # 2 by June → 4 by December
        (t.GE, 120, 100, False, True, 0.5, t.MET, True),  # a count to reach, reached already
        (t.GE, 40, 100, False, True, 0.5, t.AT_RISK, False),  # 40 by June → 80 < 100
        (t.GE, 60, 100, False, True, 0.5, t.ON_TRACK, False),  # 60 by June → 120: on track, not met yet
        (t.LE, 36.2, 34, False, False, 0.8, t.AT_RISK, False),  # a mean on the wrong side while running
        (t.LE, 33.0, 34, False, False, 0.8, t.ON_TRACK, True),
        (t.GE, 94.0, 95, True, False, 1.0, t.MISSED, False),  # the year is over
        (t.GE, 95.0, 95, True, False, 1.0, t.MET, True),
        (t.GE, 94.96, 95, True, False, 1.0, t.MET, True),  # judged as shown: 95.0
        (t.LE, None, 34, False, False, 0.5, t.NO_DATA, False),
        (t.LE, 10, None, False, False, 0.5, t.NO_TARGET, False),
    ],
)
def test_status_rule(
    direction: str,
    actual: float | None,
    target: float | None,
    year_over: bool,
    grows: bool,
    fraction: float,
    expected: str,
    met: bool,
) -> None:
    assert t.judge(direction, actual, target, year_over=year_over, grows=grows, year_fraction=fraction) == (
        expected,
        met,
    )


def test_status_follows_the_clock_and_the_records(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    h.build_scored_town(db)
    t.set_air_month(db, t.AirMonth(2025, 1, 40.0, 70.0, 25, 31))
    during = t.year_table(db, h.SCORED_YEAR, today=date(2025, 2, 10))
    assert row(during, "PM2.5年均浓度").status == t.AT_RISK  # 40 > 34 while the year runs
    monkeypatch.setattr(dates, "today", lambda: h.SCORED_AS_OF)
    after = {r.name: r for r in t.status(db, h.SCORED_YEAR)}
    assert after["PM2.5年均浓度"].status == t.MISSED and after["PM2.5年均浓度"].met is False
    assert after["问题销号率"].status == t.MISSED  # 33.3% < 95% once the year is over
    assert after["卫星遥感火点"].status == t.MET and after["卫星遥感火点"].met is True
    assert after["秸秆综合利用率"].status == t.NO_DATA and after["秸秆综合利用率"].actual is None
    assert after["巡查次数"].status == t.NO_TARGET
    assert [r.indicator.name for r in t.at_risk(db, h.SCORED_YEAR)] == [
        "PM2.5年均浓度",
        "优良天数比例",  # 25 ÷ 31 = 80.6%
        "问题销号率",
        "承诺书签订率",
    ]


# -- targets per year, retiring --------------------------------------------------------------------------


def test_a_target_is_kept_per_year(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: date(2026, 12, 6))
    pm25 = ind_id(db, "PM2.5年均浓度")
    t.set_target(db, pm25, 2027, 32)
    assert t.get_indicator(db, pm25, 2026).target == 34  # untouched
    assert t.get_indicator(db, pm25, 2027).target == 32
    assert t.get_indicator(db, pm25, 2028).target == 32  # a later year takes the latest earlier one
    assert t.get_indicator(db, pm25, 2027).target_is_own and not t.get_indicator(db, pm25, 2028).target_is_own
    t.set_target(db, pm25, 2025, 36)  # correcting a past year changes neither 2026 nor 2027
    assert [t.get_indicator(db, pm25, y).target for y in (2025, 2026, 2027)] == [36, 34, 32]
    t.update_indicator(
        db, pm25, t.IndicatorInput("PM2.5年均浓度", "μg/m³", t.LE, t.AIR_PM25, target=33), 2026
    )
    assert [t.get_indicator(db, pm25, y).target for y in (2025, 2026, 2027)] == [36, 33, 32]


def test_a_retired_indicator_stays_in_the_years_before(db: Database) -> None:
    straw = ind_id(db, "秸秆综合利用率")
    t.set_value(db, straw, 2026, 10, 92.0)
    t.retire_indicator(db, straw, 2027)
    assert "秸秆综合利用率" in [v.name for v in t.list_indicators(db, 2026)]
    assert "秸秆综合利用率" not in [v.name for v in t.list_indicators(db, 2027)]
    assert row(t.year_table(db, 2026, today=date(2027, 1, 5)), "秸秆综合利用率").actual == 92.0
    t.restore_indicator(db, straw)
    assert "秸秆综合利用率" in [v.name for v in t.list_indicators(db, 2027)]
    new = t.create_indicator(db, t.IndicatorInput("裸土覆盖率", "%", t.GE, target=95), 2027)
    assert "裸土覆盖率" not in [v.name for v in t.list_indicators(db, 2026)]  # tracked from 2027 on
    t.set_value(db, new, 2027, 3, 90.0)
    with pytest.raises(ValidationError, match="停用年度"):  # its first year holds a value
        t.retire_indicator(db, new, 2027)
    with pytest.raises(ValidationError, match="不能早于2027年"):
        t.retire_indicator(db, new, 2026)
    t.set_value(db, new, 2027, 3, None)
    t.retire_indicator(db, new, 2027)  # added by mistake: tracked in no year
    assert "裸土覆盖率" not in [v.name for v in t.list_indicators(db, 2027)]
    assert "裸土覆盖率" in [v.name for v in t.list_indicators(db, 2027, include_retired=True)]
    with pytest.raises(ValidationError, match="已有名为"):
        t.create_indicator(db, t.IndicatorInput("裸土覆盖率"), 2027)


# -- export ----------------------------------------------------------------------------------------------


def test_the_export_reads_back_with_the_months_the_year_and_the_print_setup(
    db: Database, tmp_path: Path
) -> None:
    t.set_air_month(db, t.AirMonth(2026, 1, 60.0, 100.0, 10, 31))
    t.set_air_month(db, t.AirMonth(2026, 2, 40.0, 80.0, 20, 20))
    out = t.export_xlsx(db, 2026, tmp_path / t.export_file_name(2026), today=date(2026, 3, 10))
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    assert "2026年度目标指标完成情况" in str(ws["A1"].value) and "A1:R1" in {
        str(r) for r in ws.merged_cells.ranges
    }
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "指标", "单位", "1月"] and header[-3:] == ["年累计", "目标", "状态"]
    first = [c.value for c in ws[4]]
    assert first[1:5] == ["PM2.5年均浓度", "μg/m³", 60, 40]
    # (60×31 + 40×20) ÷ 51 = 2660 ÷ 51 = 52.16 → 52.2
    assert first[15] == 52.2 and ws.cell(4, 16).number_format == "0.0"
    assert first[16:] == ["≤34μg/m³", "有风险"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$3"
    notes = [str(c.value) for c in ws["A"] if isinstance(c.value, str)]
    assert any("有效监测天数加权平均" in n for n in notes) and any(n.startswith("状态：") for n in notes)


# -- 考核 ------------------------------------------------------------------------------------------------


def test_the_appraisal_rule_deducts_by_the_indicator(db: Database) -> None:
    town = h.build_scored_town(db)
    t.set_target(db, ind_id(db, "火点总数", h.SCORED_YEAR), h.SCORED_YEAR, 0)
    items = (
        ItemInput("目标", "火点", 15, "target_indicator", {"indicator": "火点总数", "points": 2}),
        ItemInput("目标", "销号", 5, "target_indicator", {"indicator": "问题销号率", "points": 3}),
        ItemInput("目标", "签订", 5, "target_indicator", {"indicator": "承诺书签订率", "points": 1}),
        ItemInput("目标", "卫星", 5, "target_indicator", {"indicator": "卫星遥感火点", "points": 5}),
    )
    appraisal.create_scheme(db, h.SCORED_YEAR, items)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    sheet = appraisal.sheet(db, h.SCORED_YEAR)
    by_village = {r.village_id: r for r in sheet.rows}
    scores = {
        v: tuple(by_village[v].cells[i.id].final for i in sheet.items)
        for v in (town.east, town.west, town.south)
    }
    # 东沟: 2 fires over 0 → 15 − 2×2 = 11; 1 of 3 closed → 5 − 3; 3 of 4 signed → 5 − 1; no satellite fire.
    assert scores[town.east] == (11, 2, 4, 5)
    assert scores[town.west] == (15, 5, 5, 5)  # nothing found, nothing owed: full marks
    assert scores[town.south] == (3, 5, 5, 5)  # 6 fires → 15 − 12
    lines = [line.text for line in appraisal.evidence(db, h.SCORED_YEAR) if line.village_id == town.east]
    assert "火点总数：本村2个，年度目标≤0个，超出2个" in lines
    assert "问题销号率：本村33.3%（1/3），未达到年度目标≥95%" in lines
    assert "每超1个扣2分" in sheet.items[0].standard


# -- migration and demo ---------------------------------------------------------------------------------


def test_an_0011_file_upgrades_keeping_its_data_and_gains_the_shipped_set(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.upgrade(conn, "0011")
        conn.execute(
            text(
                "INSERT INTO units (name, kind, sort_order, active, leader, phone, created_at, updated_at,"
                " created_by, updated_by, remark) VALUES ('东沟村', '村', 1, 1, '', '', '2024-01-01',"
                " '2024-01-01', '', '', '')"
            )
        )
    engine.dispose()
    with Database.open(path, "甲", lock=True) as db:
        assert db.schema_revision() == migrate.head_revision()
        assert [v.name for v in t.list_indicators(db, 2026)] == SHIPPED_NAMES
        t.set_air_month(db, t.AirMonth(2026, 1, 30.0, None, 25, 31))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM units").fetchall() == [("东沟村",)]
        assert conn.execute("SELECT count(*) FROM air_quality_months").fetchone() == (1,)


def test_the_demo_town_has_monitoring_months_and_straw_reports(tmp_path: Path) -> None:
    with Database.open(tmp_path / "demo.db", "甲", create=True) as db:
        demo.generate(db, scale="small")
        today = dates.today()
        year = today.year if today.month > 1 else today.year - 1
        table = t.year_table(db, year)
        assert row(table, "PM2.5年均浓度").months_covered >= 1
        assert row(table, "巡查次数").actual
        assert all(r.status != t.NO_DATA for r in table.rows if r.indicator.station)


def test_the_rule_counts_a_village_only_for_its_days_as_the_other_rules_do(db: Database) -> None:
    from ecodesk.models.org import Unit

    town = h.build_scored_town(db)
    with db.session() as s:
        south = s.get(Unit, town.south)
        assert south is not None
        south.established_date = date(h.SCORED_YEAR, 6, 3)  # its fires of 1 and 2 June came before it
    t.set_target(db, ind_id(db, "火点总数", h.SCORED_YEAR), h.SCORED_YEAR, 0)
    items = (
        ItemInput("目标", "火点", 15, "target_indicator", {"indicator": "火点总数", "points": 2}),
        ItemInput("大气", "火点扣分", 15, "fire_points", {"points": 2}),
    )
    appraisal.create_scheme(db, h.SCORED_YEAR, items)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    sheet = appraisal.sheet(db, h.SCORED_YEAR)
    south_row = next(r for r in sheet.rows if r.village_id == town.south)
    assert [south_row.cells[i.id].final for i in sheet.items] == [7, 7]  # 4 fires × 2 off 15, both rules
    town_total = row(t.year_table(db, h.SCORED_YEAR, today=h.SCORED_AS_OF), "火点总数")
    assert town_total.actual == 8  # the town's figure counts every fire
