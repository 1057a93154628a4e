"""The rule kinds of an appraisal item: how a score is computed from the year's records.

Each rule reads the records of every village in one or two SQL statements (counts grouped in the
database; the rows behind a deduction fetched once for all villages) and returns, per village, the
score and the evidence. A deduction rule starts from the item's maximum and never goes below zero;
the coverage rule scales the maximum by the signing rate; a manual item is scored by the clerk.

The year's records are those dated in the year up to today; whether one is overdue, late or missing is
judged as of today (a deliverable due 30 December and handed in on 3 January is late, not missing).

A village counts only for the days it was in being (:mod:`ecodesk.models.lifespan`): a record dated
before its 设立日期 or from its 撤销日期 on is not held against it, a deliverable due outside those days
is not owed, and the monthly patrol requirement is scaled to the days of the month it was in being.
The maximum is not scaled: a village set up in June can still score full marks.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from ecodesk.dates import format_iso
from ecodesk.models.campaign import Campaign, Deliverable, DeliverableTarget, Submission
from ecodesk.models.complaint import Complaint
from ecodesk.models.letter import LETTER_KINDS, STATUS_SIGNED, STATUS_VOID, Commitment
from ecodesk.models.lifespan import existed_on, lifespans
from ecodesk.models.org import Unit
from ecodesk.models.patrol import FIRE_SOURCES, PATROL_KINDS, FirePoint, Patrol
from ecodesk.models.rectification import CLOSED, OPEN_STATUSES, Problem
from ecodesk.models.target_sources import count, meets, rate_or_count, target_for
from ecodesk.models.targets import FIRE_POINTS, LE, LETTERS_SIGNED, PROBLEMS_CLOSED, SHIPPED, Indicator

ALL = "全部"
MANUAL = "manual"


@dataclass(frozen=True)
class Param:
    """One number or choice a rule needs: 每个火点扣分 = 3."""

    key: str
    label: str
    default: float | int | str
    kind: str = "float"  # float / int / choice
    choices: tuple[str, ...] = ()
    minimum: float = 0.0
    maximum: float = 1000.0


@dataclass
class Outcome:
    """A rule's result for one village: the score, how many records count, and those records."""

    score: float
    count: int = 0
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    year: int
    start: date
    end: date  # the last day of records: 31 December, or ``today`` for the current year
    today: date  # the day states are judged on (overdue, missing, signed)

    @classmethod
    def of(cls, year: int, today: date) -> Period:
        return cls(year, date(year, 1, 1), min(date(year, 12, 31), today), today)


Compute = Callable[[Session, Period, Sequence[int], float, Mapping[str, Any]], dict[int, Outcome]]


@dataclass(frozen=True)
class RuleKind:
    key: str
    label: str
    params: tuple[Param, ...]
    compute: Compute | None  # None: manual
    describe: Callable[[Mapping[str, Any], float], str]  # the 考核标准 text for the sheet

    def defaults(self) -> dict[str, Any]:
        return {p.key: p.default for p in self.params}


def _num(params: Mapping[str, Any], key: str) -> float:
    return float(params.get(key) or 0)


def _g(value: float) -> str:
    return f"{value:g}"


def _line(table: str, record_id: int | None, day: date | None, text: str, points: float) -> dict[str, Any]:
    return {
        "table": table,
        "id": record_id,
        "date": format_iso(day),
        "text": text,
        "points": round(points, 2),
    }


def _floor(max_score: float, deduction: float) -> float:
    """An item never goes below zero, whatever was found."""
    return round(max(0.0, max_score - deduction), 2)


def _per_record(
    rows: Sequence[Any],
    villages: Sequence[int],
    max_score: float,
    points: float,
    line: Callable[[Any], dict[str, Any]],
) -> dict[int, Outcome]:
    """Group (village_id, …) rows per village: −points each, floored at zero."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        found[int(row[0])].append(line(row))
    return {
        v: Outcome(_floor(max_score, points * len(found.get(v, []))), len(found.get(v, [])), found.get(v, []))
        for v in villages
    }


def _short(text: str, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- 火点 ---------------------------------------------------------------------------------------------


def _fire_points(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    points = _num(params, "points")
    query = (
        select(FirePoint.village_id, FirePoint.id, FirePoint.date, FirePoint.place, FirePoint.source)
        .where(
            FirePoint.deleted_at.is_(None),
            FirePoint.date >= period.start,
            FirePoint.date <= period.end,
            FirePoint.village_id.in_(villages),
            existed_on(FirePoint.date),
        )
        .join(Unit, Unit.id == FirePoint.village_id)
        .order_by(FirePoint.date, FirePoint.id)
    )
    source = str(params.get("source") or ALL)
    if source != ALL:
        query = query.where(FirePoint.source == source)
    rows = session.execute(query).all()
    return _per_record(
        rows,
        villages,
        max_score,
        points,
        lambda r: _line("fire_points", r[1], r[2], f"火点（{r[4]}）：{_short(r[3]) or '地点未填'}", -points),
    )


# -- 问题整改 --------------------------------------------------------------------------------------------


def _problem_text(r: Any, period: Period) -> str:
    deadline, rectified = r[4], r[6]
    if rectified is not None and deadline is not None and rectified > deadline:
        how = f"超期整改{(rectified - deadline).days}天"
    elif r[5] in OPEN_STATUSES and deadline is not None and deadline < period.today:
        how = f"超期未整改（时限{format_iso(deadline)}，{r[5]}）"
    else:
        how = r[5]
    return f"问题：{_short(r[3] + '，' + r[7] if r[7] else r[3])}（{how}）"


def _problem_rows(session: Session, period: Period, villages: Sequence[int], condition: Any) -> list[Any]:
    query = (
        select(
            Problem.village_id,
            Problem.id,
            Problem.found_date,
            Problem.place,
            Problem.deadline,
            Problem.status,
            Problem.rectified_date,
            Problem.description,
        )
        .where(
            Problem.deleted_at.is_(None),
            Problem.found_date >= period.start,
            Problem.found_date <= period.end,
            Problem.village_id.in_(villages),
            existed_on(Problem.found_date),
            condition,
        )
        .join(Unit, Unit.id == Problem.village_id)
        .order_by(Problem.found_date, Problem.id)
    )
    return list(session.execute(query).all())


def overdue_condition(as_of: date) -> Any:
    """超期: still open after the deadline, or rectified after it (整改超期 counts even when done)."""
    return or_(
        and_(Problem.status.in_(OPEN_STATUSES), Problem.deadline < as_of),
        and_(Problem.rectified_date.is_not(None), Problem.rectified_date > Problem.deadline),
    )


def unclosed_condition(period: Period) -> Any:
    """未销号 that counts: not closed once it was due. A problem found today and due next week is work in
    hand, not a failing; one without a deadline is judged once the year is over."""
    due = Problem.deadline < period.today
    if period.today > period.end:
        due = or_(due, Problem.deadline.is_(None))
    return and_(Problem.status != CLOSED, due)


def _problems_overdue(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    points = _num(params, "points")
    rows = _problem_rows(session, period, villages, overdue_condition(period.today))
    return _per_record(
        rows,
        villages,
        max_score,
        points,
        lambda r: _line("problems", r[1], r[2], _problem_text(r, period), -points),
    )


def _problems_unclosed(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    points = _num(params, "points")
    rows = _problem_rows(session, period, villages, unclosed_condition(period))
    return _per_record(
        rows,
        villages,
        max_score,
        points,
        lambda r: _line(
            "problems",
            r[1],
            r[2],
            f"未销号问题：{_short(r[3] + '，' + r[7] if r[7] else r[3])}（{r[5]}）",
            -points,
        ),
    )


# -- 专项行动材料报送 ---------------------------------------------------------------------------------------


def _deliverables(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    late_points, missing_points = _num(params, "late"), _num(params, "missing")
    first = (
        select(
            Submission.deliverable_id.label("d"),
            Submission.unit_id.label("u"),
            func.min(Submission.received_date).label("received"),
        )
        .where(Submission.deleted_at.is_(None), Submission.received_date <= period.today)
        .group_by(Submission.deliverable_id, Submission.unit_id)
        .subquery()
    )
    due = func.coalesce(DeliverableTarget.due_date, Deliverable.due_date)
    query = (
        select(
            DeliverableTarget.unit_id, Deliverable.id, due, Campaign.name, Deliverable.name, first.c.received
        )
        .select_from(DeliverableTarget)
        .join(Deliverable, Deliverable.id == DeliverableTarget.deliverable_id)
        .join(Campaign, Campaign.id == Deliverable.campaign_id)
        .join(Unit, Unit.id == DeliverableTarget.unit_id)
        .outerjoin(first, and_(first.c.d == Deliverable.id, first.c.u == DeliverableTarget.unit_id))
        .where(
            Campaign.deleted_at.is_(None),
            due >= period.start,
            due <= period.end,
            due < period.today,  # due today: not missing yet
            DeliverableTarget.unit_id.in_(villages),
            existed_on(due),  # not owed before the village was set up, nor once it was 撤销
            or_(first.c.received.is_(None), first.c.received > due),
        )
        .order_by(due, Deliverable.id)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    deduction: dict[int, float] = defaultdict(float)
    for unit, deliverable_id, due_day, campaign, name, received in session.execute(query):
        due_day = due_day if isinstance(due_day, date) else date.fromisoformat(str(due_day))
        if received is None:
            pts, how = missing_points, "未报送"
        else:
            received = received if isinstance(received, date) else date.fromisoformat(str(received))
            pts, how = late_points, f"逾期{(received - due_day).days}天报送"
        deduction[int(unit)] += pts
        found[int(unit)].append(
            _line("campaign_deliverables", deliverable_id, due_day, f"{campaign}：{name}（{how}）", -pts)
        )
    return {
        v: Outcome(_floor(max_score, deduction[v]), len(found.get(v, [])), found.get(v, [])) for v in villages
    }


# -- 承诺书签订率 -----------------------------------------------------------------------------------------


def _coverage(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    kind = str(params.get("kind") or ALL)
    signed_by_end = and_(
        Commitment.status == STATUS_SIGNED,
        or_(Commitment.signed_date.is_(None), Commitment.signed_date <= period.today),
    )
    query = (
        select(
            Commitment.village_id,
            func.sum(case((Commitment.status != STATUS_VOID, 1), else_=0)),
            func.sum(case((signed_by_end, 1), else_=0)),
        )
        .where(
            Commitment.year == period.year,
            Commitment.deleted_at.is_(None),
            Commitment.village_id.in_(villages),
        )
        .group_by(Commitment.village_id)
    )
    if kind != ALL:
        query = query.where(Commitment.kind == kind)
    counts = {int(v): (int(req or 0), int(signed or 0)) for v, req, signed in session.execute(query)}
    what = "承诺书" if kind == ALL else kind
    out: dict[int, Outcome] = {}
    for v in villages:
        required, signed = counts.get(v, (0, 0))
        if not required:
            out[v] = Outcome(
                max_score, 0, [_line("commitments", None, None, f"本年度无需签订{what}，按满分计", 0.0)]
            )
            continue
        score = round(max_score * signed / required, 2)
        text = f"{what}应签{required}份，已签{signed}份，签订率{signed * 100 / required:.1f}%"
        if signed < required:
            text += f"，未签{required - signed}份"
        out[v] = Outcome(
            score, required - signed, [_line("commitments", None, period.end, text, score - max_score)]
        )
    return out


# -- 巡查次数 ----------------------------------------------------------------------------------------------


def _patrols(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    required, points = int(_num(params, "per_month")), _num(params, "points")
    kind = str(params.get("kind") or ALL)
    month = cast(func.strftime("%m", Patrol.date), Integer)
    query = (
        select(Patrol.village_id, month, func.count())
        .where(
            Patrol.deleted_at.is_(None),
            Patrol.date >= period.start,
            Patrol.date <= period.end,
            Patrol.village_id.in_(villages),
        )
        .group_by(Patrol.village_id, month)
    )
    if kind != ALL:
        query = query.where(Patrol.kind == kind)
    counts = {(int(v), int(m)): int(n) for v, m, n in session.execute(query)}
    spans = lifespans(session, villages)
    # Only months that are over count: November is not short of patrols on 28 November.
    last_month = 12 if period.today > date(period.year, 12, 31) else period.today.month - 1
    out: dict[int, Outcome] = {}
    what = "巡查" if kind == ALL else kind
    for v in villages:
        lines, deduction = [], 0.0
        for m in range(1, last_month + 1):
            first, month_days = date(period.year, m, 1), calendar.monthrange(period.year, m)[1]
            days = spans[v].days_in(first, first.replace(day=month_days))
            # A month the village was in being for only part of: the requirement scaled to its days.
            owed = required if days == month_days else int(required * days / month_days + 0.5)
            n = counts.get((v, m), 0)
            if n < owed:
                pts = (owed - n) * points
                deduction += pts
                part = "" if days == month_days else f"，按当月在册{days}天折算"
                lines.append(
                    _line(
                        "patrols",
                        None,
                        first,
                        f"{m}月{what}{n}次，少于要求的{owed}次（少{owed - n}次{part}）",
                        -pts,
                    )
                )
        out[v] = Outcome(_floor(max_score, deduction), len(lines), lines)
    return out


# -- 信访办理 ----------------------------------------------------------------------------------------------


def _complaints(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    points = _num(params, "points")
    late = or_(
        and_(Complaint.reply_date.is_(None), Complaint.deadline < period.today),
        Complaint.reply_date > Complaint.deadline,
    )
    query = (
        select(
            Complaint.village_id,
            Complaint.id,
            Complaint.received_date,
            Complaint.content,
            Complaint.deadline,
            Complaint.reply_date,
            Complaint.case_number,
        )
        .where(
            Complaint.deleted_at.is_(None),
            Complaint.received_date >= period.start,
            Complaint.received_date <= period.end,
            Complaint.village_id.in_(villages),
            existed_on(Complaint.received_date),
            Complaint.deadline.is_not(None),
            late,
        )
        .join(Unit, Unit.id == Complaint.village_id)
        .order_by(Complaint.received_date, Complaint.id)
    )

    def line(r: Any) -> dict[str, Any]:
        how = "超时限未答复" if r[5] is None else f"超时限{(r[5] - r[4]).days}天答复"
        case_no = f"（{r[6]}）" if r[6] else ""
        # The complainant never appears: evidence is printed and exported.
        return _line(
            "complaints",
            r[1],
            r[2],
            f"信访件{case_no}：{_short(r[3], 30)}（时限{format_iso(r[4])}，{how}）",
            -points,
        )

    return _per_record(session.execute(query).all(), villages, max_score, points, line)


# -- 目标指标 ----------------------------------------------------------------------------------------------

# The indicators a village can be judged on by itself: a rate, or a count whose target is a ceiling
# (零火点). The town's own figures (PM2.5, 巡查次数 ≥ N) say nothing about one village.
INDICATORS = tuple(s.name for s in SHIPPED if s.source in (FIRE_POINTS, PROBLEMS_CLOSED, LETTERS_SIGNED))
_EVIDENCE_TABLE = {FIRE_POINTS: "fire_points", PROBLEMS_CLOSED: "problems", LETTERS_SIGNED: "commitments"}


def _indicator_rule(
    session: Session, period: Period, villages: Sequence[int], max_score: float, params: Mapping[str, Any]
) -> dict[int, Outcome]:
    """Each village's own value of a 目标指标 (counted as the 目标 page counts it) against the year's
    target: a ceiling count costs ``points`` per unit over it, a rate on the wrong side costs ``points``."""
    name, points = str(params.get("indicator") or ""), _num(params, "points")
    indicator = session.scalar(
        select(Indicator).where(Indicator.name == name, Indicator.deleted_at.is_(None))
    )
    target = target_for(session, indicator, period.year) if indicator is not None else None
    if indicator is None or not indicator.tracked_in(period.year) or indicator.source not in _EVIDENCE_TABLE:
        why = f"{period.year}年度没有跟踪“{name}”指标，按满分计"
        return {
            v: Outcome(max_score, 0, [_line("target_indicators", None, None, why, 0.0)]) for v in villages
        }
    if target is None:
        why = f"“{name}”{period.year}年度未设目标，按满分计"
        return {
            v: Outcome(max_score, 0, [_line("target_indicators", None, None, why, 0.0)]) for v in villages
        }
    counts = count(
        session, indicator.source, period.year, period.end, indicator.source_filter, village_days_only=True
    )
    months = range(1, period.end.month + 1)
    per_unit = not counts.is_rate and indicator.direction == LE
    table, unit, d = _EVIDENCE_TABLE[indicator.source], indicator.unit, indicator.decimals
    goal = f"年度目标{indicator.direction}{target:g}{unit}"
    out: dict[int, Outcome] = {}
    for v in villages:
        num, den = counts.value(months, v)
        value = rate_or_count(counts, num, den)
        if value is None or meets(indicator.direction, value, target, d):
            out[v] = Outcome(max_score)
            continue
        shown = f"{value:.{d}f}{unit}"
        if counts.is_rate:
            shown += f"（{num}/{den}）"
        if per_unit:
            over = round(value - target, d)
            deduction = points * over
            text = f"{name}：本村{shown}，{goal}，超出{over:g}{unit}"
        else:
            deduction = points
            text = f"{name}：本村{shown}，未达到{goal}"
        out[v] = Outcome(_floor(max_score, deduction), 1, [_line(table, None, period.end, text, -deduction)])
    return out


def _describe_indicator(p: Mapping[str, Any], m: float) -> str:
    name = str(p.get("indicator") or "")
    shipped = next((s for s in SHIPPED if s.name == name), None)
    if shipped is not None and shipped.source == FIRE_POINTS:
        return f"本村{name}超过年度目标的，每超1个扣{_g(_num(p, 'points'))}分，扣完为止"
    return f"本村{name}未达到年度目标的，扣{_g(_num(p, 'points'))}分"


# -- the registry --------------------------------------------------------------------------------------


def _points(label: str, default: float) -> Param:
    return Param("points", label, default, maximum=100.0)


RULES: dict[str, RuleKind] = {
    r.key: r
    for r in (
        RuleKind(MANUAL, "人工评分", (), None, lambda p, m: f"由考核组评定，满分{_g(m)}分"),
        RuleKind(
            "fire_points",
            "火点扣分",
            (_points("每个火点扣分", 3.0), Param("source", "火点来源", ALL, "choice", (ALL, *FIRE_SOURCES))),
            _fire_points,
            lambda p, m: (
                f"每发现1个{'' if p.get('source', ALL) == ALL else p['source']}火点扣{_g(_num(p, 'points'))}分，扣完为止"
            ),
        ),
        RuleKind(
            "problems_overdue",
            "问题超期扣分",
            (_points("每个超期问题扣分", 1.0),),
            _problems_overdue,
            lambda p, m: f"问题逾期未整改或超期整改的，每个扣{_g(_num(p, 'points'))}分，扣完为止",
        ),
        RuleKind(
            "problems_unclosed",
            "问题未销号扣分",
            (_points("每个未销号问题扣分", 0.5),),
            _problems_unclosed,
            lambda p, m: f"年度问题到期未销号的，每个扣{_g(_num(p, 'points'))}分，扣完为止",
        ),
        RuleKind(
            "deliverables",
            "材料报送扣分",
            (
                Param("late", "逾期报送每项扣分", 1.0, maximum=100.0),
                Param("missing", "未报送每项扣分", 2.0, maximum=100.0),
            ),
            _deliverables,
            lambda p, m: (
                f"专项行动材料逾期报送每项扣{_g(_num(p, 'late'))}分，未报送每项扣{_g(_num(p, 'missing'))}分"
            ),
        ),
        RuleKind(
            "coverage",
            "签订率折算",
            (Param("kind", "承诺书类别", ALL, "choice", (ALL, *LETTER_KINDS)),),
            _coverage,
            lambda p, m: (
                f"按{'承诺书' if p.get('kind', ALL) == ALL else p['kind']}签订率折算：签订率×{_g(m)}分"
            ),
        ),
        RuleKind(
            "patrols",
            "巡查次数不足",
            (
                Param("per_month", "每月应巡查次数", 20, "int", maximum=10000),
                _points("每少一次扣分", 0.2),
                Param("kind", "巡查类型", ALL, "choice", (ALL, *PATROL_KINDS)),
            ),
            _patrols,
            lambda p, m: (
                f"每月{'巡查' if p.get('kind', ALL) == ALL else p['kind']}不少于{int(_num(p, 'per_month'))}次，"
                f"每少1次扣{_g(_num(p, 'points'))}分，扣完为止"
            ),
        ),
        RuleKind(
            "target_indicator",
            "指标未达标扣分",
            (
                Param("indicator", "目标指标", INDICATORS[0], "choice", INDICATORS),
                _points("扣分（火点类为每超1个）", 2.0),
            ),
            _indicator_rule,
            _describe_indicator,
        ),
        RuleKind(
            "complaints",
            "信访办理超时",
            (_points("每件超时扣分", 2.0),),
            _complaints,
            lambda p, m: f"信访举报未在办理时限内答复的，每件扣{_g(_num(p, 'points'))}分，扣完为止",
        ),
    )
}


def rule_of(key: str) -> RuleKind:
    try:
        return RULES[key]
    except KeyError:
        raise KeyError(
            f"没有“{key}”这种计分规则（可用：{'、'.join(r.label for r in RULES.values())}）"
        ) from None


def check_params(rule: RuleKind, params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The params a rule keeps (defaults filled in), and what is wrong with the given ones."""
    clean: dict[str, Any] = {}
    problems: list[str] = []
    for p in rule.params:
        raw = params.get(p.key, p.default)
        if p.kind == "choice":
            value = str(raw or p.default)
            if value not in p.choices:
                problems.append(f"{p.label}应为{'、'.join(p.choices)}之一（收到“{value}”）")
            clean[p.key] = value
            continue
        try:
            number = float(str(raw).strip())
        except ValueError:
            problems.append(f"{p.label}应为数字（收到“{raw}”）")
            continue
        if p.kind == "int" and not number.is_integer():
            problems.append(f"{p.label}应为整数（收到“{raw}”）")
            continue
        if not p.minimum <= number <= p.maximum:
            problems.append(f"{p.label}应在{_g(p.minimum)}到{_g(p.maximum)}之间（收到{_g(number)}）")
            continue
        clean[p.key] = int(number) if p.kind == "int" else number
    return clean, problems
