"""What several test files share: hand-made towns, rosters, reading PDFs back. Never copied.

- :func:`build_town` — a tiny town for the patrol, daily-report and campaign tests: three villages,
  a town office, people, grids.
- :func:`build_scored_town` — three villages whose appraisal scores are known by hand, for the
  appraisal tests (with :data:`SCORED_ITEMS`). Year 2025, judged on 2026-01-10 (a finished year:
  every month counts).
- :func:`build_dashboard_town` — the 工作台's counts, relative to a given day.
- :func:`write_sheet`, :func:`add_villages`, :func:`inspection_kind` — rosters as villages send them.
- :func:`lines_of`, :func:`text` — a PDF page's characters as visual lines.

The scored town:

=========  ======  =========================  ===========  ==========  ======  ==========
village    fires   problems (overdue/unclosed) deliverable  letters     patrols complaints
=========  ======  =========================  ===========  ==========  ======  ==========
东沟村     2       2 overdue, 2 unclosed       late         3 of 4      Feb 1   2 late
西岭村     0       0                           missing      none        none    0
南坡村     6       0                           on time      2 of 2      full    0
=========  ======  =========================  ===========  ==========  ======  ==========
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import Date, Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ecodesk.appraisal.defaults import ItemInput
from ecodesk.db import Database
from ecodesk.db.base import RecordMixin
from ecodesk.models import Unit
from ecodesk.models.campaign import Campaign, Deliverable, DeliverableTarget, Submission
from ecodesk.models.complaint import Complaint
from ecodesk.models.letter import Commitment, LetterTemplate
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.schema import Field, FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.org import GRIDS, HOUSEHOLDS, PEOPLE, UNITS

# -- the tiny town ----------------------------------------------------------------------------------


@dataclass
class Town:
    east: int  # 东沟村
    west: int  # 西岭村
    street: int  # 城关社区
    office: int  # 环保办
    zhang: int  # 张三, 东沟村 网格员
    li: int  # 李四, 东沟村 网格员
    wang: int  # 王五, 西岭村 巡查员
    zhao: int  # 赵六, 城关社区 网格员
    leader: int  # 刘镇长, 领导小组成员（党委副书记、镇长）
    east_grid: int
    west_grid: int


def build_town(db: Database) -> Town:
    def unit(name: str, kind: str, order: int) -> int:
        return int(records.create(db, UNITS, {"name": name, "kind": kind, "sort_order": order}).id)

    east, west, street = unit("东沟村", "村", 1), unit("西岭村", "村", 2), unit("城关社区", "社区", 3)
    office = unit("环保办", "镇属单位", 101)

    def person(name: str, unit_name: str, roles: str) -> int:
        return int(records.create(db, PEOPLE, {"name": name, "unit": unit_name, "roles": roles}).id)

    zhang = person("张三", "东沟村", "网格员")
    li = person("李四", "东沟村", "网格员")
    wang = person("王五", "西岭村", "巡查员")
    zhao = person("赵六", "城关社区", "网格员")
    leader = person("刘镇长", "", "领导小组成员（党委副书记、镇长）")
    east_grid = int(
        records.create(db, GRIDS, {"name": "东沟村第一网格", "village": "东沟村", "members": "张三、李四"}).id
    )
    west_grid = int(
        records.create(db, GRIDS, {"name": "西岭村第一网格", "village": "西岭村", "members": "王五"}).id
    )
    return Town(east, west, street, office, zhang, li, wang, zhao, leader, east_grid, west_grid)


# -- the scored town (appraisal) ----------------------------------------------------------------------

SCORED_YEAR = 2025
SCORED_AS_OF = date(2026, 1, 10)


@dataclass
class ScoredTown:
    east: int
    west: int
    south: int


def build_scored_town(db: Database) -> ScoredTown:
    with db.session() as s:
        east, west, south = (
            Unit(name=n, kind="村", sort_order=i) for i, n in enumerate(("东沟村", "西岭村", "南坡村"))
        )
        office = Unit(name="环保办", kind="镇属单位", sort_order=9)
        s.add_all([east, west, south, office])
        s.flush()
        # 火点: 2 in 东沟, 6 in 南坡, one in 2024 that must not count, one deleted.
        for village, n in ((east, 2), (south, 6)):
            for k in range(n):
                s.add(
                    FirePoint(
                        date=date(SCORED_YEAR, 6, 1 + k),
                        village_id=village.id,
                        source="巡查发现",
                        place=f"{village.name}{k}组",
                    )
                )
        s.add(FirePoint(date=date(SCORED_YEAR - 1, 6, 1), village_id=west.id, source="巡查发现"))
        s.add(
            FirePoint(
                date=date(SCORED_YEAR, 6, 1), village_id=west.id, source="巡查发现", deleted_at=SCORED_AS_OF
            )
        )
        # 问题: 东沟 one open past deadline, one rectified 5 days late (awaiting check), one closed on time.
        s.add(
            Problem(
                found_date=date(SCORED_YEAR, 3, 1),
                village_id=east.id,
                place="河道",
                description="垃圾",
                deadline=date(SCORED_YEAR, 3, 20),
                status="整改中",
            )
        )
        s.add(
            Problem(
                found_date=date(SCORED_YEAR, 4, 1),
                village_id=east.id,
                place="路口",
                description="焚烧痕迹",
                deadline=date(SCORED_YEAR, 4, 10),
                status="已整改待核查",
                rectified_date=date(SCORED_YEAR, 4, 15),
            )
        )
        s.add(
            Problem(
                found_date=date(SCORED_YEAR, 5, 1),
                village_id=east.id,
                place="村北",
                description="裸土",
                deadline=date(SCORED_YEAR, 5, 30),
                status="已销号",
                rectified_date=date(SCORED_YEAR, 5, 20),
                closed_date=date(SCORED_YEAR, 5, 25),
                verifier="王",
            )
        )
        # 材料: due 2025-11-30; 东沟 late (12-03), 西岭 missing, 南坡 on time.
        campaign = Campaign(
            name="攻坚行动", start_date=date(SCORED_YEAR, 10, 1), end_date=date(SCORED_YEAR, 12, 31)
        )
        s.add(campaign)
        s.flush()
        deliverable = Deliverable(
            campaign_id=campaign.id, name="问题整改清单", due_date=date(SCORED_YEAR, 11, 30)
        )
        deliverable.targets = [DeliverableTarget(unit_id=v.id) for v in (east, west, south)]
        s.add(deliverable)
        s.flush()
        s.add(
            Submission(deliverable_id=deliverable.id, unit_id=east.id, received_date=date(SCORED_YEAR, 12, 3))
        )
        s.add(
            Submission(
                deliverable_id=deliverable.id, unit_id=south.id, received_date=date(SCORED_YEAR, 11, 28)
            )
        )
        # 承诺书: 东沟 3 of 4 signed (+1 void), 南坡 2 of 2.
        tpl = LetterTemplate(kind="禁烧承诺书", year=SCORED_YEAR, title="禁烧承诺书")
        s.add(tpl)
        s.flush()
        for village, statuses in (
            (east, ("已签", "已签", "已签", "待签", "作废")),
            (south, ("已签", "已签")),
        ):
            for st in statuses:
                s.add(
                    Commitment(
                        template_id=tpl.id,
                        kind="禁烧承诺书",
                        year=SCORED_YEAR,
                        village_id=village.id,
                        status=st,
                        signed_date=date(SCORED_YEAR, 3, 1) if st == "已签" else None,
                    )
                )
        # 巡查: 2 a month; 东沟 only 1 in February; 西岭 none.
        for village in (east, south):
            for month in range(1, 13):
                for day in (3, 17):
                    if village is east and month == 2 and day == 17:
                        continue
                    s.add(Patrol(date=date(SCORED_YEAR, month, day), village_id=village.id, kind="禁烧巡查"))
        # 信访: 东沟 one never answered, one answered 3 days late, one on time.
        for received, deadline, replied in (
            (date(SCORED_YEAR, 7, 1), date(SCORED_YEAR, 7, 16), None),
            (date(SCORED_YEAR, 8, 1), date(SCORED_YEAR, 8, 16), date(SCORED_YEAR, 8, 19)),
            (date(SCORED_YEAR, 9, 1), date(SCORED_YEAR, 9, 16), date(SCORED_YEAR, 9, 10)),
        ):
            s.add(
                Complaint(
                    received_date=received,
                    village_id=east.id,
                    content="烧秸秆",
                    deadline=deadline,
                    reply_date=replied,
                    status="已办结" if replied else "办理中",
                    reply="已处理" if replied else "",
                )
            )
        s.flush()
        return ScoredTown(east.id, west.id, south.id)


# The scheme the scored town is judged by (tests/core/test_appraisal.py works the scores out by hand).
SCORED_ITEMS = (
    ItemInput("大气", "火点", 15, "fire_points", {"points": 3}),
    ItemInput("整改", "超期", 15, "problems_overdue", {"points": 1}),
    ItemInput("整改", "未销号", 5, "problems_unclosed", {"points": 0.5}),
    ItemInput("行动", "材料", 10, "deliverables", {"late": 1, "missing": 2}),
    ItemInput("大气", "承诺书", 10, "coverage", {"kind": "禁烧承诺书"}),
    ItemInput("大气", "巡查", 10, "patrols", {"per_month": 2, "points": 1}),
    ItemInput("信访", "信访", 10, "complaints", {"points": 2}),
    ItemInput("日常", "宣传", 5),
    ItemInput("加分", "表彰", 3, bonus=True),
)


# -- the dashboard's town --------------------------------------------------------------------------


def build_dashboard_town(db: Database, today: date) -> dict[str, int]:
    """Three villages: 东沟 patrolled twice today, 西岭 once, 南坡 not at all; one problem overdue, one due
    in two days, one closed last month; two fire points this month, one last month; letters 3 of 4;
    a deliverable due in three days that 西岭 has handed in."""
    with db.session() as s:
        villages = [
            Unit(name=n, kind="村", sort_order=i) for i, n in enumerate(("东沟村", "西岭村", "南坡村"))
        ]
        s.add_all([*villages, Unit(name="派出所", kind="驻镇单位")])
        s.flush()
        east, west, south = villages
        for village, n in ((east, 2), (west, 1)):
            for _ in range(n):
                s.add(Patrol(date=today, village_id=village.id, kind="禁烧巡查"))
        s.add(Patrol(date=today - timedelta(days=1), village_id=south.id, kind="禁烧巡查"))
        s.add(
            Patrol(date=today, village_id=south.id, kind="禁烧巡查", deleted_at=today)
        )  # deleted: not counted
        s.add(
            Problem(
                found_date=today - timedelta(days=30),
                village_id=east.id,
                place="河道",
                deadline=today - timedelta(days=1),
                status="整改中",
            )
        )
        s.add(
            Problem(
                found_date=today - timedelta(days=10),
                village_id=west.id,
                place="路口",
                deadline=today + timedelta(days=2),
                status="待整改",
            )
        )
        s.add(
            Problem(
                found_date=date(today.year, 4, 2),
                village_id=south.id,
                place="村北",
                deadline=date(today.year, 4, 30),
                status="已销号",
                rectified_date=date(today.year, 4, 20),
                closed_date=date(today.year, 5, 6),
                verifier="王",
            )
        )
        for day in (today.replace(day=1), today):
            s.add(FirePoint(date=day, village_id=east.id, source="巡查发现"))
        s.add(FirePoint(date=today.replace(day=1) - timedelta(days=3), village_id=west.id, source="卫星遥感"))
        tpl = LetterTemplate(kind="禁烧承诺书", year=today.year, title="禁烧承诺书")
        s.add(tpl)
        s.flush()
        for status in ("已签", "已签", "已签", "待签", "作废"):
            s.add(
                Commitment(
                    template_id=tpl.id, kind="禁烧承诺书", year=today.year, village_id=east.id, status=status
                )
            )
        campaign = Campaign(
            name="夏季禁烧", start_date=today - timedelta(days=20), end_date=today + timedelta(days=30)
        )
        s.add(campaign)
        s.flush()
        deliverable = Deliverable(
            campaign_id=campaign.id, name="禁烧工作方案", due_date=today + timedelta(days=3)
        )
        deliverable.targets = [DeliverableTarget(unit_id=v.id) for v in villages]
        s.add(deliverable)
        s.flush()
        s.add(Submission(deliverable_id=deliverable.id, unit_id=west.id, received_date=today))
        return {"east": east.id, "west": west.id, "south": south.id}


# -- rosters (Excel files as villages send them) ----------------------------------------------------


def write_sheet(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    blank_rows: int = 0,
    sheet: str = "花名册",
    text_cells: bool = False,
) -> Path:
    """A workbook like a village roster: an optional merged title, blank rows, then ``rows``.

    ``text_cells`` writes every string as a string cell even when it starts with "=".
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
    for _ in range(blank_rows):
        ws.append([])
    for row in rows:
        ws.append(list(row))
        if text_cells:
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    wb.save(path)
    return path


def household_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every live household as (户主, 村, 组, 住址, 电话, 人口, 备注), in id order."""
    ids = records.list_ids(db, HOUSEHOLDS, sort_key="id")
    objs = records.fetch(db, HOUSEHOLDS, ids)
    return [
        (
            o.head_name,
            o.village.name,
            o.group.name if o.group else "",
            o.address,
            o.phone,
            o.members,
            o.remark,
        )
        for o in (objs[i] for i in ids)
    ]


def count(db: Database, model: type[Any]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def add_villages(db: Database) -> dict[str, int]:
    """东沟村, 南庄村, 河西社区 and a town office (环保办); returns the villages' ids by name."""
    ids = {}
    for order, name in enumerate(("东沟村", "南庄村", "河西社区"), start=1):
        kind = "社区" if "社区" in name else "村"
        ids[name] = records.create(db, UNITS, {"name": name, "kind": kind, "sort_order": order}).id
    records.create(db, UNITS, {"name": "环保办", "kind": "镇属单位", "sort_order": 10})
    return ids


# A kind with a date column, on its own table (no shipped kind has a date yet).
class _TestBase(DeclarativeBase):
    pass


class Inspection(RecordMixin, _TestBase):
    __tablename__ = "test_inspections"

    place: Mapped[str] = mapped_column(String(60))
    visit_date: Mapped[date | None] = mapped_column(Date, default=None)
    fire_points: Mapped[int | None] = mapped_column(Integer, default=None)


INSPECTIONS = RecordKind(
    name="test_inspections",
    label="检查记录",
    model=Inspection,
    fields=(
        Field("place", "地点", required=True, max_len=60),
        Field("visit_date", "检查日期", FieldType.DATE, required=True, aliases=("日期",)),
        Field("fire_points", "火点数", FieldType.INT, min_value=0),
        Field("remark", "备注", FieldType.LONGTEXT, in_table=False),
    ),
    date_key="visit_date",
)


def inspection_kind(db: Database) -> RecordKind:
    """A throw-away kind with a date column, on its own table in ``db``."""
    _TestBase.metadata.create_all(db.engine)
    return INSPECTIONS


# -- reading PDFs back ------------------------------------------------------------------------------


# A paragraph long enough to run over several lines of the 版心.
LONG = "生态环境保护是功在当代利在千秋的事业各村要切实履行属地责任加强巡查" * 8


def lines_of(page: Any) -> list[list[dict[str, Any]]]:
    """Group a page's characters into visual lines (tops within 4 pt), each sorted left to right."""
    rows: list[list[dict[str, Any]]] = []
    for ch in sorted(page.chars, key=lambda c: (c["top"], c["x0"])):
        if ch["text"].isspace():
            continue
        if rows and abs(rows[-1][0]["top"] - ch["top"]) < 4:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    return [sorted(r, key=lambda c: c["x0"]) for r in rows]


def text(row: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in row)


# -- rosters laid out by hand (merged cells, hidden rows and sheets) ------------------------------------

ROSTER_HEADER = ["序号", "村（社区）", "组", "户主姓名", "联系电话", "人口"]


def clerk_roster(
    path: Path,
    villages: dict[str, dict[str, list[str]]],
    *,
    title: str = "清河镇农户花名册",
    hide: Sequence[int] = (),
    notes: str | None = None,
    hidden_roster: bool = False,
) -> Path:
    """A roster as a village clerk lays it out in Excel: a title merged across the top, a merged
    填报单位 line, the header on row 3, then one row per household with the 村（社区） cell merged
    down all of its village's rows and the 组 cell merged down each group's rows.

    ``villages`` is 村 → 组 → 户主 names; the phone is 1380000 and a running number, the 人口 3.
    ``hide`` hides those Excel rows. ``notes`` puts an instructions sheet of that name first;
    ``hidden_roster`` then hides the roster sheet itself (the data only on a hidden sheet).
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if notes is not None:
        ws.title = notes
        ws.append(["填表说明：每户一行，村和组可以合并单元格。"])
        ws = wb.create_sheet("花名册")
    else:
        ws.title = "花名册"
    width = len(ROSTER_HEADER)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append(["填报单位：清河镇环保办　　填报日期：2026年3月"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(ROSTER_HEADER)
    number = 0
    for village, groups in villages.items():
        village_first = ws.max_row + 1
        for group, heads in groups.items():
            group_first = ws.max_row + 1
            for head in heads:
                number += 1
                ws.append([number, village, group, head, f"1380000{number:04d}", 3])
            if len(heads) > 1:
                ws.merge_cells(start_row=group_first, start_column=3, end_row=ws.max_row, end_column=3)
        if ws.max_row > village_first:
            ws.merge_cells(start_row=village_first, start_column=2, end_row=ws.max_row, end_column=2)
    for row in hide:
        ws.row_dimensions[row].hidden = True
    if hidden_roster:
        ws.sheet_state = "hidden"
    wb.save(path)
    return path
