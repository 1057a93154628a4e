"""目标指标: the numbers the town's work is judged by (reference 002), tracked month by month.

An indicator (:class:`Indicator`) has a name, unit, direction (≤ ≥ =), a source and a target per year
(:class:`IndicatorGoal`; a year without its own row takes the latest earlier year's, else the
indicator's ``base_target``). Its monthly values are either typed or imported (``source`` ``entered``:
:class:`IndicatorValue`), taken from the monitoring station's monthly sheet (:class:`AirQualityMonth`:
月份, PM2.5, PM10, 优良天数, 有效监测天数 — one row per month feeds three indicators), or counted
from the records (fire points, problems, letters, patrols: :mod:`ecodesk.models.target_sources`).

Retiring an indicator sets ``retired_from``: it is not tracked from that year on and stays, with its
values, in the years before. The shipped set (:data:`SHIPPED`) is written where the schema is made —
by migration 0012 for an upgraded file and by the table's ``after_create`` for a fresh one — so
reading never writes and two windows cannot seed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.schema import Table

from ecodesk import dates
from ecodesk.db.base import Base, RecordMixin

LE, GE, EQ = "≤", "≥", "="
DIRECTIONS = (LE, GE, EQ)
DIRECTION_LABELS = {LE: "不高于", GE: "不低于", EQ: "等于"}

# Where the monthly values come from. ENTERED: typed or imported per month; AIR_*: the station's
# monthly rows; the rest are counted from the records.
ENTERED = "entered"
AIR_PM25, AIR_PM10, AIR_GOOD_RATE = "air_pm25", "air_pm10", "air_good_rate"
FIRE_POINTS, PROBLEMS_CLOSED, LETTERS_SIGNED, PATROLS = (
    "fire_points",
    "problems_closed",
    "letters_signed",
    "patrols",
)
AIR_SOURCES = (AIR_PM25, AIR_PM10, AIR_GOOD_RATE)
COUNTED_SOURCES = (FIRE_POINTS, PROBLEMS_CLOSED, LETTERS_SIGNED, PATROLS)
SOURCES = (ENTERED, *AIR_SOURCES, *COUNTED_SOURCES)
SOURCE_LABELS = {
    ENTERED: "逐月填报",
    AIR_PM25: "空气质量月报（PM2.5）",
    AIR_PM10: "空气质量月报（PM10）",
    AIR_GOOD_RATE: "空气质量月报（优良天数）",
    FIRE_POINTS: "火点记录",
    PROBLEMS_CLOSED: "问题整改记录",
    LETTERS_SIGNED: "承诺书签订记录",
    PATROLS: "巡查记录",
}

# How the months of an ENTERED indicator make the year's value (the other sources have their own).
SUM, MEAN, LATEST = "sum", "mean", "latest"
AGGREGATES = (SUM, MEAN, LATEST)
AGGREGATE_LABELS = {SUM: "各月累计", MEAN: "各月平均", LATEST: "最近一个月的值（累计数）"}


class Indicator(RecordMixin, Base):
    """目标指标: PM2.5年均浓度 ≤ 34 μg/m³, 秸秆综合利用率 ≥ 90% …"""

    __tablename__ = "target_indicators"
    __label__ = "目标指标"

    name: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(20), default="")
    direction: Mapped[str] = mapped_column(String(2), default=LE)
    source: Mapped[str] = mapped_column(String(20), default=ENTERED)
    # Narrows a counted source: a fire source (卫星遥感), a patrol kind, a letter kind; "" = all.
    source_filter: Mapped[str] = mapped_column(String(20), default="")
    aggregate: Mapped[str] = mapped_column(String(10), default=SUM)  # ENTERED only
    decimals: Mapped[int] = mapped_column(Integer, default=1)
    base_target: Mapped[float | None] = mapped_column(Float, default=None)  # before any yearly row
    first_year: Mapped[int | None] = mapped_column(Integer, default=None)  # None: every year
    retired_from: Mapped[int | None] = mapped_column(Integer, default=None)  # None: still tracked
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def tracked_in(self, year: int) -> bool:
        return (self.first_year is None or self.first_year <= year) and (
            self.retired_from is None or year < self.retired_from
        )


class IndicatorGoal(RecordMixin, Base):
    """One year's target of an indicator: editing 2027's leaves 2026's as it was."""

    __tablename__ = "target_goals"
    __label__ = "年度目标"
    __table_args__ = (Index("ix_target_goals_indicator_year", "indicator_id", "year", unique=True),)

    indicator_id: Mapped[int] = mapped_column(ForeignKey("target_indicators.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    target: Mapped[float | None] = mapped_column(Float, default=None)  # None: no target that year


class IndicatorValue(RecordMixin, Base):
    """A typed or imported monthly value of an ENTERED indicator."""

    __tablename__ = "target_values"
    __label__ = "指标月度值"
    __table_args__ = (
        Index("ix_target_values_indicator_month", "indicator_id", "year", "month", unique=True),
    )

    indicator_id: Mapped[int] = mapped_column(ForeignKey("target_indicators.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)


class AirQualityMonth(RecordMixin, Base):
    """One month of the monitoring station's sheet, as it sends it."""

    __tablename__ = "air_quality_months"
    __label__ = "空气质量月报"
    __table_args__ = (Index("ix_air_quality_months_year_month", "year", "month", unique=True),)

    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    pm25: Mapped[float | None] = mapped_column(Float, default=None)  # μg/m³, the month's mean
    pm10: Mapped[float | None] = mapped_column(Float, default=None)
    good_days: Mapped[int] = mapped_column(Integer, default=0)  # 优良天数
    valid_days: Mapped[int] = mapped_column(Integer, default=0)  # 有效监测天数


# -- the shipped set ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedIndicator:
    name: str
    unit: str
    direction: str
    source: str
    target: float | None
    decimals: int = 1
    source_filter: str = ""
    aggregate: str = SUM


# Reference 002 (2024年大气污染防治攻坚方案): PM2.5 ≤ 34 微克/立方米, 优良天数比例 ≥ 95%, 秸秆综合利用率
# ≥ 90%, 卫星遥感（及无人机）监测零火点; PM10 "持续下降" against the national 二级 annual limit (70).
# The counted ones follow the work the plan asks for (问题销号, 承诺书, 巡查); the clerk edits any target.
SHIPPED: tuple[ShippedIndicator, ...] = (
    ShippedIndicator("PM2.5年均浓度", "μg/m³", LE, AIR_PM25, 34.0),
    ShippedIndicator("PM10年均浓度", "μg/m³", LE, AIR_PM10, 70.0),
    ShippedIndicator("优良天数比例", "%", GE, AIR_GOOD_RATE, 95.0),
    ShippedIndicator("秸秆综合利用率", "%", GE, ENTERED, 90.0, aggregate=LATEST),
    ShippedIndicator("卫星遥感火点", "个", LE, FIRE_POINTS, 0.0, 0, source_filter="卫星遥感"),
    ShippedIndicator("火点总数", "个", LE, FIRE_POINTS, None, 0),
    ShippedIndicator("问题销号率", "%", GE, PROBLEMS_CLOSED, 95.0),
    ShippedIndicator("承诺书签订率", "%", GE, LETTERS_SIGNED, 100.0),
    ShippedIndicator("巡查次数", "次", GE, PATROLS, None, 0),
)


def shipped_rows() -> list[dict[str, Any]]:
    now = dates.now()
    return [
        {
            "name": s.name,
            "unit": s.unit,
            "direction": s.direction,
            "source": s.source,
            "source_filter": s.source_filter,
            "aggregate": s.aggregate,
            "decimals": s.decimals,
            "base_target": s.target,
            "first_year": None,
            "retired_from": None,
            "sort_order": (i + 1) * 10,
            "created_at": now,
            "updated_at": now,
            "created_by": "",
            "updated_by": "",
            "deleted_at": None,
            "remark": "",
        }
        for i, s in enumerate(SHIPPED)
    ]


@event.listens_for(Indicator.__table__, "after_create")
def _seed_fresh_file(target: Table, connection: Connection, **_kw: Any) -> None:
    """A fresh file (create_all) gets the shipped set in the same transaction as its tables."""
    connection.execute(insert(target), shipped_rows())
