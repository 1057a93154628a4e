"""The counts behind a counted 目标指标, per village and month, and the year's target of an indicator.

One place counts what the 目标 page, the CLI and the 考核 rule 指标未达标扣分 show, so a village's
火点 on the 目标 page and in its 考核 deduction cannot disagree. It sits beside the models (as
:mod:`ecodesk.models.lifespan` does) because the appraisal rules, one layer below the services, use it.

The counts follow the records' own meaning, as the 工作台 and the reports count them:

* 火点: fire points (not deleted) dated in the month; ``source_filter`` keeps one 来源 (卫星遥感).
* 巡查次数: patrols dated in the month; ``source_filter`` keeps one 巡查类型.
* 问题销号率: of the problems found in the month, how many were 销号 by the end of the period
  (numerator) out of how many were found (denominator).
* 承诺书签订率: the year's letters not 作废 (denominator, not by month) and those signed, by the month
  of signing (a signed letter without a date counts from January); the month's rate is cumulative.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from ecodesk.models.letter import STATUS_SIGNED, STATUS_VOID, Commitment
from ecodesk.models.lifespan import existed_on
from ecodesk.models.org import Unit
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import CLOSED, Problem
from ecodesk.models.targets import (
    EQ,
    FIRE_POINTS,
    GE,
    LE,
    LETTERS_SIGNED,
    PATROLS,
    PROBLEMS_CLOSED,
    Indicator,
    IndicatorGoal,
)

# Month 0 holds what is not counted by month (承诺书: the letters owed in the year).
WHOLE_YEAR = 0
Key = tuple[int | None, int]  # (village id or None, month)
ALL_VILLAGES: object = object()  # Counts.value over the whole town


@dataclass
class Counts:
    """Numerators and denominators of a counted indicator, by (village, month)."""

    numerator: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    denominator: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    is_rate: bool = False  # value = numerator ÷ denominator × 100 (else the numerator itself)
    cumulative: bool = False  # a month's value counts every month up to it (承诺书 signed so far)

    def _sum(self, table: dict[Key, int], village: int | None | object, months: range) -> int:
        return sum(
            n for (v, m), n in table.items() if (village is ALL_VILLAGES or v == village) and m in months
        )

    def value(self, months: range, village: int | None | object = ALL_VILLAGES) -> tuple[int, int]:
        """(numerator, denominator) over ``months`` for one village (``ALL_VILLAGES``: the town)."""
        span = range(1, months.stop) if self.cumulative else months
        num = self._sum(self.numerator, village, span)
        den = (
            self._sum(self.denominator, village, range(WHOLE_YEAR, WHOLE_YEAR + 1))
            if self.cumulative
            else self._sum(self.denominator, village, months)
        )
        return num, den


def _month(column: Any) -> ColumnElement[int]:
    return cast(func.strftime("%m", column), Integer)


def count(
    session: Session,
    source: str,
    year: int,
    through: date,
    source_filter: str = "",
    *,
    village_days_only: bool = False,
) -> Counts:
    """The records behind ``source`` from 1 January of ``year`` to ``through`` (≤ 31 December).

    ``village_days_only`` (the 考核 rule): a fire point, patrol or problem dated outside its village's
    days in being (:mod:`ecodesk.models.lifespan`) is left out, as the other appraisal rules leave it out;
    the town's own figures count every record.
    """
    start = date(year, 1, 1)
    out = Counts()
    if source in (FIRE_POINTS, PATROLS):
        model = FirePoint if source == FIRE_POINTS else Patrol
        narrow = FirePoint.source if source == FIRE_POINTS else Patrol.kind
        month = _month(model.date)
        query = (
            select(model.village_id, month, func.count())
            .where(model.deleted_at.is_(None), model.date >= start, model.date <= through)
            .group_by(model.village_id, month)
        )
        if source_filter:
            query = query.where(narrow == source_filter)
        if village_days_only:
            query = query.join(Unit, Unit.id == model.village_id).where(existed_on(model.date))
        for v, m, n in session.execute(query):
            out.numerator[(v, int(m))] += int(n)
        return out
    if source == PROBLEMS_CLOSED:
        out.is_rate = True
        month = _month(Problem.found_date)
        closed = and_(
            Problem.status == CLOSED, or_(Problem.closed_date.is_(None), Problem.closed_date <= through)
        )
        found = (
            select(Problem.village_id, month, func.count(), func.sum(case((closed, 1), else_=0)))
            .where(Problem.deleted_at.is_(None), Problem.found_date >= start, Problem.found_date <= through)
            .group_by(Problem.village_id, month)
        )
        if village_days_only:
            found = found.join(Unit, Unit.id == Problem.village_id).where(existed_on(Problem.found_date))
        for v, m, n, done in session.execute(found):
            out.denominator[(v, int(m))] += int(n)
            out.numerator[(v, int(m))] += int(done or 0)
        return out
    if source == LETTERS_SIGNED:
        out.is_rate, out.cumulative = True, True
        base = [Commitment.year == year, Commitment.deleted_at.is_(None)]
        if source_filter:
            base.append(Commitment.kind == source_filter)
        owed = select(Commitment.village_id, func.count()).where(*base, Commitment.status != STATUS_VOID)
        for v, n in session.execute(owed.group_by(Commitment.village_id)):
            out.denominator[(v, WHOLE_YEAR)] += int(n)
        # A letter signed without a date, or in the December before its year, counts from January.
        month = case(
            (or_(Commitment.signed_date.is_(None), Commitment.signed_date < start), 1),
            else_=_month(Commitment.signed_date),
        )
        signed = select(Commitment.village_id, month, func.count()).where(
            *base,
            Commitment.status == STATUS_SIGNED,
            or_(Commitment.signed_date.is_(None), Commitment.signed_date <= through),
        )
        for v, m, n in session.execute(signed.group_by(Commitment.village_id, month)):
            out.numerator[(v, int(m))] += int(n)
        return out
    raise ValueError(f"not a counted source: {source}")


def rate_or_count(counts: Counts, num: int, den: int) -> float | None:
    """The figure shown: a rate in % (None when nothing is owed), or the count."""
    if not counts.is_rate:
        return float(num)
    return num * 100.0 / den if den else None


# -- the year's target and whether a value meets it ---------------------------------------------------


def target_for(session: Session, indicator: Indicator, year: int) -> float | None:
    """The target in force in ``year``: that year's row, else the latest earlier year's, else the base."""
    row = session.execute(
        select(IndicatorGoal.target)
        .where(
            IndicatorGoal.indicator_id == indicator.id,
            IndicatorGoal.year <= year,
            IndicatorGoal.deleted_at.is_(None),
        )
        .order_by(IndicatorGoal.year.desc())
        .limit(1)
    ).first()
    return row[0] if row is not None else indicator.base_target


def meets(direction: str, value: float, target: float, decimals: int = 1) -> bool:
    """Whether ``value`` is on the right side of ``target``, compared as shown (rounded to ``decimals``)."""
    shown = round(value, decimals)
    if direction == LE:
        return shown <= target
    if direction == GE:
        return shown >= target
    assert direction == EQ
    return shown == round(target, decimals)
