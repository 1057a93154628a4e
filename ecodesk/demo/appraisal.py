"""Demo 考核: the shipped scheme for every year of the demo, computed from the demo's own records.

Past years are finalised (locked) as an office's would be, each with one adjustment made by the
inspection team and its reason; the current year is computed but still open, as it is in November.
Written in the demo's transaction after the records it scores from.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.appraisal.defaults import DEFAULT_ITEMS, default_title
from ecodesk.demo.org import DemoTown, ScaleSpec
from ecodesk.demo.patrols import demo_period
from ecodesk.models.appraisal import AppraisalItem, AppraisalScore
from ecodesk.services import appraisal

Progress = Callable[[int, str], None]

_REASONS = (
    ("宣传教育及台账资料", -1.0, "年终检查：宣传资料未发放到户，台账缺少巡查照片"),
    ("保洁及门前五包", -1.5, "督查组暗访发现村道两侧垃圾未及时清运"),
    ("工作创新及上级表彰", 2.0, "秸秆综合利用经验被县农业农村局推广"),
)


def expected_rows(spec: ScaleSpec) -> int:
    return spec.years + (1 if spec.years > 1 else 0)


def build(
    session: Session,
    town: DemoTown,
    spec: ScaleSpec,
    rng: random.Random,
    operator: str,
    progress: Progress,
    today: date | None = None,
) -> list[tuple[str, int, str]]:
    today = today or dates.today()
    first, _last = demo_period(spec, today)
    years = list(range(first.year, today.year + 1))
    for year in years:
        scheme = appraisal.add_scheme(session, year, DEFAULT_ITEMS, title=default_title(town.name, year))
        appraisal.compute_in_session(session, year, today)
        if year < today.year:
            _adjust(session, scheme.items, town, rng)
            appraisal.compute_in_session(session, year, today)  # finals include the adjustment
            scheme.finalised_at = dates.now()
            scheme.finalised_by = operator
        progress(1, f"正在计算{year}年度考核…")
    return [("考核方案", len(years), "个")]


def _adjust(session: Session, items: list[AppraisalItem], town: DemoTown, rng: random.Random) -> None:
    """One adjustment with its reason, on one village, as the inspection team would make it."""
    if not town.villages:
        return
    name, amount, reason = rng.choice(_REASONS)
    item = next((i for i in items if i.name == name), None)
    if item is None:
        return
    village = rng.choice(town.villages)
    score = session.scalar(
        select(AppraisalScore).where(
            AppraisalScore.item_id == item.id, AppraisalScore.village_id == village.id
        )
    )
    if score is not None:
        score.adjustment, score.adjust_reason = amount, reason
