"""Patrols: the declaration's parsing and checks, fire points following fire_count, the duplicate
warning, fast-entry sources, monthly fire counts, Excel round trip, and opening problems."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ecodesk import dates
from ecodesk.cli import main
from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.services import patrols, records
from ecodesk.services.org import PEOPLE
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ecodesk.services.record_export import export_xlsx
from ecodesk.services.record_import import import_xlsx
from tests.core.helpers import Town, build_town

DAY = date(2024, 10, 15)


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def _patrol(db: Database, **raw: object) -> Patrol:
    values: dict[str, object] = {"date": DAY, "village": "东沟村", "kind": "禁烧巡查", "patrollers": "张三"}
    values.update(raw)
    return records.create(db, PATROLS, values)


def _fires(db: Database, patrol_id: int | None = None) -> list[FirePoint]:
    query = select(FirePoint).where(FirePoint.deleted_at.is_(None)).order_by(FirePoint.id)
    if patrol_id is not None:
        query = query.where(FirePoint.patrol_id == patrol_id)
    with db.session() as s:
        return list(s.scalars(query))


def test_a_patrol_keeps_every_spec_field(db: Database, town: Town) -> None:
    p = _patrol(
        db,
        date="2024年10月15日",
        start_time="8点30",
        end_time="11：00",
        grid="东沟村第一网格",
        patrollers="张三、李四",
        place="一组至三组田间",
        findings="二组地头堆放秸秆",
        measures="已通知农户清运",
        fire_count=0,
        remark="雨后",
    )
    assert (p.date, p.start_time, p.end_time, p.time_text) == (DAY, "08:30", "11:00", "08:30—11:00")
    assert p.village_id == town.east and p.grid_id == town.east_grid
    assert [x.name for x in p.patrollers] == ["张三", "李四"]
    shown = {f.key: records.display_value(f, p) for f in PATROLS.fields}
    assert shown["patrollers"] == "张三、李四" and shown["grid"] == "东沟村第一网格"
    assert shown["findings"] == "二组地头堆放秸秆" and shown["measures"] == "已通知农户清运"


def test_patrollers_may_come_as_ids_or_as_labels_that_tell_namesakes_apart(db: Database, town: Town) -> None:
    p = _patrol(db, patrollers=[town.li, town.zhang])
    assert [x.name for x in p.patrollers] == ["李四", "张三"]  # the paper form's order: the leader first
    p = records.update(db, PATROLS, p.id, {"patrollers": "张三、王五、李四"})
    assert p.patroller_text == "张三、王五、李四"
    namesake = records.create(db, PEOPLE, {"name": "张三", "unit": "西岭村", "roles": "网格员"}).id
    with pytest.raises(ValidationError, match="有2个同名"):
        _patrol(db, patrollers="张三")
    label = next(c.label for c in patrols.patroller_choices(db, town.west, "张三") if c.id == namesake)
    assert label == "张三（西岭村 网格员）"
    p = _patrol(db, village="西岭村", patrollers=f"{label}、王五")
    assert [x.id for x in p.patrollers] == [namesake, town.wang]


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        ({"date": dates.today() + timedelta(days=1)}, "巡查日期", "不能晚于今天"),
        ({"grid": "西岭村第一网格"}, "网格", "不属于所选的村"),
        ({"start_time": "10:00", "end_time": "09:00"}, "结束时间", "早于开始时间"),
        ({"start_time": "25:00"}, "开始时间", "不是有效的时间"),
        ({"patrollers": "张三、查无此人"}, "巡查人员", "找不到人员“查无此人”"),
        ({"kind": "散步"}, "巡查类型", "不在可选范围"),
        ({"fire_count": -1}, "火点数", "不能小于0"),
        ({"village": "城关镇"}, "村（社区）", "找不到"),
    ],
)
def test_bad_input_names_the_field_and_the_reason(
    db: Database, town: Town, raw: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _patrol(db, **raw)
    assert field in str(caught.value) and reason in str(caught.value)
    with db.session() as s:
        assert s.scalar(select(Patrol.id)) is None


def test_a_night_patrol_may_run_past_midnight(db: Database, town: Town) -> None:
    p = _patrol(db, kind="夜查", start_time="21:00", end_time="01:30")
    assert p.time_text == "21:00—01:30"


def test_fire_points_follow_the_patrol_count_delete_and_restore(db: Database, town: Town) -> None:
    p = _patrol(db, fire_count=2, place="三组麦田", findings="三组麦田焚烧秸秆")
    rows = _fires(db, p.id)
    assert len(rows) == 2
    assert {(f.source, f.place, f.date, f.village_id) for f in rows} == {
        ("巡查发现", "三组麦田", DAY, town.east)
    }
    records.update(db, PATROLS, p.id, {"fire_count": 1, "date": DAY - timedelta(days=1)})
    rows = _fires(db, p.id)
    assert len(rows) == 1 and rows[0].date == DAY - timedelta(days=1)
    records.soft_delete(db, PATROLS, [p.id])
    assert _fires(db) == []
    records.restore(db, PATROLS, [p.id])
    assert [f.id for f in _fires(db, p.id)] == [rows[0].id]  # the same fire point comes back


def test_duplicate_warning_same_village_patroller_date_and_kind(db: Database, town: Town) -> None:
    first = _patrol(db, patrollers="张三、李四", place="一组")
    hits = patrols.find_duplicates(
        db, day=DAY, village_id=town.east, kind="禁烧巡查", patroller_ids=[town.li]
    )
    assert [h.id for h in hits] == [first.id]
    warning = patrols.duplicate_warning(hits)
    assert "2024-10-15 东沟村 禁烧巡查（张三、李四）" in warning and "是否仍要保存" in warning
    # Another kind, day, village or patroller is not a duplicate; nor is the record itself when edited.
    assert not patrols.find_duplicates(
        db, day=DAY, village_id=town.east, kind="巡河", patroller_ids=[town.li]
    )
    assert not patrols.find_duplicates(
        db, day=DAY + timedelta(days=-1), village_id=town.east, kind="禁烧巡查", patroller_ids=[town.li]
    )
    assert not patrols.find_duplicates(
        db, day=DAY, village_id=town.west, kind="禁烧巡查", patroller_ids=[town.li]
    )
    assert not patrols.find_duplicates(
        db, day=DAY, village_id=town.east, kind="禁烧巡查", patroller_ids=[town.wang]
    )
    assert not patrols.find_duplicates(
        db, day=DAY, village_id=town.east, kind="禁烧巡查", patroller_ids=[town.li], exclude_id=first.id
    )
    # The form asks with what it holds (names, text dates); a deleted patrol no longer counts.
    form = {"date": "2024/10/15", "village": "东沟村", "kind": "禁烧巡查", "patrollers": "李四"}
    assert [h.id for h in patrols.duplicates_for(db, form)] == [first.id]
    assert patrols.duplicates_for(db, {**form, "date": "不是日期"}) == []
    records.soft_delete(db, PATROLS, [first.id])
    assert patrols.duplicates_for(db, form) == []


def test_fast_entry_sources(db: Database, town: Town) -> None:
    defaults = patrols.entry_defaults()
    assert defaults["date"] == dates.today() and defaults["kind"] == "禁烧巡查"
    assert patrols.village_choices(db) == [
        (town.east, "东沟村"),
        (town.west, "西岭村"),
        (town.street, "城关社区"),
    ]
    assert patrols.grid_choices(db, town.west) == [(town.west_grid, "西岭村第一网格")]
    people = patrols.patroller_choices(db, town.west)
    assert people[0].id == town.wang and people[0].label == "王五（西岭村 巡查员）"
    assert {p.name for p in people} == {"张三", "李四", "王五", "赵六", "刘镇长"}
    assert [p.name for p in patrols.patroller_choices(db, None, "李")] == ["李四"]
    assert patrols.last_patrol_of(db, town.east) is None
    _patrol(
        db, grid="东沟村第一网格", patrollers="李四、张三", place="一组", start_time="8:00", end_time="10:00"
    )
    template = patrols.last_patrol_of(db, town.east)
    assert template is not None
    assert (template.grid_id, template.patroller_ids, template.place) == (
        town.east_grid,
        (town.li, town.zhang),
        "一组",
    )


def test_monthly_fire_counts_from_patrols_and_notices(db: Database, town: Town) -> None:
    _patrol(db, date=date(2024, 6, 5), fire_count=2)
    _patrol(db, date=date(2024, 10, 1), village="西岭村", patrollers="王五", fire_count=1)
    gone = _patrol(db, date=date(2024, 10, 2), village="西岭村", patrollers="王五", fire_count=3)
    records.soft_delete(db, PATROLS, [gone.id])
    records.create(
        db, FIRE_POINTS, {"date": "2024-10-20", "village": "西岭村", "source": "卫星遥感", "notice_no": "W-1"}
    )
    records.create(db, FIRE_POINTS, {"date": "2023-10-20", "village": "西岭村", "source": "无人机巡查"})
    counts = patrols.fire_counts(db, 2024)
    assert counts.counts == {(town.east, 6): 2, (town.west, 10): 2}
    assert counts.of(town.west, 10) == 2 and counts.of(town.street, 10) == 0
    assert counts.village_total(town.east) == 2 and counts.month_total(10) == 2 and counts.total == 4
    assert [name for _id, name in counts.villages] == ["东沟村", "西岭村", "城关社区"]


def test_patrols_export_and_import_round_trip(db: Database, town: Town, tmp_path: Path) -> None:
    _patrol(
        db,
        start_time="08:00",
        end_time="09:30",
        grid="东沟村第一网格",
        patrollers="张三、李四",
        fire_count=1,
        findings="=cmd|' /C calc'!A0",
        measures="已扑灭",
    )
    _patrol(db, village="西岭村", patrollers="王五", kind="巡河", place="清河西岭段")
    out = tmp_path / "patrols.xlsx"
    assert export_xlsx(db, PATROLS, out) == 2
    ids = records.list_ids(db, PATROLS)
    records.soft_delete(db, PATROLS, ids)
    report = import_xlsx(db, PATROLS, out)
    assert report.ok, report.summary_lines()
    live = records.list_ids(db, PATROLS)
    assert len(live) == 2
    rows = records.fetch_rows(db, PATROLS, live)
    texts = {r[PATROLS.table_fields.index(PATROLS.field("place"))]: r for r in rows.values()}
    imported = records.fetch(db, PATROLS, live)
    first = next(p for p in imported.values() if p.kind == "禁烧巡查")
    assert (
        first.patroller_text == "张三、李四"
        and first.findings == "=cmd|' /C calc'!A0"
        and first.start_time == "08:00"
    )
    assert "清河西岭段" in texts
    assert len(_fires(db, first.id)) == 1  # the imported patrol's fire point exists too


def test_cli_import_rejects_a_bad_file_and_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    with Database.open(db_path) as db:
        build_town(db)
    wb = Workbook()
    ws = wb.active
    ws.append(["巡查日期", "村（社区）", "巡查类型", "巡查人员"])
    ws.append(["2024-10-15", "东沟村", "禁烧巡查", "张三"])
    ws.append(["2024-10-16", "东沟村", "禁烧巡查", "无名氏"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    assert main(["--db", str(db_path), "import", "patrols", str(path)]) == 1
    with Database.open(db_path) as db:
        assert records.count(db, PATROLS) == 0


def test_a_finding_and_a_fire_point_open_problems(db: Database, town: Town) -> None:
    rectification = pytest.importorskip("ecodesk.services.rectification")
    p = _patrol(db, kind="巡河", place="清河东沟段", findings="岸边堆放生活垃圾", measures="已通知保洁员")
    problem_id = patrols.open_problem_from_patrol(db, p.id, {"deadline": DAY + timedelta(days=7)})
    problem = rectification.get_problem(db, problem_id)
    assert (problem.source, problem.place, problem.description, problem.category) == (
        "巡查发现",
        "清河东沟段",
        "岸边堆放生活垃圾",
        "水",
    )
    assert (
        problem.patrol_id == p.id
        and problem.village_id == town.east
        and problem.deadline == DAY + timedelta(days=7)
    )
    assert records.get(db, PATROLS, p.id).problem_id == problem_id
    with pytest.raises(ValidationError, match="已立整改问题"):
        patrols.open_problem_from_patrol(db, p.id)
    with pytest.raises(ValidationError, match="没有填写发现的问题"):
        patrols.open_problem_from_patrol(db, _patrol(db, kind="扬尘检查").id)

    notice = records.create(
        db,
        FIRE_POINTS,
        {
            "date": DAY,
            "village": "西岭村",
            "source": "卫星遥感",
            "notice_no": "S-9",
            "description": "玉米地焚烧",
        },
    )
    fire_problem = rectification.get_problem(db, patrols.open_problem_from_fire(db, notice.id))
    assert fire_problem.source == "卫星/无人机火点" and "S-9" in fire_problem.description
    # A patrol's fire point that opened a problem cannot be counted away.
    burning = _patrol(db, fire_count=1, findings="麦田焚烧")
    patrols.open_problem_from_fire(db, _fires(db, burning.id)[0].id)
    with pytest.raises(ValidationError, match="火点数不能少于1"):
        records.update(db, PATROLS, burning.id, {"fire_count": 0})


def test_photos_are_kept_with_the_patrol(db: Database, town: Town, tmp_path: Path) -> None:
    p = _patrol(db)
    other = _patrol(db, village="西岭村", patrollers="王五")
    shot = tmp_path / "IMG_0001.jpg"
    shot.write_bytes(b"\xff\xd8 a photo")
    patrols.add_photo(db, p.id, shot)
    patrols.add_photo(db, p.id, shot)  # the same file twice is stored once, listed twice
    assert [a.original_name for a in patrols.photos(db, p.id)] == ["IMG_0001.jpg", "IMG_0001.jpg"]
    assert patrols.photo_counts(db, [p.id, other.id]) == {p.id: 2}
    from ecodesk.services import attachments

    assert attachments.open_path(db, patrols.photos(db, p.id)[0].id).read_bytes() == b"\xff\xd8 a photo"
    records.soft_delete(db, PATROLS, [other.id])
    from ecodesk.errors import NotFoundError

    with pytest.raises(NotFoundError):
        patrols.add_photo(db, other.id, shot)
