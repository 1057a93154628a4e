"""Demo data: the shape of the town, determinism, refusal on real data, and validity by the services' rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecodesk import demo
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.db.audit import AuditEntry
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job, JobCancelledError
from ecodesk.models import Enterprise, Grid, Household, Person, PersonRole, Unit
from ecodesk.models.org import VillageGroup
from ecodesk.services import records, settings
from ecodesk.services.kinds import KINDS
from ecodesk.services.org import UNITS
from ecodesk.services.validation import credit_code_problem, phone_problem

MOBILE = re.compile(r"^1[358]\d{9}$")


def _fresh(tmp_path: Path, name: str) -> Database:
    return Database.open(tmp_path / name, operator="测试员", create=True)


def _households(db: Database) -> list[tuple[object, ...]]:
    with db.session() as s:
        rows = s.execute(
            select(
                Household.head_name,
                Unit.name,
                VillageGroup.name,
                Household.address,
                Household.phone,
                Household.members,
            )
            .join(Unit, Unit.id == Household.village_id)
            .outerjoin(VillageGroup, VillageGroup.id == Household.group_id)
            .order_by(Household.id)
        )
        return [tuple(r) for r in rows]


def _count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _people_with(db: Database, role: str) -> list[Person]:
    with db.session() as s:
        return list(
            s.scalars(select(Person).join(PersonRole).where(PersonRole.role == role).order_by(Person.id))
        )


def test_small_town_counts_and_shape(db: Database) -> None:
    summary = demo.generate(db, scale="small")

    assert (summary.units, summary.grids, summary.people, summary.households, summary.enterprises) == (
        _count(db, Unit),
        _count(db, Grid),
        _count(db, Person),
        _count(db, Household),
        _count(db, Enterprise),
    )
    assert 60 <= summary.households <= 110 and summary.enterprises == 6
    with db.session() as s:
        villages = list(
            s.scalars(select(Unit).where(Unit.kind.in_(("村", "社区"))).order_by(Unit.sort_order))
        )
        grids = list(s.scalars(select(Grid)))
        kinds = set(s.scalars(select(Unit.kind)))
        roles = set(s.scalars(select(PersonRole.role)))
    assert [v.kind for v in villages] == ["村", "村"]
    assert all(v.name.endswith("村") for v in villages)
    assert {"镇属单位", "驻镇单位"} <= kinds
    assert roles == {
        "支部书记",
        "村委会主任",
        "网格员",
        "护林员",
        "河长",
        "保洁员",
        "巡查员",
        "包村干部",
        "领导小组成员",
    }

    secretaries = _people_with(db, "支部书记")
    for v in villages:
        mine = [p for p in secretaries if p.unit_id == v.id]
        assert len(mine) == 1, v.name
        assert v.leader == mine[0].name and v.phone == mine[0].phone
        own_grids = [g for g in grids if g.village_id == v.id]
        assert 2 <= len(own_grids) <= 4
        for g in own_grids:
            assert g.name.startswith(f"{v.name}第") and g.name.endswith("网格")
            assert g.members and all(m.unit_id == v.id and "网格员" in m.role_text for m in g.members)
    cadres = _people_with(db, "包村干部")
    for v in villages:  # every village has its town cadre
        assert any(v.name in r.title for p in cadres for r in p.roles if r.role == "包村干部")
    town_leader = [
        p for p in _people_with(db, "领导小组成员") if "领导小组成员（党委副书记、镇长）" in p.role_text
    ]
    assert len(town_leader) == 1

    for head, village, group, address, phone, members in _households(db):
        assert address.startswith(f"{village}{group}") and address.endswith("号")
        assert re.fullmatch(r"[一二三四五六七八九十]+组", str(group))
        assert 1 <= int(str(members)) <= 7 and 2 <= len(str(head)) <= 3
        assert phone == "" or MOBILE.match(str(phone))

    assert db.integrity_errors() == []
    assert _count(db, AuditEntry) == 0  # a bulk demo load does not bury the real history


def test_settings_name_the_demo_town(db: Database) -> None:
    summary = demo.generate(db, scale="small")
    stored = settings.load(db)
    assert stored.town_name == summary.town == "清河镇"
    assert stored.operators == ["王晓燕"]
    assert [o["prefix"] for o in stored.organs] == ["清镇政字", "清镇环办"]


def test_a_town_already_set_up_keeps_its_name_and_operators(db: Database) -> None:
    settings.save(db, **settings.defaults_for_town("八义镇"), operators=["李娟"])
    demo.generate(db, scale="small")
    stored = settings.load(db)
    assert stored.town_name == "八义镇" and stored.operators == ["李娟", "王晓燕"]
    assert [o["prefix"] for o in stored.organs] == ["八镇政字", "八镇环办"]


def test_summary_text_is_chinese_with_thousands() -> None:
    text = str(demo.DemoSummary(units=25, grids=60, people=410, households=9012, enterprises=152))
    assert text == "单位 25 个，网格 60 个，人员 410 人，农户 9,012 户，企业/场所 152 家"
    more = demo.DemoSummary(more=[("巡查记录", 200000, "条")])
    assert str(more).endswith("巡查记录 200,000 条")


def test_same_seed_same_town_other_seed_other_town(tmp_path: Path) -> None:
    first, second, other = _fresh(tmp_path, "a.db"), _fresh(tmp_path, "b.db"), _fresh(tmp_path, "c.db")
    try:
        demo.generate(first, scale="small", seed=7)
        demo.generate(second, scale="small", seed=7)
        demo.generate(other, scale="small", seed=8)
        assert _households(first) == _households(second)
        assert _households(first) != _households(other)

        def people(db: Database) -> list[tuple[str, str, str]]:
            with db.session() as s:
                return [(p.name, p.phone, p.role_text) for p in s.scalars(select(Person).order_by(Person.id))]

        def enterprises(db: Database) -> list[tuple[object, ...]]:
            with db.session() as s:
                return [
                    (e.name, e.credit_code, e.industry, e.tags, e.status, e.address)
                    for e in s.scalars(select(Enterprise).order_by(Enterprise.id))
                ]

        assert people(first) == people(second) and enterprises(first) == enterprises(second)
    finally:
        for db in (first, second, other):
            db.close()


def test_refuses_a_file_with_real_records(db: Database) -> None:
    records.create(db, UNITS, {"name": "东沟村", "kind": "村"})
    with pytest.raises(EcoDeskError, match="不能再载入演示数据"):
        demo.generate(db, scale="small")
    assert _count(db, Unit) == 1 and _count(db, Household) == 0
    assert settings.load(db).town_name == ""


def test_refuses_to_load_twice(db: Database) -> None:
    demo.generate(db, scale="small")
    households = _count(db, Household)
    with pytest.raises(EcoDeskError, match="演示数据"):
        demo.generate(db, scale="small", seed=1)
    assert _count(db, Household) == households


def test_unknown_scale_is_named(db: Database) -> None:
    with pytest.raises(EcoDeskError, match="huge"):
        demo.generate(db, scale="huge")


def test_progress_is_reported_and_cancel_leaves_nothing(db: Database) -> None:
    seen: list[tuple[int, int, str]] = []
    demo.generate(
        db, scale="small", job=Job(progress=lambda done, total, msg: seen.append((done, total, msg)))
    )
    assert seen[-1][0] == seen[-1][1] and len(seen) >= 4
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)

    job = Job()

    def cancel_midway(done: int, total: int, message: str) -> None:
        if "农户" in message:
            job.cancel()

    job.progress = cancel_midway
    with Database.open(db.path.with_name("other.db"), operator="测试员", create=True) as other:
        with pytest.raises(JobCancelledError):
            demo.generate(other, scale="town", job=job)
        assert _count(other, Unit) == 0 and _count(other, Household) == 0
        assert settings.load(other).town_name == ""


def test_generated_records_pass_the_services_own_validation(db: Database) -> None:
    demo.generate(db, scale="small")
    with db.session() as session:
        for name in ("units", "grids", "people", "households", "enterprises"):
            kind = KINDS[name]
            rows = list(session.scalars(select(kind.model).order_by(kind.model.id)))
            assert rows, name
            for obj in rows:
                raw = {f.key: records.display_value(f, obj) for f in kind.fields}
                _values, problems = records.parse_values(session, kind, raw, existing=obj)
                assert problems == [], (name, obj.id, problems)
        codes = [c for c in session.scalars(select(Enterprise.credit_code)) if c]
        phones = [
            p for m in (Unit, Person, Household, Enterprise) for p in session.scalars(select(m.phone)) if p
        ]
    assert codes and all(credit_code_problem(c) is None for c in codes)
    assert len(set(codes)) == len(codes)
    assert all(phone_problem(p) is None and MOBILE.match(p) for p in phones)


def test_town_scale_has_the_shape_of_a_real_town(db: Database) -> None:
    summary = demo.generate(db, scale="town")
    assert 8500 <= summary.households <= 9500 and 140 <= summary.enterprises <= 160
    with db.session() as s:
        kinds = dict(s.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).tuples().all())
        per_village = (
            s.execute(select(func.count()).select_from(Household).group_by(Household.village_id))
            .scalars()
            .all()
        )
        industries = dict(
            s.execute(select(Enterprise.industry, func.count()).group_by(Enterprise.industry)).tuples().all()
        )
        enterprises = list(s.scalars(select(Enterprise)))
        grids = dict(
            s.execute(select(Grid.village_id, func.count()).group_by(Grid.village_id)).tuples().all()
        )
        names = list(s.scalars(select(Person.name)))
    assert kinds["村"] == 18 and kinds["社区"] == 2
    assert len(per_village) == 20 and min(per_village) >= 200 and max(per_village) <= 800
    assert max(per_village) - min(per_village) > 200  # villages differ in size
    assert all(2 <= n <= 4 for n in grids.values())
    assert max(industries, key=lambda k: industries[k]) == "养殖"
    assert 3 <= industries["洗储煤"] <= 10 and industries["餐饮"] > industries["砖瓦"]
    n = len(enterprises)
    with_code = sum(1 for e in enterprises if e.credit_code)
    assert 0.45 <= with_code / n <= 0.75
    assert all(e.credit_code is None or e.credit_code.startswith(("91", "92", "93")) for e in enterprises)
    share = {tag: sum(tag in e.tags for e in enterprises) / n for tag in ("重点企业", "散乱污", "信访涉及")}
    assert (
        0.07 <= share["重点企业"] <= 0.13
        and 0.05 <= share["散乱污"] <= 0.11
        and 0.03 <= share["信访涉及"] <= 0.07
    )
    statuses = [e.status for e in enterprises]
    assert statuses.count("正常") / n > 0.7 and {"整治规范", "停产"} <= set(statuses)
    assert len(set(names)) == len(names)  # grid members are imported by name: no 同名 among people
    assert db.integrity_errors() == []


@pytest.mark.slow
def test_decade_scale_is_bigger_but_the_same_town(db: Database) -> None:
    summary = demo.generate(db, scale="decade")
    assert 28_000 <= summary.households <= 32_000 and 280 <= summary.enterprises <= 320
    assert summary.units == _count(db, Unit) and _count(db, Unit) >= 40


def test_cli_demo_and_second_run_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "cli.db")
    assert main(["--db", path, "init"]) == 0  # only init creates a data file
    assert main(["--db", path, "demo", "--scale", "small", "--seed", "3"]) == 0
    assert "农户" in capsys.readouterr().out
    assert main(["--db", path, "demo", "--scale", "small"]) == 1
    assert "演示数据" in capsys.readouterr().err
