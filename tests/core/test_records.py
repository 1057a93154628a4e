"""The record-kind framework through the organisation kinds: validation, audit, soft delete, listing."""

from __future__ import annotations

import json

import pytest

from ecodesk.db import Database
from ecodesk.errors import NotFoundError, ValidationError
from ecodesk.schema import FieldType
from ecodesk.services import records
from ecodesk.services.org import ENTERPRISES, GRIDS, HOUSEHOLDS, PEOPLE, UNITS
from ecodesk.services.records import ListFilter


@pytest.fixture
def villages(db: Database) -> dict[str, int]:
    ids = {}
    for order, name in enumerate(("东沟村", "南庄村", "河西社区"), start=1):
        ids[name] = records.create(
            db, UNITS, {"name": name, "kind": "社区" if "社区" in name else "村", "sort_order": order}
        ).id
    records.create(db, UNITS, {"name": "环保办", "kind": "镇属单位", "sort_order": 10})
    return ids


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.label: p.reason for p in exc.value.problems}


def test_required_fields_are_named(db: Database, villages: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as exc:
        records.create(db, HOUSEHOLDS, {"group": "一组"})
    assert _problems(exc) == {"户主姓名": "必须填写", "所属村": "必须填写"}


def test_reference_to_a_unit_that_is_not_a_village_is_refused(db: Database, villages: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="所属村：找不到村/社区“环保办”"):
        records.create(db, HOUSEHOLDS, {"head_name": "王建国", "village": "环保办"})


def test_numbers_and_choices_are_checked(db: Database, villages: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as exc:
        records.create(db, HOUSEHOLDS, {"head_name": "王建国", "village": "东沟村", "members": "三口"})
    assert _problems(exc) == {"人口": "“三口”不是数字"}
    with pytest.raises(ValidationError, match="类别：“乡”不在可选范围"):
        records.create(db, UNITS, {"name": "某乡", "kind": "乡"})


def test_unit_names_are_unique_among_live_units(db: Database, villages: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="已有名为“东沟村”的单位"):
        records.create(db, UNITS, {"name": "东沟村", "kind": "村"})


def test_credit_code_check_digit(db: Database) -> None:
    made = records.create(
        db, ENTERPRISES, {"name": "清河镇鑫源洗煤有限公司", "credit_code": "91350100m000100y43"}
    )
    assert made.credit_code == "91350100M000100Y43"  # normalised to upper case
    with pytest.raises(ValidationError, match="统一社会信用代码：校验位错误"):
        records.create(db, ENTERPRISES, {"name": "某厂", "credit_code": "91350100M000100Y44"})
    with pytest.raises(ValidationError, match="应为18位"):
        records.create(db, ENTERPRISES, {"name": "某厂", "credit_code": "9135"})
    with pytest.raises(ValidationError, match="已有企业使用代码"):
        records.create(db, ENTERPRISES, {"name": "另一厂", "credit_code": "91350100M000100Y43"})
    assert records.create(db, ENTERPRISES, {"name": "无代码小作坊", "credit_code": ""}).credit_code is None


def test_roles_with_titles_round_trip(db: Database, villages: dict[str, int]) -> None:
    person = records.create(
        db, PEOPLE, {"name": "郝翔", "unit": "东沟村", "roles": "网格员、领导小组成员（党委副书记、镇长）"}
    )
    assert [(r.role, r.title) for r in person.roles] == [("网格员", ""), ("领导小组成员", "党委副书记、镇长")]
    assert person.role_text == "网格员、领导小组成员（党委副书记、镇长）"
    with pytest.raises(ValidationError, match="“村长”不是可选的身份"):
        records.update(db, PEOPLE, person.id, {"roles": "村长"})


def test_grid_members_by_name(db: Database, villages: dict[str, int]) -> None:
    records.create(db, PEOPLE, {"name": "李红", "unit": "东沟村", "roles": "网格员"})
    grid = records.create(db, GRIDS, {"name": "东沟村第一网格", "village": "东沟村", "members": "李红"})
    assert [p.name for p in grid.members] == ["李红"]
    with pytest.raises(ValidationError, match="找不到人员“张三”"):
        records.create(db, GRIDS, {"name": "第二网格", "village": "东沟村", "members": "张三"})


def test_every_change_is_audited_with_operator_field_old_and_new(
    db: Database, villages: dict[str, int]
) -> None:
    made = records.create(db, HOUSEHOLDS, {"head_name": "王建国", "village": "东沟村", "members": 3})
    assert made.created_by == "测试员"
    records.update(db, HOUSEHOLDS, made.id, {"members": 4, "phone": "13800001111"})
    records.soft_delete(db, HOUSEHOLDS, [made.id])
    records.restore(db, HOUSEHOLDS, [made.id])
    entries = list(reversed(records.history(db, HOUSEHOLDS, made.id)))
    assert {(e.action, e.field, e.old_value, e.new_value) for e in entries[1:3]} == {
        ("update", "members", "3", "4"),
        ("update", "phone", "", "13800001111"),
    }
    assert entries[0].action == "insert"
    assert json.loads(entries[0].new_value or "{}")["head_name"] == "王建国"
    assert [e.action for e in entries[3:]] == ["delete", "restore"]
    assert {e.operator for e in entries} == {"测试员"}


def test_soft_deleted_records_leave_lists_but_stay_restorable(db: Database, villages: dict[str, int]) -> None:
    a = records.create(db, HOUSEHOLDS, {"head_name": "甲", "village": "东沟村"})
    b = records.create(db, HOUSEHOLDS, {"head_name": "乙", "village": "东沟村"})
    records.soft_delete(db, HOUSEHOLDS, [a.id])
    assert records.list_ids(db, HOUSEHOLDS) == [b.id]
    assert records.list_ids(db, HOUSEHOLDS, ListFilter(only_deleted=True)) == [a.id]
    with pytest.raises(NotFoundError):
        records.update(db, HOUSEHOLDS, a.id, {"head_name": "丙"})
    records.restore(db, HOUSEHOLDS, [a.id])
    assert sorted(records.list_ids(db, HOUSEHOLDS)) == [a.id, b.id]


def test_listing_filters_and_sorts_in_sql(db: Database, villages: dict[str, int]) -> None:
    rows = [
        ("张三", "南庄村", "二组"),
        ("李四", "东沟村", "一组"),
        ("王五", "东沟村", "三组"),
        ("赵六", "河西社区", ""),
    ]
    ids = {
        name: records.create(db, HOUSEHOLDS, {"head_name": name, "village": v, "group": g}).id
        for name, v, g in rows
    }
    # sorting by village follows the units' sort order, not the name's code points
    by_village = records.list_ids(db, HOUSEHOLDS, sort_key="village")
    assert by_village == [ids["李四"], ids["王五"], ids["张三"], ids["赵六"]]
    assert records.list_ids(db, HOUSEHOLDS, sort_key="village", descending=True) == [
        ids["赵六"],
        ids["张三"],
        ids["王五"],
        ids["李四"],
    ]
    east = ListFilter(village_id=villages["东沟村"])
    assert set(records.list_ids(db, HOUSEHOLDS, east)) == {ids["李四"], ids["王五"]}
    assert records.count(db, HOUSEHOLDS, east) == 2
    assert records.list_ids(db, HOUSEHOLDS, ListFilter(text="三组")) == [ids["王五"]]
    assert records.list_ids(db, HOUSEHOLDS, ListFilter(text="南庄")) == [
        ids["张三"]
    ]  # searches the village name
    shown = records.fetch_rows(db, HOUSEHOLDS, [ids["张三"]])[ids["张三"]]
    assert shown[:3] == ("张三", "南庄村", "二组")


def test_text_search_treats_wildcards_as_text(db: Database, villages: dict[str, int]) -> None:
    records.create(db, HOUSEHOLDS, {"head_name": "王建国", "village": "东沟村"})
    assert records.list_ids(db, HOUSEHOLDS, ListFilter(text="%")) != []  # no crash, no SQL error
    assert records.list_ids(db, HOUSEHOLDS, ListFilter(text="不存在的名字")) == []


def test_chinese_names_sort_by_pinyin(db: Database) -> None:
    from ecodesk.services.org import HOUSEHOLDS, UNITS

    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    for name in ("赵德明", "陈桂兰", "白爱兰", "李秀英", "曹宝全"):
        records.create(db, HOUSEHOLDS, {"head_name": name, "village": "东沟村"})
    ids = records.list_ids(db, HOUSEHOLDS, sort_key="head_name")
    objs = records.fetch(db, HOUSEHOLDS, ids)
    assert [objs[i].head_name for i in ids] == ["白爱兰", "曹宝全", "陈桂兰", "李秀英", "赵德明"]
    ids = records.list_ids(db, HOUSEHOLDS, sort_key="head_name", descending=True)
    assert [objs[i].head_name for i in ids] == ["赵德明", "李秀英", "陈桂兰", "曹宝全", "白爱兰"]


def test_plain_fetch_reads_like_the_records(db: Database) -> None:
    """Exports read plain rows; every field of every kind must show exactly as from the records."""
    from ecodesk.demo import generate
    from ecodesk.services.kinds import KINDS

    generate(db, "small", seed=3)
    compared = 0
    for kind in KINDS.values():
        ids = records.list_ids(db, kind, ListFilter(include_deleted=True))
        plain = records.fetch_plain(db, kind, ids)
        if plain is None:
            assert any(f.type is FieldType.CUSTOM for f in kind.fields)
            continue
        full = records.fetch(db, kind, ids)
        assert plain.keys() == full.keys()
        for rid in ids:
            for f in kind.fields:
                assert records.cell_value(f, plain[rid]) == records.cell_value(f, full[rid]), (
                    kind.name,
                    f.key,
                )
                assert records.display_value(f, plain[rid]) == records.display_value(f, full[rid])
        compared += len(ids)
    assert compared > 100


def test_history_reads_as_the_forms_write(db: Database, villages: dict[str, int]) -> None:
    """Labels, not column names; names, not ids; 500 not 500.0; 是/否; every field set on creation."""
    from ecodesk.services.ledgers import CONSTRUCTION

    entry = records.create(
        db,
        CONSTRUCTION,
        {
            "name": "东沟村安置房工地",
            "village": "东沟村",
            "area": 500,
            "fence": True,
            "listed_date": "2024-03-01",
            "remark": "长" * 2000,
        },
    )
    records.update(db, CONSTRUCTION, entry.id, {"area": 600, "village": "南庄村", "wash": True})
    lines = records.history_lines(db, CONSTRUCTION, entry.id)
    changes = {(line.label, line.old, line.new) for line in lines if line.action == "update"}
    assert changes == {
        ("占地面积（㎡）", "500", "600"),
        ("所在村", "东沟村", "南庄村"),
        ("出入车辆清洗", "否", "是"),
    }
    created = dict(next(line for line in lines if line.action == "insert").fields)
    assert created["项目名称"] == "东沟村安置房工地"
    assert created["所在村"] == "东沟村"
    assert created["占地面积（㎡）"] == "500"
    assert created["周边围挡"] == "是" and created["湿法作业"] == "否"
    assert created["挂牌日期"] == "2024-03-01" and created["状态"] == "挂牌"
    assert created["备注"] == "长" * 2000  # whole here; the screen shortens it
    assert "kind" not in created and "year" not in created and "data" not in created


def test_history_names_a_linked_problem(db: Database, villages: dict[str, int]) -> None:
    from ecodesk.models.patrol import Patrol
    from ecodesk.services import rectification
    from ecodesk.services.patrols import PATROLS

    patrol = records.create(
        db, PATROLS, {"date": "2024-03-01", "village": "东沟村", "kind": "巡河", "place": "东沟河"}
    )
    problem = rectification.create_problem(
        db, {"found_date": "2024-03-01", "place": "东沟河桥下", "description": "垃圾"}
    )
    with db.session() as session:
        obj = session.get(Patrol, patrol.id)
        assert obj is not None
        obj.problem_id = problem.id
    line = next(line for line in records.history_lines(db, PATROLS, patrol.id) if line.action == "update")
    assert (line.label, line.old, line.new) == ("整改问题", "", "东沟河桥下")
