"""The scheme shipped for a year with none: the work of reference 000 (the town's 污染防治实施方案) as
a 100-point sheet plus bonus points, converted at 10 % into the year-end village score.

Categories follow the 方案's 工作任务 (禁烧及大气, 水及黑臭水, 城乡环境综合治理, 问题整改, 信访, 专项行动);
what the records show is computed, what only the inspection team can judge is scored by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ItemInput:
    """One item as the scheme editor and the defaults give it (``id`` set for an existing item)."""

    category: str
    name: str
    max_score: float
    rule: str = "manual"
    params: dict[str, Any] = field(default_factory=dict)
    bonus: bool = False
    standard: str = ""  # empty: written from the rule
    id: int | None = None


DEFAULT_WEIGHT = 10.0  # 考核结果按10%纳入年终对村考核分值

AIR, WATER, TOWN, RECTIFY, COMPLAINTS, WORK, BONUS = (
    "全域禁烧及大气污染防治",
    "水污染及黑臭水体治理",
    "城乡环境综合治理",
    "问题整改",
    "信访举报办理",
    "专项行动及日常工作",
    "加分项目",
)

DEFAULT_ITEMS: tuple[ItemInput, ...] = (
    ItemInput(AIR, "火点管控", 15, "fire_points", {"points": 3.0, "source": "全部"}),
    ItemInput(AIR, "巡查值守", 10, "patrols", {"per_month": 45, "points": 0.2, "kind": "全部"}),
    ItemInput(AIR, "禁烧承诺书签订", 10, "coverage", {"kind": "禁烧承诺书"}),
    ItemInput(WATER, "河道沟渠清理", 5, standard="河道、沟渠无白色垃圾、漂浮物，发现一处扣1分"),
    ItemInput(WATER, "黑臭水体挂牌销号", 5, standard="黑臭水体按期挂牌销号，台账完整；一项不到位扣1分"),
    ItemInput(
        TOWN, "保洁及门前五包", 5, standard="保洁员在岗、道路整洁，门前“五包”落实；抽查不合格一次扣1分"
    ),
    ItemInput(TOWN, "养殖污染监管", 5, standard="养殖户粪污不直排，发现直排未报告的一处扣2分"),
    ItemInput(RECTIFY, "问题按期整改", 15, "problems_overdue", {"points": 1.0}),
    ItemInput(RECTIFY, "问题销号", 5, "problems_unclosed", {"points": 0.5}),
    ItemInput(COMPLAINTS, "信访按时办结", 10, "complaints", {"points": 2.0}),
    ItemInput(WORK, "专项行动材料报送", 10, "deliverables", {"late": 1.0, "missing": 2.0}),
    ItemInput(
        WORK,
        "宣传教育及台账资料",
        5,
        standard="宣传资料发放到户、标语悬挂到位，台账资料齐全规范；缺一项扣1分",
    ),
    ItemInput(
        BONUS,
        "工作创新及上级表彰",
        5,
        bonus=True,
        standard="工作经验被县级以上推广或受到表彰的，每次加1至3分，最多加5分",
    ),
    ItemInput(
        BONUS,
        "举报线索及典型曝光",
        3,
        bonus=True,
        standard="主动发现并报告重大环境违法线索的，每件加1分，最多加3分",
    ),
)


def default_title(town: str, year: int) -> str:
    return f"{town}{year}年度各村（社区）生态环境保护工作考核"
