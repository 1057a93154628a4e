"""Units count only for the days they existed (issue 21 point 2): 设立日期 and 撤销日期 in the daily 通报,
the period summaries, the 工作台, the 承诺书 coverage, the appraisal and the pickers; a 撤销 village keeps
its history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ecodesk import dates
from ecodesk.appraisal.defaults import ItemInput
from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.services import appraisal, campaigns, dashboard, letters, lookups, patrols, records, reports
from ecodesk.services.campaigns import DeliverableInput
from ecodesk.services.org import IN_BEING, UNITS, VILLAGE_REF
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ecodesk.services.record_import import import_xlsx
from ecodesk.services.records import ListFilter
from tests.core.helpers import Town, build_town, write_sheet

TODAY = date(2026, 12, 5)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def town(db: Database, today: date) -> Town:
    """build_town's three villages (entered before any record: 早已设立), one patrol of 东沟村 in
    November, then 新村 entered today, 12-05 (the file is in use: 设立 today)."""
    t = build_town(db)
    records.create(db, PATROLS, {"date": date(2026, 11, 3), "village": "东沟村", "kind": "禁烧巡查"})
    records.create(db, UNITS, {"name": "新村", "kind": "村", "sort_order": 4})
    return t


def _unit(db: Database, name: str) -> int:
    return next(i for i, n in lookups.ref_choices(db, VILLAGE_REF) if n == name)


# -- the 设立日期 and 撤销日期 fields --------------------------------------------------------------------


def test_a_unit_entered_once_the_file_is_in_use_is_set_up_today(db: Database, town: Town) -> None:
    new = records.get(db, UNITS, _unit(db, "新村"))
    assert (new.established_date, new.retired_date, new.active) == (TODAY, None, True)
    # build_town's villages were entered before any record: 早已设立, counted on every day.
    assert records.get(db, UNITS, town.east).established_date is None


def test_an_import_may_give_the_dates_under_their_usual_headers(
    db: Database, town: Town, tmp_path: Path
) -> None:
    rows = [
        ["单位名称", "类别", "成立日期", "撤销时间"],
        ["北岗村", "村", "2026-11-16", ""],
        ["老庄村", "村", "", "2026-02-01"],
    ]
    report = import_xlsx(db, UNITS, write_sheet(tmp_path / "units.xlsx", rows))
    assert report.committed, report.errors
    north = records.get(db, UNITS, _unit(db, "北岗村"))
    assert (north.established_date, north.retired_date) == (date(2026, 11, 16), None)
    old = records.get(db, UNITS, next(i for i in records.list_ids(db, UNITS) if i not in _in_being(db)))
    assert (old.name, old.established_date, old.retired_date, old.active) == (
        "老庄村",
        None,  # entered 撤销 already: an old village, 早已设立
        date(2026, 2, 1),
        False,
    )


def _in_being(db: Database) -> list[int]:
    return records.list_ids(db, UNITS, ListFilter(named=(IN_BEING,)))


def test_retired_before_set_up_is_refused_naming_the_field(db: Database, town: Town) -> None:
    with pytest.raises(ValidationError) as caught:
        records.update(db, UNITS, _unit(db, "新村"), {"retired_date": "2026-12-01"})
    [problem] = caught.value.problems
    assert problem.field == "retired_date" and problem.label == "撤销日期"
    assert problem.reason == "不能早于设立日期 2026-12-05（撤销日期为 2026-12-01）"


def test_retiring_is_giving_a_retired_date_and_active_follows_it(db: Database, town: Town) -> None:
    records.update(db, UNITS, town.west, {"retired_date": "2026-12-31"})  # decided, not yet in force
    assert records.get(db, UNITS, town.west).active is True
    records.update(db, UNITS, town.west, {"retired_date": "2026-11-20"})
    assert records.get(db, UNITS, town.west).active is False
    assert town.west not in _in_being(db) and town.west in records.list_ids(db, UNITS)
    # An old sheet's 启用=否 without a date retires the unit today; 启用=是 brings it back.
    records.update(db, UNITS, town.street, {"active": False})
    assert records.get(db, UNITS, town.street).retired_date == TODAY
    records.update(db, UNITS, town.street, {"active": True})
    assert records.get(db, UNITS, town.street).retired_date is None


# -- reports --------------------------------------------------------------------------------------------


def test_a_village_set_up_on_12_05_is_not_silent_on_12_04(db: Database, town: Town) -> None:
    assert reports.daily_report(db, date(2026, 12, 4)).silent == ["东沟村", "西岭村", "城关社区"]
    assert reports.daily_report(db, TODAY).silent == ["东沟村", "西岭村", "城关社区", "新村"]


def test_the_monthly_summary_counts_silent_days_only_while_a_village_existed(
    db: Database, town: Town, tmp_path: Path
) -> None:
    records.create(
        db, UNITS, {"name": "北岗村", "kind": "村", "sort_order": 5, "established_date": "2026-11-16"}
    )
    november = reports.monthly_summary(db, 2026, 11)
    silent = {r.village: november.days_silent(r) for r in november.rows}
    # 新村 (set up in December) is not in November at all; 北岗村 owed 15 days, 11-16 to 11-30.
    assert silent == {"东沟村": 29, "西岭村": 30, "城关社区": 30, "北岗村": 15}
    out = reports.write_summary_xlsx(november, tmp_path / "november.xlsx")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "序号")
    total = next(r for r in rows if r and r[0] == "合计")
    assert total[header.index("未报送天数")] == 104
    assert total[1] == "4个村（社区）"
    assert any("按在册天数计：北岗村15天" in str(r[0]) for r in rows if r and r[0])
    # December up to today (12-05): 新村 owes one day, the others five.
    december = reports.monthly_summary(db, 2026, 12)
    assert {r.village: december.days_silent(r) for r in december.rows}["新村"] == 1
    assert sum(december.days_silent(r) for r in december.rows) == 5 + 5 + 5 + 5 + 1


def test_a_retired_village_keeps_its_history(db: Database, town: Town) -> None:
    records.create(db, PATROLS, {"date": date(2026, 11, 10), "village": "西岭村", "kind": "巡河"})
    records.update(db, UNITS, town.west, {"retired_date": "2026-11-20"})
    # Its old patrol still shows, and it still owed reports while it existed...
    day = reports.daily_report(db, date(2026, 11, 10))
    assert [v.village for v in day.reported] == ["西岭村"]
    november = {r.village: r for r in reports.monthly_summary(db, 2026, 11).rows}
    summary = reports.monthly_summary(db, 2026, 11)
    assert (november["西岭村"].total, summary.days_silent(november["西岭村"])) == (1, 19 - 1)
    # ... but not after its 撤销.
    assert "西岭村" not in reports.daily_report(db, date(2026, 11, 25)).silent
    assert "西岭村" not in [r.village for r in reports.monthly_summary(db, 2026, 12).rows]
    # Its records are still listed and found by it.
    assert len(records.list_ids(db, PATROLS, ListFilter(village_id=town.west))) == 1
    # No new record is offered it; a record that names it keeps it; the filter still finds it.
    assert "西岭村" not in [n for _i, n in lookups.ref_choices(db, VILLAGE_REF)]
    assert "西岭村" in [n for _i, n in lookups.ref_choices(db, VILLAGE_REF, keep={town.west})]
    assert "西岭村" not in [n for _i, n in patrols.village_choices(db)]
    assert (town.west, "西岭村（已撤销）") in lookups.village_choices(db, PATROLS)


def test_fire_counts_list_the_villages_of_that_year(db: Database, town: Town) -> None:
    records.create(db, FIRE_POINTS, {"date": date(2026, 3, 1), "village": "东沟村", "source": "巡查发现"})
    assert [n for _i, n in patrols.fire_counts(db, 2026).villages] == ["东沟村", "西岭村", "城关社区", "新村"]
    assert [n for _i, n in patrols.fire_counts(db, 2025).villages] == ["东沟村", "西岭村", "城关社区"]


# -- the 工作台 -------------------------------------------------------------------------------------------


def test_the_dashboard_tile_counts_the_villages_in_being_today(db: Database, town: Town) -> None:
    records.update(db, UNITS, town.west, {"retired_date": "2026-11-20"})
    yesterday = dashboard.load(db, date(2026, 12, 4))
    assert (yesterday.villages, yesterday.silent_today) == (2, ("东沟村", "城关社区"))
    board = dashboard.load(db, TODAY)
    assert (board.villages, board.silent_today) == (3, ("东沟村", "城关社区", "新村"))


# -- 承诺书 coverage --------------------------------------------------------------------------------------


def test_coverage_lists_the_villages_of_the_year(db: Database, town: Town) -> None:
    records.update(db, UNITS, town.west, {"retired_date": "2026-01-01"})  # 撤销 at the start of 2026
    assert [r.village for r in letters.coverage(db, 2026)] == ["东沟村", "城关社区", "新村", "合计"]
    assert [r.village for r in letters.coverage(db, 2025)] == ["东沟村", "西岭村", "城关社区", "合计"]


# -- 专项行动 ---------------------------------------------------------------------------------------------


def test_a_deliverable_asks_the_villages_in_being_on_its_due_date(db: Database, town: Town) -> None:
    records.update(db, UNITS, town.west, {"retired_date": "2026-12-10"})
    campaign_id = campaigns.create_campaign(
        db, {"name": "冬季攻坚", "start_date": "2026-12-01", "end_date": "2026-12-31"}
    )
    campaigns.add_deliverable(db, campaign_id, DeliverableInput("工作总结", date(2026, 12, 20)))
    units = {s.unit for s in campaigns.deliverable_statuses(db, campaign_id, today=TODAY)}
    assert units == {"东沟村", "城关社区", "新村"}


# -- the appraisal -----------------------------------------------------------------------------------------


PATROL_ITEM = ItemInput("日常", "巡查", 10, "patrols", {"per_month": 20, "points": 0.1})
FIRE_ITEM = ItemInput("大气", "火点", 10, "fire_points", {"points": 3})


def test_the_appraisal_scores_a_village_only_for_its_own_days(db: Database, town: Town) -> None:
    records.create(
        db, UNITS, {"name": "北岗村", "kind": "村", "sort_order": 5, "established_date": "2026-11-16"}
    )
    old = records.create(
        db, UNITS, {"name": "老庄村", "kind": "村", "sort_order": 6, "retired_date": "2026-02-01"}
    )
    # A fire point entered against 老庄村 after its 撤销 is not held against it.
    records.create(db, FIRE_POINTS, {"date": date(2026, 3, 1), "village": "老庄村", "source": "巡查发现"})
    appraisal.create_scheme(db, 2026, (PATROL_ITEM, FIRE_ITEM), weight=10)
    appraisal.compute(db, 2026)
    sheet = appraisal.sheet(db, 2026)
    items = {i.name: i.id for i in sheet.items}
    finals = {r.village: (r.cells[items["巡查"]].final, r.cells[items["火点"]].final) for r in sheet.rows}
    assert finals == {
        "东沟村": (0.0, 10.0),  # eleven months short: floors at zero
        "西岭村": (0.0, 10.0),
        "城关社区": (0.0, 10.0),
        "新村": (10.0, 10.0),  # set up 12-05: no month of it is over yet
        "北岗村": (9.0, 10.0),  # November: 15 of 30 days, so 10 patrols owed, none made: −1
        "老庄村": (8.0, 10.0),  # January only: 20 owed, none made: −2; the March fire is after its 撤销
    }
    lines = appraisal.evidence(db, 2026, items["巡查"], _unit(db, "北岗村"))
    assert [e.text for e in lines] == ["11月巡查0次，少于要求的10次（少10次，按当月在册15天折算）"]
    # A village 撤销 before the year is not on its sheet.
    appraisal.create_scheme(db, 2027, (PATROL_ITEM,), weight=10)
    appraisal.compute(db, 2027, as_of=date(2027, 3, 1))
    assert old.id not in [r.village_id for r in appraisal.sheet(db, 2027).rows]


def test_a_village_registered_by_an_import_existed_on_its_records_days(
    db: Database, town: Town, tmp_path: Path
) -> None:
    rows = [["巡查日期", "村（社区）", "巡查类型"], ["2026-10-08", "河湾村", "禁烧巡查"]]
    report = import_xlsx(db, PATROLS, write_sheet(tmp_path / "patrols.xlsx", rows), create_villages="村")
    assert report.committed, report.errors
    assert records.get(db, UNITS, _unit(db, "河湾村")).established_date is None  # 早已设立
    assert [v.village for v in reports.daily_report(db, date(2026, 10, 8)).reported] == ["河湾村"]
