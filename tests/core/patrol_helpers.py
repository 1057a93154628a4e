"""A tiny town for the patrol, daily-report and campaign tests: three villages, a town office, people, grids."""

from __future__ import annotations

from dataclasses import dataclass

from ecodesk.db import Database
from ecodesk.services import records
from ecodesk.services.org import GRIDS, PEOPLE, UNITS


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
