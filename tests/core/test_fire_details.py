"""火点 with what a 火点 report asks: 发现时间, 扑灭时间 (perhaps the next day, never before 发现), 过火面积
(亩), 处理结果 and 责任人 — declared on the kind, so the form, the list, Excel out and in follow; the
demo's fire points have plausible values (issue 21.7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from ecodesk import dates, demo
from ecodesk.db import Database
from ecodesk.errors import ValidationError
from ecodesk.models.patrol import FIRE_OUTCOMES, FirePoint
from ecodesk.services import patrols, records
from ecodesk.services.patrols import FIRE_POINTS, PATROLS
from ecodesk.services.record_export import export_fields, export_xlsx
from ecodesk.services.record_import import import_xlsx
from tests.core.helpers import Town, build_town

TODAY = date(2024, 10, 10)


@pytest.fixture
def town(db: Database, monkeypatch: pytest.MonkeyPatch) -> Town:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    monkeypatch.setattr(dates, "now", lambda: datetime(2024, 10, 10, 18, 0))
    return build_town(db)


def _fire(db: Database, **values: object) -> FirePoint:
    raw = {"date": "2024-10-08", "village": "东沟村", "source": "卫星遥感", "place": "一组玉米地", **values}
    fire: FirePoint = records.create(db, FIRE_POINTS, raw)
    return fire


def _refused(db: Database, **values: object) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        _fire(db, **values)
    return [f"{p.label}：{p.reason}" for p in refused.value.problems]


def test_the_report_fields_are_declared_in_the_form_and_the_list() -> None:
    labels = [f.label for f in FIRE_POINTS.form_fields]
    assert labels[:2] == ["发现日期", "发现时间"]
    for label in ("扑灭时间", "过火面积（亩）", "处理结果", "责任人"):
        assert label in labels and label in [f.label for f in FIRE_POINTS.table_fields]
        assert label in [f.label for f in export_fields(FIRE_POINTS)]
    assert FIRE_POINTS.field("outcome").choices == FIRE_OUTCOMES == ("处罚", "教育", "移交执法", "未查明")


def test_a_fire_point_keeps_its_times_area_outcome_and_person(db: Database, town: Town) -> None:
    fire = _fire(
        db,
        found_time="21点40",
        extinguished_at="次日 01:20",
        burned_area="2.5",
        outcome="处罚",
        responsible_person="张建军",
    )
    assert fire.found_time == "21:40" and fire.extinguished_at == datetime(2024, 10, 9, 1, 20)
    assert (fire.burned_area, fire.outcome, fire.responsible_person) == (2.5, "处罚", "张建军")
    shown = dict(
        zip(
            [f.key for f in FIRE_POINTS.table_fields],
            records.fetch_rows(db, FIRE_POINTS, [fire.id])[fire.id],
            strict=True,
        )
    )
    assert (shown["found_time"], shown["extinguished_at"], shown["burned_area"]) == (
        "21:40",
        "次日 01:20",
        "2.5",
    )
    same_day = _fire(db, found_time="14:20", extinguished_at="16:30")
    assert same_day.extinguished_at == datetime(2024, 10, 8, 16, 30)
    assert patrols.extinguished_text(same_day) == "16:30"
    later = _fire(db, found_time="14:20", extinguished_at="2024-10-10 09:00")
    assert patrols.extinguished_text(later) == "2024-10-10 09:00"
    # Found by the 责任人's name too.
    assert records.list_ids(db, FIRE_POINTS, records.ListFilter(text="张建军")) == [fire.id]
    # Moving the 发现日期 moves a 扑灭时间 given as a time of day with it when typed again.
    moved = records.update(db, FIRE_POINTS, same_day.id, {"date": "2024-10-07", "extinguished_at": "16:30"})
    assert moved.extinguished_at == datetime(2024, 10, 7, 16, 30)


def test_each_field_is_checked_with_a_message_naming_it(db: Database, town: Town) -> None:
    assert _refused(db, found_time="14:20", extinguished_at="13:00") == [
        "扑灭时间：13:00 早于发现时间（2024-10-08 14:20）；第二天扑灭的请写“次日 01:20”"
    ]
    assert _refused(db, extinguished_at="2024-10-07 23:00") == [
        "扑灭时间：2024-10-07 23:00 早于发现时间（2024-10-08 00:00）；第二天扑灭的请写“次日 01:20”"
    ]
    assert _refused(db, extinguished_at="2024-10-11 08:00") == [
        "扑灭时间：2024-10-11 08:00 还没到，不能晚于现在"
    ]
    assert _refused(db, extinguished_at="下午") == ["扑灭时间：“下午”不是时间，请写成 08:30"]
    assert _refused(db, found_time="25:10") == ["发现时间：“25:10”不是有效的时间"]
    assert _refused(db, burned_area="-1") == ["过火面积（亩）：不能小于0"]
    assert _refused(db, burned_area="两亩") == ["过火面积（亩）：“两亩”不是数字"]
    assert _refused(db, outcome="罚款") == ["处理结果：“罚款”不在可选范围（处罚、教育、移交执法、未查明）内"]
    assert _refused(db, status="未处置", extinguished_at="16:00") == [
        "扑灭时间：处置状态为“未处置”，不应填写扑灭时间（已扑灭的请把处置状态改为“已扑灭”）"
    ]
    assert records.count(db, FIRE_POINTS) == 0


def test_fire_points_of_a_patrol_move_with_its_date(db: Database, town: Town) -> None:
    patrol = records.create(
        db,
        PATROLS,
        {
            "date": "2024-10-08",
            "village": "东沟村",
            "kind": "禁烧巡查",
            "patrollers": "张三",
            "fire_count": 1,
        },
    )
    with db.session() as session:
        fire_id = session.scalar(select(FirePoint.id).where(FirePoint.patrol_id == patrol.id))
    assert fire_id is not None
    records.update(db, FIRE_POINTS, fire_id, {"found_time": "15:00", "extinguished_at": "次日 00:30"})
    records.update(db, PATROLS, patrol.id, {"date": "2024-10-06"})
    fire = records.get(db, FIRE_POINTS, fire_id)
    assert (fire.date, fire.extinguished_at) == (date(2024, 10, 6), datetime(2024, 10, 7, 0, 30))


def test_the_report_fields_go_out_to_excel_and_back(db: Database, town: Town, tmp_path: Path) -> None:
    _fire(
        db,
        found_time="21:40",
        extinguished_at="次日 01:20",
        burned_area=2.5,
        outcome="教育",
        responsible_person="李四",
    )
    out = tmp_path / "火点.xlsx"
    assert export_xlsx(db, FIRE_POINTS, out) == 1
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[2]]
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert (row["发现时间"], row["扑灭时间"], row["过火面积（亩）"], row["处理结果"], row["责任人"]) == (
        "21:40",
        "次日 01:20",
        2.5,
        "教育",
        "李四",
    )
    # A clerk's own sheet: other headers, an Excel date-time cell for 扑灭时间.
    sheet = tmp_path / "乡镇火点.xlsx"
    book = openpyxl.Workbook()
    own = book.active
    assert own is not None
    own.append(["发现日期", "村", "来源", "发现时刻", "扑灭时间", "过火面积", "处理方式", "当事人"])
    own.append(
        [
            datetime(2024, 10, 9),
            "西岭村",
            "无人机巡查",
            "10:05",
            datetime(2024, 10, 9, 11, 30),
            0.8,
            "移交执法",
            "王五",
        ]
    )
    book.save(sheet)
    report = import_xlsx(db, FIRE_POINTS, sheet)
    assert report.ok and report.rows_ok == 1, [str(e) for e in report.errors]
    [new_id] = records.list_ids(db, FIRE_POINTS, records.ListFilter(text="王五"))
    new = records.get(db, FIRE_POINTS, new_id)
    assert (new.found_time, new.extinguished_at, new.burned_area, new.outcome) == (
        "10:05",
        datetime(2024, 10, 9, 11, 30),
        0.8,
        "移交执法",
    )


@pytest.fixture(scope="module")
def demo_fires(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[FirePoint]]:
    path = tmp_path_factory.mktemp("demo") / "ecodesk.db"
    with Database.open(path, operator="测试", create=True) as db:
        demo.generate(db, scale="town")
        with db.session() as session:
            yield list(session.scalars(select(FirePoint).where(FirePoint.deleted_at.is_(None))))


def test_the_demos_fire_points_have_plausible_report_values(demo_fires: list[FirePoint]) -> None:
    assert len(demo_fires) > 10
    outcomes = {f.outcome for f in demo_fires}
    assert outcomes <= set(FIRE_OUTCOMES) and "教育" in outcomes
    for fire in demo_fires:
        assert patrols.parse_time(fire.found_time) == fire.found_time
        assert fire.burned_area is not None and 0 < fire.burned_area <= 15
        if fire.extinguished_at is not None:
            found = datetime.combine(fire.date, datetime.strptime(fire.found_time, "%H:%M").time())
            assert found <= fire.extinguished_at <= dates.now()
        assert bool(fire.responsible_person) == (fire.outcome != "未查明")
