"""Year-end appraisal: every rule kind against hand-made records, adjustments, ranks, the lock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecodesk.appraisal.defaults import DEFAULT_ITEMS, ItemInput
from ecodesk.db import Database
from ecodesk.db.audit import AuditEntry
from ecodesk.errors import NotFoundError, ValidationError
from ecodesk.services import appraisal
from tests.core import helpers as h

# item name → (东沟村, 西岭村, 南坡村), worked out by hand from appraisal_helpers' table.
EXPECTED = {
    "火点": (9, 15, 0),  # 2×3; none; 6×3 = 18 > 15 floors at zero
    "超期": (13, 15, 15),  # one open past its deadline, one rectified 5 days late
    "未销号": (4, 5, 5),  # 整改中 and 已整改待核查 are not closed
    "材料": (9, 8, 10),  # late −1, missing −2
    "承诺书": (7.5, 10, 10),  # 3 of 4 (the void one does not count); nothing to sign = full marks
    "巡查": (9, 0, 10),  # February one short; twelve months of nothing floors at zero
    "信访": (6, 10, 10),  # never answered, answered late: 2 × −2
    "宣传": (5, 5, 5),  # manual: full marks until the clerk says otherwise
    "表彰": (0, 0, 0),  # bonus: nothing until given
}


@pytest.fixture
def town(db: Database) -> h.ScoredTown:
    town = h.build_scored_town(db)
    appraisal.create_scheme(db, h.SCORED_YEAR, h.SCORED_ITEMS, weight=10)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    return town


def _finals(db: Database, town: h.ScoredTown) -> dict[str, tuple[float, ...]]:
    data = appraisal.sheet(db, h.SCORED_YEAR)
    rows = {r.village_id: r for r in data.rows}
    return {
        i.name: tuple(rows[v].cells[i.id].final for v in (town.east, town.west, town.south))
        for i in data.items
    }


def test_every_rule_kind_gives_the_scores_worked_out_by_hand(db: Database, town: h.ScoredTown) -> None:
    assert _finals(db, town) == {k: tuple(float(x) for x in v) for k, v in EXPECTED.items()}
    data = appraisal.sheet(db, h.SCORED_YEAR)
    totals = {r.village: (r.total, r.rank, r.converted) for r in data.rows}
    assert totals == {"东沟村": (62.5, 3, 6.25), "西岭村": (68.0, 1, 6.8), "南坡村": (65.0, 2, 6.5)}
    assert data.full_marks == 80 and data.bonus_max == 3
    # Only villages are appraised, in the town's order.
    assert [r.village for r in data.rows] == ["东沟村", "西岭村", "南坡村"]


def test_evidence_names_the_records_behind_each_deduction(db: Database, town: h.ScoredTown) -> None:
    items = {i.name: i.id for i in appraisal.scheme_items(db, h.SCORED_YEAR)}
    fires = appraisal.evidence(db, h.SCORED_YEAR, items["火点"], town.east)
    assert [(e.table, e.day, e.points) for e in fires] == [
        ("fire_points", "2025-06-01", -3.0),
        ("fire_points", "2025-06-02", -3.0),
    ]
    assert all(e.record_id for e in fires)
    problems = [e.text for e in appraisal.evidence(db, h.SCORED_YEAR, items["超期"], town.east)]
    assert any("超期未整改" in t for t in problems) and any("超期整改5天" in t for t in problems)
    material = {e.village: e.text for e in appraisal.evidence(db, h.SCORED_YEAR, items["材料"])}
    assert "逾期3天报送" in material["东沟村"] and "未报送" in material["西岭村"] and "南坡村" not in material
    complaints = [e.text for e in appraisal.evidence(db, h.SCORED_YEAR, items["信访"], town.east)]
    assert len(complaints) == 2 and any("超时限3天答复" in t for t in complaints)
    patrols = [e.text for e in appraisal.evidence(db, h.SCORED_YEAR, items["巡查"], town.east)]
    assert patrols == ["2月巡查1次，少于要求的2次（少1次）"]
    coverage = appraisal.evidence(db, h.SCORED_YEAR, items["承诺书"], town.east)
    assert "签订率75.0%" in coverage[0].text


def test_adjustment_needs_a_reason_survives_recompute_and_is_audited(
    db: Database, town: h.ScoredTown
) -> None:
    item = next(i for i in appraisal.scheme_items(db, h.SCORED_YEAR) if i.name == "火点")
    with pytest.raises(ValidationError, match="调整原因"):
        appraisal.adjust(db, h.SCORED_YEAR, item.id, town.east, 2, "  ")
    assert appraisal.adjust(db, h.SCORED_YEAR, item.id, town.east, 2, "一处火点经核实为误报") == 11
    # Floors and caps: never below zero, never above the maximum.
    assert appraisal.adjust(db, h.SCORED_YEAR, item.id, town.west, 5, "复核") == 15
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    assert _finals(db, town)["火点"] == (11.0, 15.0, 0.0)
    with db.session() as s:
        logged = s.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "appraisal_scores", AuditEntry.field == "adjust_reason"
            )
        ).all()
    assert [e.new_value for e in logged] == ["一处火点经核实为误报", "复核"]


def test_manual_score_set_as_a_final_value(db: Database, town: h.ScoredTown) -> None:
    item = next(i for i in appraisal.scheme_items(db, h.SCORED_YEAR) if i.name == "宣传")
    with pytest.raises(ValidationError, match="0到5"):
        appraisal.set_final(db, h.SCORED_YEAR, item.id, town.east, 6, "检查")
    assert appraisal.set_final(db, h.SCORED_YEAR, item.id, town.east, 3.5, "宣传资料未发放到户") == 3.5
    cell = next(r for r in appraisal.sheet(db, h.SCORED_YEAR).rows if r.village_id == town.east).cells[
        item.id
    ]
    assert (cell.computed, cell.adjustment, cell.final) == (None, -1.5, 3.5)


def test_same_score_same_rank(db: Database, town: h.ScoredTown) -> None:
    assert appraisal.competition_ranks([98, 98, 95, 99.999, 80]) == [2, 2, 4, 1, 5]
    bonus = next(i for i in appraisal.scheme_items(db, h.SCORED_YEAR) if i.bonus)
    appraisal.set_final(db, h.SCORED_YEAR, bonus.id, town.east, 2.5, "受县级表彰")  # 62.5 + 2.5 = 南坡村's 65
    ranks = {r.village: r.rank for r in appraisal.sheet(db, h.SCORED_YEAR).rows}
    assert ranks == {"西岭村": 1, "南坡村": 2, "东沟村": 2}


def test_a_locked_year_refuses_every_change_until_deliberately_unlocked(
    db: Database, town: h.ScoredTown
) -> None:
    item = appraisal.scheme_items(db, h.SCORED_YEAR)[0]
    appraisal.finalise(db, h.SCORED_YEAR)
    data = appraisal.sheet(db, h.SCORED_YEAR)
    assert data.locked and data.finalised_by == "测试员"
    for change in (
        lambda: appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF),
        lambda: appraisal.adjust(db, h.SCORED_YEAR, item.id, town.east, 1, "复核"),
        lambda: appraisal.save_items(db, h.SCORED_YEAR, h.SCORED_ITEMS),
        lambda: appraisal.set_scheme(db, h.SCORED_YEAR, weight=20),
        lambda: appraisal.finalise(db, h.SCORED_YEAR),
    ):
        with pytest.raises(ValidationError, match="已于.*定稿锁定，不能修改"):
            change()
    with pytest.raises(ValidationError, match="必须写明"):
        appraisal.unlock(db, h.SCORED_YEAR, "")
    appraisal.unlock(db, h.SCORED_YEAR, "南坡村火点经市局复核撤销")
    assert appraisal.adjust(db, h.SCORED_YEAR, item.id, town.south, 3, "火点撤销") == 3
    history = appraisal.lock_history(db, h.SCORED_YEAR)
    assert [(who, what, why) for _at, who, what, why in history] == [
        ("测试员", "定稿", "2025年度考核定稿"),
        ("测试员", "解除锁定", "南坡村火点经市局复核撤销"),
    ]


def test_scheme_copied_from_last_year_and_default_scheme(db: Database, town: h.ScoredTown) -> None:
    appraisal.ensure_scheme(db, h.SCORED_YEAR + 1)
    copied = appraisal.scheme_items(db, h.SCORED_YEAR + 1)
    assert [(i.name, i.max_score, i.rule, i.params) for i in copied] == [
        (i.name, i.max_score, i.rule, i.params) for i in appraisal.scheme_items(db, h.SCORED_YEAR)
    ]
    assert {i.id for i in copied}.isdisjoint({i.id for i in appraisal.scheme_items(db, h.SCORED_YEAR)})
    with pytest.raises(ValidationError, match="已有考核方案"):
        appraisal.copy_scheme(db, h.SCORED_YEAR, h.SCORED_YEAR + 1)
    appraisal.ensure_scheme(db, 2019)  # no earlier year: the shipped default
    default = appraisal.sheet(db, 2019)
    assert default.full_marks == 100 and default.weight == 10
    assert {i.rule for i in default.items} >= {
        "fire_points",
        "coverage",
        "patrols",
        "deliverables",
        "complaints",
    }
    assert sum(i.max_score for i in DEFAULT_ITEMS if not i.bonus) == 100
    with pytest.raises(NotFoundError, match="2030年度还没有考核方案"):
        appraisal.sheet(db, 2030)


def test_items_are_validated_with_the_field_and_the_reason(db: Database, town: h.ScoredTown) -> None:
    bad = (
        ItemInput("加分", "表彰", 3, "fire_points", {"points": 1}, bonus=True),
        ItemInput("大气", "火点", 0, "fire_points", {"points": "三"}),
        ItemInput("大气", "巡查", 10, "patrols", {"per_month": 2.5}),
    )
    with pytest.raises(ValidationError) as err:
        appraisal.save_items(db, h.SCORED_YEAR, bad)
    text = str(err.value)
    assert "加分项目只能人工评分" in text and "分值" in text and "应为数字" in text and "应为整数" in text
    assert len(appraisal.scheme_items(db, h.SCORED_YEAR)) == len(h.SCORED_ITEMS)  # nothing changed


def test_editing_the_scheme_keeps_items_and_their_adjustments(db: Database, town: h.ScoredTown) -> None:
    items = appraisal.scheme_items(db, h.SCORED_YEAR)
    fire = items[0]
    appraisal.adjust(db, h.SCORED_YEAR, fire.id, town.east, 1, "复核")
    edited = [
        ItemInput(i.category, i.name, i.max_score, i.rule, i.params, i.bonus, "", i.id) for i in items[:-1]
    ]
    edited[0] = ItemInput("大气", "火点", 20, "fire_points", {"points": 2}, id=fire.id)
    appraisal.save_items(db, h.SCORED_YEAR, edited)
    appraisal.compute(db, h.SCORED_YEAR, as_of=h.SCORED_AS_OF)
    data = appraisal.sheet(db, h.SCORED_YEAR)
    assert (
        len(data.items) == len(h.SCORED_ITEMS) - 1
        and data.items[0].standard == "每发现1个火点扣2分，扣完为止"
    )
    east = next(r for r in data.rows if r.village_id == town.east)
    assert east.cells[fire.id].final == 20 - 2 * 2 + 1


def test_a_problem_found_today_and_not_yet_due_costs_no_points(db: Database) -> None:
    """Hand-made: in one village a problem found today (due in 10 days), one found today without a
    deadline, one 已整改待核查 and due next week — none is late, so neither rule may deduct; one 整改中
    past its deadline costs under both rules, and only it."""
    from datetime import date, timedelta

    from ecodesk.appraisal import rules
    from ecodesk.models import Unit
    from ecodesk.models.rectification import Problem

    today = date(2026, 6, 15)
    with db.session() as s:
        village = Unit(name="东沟村", kind="村")
        s.add(village)
        s.flush()
        vid = village.id
        s.add_all(
            [
                Problem(
                    found_date=today, village_id=vid, place="今日发现", deadline=today + timedelta(days=10)
                ),
                Problem(found_date=today, village_id=vid, place="未定时限"),
                Problem(
                    found_date=today - timedelta(days=5),
                    village_id=vid,
                    place="待核查",
                    deadline=today + timedelta(days=7),
                    status="已整改待核查",
                    rectified_date=today - timedelta(days=1),
                ),
            ]
        )
    period = rules.Period.of(today.year, today)
    for key in ("problems_overdue", "problems_unclosed"):
        compute = rules.RULES[key].compute
        assert compute is not None
        with db.session() as s:
            outcome = compute(s, period, [vid], 5.0, rules.RULES[key].defaults())[vid]
        assert (key, outcome.score, outcome.count) == (key, 5.0, 0)
    with db.session() as s:
        s.add(
            Problem(
                found_date=today - timedelta(days=30),
                village_id=vid,
                place="超期",
                deadline=today - timedelta(days=1),
                status="整改中",
            )
        )
    for key, points in (("problems_overdue", 1.0), ("problems_unclosed", 0.5)):
        compute = rules.RULES[key].compute
        assert compute is not None
        with db.session() as s:
            outcome = compute(s, period, [vid], 5.0, rules.RULES[key].defaults())[vid]
        assert (outcome.score, outcome.count) == (5.0 - points, 1)
        assert "超期" in outcome.evidence[0]["text"]
