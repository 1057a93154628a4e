"""Campaigns (专项行动): reference 002 entered as data, submissions with files, and the derived
on-time / late / missing / pending states at their edges, in Python and in SQL alike."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from ecodesk import dates
from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.services import attachments, campaigns
from ecodesk.services.campaigns import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    DeliverableInput,
    MemberInput,
    PhaseInput,
    submission_state,
)
from tests.core.helpers import Town, build_town

PLAN_DUE, LIST_DUE, SUMMARY_DUE = date(2024, 10, 20), date(2024, 11, 30), date(2024, 12, 30)


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def _reference_002(db: Database, town: Town) -> int:
    """XX镇人民政府2024年大气污染防治攻坚冲刺行动方案: three phases, three dated deliverables."""
    return campaigns.create_campaign(
        db,
        {
            "name": "2024年大气污染防治攻坚冲刺行动",
            "start_date": "2024-10-01",
            "end_date": "2024-12-31",
            "goals": "PM2.5浓度达到34微克/立方米以下",
        },
        phases=[
            PhaseInput("动员部署阶段", PLAN_DUE),
            PhaseInput("排查梳理阶段", LIST_DUE, date(2024, 10, 21)),
            PhaseInput("整改提升阶段", SUMMARY_DUE, date(2024, 12, 1)),
        ],
        roster=[
            MemberInput("组长", "党委副书记、镇长", town.leader),
            MemberInput("成员", name="各村到村工作大学生"),
        ],
        deliverables=[
            DeliverableInput("工作计划", PLAN_DUE, phase="动员部署阶段"),
            DeliverableInput("问题整改清单", LIST_DUE, phase="排查梳理阶段"),
            DeliverableInput("工作总结", SUMMARY_DUE, phase="整改提升阶段"),
        ],
    )


@pytest.mark.parametrize(
    ("received", "today", "state"),
    [
        (PLAN_DUE, PLAN_DUE, ON_TIME),  # handed in on the due date itself
        (PLAN_DUE - timedelta(days=5), PLAN_DUE + timedelta(days=30), ON_TIME),
        (PLAN_DUE + timedelta(days=1), PLAN_DUE + timedelta(days=1), LATE),  # one day after
        (None, PLAN_DUE - timedelta(days=1), PENDING),
        (None, PLAN_DUE, PENDING),  # due today: not missing until the day is over
        (None, PLAN_DUE + timedelta(days=1), MISSING),
    ],
)
def test_submission_state_at_the_edges_in_python_and_sql(
    db: Database, town: Town, received: date | None, today: date, state: str
) -> None:
    assert submission_state(PLAN_DUE, received, today) == state
    cid = _reference_002(db, town)
    plan = campaigns.get_campaign(db, cid).deliverables[0]
    if received is not None:
        campaigns.record_submission(db, plan.id, town.east, received)
    rows = campaigns.deliverable_statuses(db, cid, today=today, unit_id=town.east)
    assert [(r.deliverable, r.state) for r in rows][0] == ("工作计划", state)


def test_reference_002_as_a_campaign(db: Database, town: Town) -> None:
    cid = _reference_002(db, town)
    c = campaigns.get_campaign(db, cid)
    assert [p.name for p in c.phases] == ["动员部署阶段", "排查梳理阶段", "整改提升阶段"]
    assert [(m.position, m.display_name, m.title) for m in c.roster] == [
        ("组长", "刘镇长", "党委副书记、镇长"),
        ("成员", "各村到村工作大学生", ""),
    ]
    assert [(d.name, d.due_date) for d in c.deliverables] == [
        ("工作计划", PLAN_DUE),
        ("问题整改清单", LIST_DUE),
        ("工作总结", SUMMARY_DUE),
    ]
    # 各村、XX社区: every village and community, not the town's offices.
    assert {t.unit.name for t in c.deliverables[0].targets} == {"东沟村", "西岭村", "城关社区"}
    assert campaigns.current_phase(c, date(2024, 11, 2)).name == "排查梳理阶段"  # type: ignore[union-attr]
    assert campaigns.current_phase(c, date(2024, 10, 3)).name == "动员部署阶段"  # type: ignore[union-attr]


def test_default_roster_comes_from_the_people_register(db: Database, town: Town) -> None:
    roster = campaigns.default_roster(db)
    assert [(m.position, m.person_id, m.title) for m in roster] == [("组长", town.leader, "党委副书记、镇长")]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"phases": [PhaseInput("动员部署阶段", date(2025, 1, 5))]}, "应在行动期间"),
        ({"phases": [PhaseInput("", date(2024, 10, 5))]}, "名称必须填写"),
        ({"roster": [MemberInput("司令", "镇长", 1)]}, "职位应为"),
        ({"roster": [MemberInput("成员")]}, "应选择人员或填写名称"),
        ({"deliverables": [DeliverableInput("工作计划", date(2024, 9, 1))]}, "早于行动开始日期"),
        ({"deliverables": [DeliverableInput("工作计划", PLAN_DUE, phase="不存在的阶段")]}, "没有名为"),
    ],
)
def test_bad_campaign_input_is_refused_whole(
    db: Database, town: Town, kwargs: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        campaigns.create_campaign(
            db,
            {"name": "测试行动", "start_date": "2024-10-01", "end_date": "2024-12-31"},
            **kwargs,  # type: ignore[arg-type]
        )
    assert campaigns.deliverable_statuses(db) == []
    from ecodesk.services import records

    assert records.count(db, campaigns.CAMPAIGNS) == 0


def test_end_before_start_names_the_field(db: Database) -> None:
    with pytest.raises(ValidationError, match="结束日期"):
        campaigns.create_campaign(db, {"name": "行动", "start_date": "2024-10-01", "end_date": "2024-09-01"})


def test_submissions_keep_their_file_and_are_checked(db: Database, town: Town, tmp_path: Path) -> None:
    cid = _reference_002(db, town)
    plan = campaigns.get_campaign(db, cid).deliverables[0]
    scan = tmp_path / "东沟村工作计划.pdf"
    scan.write_bytes(b"%PDF-1.4 plan")
    sid = campaigns.record_submission(db, plan.id, town.east, "2024年10月18日", file=scan)
    files = attachments.list_for(db, campaigns.SUBMISSION_TABLE, sid)
    assert [(f.original_name, f.role) for f in files] == [("东沟村工作计划.pdf", "报送材料")]
    assert attachments.open_path(db, files[0].id).read_bytes() == b"%PDF-1.4 plan"
    with pytest.raises(ValidationError, match="不在“工作计划”的报送单位中"):
        campaigns.record_submission(db, plan.id, town.office, PLAN_DUE)
    with pytest.raises(ValidationError, match="还没到"):
        campaigns.record_submission(db, plan.id, town.west, dates.today() + timedelta(days=2))
    with pytest.raises(ValidationError, match="收到日期"):
        campaigns.record_submission(db, plan.id, town.west, "10月18日")
    # A submission recorded by mistake is withdrawn: the unit is missing again.
    campaigns.withdraw_submission(db, sid)
    rows = campaigns.deliverable_statuses(db, cid, today=date(2024, 10, 25), unit_id=town.east)
    assert rows[0].state == MISSING


def test_statuses_counts_reminders_and_tallies(db: Database, town: Town) -> None:
    cid = _reference_002(db, town)
    plan, issues, _summary = campaigns.get_campaign(db, cid).deliverables
    campaigns.record_submission(db, plan.id, town.east, PLAN_DUE)  # on the due date: on time
    campaigns.record_submission(db, plan.id, town.west, PLAN_DUE + timedelta(days=3))  # late
    campaigns.record_submission(
        db, plan.id, town.west, PLAN_DUE + timedelta(days=9)
    )  # a second copy: first counts
    # 城关社区 never hands in its plan: missing.
    campaigns.record_submission(db, issues.id, town.street, date(2024, 11, 20))  # early
    campaigns.set_unit_due_date(
        db, issues.id, town.west, date(2024, 11, 25)
    )  # 西岭村 was given an earlier date
    today = date(2024, 11, 28)
    rows = {(r.deliverable, r.unit): r for r in campaigns.deliverable_statuses(db, cid, today=today)}
    assert rows[("工作计划", "东沟村")].state == ON_TIME
    assert rows[("工作计划", "西岭村")].state == LATE and rows[("工作计划", "西岭村")].days_late == 3
    assert rows[("工作计划", "城关社区")].state == MISSING
    assert rows[("问题整改清单", "城关社区")].state == ON_TIME
    assert rows[("问题整改清单", "西岭村")].state == MISSING and rows[
        ("问题整改清单", "西岭村")
    ].due_date == date(2024, 11, 25)
    assert rows[("问题整改清单", "东沟村")].state == PENDING
    assert campaigns.state_counts(db, cid, today) == {ON_TIME: 2, LATE: 1, MISSING: 2, PENDING: 4}
    only_missing = campaigns.deliverable_statuses(db, cid, today=today, states=[MISSING])
    assert {(r.deliverable, r.unit) for r in only_missing} == {
        ("工作计划", "城关社区"),
        ("问题整改清单", "西岭村"),
    }

    reminders = campaigns.reminders(db, today, within_days=3)
    assert [(r.status.unit, r.status.deliverable, r.days_left) for r in reminders] == [
        ("城关社区", "工作计划", -39),
        ("西岭村", "问题整改清单", -3),
        ("东沟村", "问题整改清单", 2),
    ]
    assert reminders[0].overdue and reminders[0].text.endswith("已逾期39天）")
    assert (
        reminders[2].text
        == "东沟村：问题整改清单（2024年大气污染防治攻坚冲刺行动，2024年11月30日截止，还有2天截止）"
    )
    assert campaigns.unit_tallies(db, 2024, today)[town.west] == {ON_TIME: 0, LATE: 1, MISSING: 1, PENDING: 1}
    # Looking back at the due date itself: 西岭村's late plan had not arrived yet.
    back = {
        r.unit: r.state
        for r in campaigns.deliverable_statuses(db, cid, today=PLAN_DUE)
        if r.deliverable == "工作计划"
    }
    assert back == {"东沟村": ON_TIME, "西岭村": PENDING, "城关社区": PENDING}


def test_status_sheet_and_removing_a_deliverable(db: Database, town: Town, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    cid = _reference_002(db, town)
    plan, issues, summary = campaigns.get_campaign(db, cid).deliverables
    campaigns.record_submission(db, plan.id, town.east, date(2024, 10, 18))
    campaigns.record_submission(db, plan.id, town.west, date(2024, 10, 23))
    out = campaigns.write_status_xlsx(db, cid, tmp_path / "报送情况.xlsx", today=date(2024, 11, 1))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "2024年大气污染防治攻坚冲刺行动材料报送情况（截至2024年11月1日）"
    assert rows[1][2] == "工作计划（10月20日前）"
    assert rows[2][:4] == (1, "东沟村", "按时报送 10-18", "待报送")
    assert rows[3][:3] == (2, "西岭村", "逾期3天 10-23")
    assert rows[4][:3] == (3, "城关社区", "未报送")
    assert rows[5][:3] == ("合计", None, "按时报送1，逾期报送1，未报送1")
    with pytest.raises(ValidationError, match="已有2份报送记录"):
        campaigns.remove_deliverable(db, plan.id)
    campaigns.remove_deliverable(db, summary.id)
    assert [d.name for d in campaigns.get_campaign(db, cid).deliverables] == ["工作计划", "问题整改清单"]
