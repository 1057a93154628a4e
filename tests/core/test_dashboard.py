"""工作台 numbers against hand-made records with known answers."""

from __future__ import annotations

from datetime import date, timedelta

from ecodesk.db import Database
from ecodesk.models import Unit
from ecodesk.models.campaign import Campaign, Deliverable, DeliverableTarget, Submission
from ecodesk.models.complaint import Complaint
from ecodesk.models.org import Grid, Person, PersonRole
from ecodesk.models.rectification import Problem
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


def add_late_work(db: Database, today: date, ids: dict[str, int]) -> dict[str, int]:
    """On top of :func:`build_dashboard_town`: a 问题整改清单 due five days ago that 东沟 and 南坡 still owe
    (西岭 handed it in), a complaint two days overdue and one due tomorrow, one answered overdue (not
    owed), a problem found today and due in ten days (not yet work to chase), and whom to phone in
    南坡: a grid with 孙网格 (and a deleted member), and 南坡's leader."""
    with db.session() as s:
        campaign = Campaign(
            name="问题大排查", start_date=today - timedelta(days=40), end_date=today + timedelta(days=20)
        )
        s.add(campaign)
        s.flush()
        deliverable = Deliverable(
            campaign_id=campaign.id, name="问题整改清单", due_date=today - timedelta(days=5)
        )
        deliverable.targets = [DeliverableTarget(unit_id=v) for v in (ids["east"], ids["west"], ids["south"])]
        s.add(deliverable)
        s.flush()
        s.add(
            Submission(
                deliverable_id=deliverable.id, unit_id=ids["west"], received_date=today - timedelta(days=6)
            )
        )
        late = Complaint(
            year=today.year,
            received_date=today - timedelta(days=20),
            channel="12345",
            complainant_name="举报人甲",
            content="村东头夜间焚烧垃圾",
            village_id=ids["east"],
            deadline=today - timedelta(days=2),
            status="办理中",
        )
        soon = Complaint(
            year=today.year,
            received_date=today - timedelta(days=3),
            channel="来电",
            content="养殖场异味",
            village_id=ids["south"],
            deadline=today + timedelta(days=1),
            status="办理中",
        )
        answered = Complaint(
            year=today.year,
            received_date=today - timedelta(days=30),
            content="已答复的件",
            village_id=ids["east"],
            deadline=today - timedelta(days=10),
            status="已办结",
            reply_date=today - timedelta(days=9),
        )
        fresh = Problem(
            found_date=today,
            village_id=ids["south"],
            place="新发现",
            deadline=today + timedelta(days=10),
            status="待整改",
        )
        s.add_all([late, soon, answered, fresh])
        south = s.get(Unit, ids["south"])
        assert south is not None
        south.leader, south.phone = "南坡书记", "0311-5550001"
        sun = Person(name="孙网格", phone="13800000001", unit_id=ids["south"])
        sun.roles.append(PersonRole(role="网格员"))
        gone = Person(name="已删除", phone="13800000009", unit_id=ids["south"], deleted_at=today)
        s.add_all([sun, gone])
        s.flush()
        s.add(Grid(name="南坡一网格", village_id=ids["south"], members=[sun, gone]))
        s.flush()
        return {"deliverable": deliverable.id, "campaign": campaign.id, "late": late.id, "soon": soon.id}


def test_todo_lists_overdue_and_due_soon_work_oldest_first(db: Database) -> None:
    ids = build_dashboard_town(db, TODAY)
    extra = add_late_work(db, TODAY, ids)
    d = dashboard.load(db, TODAY)
    assert [(i.category, i.village, i.when) for i in d.todo] == [
        ("报送材料", "东沟村", "已逾期 5 天"),
        ("报送材料", "南坡村", "已逾期 5 天"),
        ("信访举报", "东沟村", "已逾期 2 天"),
        ("问题整改", "东沟村", "已逾期 1 天"),
        ("信访举报", "南坡村", "1 天后到期"),
        ("问题整改", "西岭村", "2 天后到期"),
        ("报送材料", "东沟村", "3 天后到期"),
        ("报送材料", "南坡村", "3 天后到期"),
    ]
    assert d.todo_total == 8 and d.todo_overdue == 4
    first = d.todo[0]
    assert first.what == "问题大排查：问题整改清单" and first.deadline == TODAY - timedelta(days=5)
    assert first.target.page == "campaigns" and first.target.cell == (ids["east"], extra["deliverable"])
    complaint = d.todo[2]
    assert complaint.what == "12345：村东头夜间焚烧垃圾" and "举报人甲" not in complaint.what
    assert complaint.target == dashboard.Target("complaints", "complaints", record_id=extra["late"])
    assert d.todo[3].what == "河道" and d.todo[3].target.kind == "problems" and d.todo[3].target.record_id
    # The tile: deliverables overdue (however long ago, within the reminders' look-back) and this week.
    assert d.deliverables_overdue == 2 and len(d.due_this_week) == 2


def test_silent_villages_come_with_whom_to_phone(db: Database) -> None:
    ids = build_dashboard_town(db, TODAY)
    add_late_work(db, TODAY, ids)
    d = dashboard.load(db, TODAY)
    assert d.silent_today == ("南坡村",)
    assert d.silent_contacts == (
        dashboard.Contact("南坡村", ids["south"], (("孙网格", "13800000001"),), "南坡书记", "0311-5550001"),
    )
