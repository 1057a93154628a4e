"""Hand-made towns shared by the core tests (and a UI test): build once here, never copied.

- :func:`build_town` — a tiny town for the patrol, daily-report and campaign tests: three villages,
  a town office, people, grids.
- :func:`build_scored_town` — three villages whose appraisal scores are known by hand, for the
  appraisal tests. Year 2025, judged on 2026-01-10 (a finished year: every month counts).

=========  ======  =========================  ===========  ==========  ======  ==========
village    fires   problems (overdue/unclosed) deliverable  letters     patrols complaints
=========  ======  =========================  ===========  ==========  ======  ==========
东沟村     2       2 overdue, 2 unclosed       late         3 of 4      Feb 1   2 late
西岭村     0       0                           missing      none        none    0
南坡村     6       0                           on time      2 of 2      full    0
=========  ======  =========================  ===========  ==========  ======  ==========
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecodesk.db import Database
from ecodesk.models import Unit
from ecodesk.models.campaign import Campaign, Deliverable, DeliverableTarget, Submission
from ecodesk.models.complaint import Complaint
from ecodesk.models.letter import Commitment, LetterTemplate
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.services import records
from ecodesk.services.org import GRIDS, PEOPLE, UNITS

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
    east_grid = int(records.create(db, GRIDS, {"name": "东沟村第一网格", "village": "东沟村", "members": "张三、李四"}).id)
    west_grid = int(records.create(db, GRIDS, {"name": "西岭村第一网格", "village": "西岭村", "members": "王五"}).id)
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
        east, west, south = (Unit(name=n, kind="村", sort_order=i) for i, n in enumerate(("东沟村", "西岭村", "南坡村")))
        office = Unit(name="环保办", kind="镇属单位", sort_order=9)
        s.add_all([east, west, south, office])
        s.flush()
        # 火点: 2 in 东沟, 6 in 南坡, one in 2024 that must not count, one deleted.
        for village, n in ((east, 2), (south, 6)):
            for k in range(n):
                s.add(FirePoint(date=date(SCORED_YEAR, 6, 1 + k), village_id=village.id, source="巡查发现", place=f"{village.name}{k}组"))
        s.add(FirePoint(date=date(SCORED_YEAR - 1, 6, 1), village_id=west.id, source="巡查发现"))
        s.add(FirePoint(date=date(SCORED_YEAR, 6, 1), village_id=west.id, source="巡查发现", deleted_at=SCORED_AS_OF))
        # 问题: 东沟 one open past deadline, one rectified 5 days late (awaiting check), one closed on time.
        s.add(Problem(found_date=date(SCORED_YEAR, 3, 1), village_id=east.id, place="河道", description="垃圾",
                      deadline=date(SCORED_YEAR, 3, 20), status="整改中"))
        s.add(Problem(found_date=date(SCORED_YEAR, 4, 1), village_id=east.id, place="路口", description="焚烧痕迹",
                      deadline=date(SCORED_YEAR, 4, 10), status="已整改待核查", rectified_date=date(SCORED_YEAR, 4, 15)))
        s.add(Problem(found_date=date(SCORED_YEAR, 5, 1), village_id=east.id, place="村北", description="裸土",
                      deadline=date(SCORED_YEAR, 5, 30), status="已销号", rectified_date=date(SCORED_YEAR, 5, 20),
                      closed_date=date(SCORED_YEAR, 5, 25), verifier="王"))
        # 材料: due 2025-11-30; 东沟 late (12-03), 西岭 missing, 南坡 on time.
        campaign = Campaign(name="攻坚行动", start_date=date(SCORED_YEAR, 10, 1), end_date=date(SCORED_YEAR, 12, 31))
        s.add(campaign)
        s.flush()
        deliverable = Deliverable(campaign_id=campaign.id, name="问题整改清单", due_date=date(SCORED_YEAR, 11, 30))
        deliverable.targets = [DeliverableTarget(unit_id=v.id) for v in (east, west, south)]
        s.add(deliverable)
        s.flush()
        s.add(Submission(deliverable_id=deliverable.id, unit_id=east.id, received_date=date(SCORED_YEAR, 12, 3)))
        s.add(Submission(deliverable_id=deliverable.id, unit_id=south.id, received_date=date(SCORED_YEAR, 11, 28)))
        # 承诺书: 东沟 3 of 4 signed (+1 void), 南坡 2 of 2.
        tpl = LetterTemplate(kind="禁烧承诺书", year=SCORED_YEAR, title="禁烧承诺书")
        s.add(tpl)
        s.flush()
        for village, statuses in ((east, ("已签", "已签", "已签", "待签", "作废")), (south, ("已签", "已签"))):
            for st in statuses:
                s.add(Commitment(template_id=tpl.id, kind="禁烧承诺书", year=SCORED_YEAR, village_id=village.id, status=st,
                                 signed_date=date(SCORED_YEAR, 3, 1) if st == "已签" else None))
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
            s.add(Complaint(received_date=received, village_id=east.id, content="烧秸秆", deadline=deadline,
                            reply_date=replied, status="已办结" if replied else "办理中", reply="已处理" if replied else ""))
        s.flush()
        return ScoredTown(east.id, west.id, south.id)
