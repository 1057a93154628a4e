"""工作台 numbers against hand-made records with known answers."""

from __future__ import annotations

from datetime import date

from ecodesk.db import Database
from ecodesk.services import dashboard
from tests.core.helpers import build_dashboard_town

TODAY = date(2026, 6, 15)


def test_dashboard_numbers(db: Database) -> None:
    build_dashboard_town(db, TODAY)
    d = dashboard.load(db, TODAY)
    assert (d.villages, d.patrols_today, d.reported_today, d.silent_today) == (3, 3, 2, ("南坡村",))
    assert (d.overdue_problems, d.due_soon_problems) == (1, 1)
    assert (d.fires_this_month, d.fires_last_month) == (2, 1)
    assert (d.coverage_year, d.signed, d.required, d.coverage_rate) == (2026, 3, 4, 0.75)
    assert [(i.unit, i.deliverable, i.due) for i in d.due_this_week] == [
        ("东沟村", "禁烧工作方案", date(2026, 6, 18)),
        ("南坡村", "禁烧工作方案", date(2026, 6, 18)),
    ]
    assert [m.label for m in d.fires_by_month][-3:] == ["4月", "5月", "6月"] and len(d.fires_by_month) == 12
    assert [m.value for m in d.fires_by_month][-2:] == [1, 2]
    opened = {(m.year, m.month): m.value for m in d.problems_opened}
    closed = {(m.year, m.month): m.value for m in d.problems_closed}
    assert (opened[(2026, 4)], opened[(2026, 5)], opened[(2026, 6)]) == (1, 1, 1)
    assert closed[(2026, 5)] == 1 and sum(closed.values()) == 1
    assert d.fires_by_month[0].label == "7月" and d.fires_by_month[0].year == 2025


def test_targets_name_the_list_and_filter_behind_each_tile(db: Database) -> None:
    build_dashboard_town(db, TODAY)
    d = dashboard.load(db, TODAY)
    assert d.target_overdue().kind == "problems" and d.target_overdue().flt.named == ("已超期",)
    fires = d.target_fires_this_month()
    assert (fires.page, fires.kind, fires.flt.date_from, fires.flt.date_to) == (
        "patrols",
        "fire_points",
        date(2026, 6, 1),
        TODAY,
    )
    assert d.target_patrols_today().flt.date_from == TODAY and d.target_coverage().tab == "签订率"


def test_empty_file_and_a_year_without_letters(db: Database) -> None:
    d = dashboard.load(db, TODAY)
    assert (d.villages, d.patrols_today, d.silent_today, d.coverage_rate, d.due_this_week) == (
        0,
        0,
        (),
        None,
        (),
    )
