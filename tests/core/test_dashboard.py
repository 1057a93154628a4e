"""工作台 numbers against hand-made records with known answers."""

from __future__ import annotations

from datetime import date, timedelta

from ecodesk.db import Database
from ecodesk.models import Unit
from ecodesk.models.campaign import Campaign, Deliverable, DeliverableTarget, Submission
from ecodesk.models.letter import Commitment, LetterTemplate
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.services import dashboard

TODAY = date(2026, 6, 15)


def build(db: Database, today: date = TODAY) -> dict[str, int]:
    """Three villages: 东沟 patrolled twice today, 西岭 once, 南坡 not at all; one problem overdue, one due
    in two days, one closed last month; two fire points this month, one last month; letters 3 of 4;
    a deliverable due in three days that 西岭 has handed in."""
    with db.session() as s:
        villages = [Unit(name=n, kind="村", sort_order=i) for i, n in enumerate(("东沟村", "西岭村", "南坡村"))]
        s.add_all([*villages, Unit(name="派出所", kind="驻镇单位")])
        s.flush()
        east, west, south = villages
        for village, n in ((east, 2), (west, 1)):
            for _ in range(n):
                s.add(Patrol(date=today, village_id=village.id, kind="禁烧巡查"))
        s.add(Patrol(date=today - timedelta(days=1), village_id=south.id, kind="禁烧巡查"))
        s.add(Patrol(date=today, village_id=south.id, kind="禁烧巡查", deleted_at=today))  # deleted: not counted
        s.add(Problem(found_date=today - timedelta(days=30), village_id=east.id, place="河道",
                      deadline=today - timedelta(days=1), status="整改中"))
        s.add(Problem(found_date=today - timedelta(days=10), village_id=west.id, place="路口",
                      deadline=today + timedelta(days=2), status="待整改"))
        s.add(Problem(found_date=date(today.year, 4, 2), village_id=south.id, place="村北", deadline=date(today.year, 4, 30),
                      status="已销号", rectified_date=date(today.year, 4, 20), closed_date=date(today.year, 5, 6), verifier="王"))
        for day in (today.replace(day=1), today):
            s.add(FirePoint(date=day, village_id=east.id, source="巡查发现"))
        s.add(FirePoint(date=today.replace(day=1) - timedelta(days=3), village_id=west.id, source="卫星遥感"))
        tpl = LetterTemplate(kind="禁烧承诺书", year=today.year, title="禁烧承诺书")
        s.add(tpl)
        s.flush()
        for status in ("已签", "已签", "已签", "待签", "作废"):
            s.add(Commitment(template_id=tpl.id, kind="禁烧承诺书", year=today.year, village_id=east.id, status=status))
        campaign = Campaign(name="夏季禁烧", start_date=today - timedelta(days=20), end_date=today + timedelta(days=30))
        s.add(campaign)
        s.flush()
        deliverable = Deliverable(campaign_id=campaign.id, name="禁烧工作方案", due_date=today + timedelta(days=3))
        deliverable.targets = [DeliverableTarget(unit_id=v.id) for v in villages]
        s.add(deliverable)
        s.flush()
        s.add(Submission(deliverable_id=deliverable.id, unit_id=west.id, received_date=today))
        return {"east": east.id, "west": west.id, "south": south.id}


def test_dashboard_numbers(db: Database) -> None:
    build(db)
    d = dashboard.load(db, TODAY)
    assert (d.villages, d.patrols_today, d.reported_today, d.silent_today) == (3, 3, 2, ("南坡村",))
    assert (d.overdue_problems, d.due_soon_problems) == (1, 1)
    assert (d.fires_this_month, d.fires_last_month) == (2, 1)
    assert (d.coverage_year, d.signed, d.required, d.coverage_rate) == (2026, 3, 4, 0.75)
    assert [(i.unit, i.deliverable, i.due) for i in d.due_this_week] == [
        ("东沟村", "禁烧工作方案", date(2026, 6, 18)), ("南坡村", "禁烧工作方案", date(2026, 6, 18))
    ]
    assert [m.label for m in d.fires_by_month][-3:] == ["4月", "5月", "6月"] and len(d.fires_by_month) == 12
    assert [m.value for m in d.fires_by_month][-2:] == [1, 2]
    opened = {(m.year, m.month): m.value for m in d.problems_opened}
    closed = {(m.year, m.month): m.value for m in d.problems_closed}
    assert (opened[(2026, 4)], opened[(2026, 5)], opened[(2026, 6)]) == (1, 1, 1)
    assert closed[(2026, 5)] == 1 and sum(closed.values()) == 1
    assert d.fires_by_month[0].label == "7月" and d.fires_by_month[0].year == 2025


def test_targets_name_the_list_and_filter_behind_each_tile(db: Database) -> None:
    build(db)
    d = dashboard.load(db, TODAY)
    assert d.target_overdue().kind == "problems" and d.target_overdue().flt.named == ("已超期",)
    fires = d.target_fires_this_month()
    assert (fires.page, fires.kind, fires.flt.date_from, fires.flt.date_to) == (
        "patrols", "fire_points", date(2026, 6, 1), TODAY
    )
    assert d.target_patrols_today().flt.date_from == TODAY and d.target_coverage().tab == "签订率"


def test_empty_file_and_a_year_without_letters(db: Database) -> None:
    d = dashboard.load(db, TODAY)
    assert (d.villages, d.patrols_today, d.silent_today, d.coverage_rate, d.due_this_week) == (0, 0, (), None, ())
