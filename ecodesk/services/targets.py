"""目标指标: the town's yearly targets, month by month — list, edit, enter, import, judge, export.

How a year's value is made (also the ``method`` text shown beside each indicator):

* 年均浓度 (PM2.5, PM10): the months' means weighted by each month's 有效监测天数,
  Σ(月均浓度 × 有效监测天数) ÷ Σ有效监测天数 — a month with 20 valid days weighs less than one with 31.
* 优良天数比例: Σ优良天数 ÷ Σ有效监测天数 over the months received, never a mean of monthly rates.
* 问题销号率, 承诺书签订率: from their counts (Σ销号 ÷ Σ发现; 已签 ÷ 应签), never a mean of rates.
* 火点, 巡查次数: the sum of the months.
* an entered indicator: as its ``aggregate`` says (各月累计 / 各月平均 / 最近一个月的累计值).

Status (:func:`judge`), as of ``today``: once the year is over an indicator is 达标 or 未达标. While it
runs, a count that can only grow (火点 ≤ target) is 未达标 as soon as it is over, 有风险 when the pace so
far would take it over by December, else 正常; a count that must reach a number (巡查 ≥) is 达标 once
reached, 有风险 when the pace would fall short, else 正常; a mean or a rate on the wrong side of the
target is 有风险, else 正常. No target: 未设目标; no values yet: 无数据.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.cn_numbers import parse_cn_int
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.errors import EcoDeskError, FieldProblem, NotFoundError, ValidationError
from ecodesk.exports.targets_xlsx import TargetLine, TargetSheet, write_workbook
from ecodesk.exports.xlsx_read import Book
from ecodesk.jobs import Job
from ecodesk.models.letter import LETTER_KINDS
from ecodesk.models.patrol import FIRE_SOURCES, PATROL_KINDS
from ecodesk.models.target_sources import count, meets, rate_or_count, target_for
from ecodesk.models.targets import (
    AGGREGATE_LABELS,
    AGGREGATES,
    AIR_GOOD_RATE,
    AIR_PM10,
    AIR_PM25,
    AIR_SOURCES,
    COUNTED_SOURCES,
    DIRECTION_LABELS,
    DIRECTIONS,
    ENTERED,
    EQ,
    FIRE_POINTS,
    GE,
    LATEST,
    LE,
    LETTERS_SIGNED,
    MEAN,
    PATROLS,
    PROBLEMS_CLOSED,
    SOURCE_LABELS,
    SOURCES,
    SUM,
    AirQualityMonth,
    Indicator,
    IndicatorGoal,
    IndicatorValue,
)
from ecodesk.services import settings as settings_service

MONTHS = range(1, 13)

# Status labels, as the page, the CLI and the export show them.
MET, ON_TRACK, AT_RISK, MISSED = "达标", "正常", "有风险", "未达标"
NO_DATA, NO_TARGET = "无数据", "未设目标"
STATUSES = (MET, ON_TRACK, AT_RISK, MISSED, NO_DATA, NO_TARGET)
STATUS_RULE = (
    "年度结束后：达到目标为“达标”，否则“未达标”。年度进行中：只增不减的累计数（如火点）已超过目标即“未达标”，"
    "按目前进度到年底会超过目标为“有风险”；须达到的累计数（如巡查次数）已达到即“达标”，按目前进度到年底"
    "达不到为“有风险”；浓度、比例等在目标错误一侧为“有风险”；其余为“正常”。没有目标为“未设目标”，"
    "还没有数据为“无数据”。"
)

# Where a month's value comes from, for the table's cells.
ORIGIN_ENTERED, ORIGIN_STATION, ORIGIN_COMPUTED = "填报", "监测站月报", "自动统计"

FILTER_CHOICES: dict[str, tuple[str, ...]] = {
    FIRE_POINTS: FIRE_SOURCES,
    PATROLS: PATROL_KINDS,
    LETTERS_SIGNED: LETTER_KINDS,
}
MAX_VALUE = 1e9


# -- what the page shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    """One indicator as shown for one year."""

    id: int
    name: str
    unit: str
    direction: str  # ≤ ≥ =
    source: str  # ENTERED, AIR_*, or a counted source
    source_label: str  # 逐月填报 / 空气质量月报（PM2.5） / 火点记录 …
    source_filter: str  # 卫星遥感 … ("" = all)
    aggregate: str  # SUM / MEAN / LATEST (ENTERED only)
    decimals: int
    base_target: float | None
    year: int
    target: float | None  # the target in force in ``year``
    target_is_own: bool  # ``year`` has a target row of its own (else carried from an earlier year)
    first_year: int | None
    retired_from: int | None
    sort_order: int
    remark: str
    method: str  # how the year's value is computed, in Chinese

    @property
    def entered(self) -> bool:
        """Monthly values typed or imported one by one (:func:`set_value`)."""
        return self.source == ENTERED

    @property
    def station(self) -> bool:
        """Monthly values from the station's sheet (:func:`set_air_month`, :func:`import_monthly`)."""
        return self.source in AIR_SOURCES

    @property
    def computed(self) -> bool:
        """Counted from the records: nothing to type."""
        return self.source in COUNTED_SOURCES

    @property
    def retired(self) -> bool:
        return self.retired_from is not None and self.retired_from <= self.year

    @property
    def target_text(self) -> str:
        """≤34 μg/m³, ≥95%, or 未设目标."""
        if self.target is None:
            return NO_TARGET
        return f"{self.direction}{self.target:g}{self.unit}"


@dataclass(frozen=True)
class MonthCell:
    month: int
    value: float | None
    text: str  # the value as shown ("" when none)
    origin: str  # 填报 / 监测站月报 / 自动统计, "" when nothing
    editable: bool  # the clerk may type or clear it here (ENTERED indicators)


@dataclass(frozen=True)
class IndicatorYear:
    """One indicator's row of the year: the twelve months, the year so far and its status."""

    indicator: IndicatorView
    months: tuple[MonthCell, ...]  # 12, January first
    actual: float | None  # year to date
    actual_text: str
    met: bool  # the year-to-date value meets the target now (False without target or data)
    status: str  # one of STATUSES
    months_covered: int  # months with values (counted indicators: the months elapsed)
    latest_month: int | None  # the last month with a value
    month_to_date: float | None  # this month so far (the current year), else the latest month's
    working: str  # the year-to-date arithmetic: Σ优良天数 285 ÷ Σ有效监测天数 300 = 95.0%


@dataclass(frozen=True)
class YearTable:
    year: int
    today: date
    rows: tuple[IndicatorYear, ...]
    year_over: bool
    status_rule: str = STATUS_RULE


@dataclass(frozen=True)
class StatusRow:
    """``ecodesk targets status --json``: one object per indicator."""

    id: int
    name: str
    unit: str
    direction: str
    target: float | None
    actual: float | None
    actual_text: str  # as shown, with the indicator's decimals ("" without data)
    met: bool
    status: str
    months_covered: int
    latest_month: int | None
    month_to_date: float | None
    source: str
    method: str
    working: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IndicatorInput:
    """What the clerk fills in to add or edit an indicator."""

    name: str
    unit: str = ""
    direction: str = LE
    source: str = ENTERED
    source_filter: str = ""
    aggregate: str = SUM
    decimals: int = 1
    target: float | None = None  # the target of the year being edited (create: also the base target)
    remark: str = ""


@dataclass(frozen=True)
class AirMonth:
    """One month of the station's sheet."""

    year: int
    month: int
    pm25: float | None
    pm10: float | None
    good_days: int
    valid_days: int

    @property
    def good_rate(self) -> float | None:
        return self.good_days * 100.0 / self.valid_days if self.valid_days else None


def fmt(value: float | None, decimals: int = 1) -> str:
    """A figure as shown: 34.1, 0, 95.0."""
    if value is None:
        return ""
    return f"{value:.{max(0, decimals)}f}"


# -- the method texts ---------------------------------------------------------------------------------


def method_text(source: str, aggregate: str = SUM, source_filter: str = "") -> str:
    """How the year's value of an indicator is computed, in the clerk's words."""
    narrowed = f"（仅{source_filter}）" if source_filter else ""
    match source:
        case "air_pm25" | "air_pm10":
            what = "PM2.5" if source == AIR_PM25 else "PM10"
            return (
                f"按监测站月报计算：年均浓度 = Σ（各月{what}月均浓度 × 当月有效监测天数）÷ Σ有效监测天数，"
                "即按有效监测天数加权平均，不是各月数值的简单平均。"
            )
        case "air_good_rate":
            return "按监测站月报计算：优良天数比例 = Σ优良天数 ÷ Σ有效监测天数 × 100%，不是各月比例的平均。"
        case "fire_points":
            return f"按火点记录自动统计{narrowed}：各月火点个数，年累计为各月之和。"
        case "patrols":
            return f"按巡查记录自动统计{narrowed}：各月巡查次数，年累计为各月之和。"
        case "problems_closed":
            return (
                "按问题整改记录自动统计：当月发现的问题中已销号的比例；年累计 = Σ已销号 ÷ Σ发现问题 × 100%，"
                "不是各月比例的平均。"
            )
        case "letters_signed":
            return (
                f"按承诺书记录自动统计{narrowed}：截至当月底已签订份数 ÷ 本年度应签份数（不含作废）× 100%；"
                "年累计为截至目前的签订率。"
            )
    if aggregate == MEAN:
        return "逐月填报：年累计为已填报各月数值的平均。"
    if aggregate == LATEST:
        return "逐月填报（每月填截至当月的累计值）：年累计取最近一个已填报月份的数值。"
    return "逐月填报：年累计为已填报各月数值之和。"


# -- reading ------------------------------------------------------------------------------------------


def _view(session: Session, ind: Indicator, year: int) -> IndicatorView:
    own = session.scalar(
        select(IndicatorGoal.id).where(
            IndicatorGoal.indicator_id == ind.id,
            IndicatorGoal.year == year,
            IndicatorGoal.deleted_at.is_(None),
        )
    )
    return IndicatorView(
        id=ind.id,
        name=ind.name,
        unit=ind.unit,
        direction=ind.direction,
        source=ind.source,
        source_label=SOURCE_LABELS.get(ind.source, ind.source),
        source_filter=ind.source_filter,
        aggregate=ind.aggregate,
        decimals=ind.decimals,
        base_target=ind.base_target,
        year=year,
        target=target_for(session, ind, year),
        target_is_own=own is not None,
        first_year=ind.first_year,
        retired_from=ind.retired_from,
        sort_order=ind.sort_order,
        remark=ind.remark,
        method=method_text(ind.source, ind.aggregate, ind.source_filter),
    )


def _indicators(session: Session, year: int | None, include_retired: bool) -> list[Indicator]:
    rows = session.scalars(
        select(Indicator).where(Indicator.deleted_at.is_(None)).order_by(Indicator.sort_order, Indicator.id)
    ).all()
    if year is None:
        return list(rows)
    return [i for i in rows if i.tracked_in(year) or (include_retired and _started(i, year))]


def _started(ind: Indicator, year: int) -> bool:
    return ind.first_year is None or ind.first_year <= year


def list_indicators(db: Database, year: int, *, include_retired: bool = False) -> list[IndicatorView]:
    """The indicators tracked in ``year`` (with ``include_retired``: also those retired by then)."""
    with db.session() as session:
        return [_view(session, i, year) for i in _indicators(session, year, include_retired)]


def get_indicator(db: Database, indicator_id: int, year: int) -> IndicatorView:
    with db.session() as session:
        return _view(session, _get(session, indicator_id), year)


def find_indicator(db: Database, name: str, year: int) -> IndicatorView:
    """By name (the CLI's ``targets set NAME``); retired ones too."""
    with db.session() as session:
        ind = session.scalar(
            select(Indicator).where(Indicator.name == name.strip(), Indicator.deleted_at.is_(None))
        )
        if ind is None:
            names = "、".join(i.name for i in _indicators(session, year, False))
            raise NotFoundError(f"没有名为“{name}”的目标指标（现有：{names}）")
        return _view(session, ind, year)


def _get(session: Session, indicator_id: int) -> Indicator:
    ind = session.get(Indicator, indicator_id)
    if ind is None or ind.deleted_at is not None:
        raise NotFoundError("这个目标指标不存在或已被删除。")
    return ind


# -- the year's values --------------------------------------------------------------------------------


@dataclass
class _Series:
    months: dict[int, float]
    origin: str
    actual: float | None
    covered: int
    working: str


def _months_elapsed(year: int, today: date) -> int:
    """Months of ``year`` begun by ``today``: 12 for a past year, 0 for a future one."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def _through(year: int, today: date) -> date:
    return min(date(year, 12, 31), today)


def air_rows(session: Session, year: int) -> list[AirQualityMonth]:
    return list(
        session.scalars(
            select(AirQualityMonth)
            .where(AirQualityMonth.year == year, AirQualityMonth.deleted_at.is_(None))
            .order_by(AirQualityMonth.month)
        )
    )


def _air_series(ind: Indicator, rows: Sequence[AirQualityMonth]) -> _Series:
    d = ind.decimals
    if ind.source == AIR_GOOD_RATE:
        used = [r for r in rows if r.valid_days > 0]
        months = {r.month: r.good_days * 100.0 / r.valid_days for r in used}
        good, valid = sum(r.good_days for r in used), sum(r.valid_days for r in used)
        actual = good * 100.0 / valid if valid else None
        working = f"Σ优良天数 {good} ÷ Σ有效监测天数 {valid} = {fmt(actual, d)}%" if valid else ""
        return _Series(months, ORIGIN_STATION, actual, len(used), working)
    means = {r.month: (r.pm25 if ind.source == AIR_PM25 else r.pm10) for r in rows if r.valid_days > 0}
    used = [r for r in rows if means.get(r.month) is not None]
    months = {r.month: float(means[r.month] or 0.0) for r in used}
    weighted = sum(months[r.month] * r.valid_days for r in used)
    valid = sum(r.valid_days for r in used)
    actual = weighted / valid if valid else None
    working = (
        f"Σ（月均浓度 × 有效监测天数）{weighted:g} ÷ Σ有效监测天数 {valid} = {fmt(actual, d)}"
        if valid
        else ""
    )
    return _Series(months, ORIGIN_STATION, actual, len(used), working)


def _entered_series(session: Session, ind: Indicator, year: int) -> _Series:
    values = {
        int(m): float(v)
        for m, v in session.execute(
            select(IndicatorValue.month, IndicatorValue.value).where(
                IndicatorValue.indicator_id == ind.id,
                IndicatorValue.year == year,
                IndicatorValue.deleted_at.is_(None),
            )
        )
    }
    d = ind.decimals
    if not values:
        return _Series({}, ORIGIN_ENTERED, None, 0, "")
    if ind.aggregate == MEAN:
        actual = sum(values.values()) / len(values)
        working = f"{len(values)}个月平均 = {fmt(actual, d)}"
    elif ind.aggregate == LATEST:
        last = max(values)
        actual = values[last]
        working = f"取{last}月的累计值 {fmt(actual, d)}"
    else:
        actual = sum(values.values())
        working = f"{len(values)}个月合计 = {fmt(actual, d)}"
    return _Series(values, ORIGIN_ENTERED, actual, len(values), working)


def _counted_series(session: Session, ind: Indicator, year: int, today: date) -> _Series:
    elapsed = _months_elapsed(year, today)
    if elapsed == 0:
        return _Series({}, ORIGIN_COMPUTED, None, 0, "")
    counts = count(session, ind.source, year, _through(year, today), ind.source_filter)
    months: dict[int, float] = {}
    for m in range(1, elapsed + 1):
        value = rate_or_count(counts, *counts.value(range(m, m + 1)))
        if value is not None:
            months[m] = value
    num, den = counts.value(range(1, elapsed + 1))
    actual = rate_or_count(counts, num, den)
    d = ind.decimals
    if ind.source == PROBLEMS_CLOSED:
        working = f"Σ已销号 {num} ÷ Σ发现问题 {den} = {fmt(actual, d)}%" if den else "本年度尚未发现问题"
    elif ind.source == LETTERS_SIGNED:
        working = f"已签 {num} 份 ÷ 应签 {den} 份 = {fmt(actual, d)}%" if den else "本年度没有应签的承诺书"
    else:
        working = f"1—{elapsed}月合计 {num}{ind.unit}"
    return _Series(months, ORIGIN_COMPUTED, actual, elapsed, working)


def _series(
    session: Session, ind: Indicator, year: int, today: date, air: Sequence[AirQualityMonth]
) -> _Series:
    if ind.source in AIR_SOURCES:
        return _air_series(ind, air)
    if ind.source in COUNTED_SOURCES:
        return _counted_series(session, ind, year, today)
    return _entered_series(session, ind, year)


def _grows(ind: Indicator) -> bool:
    """A running total over the year (it can only grow as months are added)."""
    return ind.source in (FIRE_POINTS, PATROLS) or (ind.source == ENTERED and ind.aggregate == SUM)


def judge(
    direction: str,
    actual: float | None,
    target: float | None,
    *,
    year_over: bool,
    grows: bool,
    year_fraction: float,
    decimals: int = 1,
) -> tuple[str, bool]:
    """(status, met) by the rule in :data:`STATUS_RULE`; ``year_fraction``: share of the year gone."""
    if target is None:
        return NO_TARGET, False
    if actual is None:
        return NO_DATA, False
    met = meets(direction, actual, target, decimals)
    if year_over:
        return (MET if met else MISSED), met
    if not grows:
        return (ON_TRACK if met else AT_RISK), met
    projected = actual / year_fraction if year_fraction > 0 else actual
    if direction == LE:
        if not met:
            return MISSED, met
        return (AT_RISK if round(projected, decimals) > target else ON_TRACK), met
    if direction == GE:
        if met:
            return MET, met
        return (ON_TRACK if round(projected, decimals) >= target else AT_RISK), met
    if round(actual, decimals) > target:  # EQ: already past it
        return MISSED, met
    return (ON_TRACK if met else AT_RISK), met


def _year_fraction(year: int, today: date) -> float:
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    days = 366 if calendar.isleap(year) else 365
    return (today - date(year, 1, 1)).days / days + 1 / days


def _indicator_year(
    session: Session, ind: Indicator, year: int, today: date, air: Sequence[AirQualityMonth]
) -> IndicatorYear:
    view = _view(session, ind, year)
    series = _series(session, ind, year, today, air)
    year_over = today > date(year, 12, 31)
    status, met = judge(
        ind.direction,
        series.actual,
        view.target,
        year_over=year_over,
        grows=_grows(ind),
        year_fraction=_year_fraction(year, today),
        decimals=ind.decimals,
    )
    cells = tuple(
        MonthCell(
            m,
            series.months.get(m),
            fmt(series.months.get(m), ind.decimals),
            series.origin if m in series.months else "",
            ind.source == ENTERED,
        )
        for m in MONTHS
    )
    latest = max(series.months) if series.months else None
    if year == today.year:
        mtd = series.months.get(today.month)
    else:
        mtd = series.months.get(latest) if latest else None
    return IndicatorYear(
        indicator=view,
        months=cells,
        actual=series.actual,
        actual_text=fmt(series.actual, ind.decimals),
        met=met,
        status=status,
        months_covered=series.covered,
        latest_month=latest,
        month_to_date=mtd,
        working=series.working,
    )


def year_table(
    db: Database, year: int, *, today: date | None = None, include_retired: bool = False
) -> YearTable:
    """Every indicator tracked in ``year`` × the twelve months, the year so far and the status."""
    today = today or dates.today()
    with db.session() as session:
        air = air_rows(session, year)
        rows = tuple(
            _indicator_year(session, i, year, today, air) for i in _indicators(session, year, include_retired)
        )
    return YearTable(year, today, rows, today > date(year, 12, 31))


def status(db: Database, year: int, *, today: date | None = None) -> list[StatusRow]:
    """The year's status rows (``ecodesk targets status``)."""
    table = year_table(db, year, today=today)
    return [
        StatusRow(
            id=r.indicator.id,
            name=r.indicator.name,
            unit=r.indicator.unit,
            direction=r.indicator.direction,
            target=r.indicator.target,
            actual=None if r.actual is None else round(r.actual, r.indicator.decimals),
            actual_text=r.actual_text,
            met=r.met,
            status=r.status,
            months_covered=r.months_covered,
            latest_month=r.latest_month,
            month_to_date=None if r.month_to_date is None else round(r.month_to_date, r.indicator.decimals),
            source=r.indicator.source_label,
            method=r.indicator.method,
            working=r.working,
        )
        for r in table.rows
    ]


def at_risk(db: Database, year: int | None = None, *, today: date | None = None) -> list[IndicatorYear]:
    """The indicators 有风险 or 未达标 this year (the 工作台 tile)."""
    today = today or dates.today()
    table = year_table(db, year or today.year, today=today)
    return [r for r in table.rows if r.status in (AT_RISK, MISSED)]


# -- editing indicators -------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError.single("year", "年度", f"应在2000到2100之间（收到{year}）")


def _check_number(key: str, label: str, value: float | None, problems: list[FieldProblem]) -> None:
    if value is not None and not -MAX_VALUE <= value <= MAX_VALUE:
        problems.append(FieldProblem(key, label, "数值超出范围"))


def _check_input(session: Session, data: IndicatorInput, own_id: int | None) -> IndicatorInput:
    problems: list[FieldProblem] = []
    name = data.name.strip()
    if not name:
        problems.append(FieldProblem("name", "指标名称", "不能为空"))
    elif len(name) > 40:
        problems.append(FieldProblem("name", "指标名称", "不能超过40个字"))
    else:
        clash = session.scalar(
            select(Indicator.id).where(
                Indicator.name == name, Indicator.deleted_at.is_(None), Indicator.id != (own_id or 0)
            )
        )
        if clash is not None:
            problems.append(FieldProblem("name", "指标名称", f"已有名为“{name}”的指标"))
    if len(data.unit.strip()) > 20:
        problems.append(FieldProblem("unit", "单位", "不能超过20个字"))
    if data.direction not in DIRECTIONS:
        problems.append(FieldProblem("direction", "方向", f"应为{'、'.join(DIRECTIONS)}之一"))
    if data.source not in SOURCE_LABELS:
        problems.append(FieldProblem("source", "数据来源", "不是可选的来源"))
    if data.aggregate not in AGGREGATES:
        problems.append(
            FieldProblem("aggregate", "年累计方式", f"应为{'、'.join(AGGREGATE_LABELS.values())}之一")
        )
    choices = FILTER_CHOICES.get(data.source, ())
    if data.source_filter and data.source_filter not in choices:
        problems.append(FieldProblem("source_filter", "统计范围", f"应为{'、'.join(choices) or '空'}之一"))
    if not 0 <= data.decimals <= 4:
        problems.append(FieldProblem("decimals", "小数位数", "应在0到4之间"))
    _check_number("target", "目标值", data.target, problems)
    if problems:
        raise ValidationError(problems)
    return IndicatorInput(
        name=name,
        unit=data.unit.strip(),
        direction=data.direction,
        source=data.source,
        source_filter=data.source_filter,
        aggregate=data.aggregate,
        decimals=data.decimals,
        target=data.target,
        remark=data.remark.strip(),
    )


def create_indicator(db: Database, data: IndicatorInput, year: int) -> int:
    """A new indicator tracked from ``year`` on, with ``data.target`` as its target."""
    _check_year(year)
    with db.session() as session:
        clean = _check_input(session, data, None)
        last = session.scalar(select(func.max(Indicator.sort_order))) or 0
        ind = Indicator(
            name=clean.name,
            unit=clean.unit,
            direction=clean.direction,
            source=clean.source,
            source_filter=clean.source_filter,
            aggregate=clean.aggregate,
            decimals=clean.decimals,
            base_target=clean.target,
            first_year=year,
            sort_order=int(last) + 10,
            remark=clean.remark,
        )
        session.add(ind)
        session.flush()
        return ind.id


def update_indicator(db: Database, indicator_id: int, data: IndicatorInput, year: int) -> None:
    """Edit name, unit, direction, source …; the target is set for ``year`` only (:func:`set_target`)."""
    _check_year(year)
    with db.session() as session:
        ind = _get(session, indicator_id)
        clean = _check_input(session, data, indicator_id)
        if clean.source != ind.source and _has_values(session, ind):
            raise ValidationError.single(
                "source", "数据来源", "这个指标已有逐月填报的数值，不能改为其他来源（可停用后新建一个指标）"
            )
        ind.name, ind.unit, ind.direction = clean.name, clean.unit, clean.direction
        ind.source, ind.source_filter, ind.aggregate = clean.source, clean.source_filter, clean.aggregate
        ind.decimals, ind.remark = clean.decimals, clean.remark
        if clean.target != target_for(session, ind, year):
            _set_target(session, ind, year, clean.target)


def _has_values(session: Session, ind: Indicator) -> bool:
    return (
        session.scalar(
            select(IndicatorValue.id)
            .where(IndicatorValue.indicator_id == ind.id, IndicatorValue.deleted_at.is_(None))
            .limit(1)
        )
        is not None
    )


def _set_target(session: Session, ind: Indicator, year: int, target: float | None) -> None:
    row = session.scalar(
        select(IndicatorGoal).where(IndicatorGoal.indicator_id == ind.id, IndicatorGoal.year == year)
    )
    if row is None:
        session.add(IndicatorGoal(indicator_id=ind.id, year=year, target=target))
    else:
        row.target, row.deleted_at = target, None


def set_target(db: Database, indicator_id: int, year: int, target: float | None) -> None:
    """``year``'s target (None: no target that year). Other years keep theirs: a year without a row of
    its own takes the latest earlier year's, so the years before ``year`` are untouched."""
    _check_year(year)
    problems: list[FieldProblem] = []
    _check_number("target", "目标值", target, problems)
    if problems:
        raise ValidationError(problems)
    with db.session() as session:
        ind = _get(session, indicator_id)
        # Correcting a past year must not change the years after it that took its target: pin the next
        # year to what it had (the years after that take the pinned one).
        following = year + 1
        has_own_next = session.scalar(
            select(IndicatorGoal.id).where(
                IndicatorGoal.indicator_id == ind.id, IndicatorGoal.year == following
            )
        )
        if has_own_next is None and year < dates.today().year:
            _set_target(session, ind, following, target_for(session, ind, following))
        _set_target(session, ind, year, target)


def retire_indicator(db: Database, indicator_id: int, from_year: int) -> None:
    """Stop tracking from ``from_year`` on; the years before keep it with its values.

    Retired from its first year, an indicator is tracked in no year — how one added by mistake goes
    away (it stays under 管理指标 as 停用, to be restored). Once it holds values that year, it cannot:
    they would vanish from every table."""
    _check_year(from_year)
    with db.session() as session:
        ind = _get(session, indicator_id)
        first = ind.first_year
        if first is not None and from_year < first:
            raise ValidationError.single(
                "retired_from", "停用年度", f"这个指标从{first}年起才跟踪，停用年度不能早于{first}年"
            )
        if first is not None and from_year == first and _has_values(session, ind):
            raise ValidationError.single(
                "retired_from",
                "停用年度",
                f"这个指标{first}年已填了数值，只能从{first + 1}年起停用（先清空数值才能整个停用）",
            )
        ind.retired_from = from_year


def restore_indicator(db: Database, indicator_id: int) -> None:
    """Track a retired indicator again."""
    with db.session() as session:
        _get(session, indicator_id).retired_from = None


# -- monthly values -----------------------------------------------------------------------------------


def _check_month(year: int, month: int) -> None:
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValidationError.single("month", "月份", f"应在1到12之间（收到{month}）")


def set_value(db: Database, indicator_id: int, year: int, month: int, value: float | None) -> None:
    """Type (or with None clear) one month of an entered indicator."""
    _check_month(year, month)
    if value is not None and not 0 <= value <= MAX_VALUE:
        raise ValidationError.single("value", "数值", "不能为负数" if value < 0 else "数值超出范围")
    with db.session() as session:
        ind = _get(session, indicator_id)
        if ind.source in AIR_SOURCES:
            raise ValidationError.single(
                "value",
                ind.name,
                "空气质量按监测站月报录入（月份、PM2.5、PM10、优良天数、有效监测天数）：请用“空气质量月报”录入或导入",
            )
        if ind.source != ENTERED:
            raise ValidationError.single("value", ind.name, "这个指标由记录自动统计，不能手工填写")
        if ind.source == ENTERED and ind.unit == "%" and value is not None and value > 100:
            raise ValidationError.single(
                "value", ind.name, f"百分比不能超过100（收到{fmt(value, ind.decimals)}）"
            )
        row = session.scalar(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id == ind.id,
                IndicatorValue.year == year,
                IndicatorValue.month == month,
            )
        )
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(IndicatorValue(indicator_id=ind.id, year=year, month=month, value=value))
        else:
            row.value, row.deleted_at = value, None


def air_months(db: Database, year: int) -> list[AirMonth]:
    """The station's months of ``year`` received so far, January first."""
    with db.session() as session:
        return [
            AirMonth(r.year, r.month, r.pm25, r.pm10, r.good_days, r.valid_days)
            for r in air_rows(session, year)
        ]


def air_problems(month: AirMonth) -> list[FieldProblem]:
    """What is wrong with one station month (empty: it may be saved)."""
    problems: list[FieldProblem] = []
    if not 1 <= month.month <= 12:
        return [FieldProblem("month", "月份", f"应在1到12之间（收到{month.month}）")]
    days = calendar.monthrange(month.year, month.month)[1]
    for key, label, value in (("pm25", "PM2.5", month.pm25), ("pm10", "PM10", month.pm10)):
        if value is not None and value < 0:
            problems.append(FieldProblem(key, label, "不能为负数"))
        elif value is not None and value > 2000:
            problems.append(FieldProblem(key, label, f"数值不合理（{value:g}）"))
    if month.valid_days < 0:
        problems.append(FieldProblem("valid_days", "有效监测天数", "不能为负数"))
    elif month.valid_days > days:
        problems.append(
            FieldProblem(
                "valid_days",
                "有效监测天数",
                f"不能多于当月天数（{month.month}月共{days}天，收到{month.valid_days}）",
            )
        )
    if month.good_days < 0:
        problems.append(FieldProblem("good_days", "优良天数", "不能为负数"))
    elif month.good_days > month.valid_days:
        problems.append(
            FieldProblem(
                "good_days",
                "优良天数",
                f"不能多于有效监测天数（优良{month.good_days}天，有效{month.valid_days}天）",
            )
        )
    if month.valid_days == 0 and (month.pm25 is not None or month.pm10 is not None):
        problems.append(FieldProblem("valid_days", "有效监测天数", "有浓度数据时有效监测天数不能为0"))
    return problems


def _put_air(session: Session, month: AirMonth) -> bool:
    """Write one month; True when it replaced a month already there."""
    row = session.scalar(
        select(AirQualityMonth).where(
            AirQualityMonth.year == month.year, AirQualityMonth.month == month.month
        )
    )
    replaced = row is not None and row.deleted_at is None
    if row is None:
        row = AirQualityMonth(year=month.year, month=month.month)
        session.add(row)
    row.pm25, row.pm10 = month.pm25, month.pm10
    row.good_days, row.valid_days, row.deleted_at = month.good_days, month.valid_days, None
    return replaced


def set_air_month(db: Database, month: AirMonth) -> bool:
    """Save one station month (a month already there is replaced: returns True)."""
    _check_year(month.year)
    problems = air_problems(month)
    if problems:
        raise ValidationError(problems)
    with db.session() as session:
        return _put_air(session, month)


def clear_air_month(db: Database, year: int, month: int) -> None:
    _check_month(year, month)
    with db.session() as session:
        row = session.scalar(
            select(AirQualityMonth).where(AirQualityMonth.year == year, AirQualityMonth.month == month)
        )
        if row is not None:
            session.delete(row)


def years_with_data(db: Database) -> list[int]:
    """Years with station months or entered values, and this year: the page's year choices."""
    with db.session() as session:
        found = set(session.scalars(select(AirQualityMonth.year).distinct()))
        found |= set(session.scalars(select(IndicatorValue.year).distinct()))
        found |= set(session.scalars(select(IndicatorGoal.year).distinct()))
    found.add(dates.today().year)
    return sorted(int(y) for y in found)


# -- importing the station's monthly sheet ------------------------------------------------------------

MONTH, PM25, PM10, GOOD, VALID = "month", "pm25", "pm10", "good_days", "valid_days"
COLUMN_LABELS = {MONTH: "月份", PM25: "PM2.5", PM10: "PM10", GOOD: "优良天数", VALID: "有效监测天数"}
REQUIRED_COLUMNS = (MONTH, PM25, GOOD, VALID)
HEADER_SCAN_ROWS = 15  # a title, a date line, merged headers: the header is within the first rows
MAX_SHEET_ROWS = 400  # a monthly sheet has twelve months; anything far longer is not one
# What the bottom of a station's sheet says below the months.
SUMMARY_WORDS = ("合计", "总计", "平均", "均值", "累计", "全年", "年均", "小计", "汇总")
BLANK_MARKS = frozenset({"", "-", "—", "--", "/", "／", "——"})
_UNITS = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]")
_MONTH_TEXT = re.compile(r"^(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2})\s*(?:月份?)?$")
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the year, the months new and replaced, and the rows passed over."""

    year: int
    added: tuple[int, ...]
    replaced: tuple[int, ...]
    skipped: tuple[str, ...]
    sheet: str

    @property
    def total(self) -> int:
        return len(self.added) + len(self.replaced)

    @property
    def message(self) -> str:
        months = sorted(self.added + self.replaced)
        text = f"已导入{self.year}年{_months_text(months)}空气质量数据（共{len(months)}个月）"
        parts = []
        if self.added:
            parts.append(f"新增{len(self.added)}个月")
        if self.replaced:
            parts.append(f"替换已有的{len(self.replaced)}个月（{_months_text(sorted(self.replaced))}）")
        if parts:
            text += "：" + "，".join(parts)
        if self.skipped:
            text += f"；跳过{len(self.skipped)}行：" + "、".join(self.skipped)
        return text + "。"


def _months_text(months: Sequence[int]) -> str:
    return "、".join(f"{m}月" for m in months)


def header_key(text: object) -> str | None:
    """Which column a header names: PM2.5（μg/m³）, PM₂.₅, 细颗粒物, 有效天数 … (None: not ours)."""
    raw = unicodedata.normalize("NFKC", str(text or ""))
    core = _UNITS.sub("", raw).replace(" ", "").replace("\n", "").replace("\u3000", "").lower()
    core = core.replace("₂.₅", "2.5").replace("μg/m3", "").replace("ug/m3", "")
    if not core:
        return None
    if core in ("月份", "月", "时间", "统计月份", "监测月份", "日期"):
        return MONTH
    if "pm10" in core or "可吸入颗粒物" in core:
        return PM10
    if "pm2.5" in core or "pm25" in core or "细颗粒物" in core:
        return PM25
    if "优良" in core and ("比例" in core or "率" in core):
        return None  # a station's own rate column: the rate is computed from the days
    if "优良" in core and "天" in core:
        return GOOD
    if ("有效" in core and "天" in core) or core == "监测天数":
        return VALID
    return None


def _find_header(rows: Sequence[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, column of each recognised header) within the first rows."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = header_key(value) if isinstance(value, str) else None
            if key is not None and key not in found:
                found[key] = col
        if MONTH in found and len(found) >= 2:
            return index, found
    return None


def _title_year(rows: Sequence[tuple[Any, ...]], header: int) -> int | None:
    for row in rows[:header]:
        for value in row:
            if isinstance(value, str) and (m := _YEAR_IN_TITLE.search(value)):
                return int(m.group(1))
    return None


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def _parse_month(value: object) -> tuple[int | None, int] | None:
    """(year or None, month number) of a 月份 cell: 1 / 1月 / 2026年1月 / 2026-01 / a date; None: not a month."""
    if isinstance(value, datetime | date):
        return value.year, value.month
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (None, int(value)) if float(value).is_integer() else None
    text = _cell_text(value).replace(" ", "")
    if m := _MONTH_TEXT.match(text):
        return (int(m.group(1)) if m.group(1) else None), int(m.group(2))
    cn = re.fullmatch(r"([一二三四五六七八九十]{1,3})月份?", text)
    if cn and (n := parse_cn_int(cn.group(1))) is not None:
        return None, n
    return None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and _cell_text(value) in BLANK_MARKS)


def _number(value: object, where: str, label: str, *, whole: bool) -> float | None:
    if _is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(_cell_text(value).replace(",", ""))
        except ValueError:
            raise EcoDeskError(f"{where}{label}：不是数字（“{_cell_text(value)}”）") from None
    if whole and not number.is_integer():
        raise EcoDeskError(f"{where}{label}：天数应为整数（“{_cell_text(value)}”）")
    return number


def _read_sheet(path: Path) -> tuple[str, list[tuple[Any, ...]]]:
    """The first sheet that has a 月份 header, as value rows (formulas as Excel last calculated them)."""
    with Book(path) as book:
        wb = book.load(data_only=True)
        for ws in wb.worksheets:
            if not isinstance(ws, ReadOnlyWorksheet) or ws.sheet_state != "visible":
                continue
            rows = []
            for row in book.rows(ws, 1, 40):
                rows.append(tuple(row))
                if len(rows) > MAX_SHEET_ROWS:
                    raise EcoDeskError(
                        f"“{path.name}”的工作表“{ws.title}”超过{MAX_SHEET_ROWS}行，不像监测站的月报表。"
                    )
            if _find_header(rows) is not None:
                return ws.title, rows
    raise EcoDeskError(
        f"在“{path.name}”中找不到表头：需要一行含“月份”以及“PM2.5”“优良天数”“有效监测天数”等列名。"
    )


def read_monthly(path: Path, year: int | None = None) -> tuple[str, int, list[AirMonth], list[str]]:
    """Parse a station's sheet without saving: (sheet, year, months, skipped rows). Every problem is
    an error naming the row and column; nothing is half-read."""
    sheet, rows = _read_sheet(Path(path))
    found = _find_header(rows)
    assert found is not None
    header, columns = found
    missing = [COLUMN_LABELS[k] for k in REQUIRED_COLUMNS if k not in columns]
    if missing:
        raise EcoDeskError(f"工作表“{sheet}”第{header + 1}行的表头缺少列：{'、'.join(missing)}。")
    title_year = _title_year(rows, header)
    months: list[AirMonth] = []
    seen: dict[int, int] = {}
    skipped: list[str] = []
    the_year = year
    for index in range(header + 1, len(rows)):
        row, line = rows[index], index + 1
        where = f"第{line}行 "

        def cell(key: str, row: tuple[Any, ...] = row) -> Any:
            col = columns.get(key)
            return row[col] if col is not None and col < len(row) else None

        values = [cell(k) for k in (PM25, PM10, GOOD, VALID)]
        month_cell = cell(MONTH)
        if _is_blank(month_cell) and all(_is_blank(v) for v in values):
            if any(not _is_blank(v) for v in row):
                skipped.append(f"第{line}行（无月份）")
            elif index < len(rows) - 1 and any(any(not _is_blank(v) for v in r) for r in rows[index + 1 :]):
                skipped.append(f"第{line}行（空行）")
            continue
        text = _cell_text(month_cell) if month_cell is not None else ""
        if any(word in text for word in SUMMARY_WORDS):
            skipped.append(f"第{line}行（{text}）")
            continue
        if text in ("单位", "计量单位") or (_is_blank(month_cell) and not any(_numeric(v) for v in values)):
            skipped.append(f"第{line}行（单位）")
            continue
        parsed = _parse_month(month_cell)
        if parsed is None:
            raise EcoDeskError(f"{where}月份：不是月份（“{text}”），应写作 1月、2026年1月、2026-01 或 1")
        cell_year, month = parsed
        if not 1 <= month <= 12:
            raise EcoDeskError(f"{where}月份：月份应在1到12之间（“{text}”）")
        if cell_year is not None:
            if the_year is not None and cell_year != the_year:
                raise EcoDeskError(f"{where}月份：{cell_year}年{month}月与导入年度{the_year}年不符")
            the_year = cell_year
        if all(_is_blank(v) for v in values):
            skipped.append(f"第{line}行（{month}月尚无数据）")
            continue
        if month in seen:
            raise EcoDeskError(
                f"{where}月份：{month}月重复（第{seen[month]}行已有{month}月），请删去一行后再导入"
            )
        seen[month] = line
        pm25 = _number(cell(PM25), where, "PM2.5", whole=False)
        pm10 = _number(cell(PM10), where, "PM10", whole=False)
        good = _number(cell(GOOD), where, "优良天数", whole=True)
        valid = _number(cell(VALID), where, "有效监测天数", whole=True)
        if valid is None:
            raise EcoDeskError(f"{where}有效监测天数：不能为空")
        if good is None:
            raise EcoDeskError(f"{where}优良天数：不能为空")
        months.append(AirMonth(0, month, pm25, pm10, int(good), int(valid)))
    the_year = the_year or title_year
    if the_year is None:
        raise EcoDeskError("表中的月份没有写年份，标题里也没有，请指定导入年度（命令行：--year 2026）。")
    _check_year(the_year)
    if not months:
        raise EcoDeskError(f"工作表“{sheet}”中没有可导入的月份数据。")
    dated = [AirMonth(the_year, m.month, m.pm25, m.pm10, m.good_days, m.valid_days) for m in months]
    for m in dated:
        problems = air_problems(m)
        if problems:
            p = problems[0]
            raise EcoDeskError(f"第{seen[m.month]}行 {p.label}：{p.reason}")
    return sheet, the_year, dated, skipped


def _numeric(value: object) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        float(_cell_text(value))
    except ValueError:
        return False
    return True


def import_monthly(db: Database, path: Path, year: int | None = None, job: Job | None = None) -> ImportResult:
    """Import the station's monthly sheet: all months or none. A month already present is replaced."""
    if job is not None:
        job.report(0, 2, "正在读取监测站月报…")
    sheet, the_year, months, skipped = read_monthly(Path(path), year)
    if job is not None:
        job.report(1, 2, "正在保存…")
    added: list[int] = []
    replaced: list[int] = []
    with db.session() as session:
        for m in months:
            (replaced if _put_air(session, m) else added).append(m.month)
    if job is not None:
        job.report(2, 2, "导入完成")
    return ImportResult(the_year, tuple(added), tuple(replaced), tuple(skipped), sheet)


# -- export -------------------------------------------------------------------------------------------


def export_file_name(year: int) -> str:
    return f"{year}年度目标指标完成情况.xlsx"


def export_xlsx(db: Database, year: int, out: Path, *, today: date | None = None) -> Path:
    """The year's 目标指标完成情况 table as a print-ready .xlsx."""
    table = year_table(db, year, today=today)
    town = settings_service.load(db).town_name
    as_of = _through(year, table.today)
    note = (
        f"统计截至{format_cn(as_of)}（{'年度已结束' if table.year_over else '年度进行中'}）。"
        "空气质量来自监测站月报，火点、问题、承诺书、巡查由台账记录自动统计，其余为逐月填报。"
    )
    sheet = TargetSheet(
        title=f"{town}{year}年度目标指标完成情况",
        note=note,
        lines=[
            TargetLine(
                name=r.indicator.name,
                unit=r.indicator.unit,
                months=[c.value for c in r.months],
                decimals=r.indicator.decimals,
                actual=r.actual,
                target=r.indicator.target_text,
                status=r.status,
                method=r.indicator.method,
            )
            for r in table.rows
        ],
        status_rule=STATUS_RULE,
    )
    return write_workbook(sheet, Path(out))


__all__ = [
    "AGGREGATES",
    "AGGREGATE_LABELS",
    "AIR_GOOD_RATE",
    "AIR_PM10",
    "AIR_PM25",
    "AT_RISK",
    "AirMonth",
    "COUNTED_SOURCES",
    "DIRECTIONS",
    "DIRECTION_LABELS",
    "ENTERED",
    "EQ",
    "FILTER_CHOICES",
    "FIRE_POINTS",
    "GE",
    "ImportResult",
    "IndicatorInput",
    "IndicatorView",
    "IndicatorYear",
    "LATEST",
    "LE",
    "LETTERS_SIGNED",
    "MEAN",
    "MET",
    "MISSED",
    "MONTHS",
    "MonthCell",
    "NO_DATA",
    "NO_TARGET",
    "ON_TRACK",
    "ORIGIN_COMPUTED",
    "ORIGIN_ENTERED",
    "ORIGIN_STATION",
    "PATROLS",
    "PROBLEMS_CLOSED",
    "SOURCES",
    "SOURCE_LABELS",
    "STATUSES",
    "STATUS_RULE",
    "SUM",
    "StatusRow",
    "YearTable",
]
