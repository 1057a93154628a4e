"""Saving a child list keeps its rows (issue 21.1): phases are matched by id so every deliverable keeps
its 工作阶段; the roster and a person's roles are edited in place; and every change to a campaign's
phases, roster and deliverables shows in the campaign's 修改记录 with Chinese labels."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.models import Person
from ecodesk.models.campaign import CampaignMember
from ecodesk.services import campaigns, records
from ecodesk.services.campaigns import CAMPAIGNS, DeliverableInput, MemberInput, PhaseInput
from tests.core.helpers import Town, build_town

PLAN_DUE, LIST_DUE, SUMMARY_DUE = date(2024, 10, 20), date(2024, 11, 30), date(2024, 12, 30)


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def make_campaign(db: Database, town: Town) -> int:
    return campaigns.create_campaign(
        db,
        {"name": "2024年大气污染防治攻坚冲刺行动", "start_date": "2024-10-01", "end_date": "2024-12-31"},
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


def as_inputs(db: Database, campaign_id: int) -> list[PhaseInput]:
    campaign = campaigns.get_campaign(db, campaign_id)
    return [PhaseInput(p.name, p.end_date, p.start_date, p.tasks, p.id) for p in campaign.phases]


def phase_of_each(db: Database, campaign_id: int) -> dict[str, str | None]:
    campaign = campaigns.get_campaign(db, campaign_id)
    names = {p.id: p.name for p in campaign.phases}
    return {d.name: names.get(d.phase_id) if d.phase_id else None for d in campaign.deliverables}


def history_texts(db: Database, campaign_id: int) -> list[str]:
    return [
        f"{line.label} {line.old} → {line.new}"
        if line.action == "update"
        else f"{line.label} {line.action} {line.new}"
        for line in records.history_lines(db, CAMPAIGNS, campaign_id)
    ]


def test_adding_a_phase_and_shortening_another_keeps_every_deliverable_linked(
    db: Database, town: Town
) -> None:
    campaign_id = make_campaign(db, town)
    plan, sort, fix = as_inputs(db, campaign_id)
    ids_before = {p.id for p in (plan, sort, fix)}
    campaigns.set_phases(
        db,
        campaign_id,
        [
            plan,
            sort,
            PhaseInput(fix.name, date(2024, 12, 20), fix.start_date, fix.tasks, fix.id),
            PhaseInput("总结验收阶段", date(2024, 12, 31), date(2024, 12, 21)),
        ],
    )
    db.close()
    reopened = Database.open(db.path, operator="测试员")
    try:
        assert phase_of_each(reopened, campaign_id) == {
            "工作计划": "动员部署阶段",
            "问题整改清单": "排查梳理阶段",
            "工作总结": "整改提升阶段",
        }
        campaign = campaigns.get_campaign(reopened, campaign_id)
        assert ids_before <= {p.id for p in campaign.phases}  # the old phases are the same rows
        assert [p.end_date for p in campaign.phases][-2:] == [date(2024, 12, 20), date(2024, 12, 31)]
        texts = history_texts(reopened, campaign_id)
        assert "工作阶段 item_added 总结验收阶段（2024-12-21 至 2024-12-31）" in texts
        assert "工作阶段“整改提升阶段”结束日期 2024-12-30 → 2024-12-20" in texts
    finally:
        reopened.close()


def test_a_deleted_phase_leaves_its_deliverables_without_a_phase_and_says_so(
    db: Database, town: Town
) -> None:
    campaign_id = make_campaign(db, town)
    plan, sort, fix = as_inputs(db, campaign_id)
    campaign = campaigns.get_campaign(db, campaign_id)
    losing = campaigns.phases_losing_deliverables(campaign, [plan.id or 0, fix.id or 0])
    assert campaigns.unlink_warning(losing) == "删除阶段“排查梳理阶段”后，它的 1 项需报送材料将不属于任何阶段"
    campaigns.set_phases(db, campaign_id, [plan, fix])
    assert phase_of_each(db, campaign_id) == {
        "工作计划": "动员部署阶段",
        "问题整改清单": None,
        "工作总结": "整改提升阶段",
    }
    texts = history_texts(db, campaign_id)
    assert "工作阶段 item_removed 排查梳理阶段（2024-10-21 至 2024-11-30）" in texts
    assert "报送材料“问题整改清单”所属阶段 排查梳理阶段 → " in texts


def test_two_phases_of_one_name_are_refused(db: Database, town: Town) -> None:
    campaign_id = make_campaign(db, town)
    plan, sort, fix = as_inputs(db, campaign_id)
    with pytest.raises(ValidationError, match="第4阶段（整改提升阶段）：与前面的阶段同名"):
        campaigns.set_phases(db, campaign_id, [plan, sort, fix, PhaseInput(fix.name, date(2024, 12, 31))])
    assert len(campaigns.get_campaign(db, campaign_id).phases) == 3


def test_a_phase_id_of_another_campaign_is_refused(db: Database, town: Town) -> None:
    first = make_campaign(db, town)
    other = campaigns.create_campaign(
        db, {"name": "秸秆禁烧", "start_date": "2024-10-01", "end_date": "2024-12-31"}, phases=[]
    )
    with pytest.raises(ValidationError, match="已被删除"):
        campaigns.set_phases(db, other, as_inputs(db, first)[:1])
    assert len(campaigns.get_campaign(db, first).phases) == 3


def test_deliverables_and_targets_are_audited_under_the_campaign(db: Database, town: Town) -> None:
    campaign_id = make_campaign(db, town)
    deliverable_id = campaigns.add_deliverable(db, campaign_id, DeliverableInput("整改台账", LIST_DUE))
    unit_id = campaigns.get_campaign(db, campaign_id).deliverables[-1].targets[0].unit_id
    campaigns.set_unit_due_date(db, deliverable_id, unit_id, date(2024, 12, 5))
    campaigns.remove_deliverable(db, deliverable_id)
    texts = history_texts(db, campaign_id)
    assert any(t.startswith("报送材料 item_added 整改台账（2024-11-30截止") for t in texts)
    assert any(t.startswith("报送单位“整改台账·") and t.endswith("与材料相同 → 2024-12-05") for t in texts)
    assert any(t.startswith("报送材料 item_removed 整改台账") for t in texts)


def test_roster_lines_are_edited_in_place(db: Database, town: Town) -> None:
    campaign_id = make_campaign(db, town)
    before = {m.display_name: m.id for m in campaigns.get_campaign(db, campaign_id).roster}
    leader = campaigns.get_campaign(db, campaign_id).roster[0]
    campaigns.set_roster(
        db,
        campaign_id,
        [
            MemberInput("组长", "党委书记", town.leader, id=leader.id),
            MemberInput("成员", name="各站所负责人"),
        ],
    )
    roster = campaigns.get_campaign(db, campaign_id).roster
    assert [m.display_name for m in roster] == [leader.display_name, "各站所负责人"]
    assert roster[0].id == before[leader.display_name]
    with db.session() as session:
        assert session.get(CampaignMember, before["各村到村工作大学生"]) is None
    texts = history_texts(db, campaign_id)
    assert f"领导小组“组长 {leader.display_name}”职务 党委副书记、镇长 → 党委书记" in texts
    assert "领导小组 item_removed 成员 各村到村工作大学生" in texts
    assert "领导小组 item_added 成员 各站所负责人" in texts
    # 按人员名册生成 (no ids) keeps the same person's line
    campaigns.set_roster(db, campaign_id, [MemberInput("组长", "党委书记", town.leader)])
    assert campaigns.get_campaign(db, campaign_id).roster[0].id == before[leader.display_name]


def test_scheme_items_keep_their_ids_and_a_removed_one_is_logged(db: Database, town: Town) -> None:
    from ecodesk.appraisal.defaults import ItemInput
    from ecodesk.db.audit import AuditEntry
    from ecodesk.models.appraisal import AppraisalItem
    from ecodesk.services import appraisal

    appraisal.ensure_scheme(db, 2024)
    views = appraisal.scheme_items(db, 2024)
    items = [
        ItemInput(v.category, v.name, v.max_score, v.rule, v.params, v.bonus, v.standard, v.id) for v in views
    ]
    renamed = ItemInput(**{**items[1].__dict__, "name": "秸秆禁烧（改）"})
    appraisal.save_items(db, 2024, [renamed, *items[2:]])
    after = appraisal.scheme_items(db, 2024)
    assert [v.id for v in after] == [v.id for v in views[1:]]
    assert after[0].name == "秸秆禁烧（改）"
    with db.session() as session:
        purged = session.scalars(
            select(AuditEntry.record_id).where(
                AuditEntry.table_name == AppraisalItem.__tablename__, AuditEntry.action == "purge"
            )
        ).all()
    assert list(purged) == [views[0].id]


def test_a_letter_template_is_saved_in_place(db: Database) -> None:
    from ecodesk.db.audit import AuditEntry
    from ecodesk.services import letters

    letters.ensure_templates(db, 2024)
    template = letters.list_templates(db, 2024)[0]
    values = {
        "title": template.title + "（修订）",
        "body": template.body,
        "party_a": template.party_a,
        "party_b": template.party_b,
    }
    assert letters.save_template(db, template.id, values).id == template.id
    assert [t.id for t in letters.list_templates(db, 2024)][0] == template.id
    with db.session() as session:
        fields = session.scalars(
            select(AuditEntry.field).where(
                AuditEntry.table_name == "letter_templates", AuditEntry.record_id == template.id
            )
        ).all()
    assert "title" in fields


def test_person_roles_are_edited_in_place_and_logged(db: Database, town: Town) -> None:
    from ecodesk.models.org import PersonRole
    from ecodesk.services.org import PEOPLE

    person_id = records.create(db, PEOPLE, {"name": "郝翔", "roles": "领导小组成员（镇长）、河长"}).id
    with db.session() as session:
        kept_id = session.scalars(
            select(PersonRole.id).where(PersonRole.person_id == person_id, PersonRole.role == "领导小组成员")
        ).one()
    records.update(db, PEOPLE, person_id, {"roles": "领导小组成员（党委书记）、网格员"})
    with db.session() as session:
        person = session.get(Person, person_id)
        assert person is not None
        assert [(r.role, r.title) for r in person.roles] == [("领导小组成员", "党委书记"), ("网格员", "")]
        assert person.roles[0].id == kept_id
    texts = [f"{x.label} {x.action} {x.old} → {x.new}" for x in records.history_lines(db, PEOPLE, person_id)]
    assert "身份“领导小组成员”职务 update 镇长 → 党委书记" in texts
    assert "身份 item_removed  → 河长" in texts
    assert "身份 item_added  → 网格员" in texts
