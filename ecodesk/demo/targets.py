"""Demo 目标指标: the monitoring station's monthly sheets and the 秸秆综合利用率 reports of the demo years.

The shipped indicators are already in the file (seeded with the schema); the counted ones follow the
demo's own fire points, problems, letters and patrols. What a real office would receive from outside
is made up here: PM2.5 and PM10 high in winter and low in summer, valid days a little short of the
month, 优良天数 falling as PM2.5 rises, and the straw-use rate reported cumulatively from June as the
harvest goes on. Months up to the last complete one are filled, so this month is still "awaiting the
station's sheet", as in an office.
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.demo.org import ScaleSpec
from ecodesk.demo.patrols import demo_period
from ecodesk.models.targets import AirQualityMonth, Indicator, IndicatorValue

Progress = Callable[[int, str], None]
STRAW = "秸秆综合利用率"
STRAW_FROM = 6  # the wheat harvest: the first month the township reports the rate


def expected_rows(spec: ScaleSpec) -> int:
    return spec.years + 1


def _air_month(year: int, month: int, rng: random.Random) -> AirQualityMonth:
    days = calendar.monthrange(year, month)[1]
    # Winter peak (January), summer low (July); the town improves a little each year.
    season = math.cos((month - 1) / 12 * 2 * math.pi)
    improvement = (year - 2020) * 0.8
    pm25 = max(12.0, 34 + 16 * season - improvement + rng.uniform(-4, 4))
    pm10 = pm25 * rng.uniform(1.55, 1.8)
    valid = days - rng.choice((0, 0, 0, 1, 1, 2, 3))
    bad_share = min(0.6, max(0.0, (pm25 - 30) / 45 + rng.uniform(-0.03, 0.05)))
    good = max(0, min(valid, round(valid * (1 - bad_share))))
    return AirQualityMonth(
        year=year, month=month, pm25=round(pm25, 1), pm10=round(pm10, 1), good_days=good, valid_days=valid
    )


def build(
    session: Session, spec: ScaleSpec, rng: random.Random, progress: Progress, today: date | None = None
) -> list[tuple[str, int, str]]:
    today = today or dates.today()
    first, _last = demo_period(spec, today)
    straw = session.scalar(select(Indicator).where(Indicator.name == STRAW, Indicator.deleted_at.is_(None)))
    months = 0
    for year in range(first.year, today.year + 1):
        last_month = 12 if year < today.year else today.month - 1
        for month in range(1, last_month + 1):
            session.add(_air_month(year, month, rng))
            months += 1
        if straw is not None:
            rate = rng.uniform(55, 65)
            for month in range(STRAW_FROM, last_month + 1):
                rate = min(97.0, rate + rng.uniform(3, 7))
                session.add(
                    IndicatorValue(indicator_id=straw.id, year=year, month=month, value=round(rate, 1))
                )
        progress(1, f"正在生成{year}年空气质量月报…")
    session.flush()
    return [("空气质量月报", months, "个月")]
