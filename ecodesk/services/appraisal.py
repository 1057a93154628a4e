"""考核 year-end appraisal: schemes, computing scores from the records, adjustments, ranks, the lock.

* A scheme per year holds the items (category, name, maximum, rule and its numbers, bonus or not).
  :func:`ensure_scheme` gives a year the previous year's items, or the shipped default.
* :func:`compute` runs every item's rule over every village (one or two SQL statements per item, see
  :mod:`ecodesk.appraisal.rules`) and stores computed value, evidence and final value per item × village.
  The clerk's adjustments survive a recompute.
* :func:`adjust` / :func:`set_final` change a score by hand; the reason is required and audited.
* :func:`sheet` gives totals, competition ranks (same score, same rank: 1, 1, 3) and the converted
  score (考核结果按比例纳入年终对村考核分值: total × weight %).
* :func:`finalise` locks the year; every change is then refused until :func:`unlock` (reason required,
  written to the audit log).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.appraisal import rules
from ecodesk.appraisal.defaults import DEFAULT_ITEMS, DEFAULT_WEIGHT, ItemInput, default_title
from ecodesk.appraisal.sheet import Cell, EvidenceLine, ItemView, Sheet, VillageRow
from ecodesk.db.audit import OPERATOR_KEY, record_event
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.jobs import Job
from ecodesk.models import Unit
from ecodesk.models.appraisal import AppraisalItem, AppraisalScheme, AppraisalScore
from ecodesk.models.campaign import Deliverable
from ecodesk.models.document import Document
from ecodesk.models.lifespan import villages_during
from ecodesk.services import settings as settings_service

MIN_YEAR, MAX_YEAR = 2000, 2100
UNLOCK = "unlock"
FINALISE = "finalise"


# -- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputeResult:
    year: int
    villages: int
    items: int
    seconds: float


# -- helpers ---------------------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError.single("year", "年度", f"应在{MIN_YEAR}到{MAX_YEAR}之间（收到{year}）")


def _scheme(session: Session, year: int) -> AppraisalScheme:
    scheme = session.scalar(
        select(AppraisalScheme).where(AppraisalScheme.year == year, AppraisalScheme.deleted_at.is_(None))
    )
    if scheme is None:
        raise NotFoundError(f"{year}年度还没有考核方案，请先建立（可从上一年度复制或使用默认方案）")
    return scheme


def _refuse_locked(scheme: AppraisalScheme) -> None:
    if scheme.finalised_at is not None:
        when = f"{scheme.finalised_at:%Y-%m-%d %H:%M}"
        who = f"由{scheme.finalised_by}" if scheme.finalised_by else ""
        raise ValidationError.single(
            "year",
            "考核年度",
            f"{scheme.year}年度考核已于{when}{who}定稿锁定，不能修改；如确需更正，请先“解除锁定”并写明原因",
        )


def village_list(session: Session, period: rules.Period) -> list[tuple[int, str]]:
    """The rows of the sheet: the live villages and communities in being on some day of the period, in
    the town's order (one set up in the year is appraised; one 撤销 before the year is not)."""
    return villages_during(session, period.start, period.end)


def base_score(item: AppraisalItem | ItemView, computed: float | None) -> float:
    """What a score is before the clerk's adjustment: computed, or full marks (a bonus item: zero)."""
    if computed is not None:
        return computed
    return 0.0 if item.bonus else float(item.max_score)


def final_score(item: AppraisalItem | ItemView, computed: float | None, adjustment: float) -> float:
    """Base plus adjustment, kept between zero and the item's maximum."""
    return round(min(float(item.max_score), max(0.0, base_score(item, computed) + adjustment)), 2)


def competition_ranks(totals: Sequence[float]) -> list[int]:
    """Same score, same rank, and the next rank skips: 98, 98, 95 → 1, 1, 3."""
    keys = [round(t, 2) for t in totals]
    return [1 + sum(1 for other in keys if other > k) for k in keys]


def _today(as_of: date | None) -> date:
    return as_of or dates.today()


# -- schemes ---------------------------------------------------------------------------------------------


def years(db: Database) -> list[int]:
    with db.session() as session:
        return sorted(
            session.scalars(select(AppraisalScheme.year).where(AppraisalScheme.deleted_at.is_(None))),
            reverse=True,
        )


def has_scheme(db: Database, year: int) -> bool:
    with db.session() as session:
        return (
            session.scalar(
                select(AppraisalScheme.id).where(
                    AppraisalScheme.year == year, AppraisalScheme.deleted_at.is_(None)
                )
            )
            is not None
        )


def _item_problems(
    items: Sequence[ItemInput],
) -> tuple[list[tuple[ItemInput, dict[str, Any]]], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    clean: list[tuple[ItemInput, dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    if not items:
        problems.append(FieldProblem("items", "考核项目", "至少要有一个考核项目"))
    for n, item in enumerate(items, 1):
        label = f"第{n}项（{item.name.strip() or '未命名'}）"
        category, name = item.category.strip(), item.name.strip()
        if not category:
            problems.append(FieldProblem("category", "考核类别", f"{label}：必须填写"))
        if not name:
            problems.append(FieldProblem("name", "考核项目", f"{label}：名称必须填写"))
        elif len(name) > 60 or len(category) > 40:
            problems.append(FieldProblem("name", "考核项目", f"{label}：类别不超过40字，名称不超过60字"))
        if (category, name) in seen:
            problems.append(FieldProblem("name", "考核项目", f"{label}：同一类别下有两个同名项目"))
        seen.add((category, name))
        if not 0 < item.max_score <= 1000:
            problems.append(
                FieldProblem("max_score", "分值", f"{label}：应大于0且不超过1000（收到{item.max_score:g}）")
            )
        if item.rule not in rules.RULES:
            problems.append(FieldProblem("rule", "计分规则", f"{label}：没有“{item.rule}”这种规则"))
            continue
        if item.bonus and item.rule != rules.MANUAL:
            problems.append(FieldProblem("rule", "计分规则", f"{label}：加分项目只能人工评分"))
        params, bad = rules.check_params(rules.RULES[item.rule], item.params)
        problems += [FieldProblem("params", "规则参数", f"{label}：{b}") for b in bad]
        clean.append((item, params))
    return clean, problems


def _standard(item: ItemInput, params: dict[str, Any]) -> str:
    return item.standard.strip() or rules.RULES[item.rule].describe(params, item.max_score)


def _write_items(session: Session, scheme: AppraisalScheme, items: Sequence[ItemInput]) -> None:
    clean, problems = _item_problems(items)
    if problems:
        raise ValidationError(problems)
    existing = {i.id: i for i in scheme.items}
    kept: set[int] = set()
    for order, (item, params) in enumerate(clean):
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            row = AppraisalItem()
            scheme.items.append(row)
        else:
            kept.add(row.id)
        row.category, row.name = item.category.strip(), item.name.strip()
        row.max_score, row.bonus, row.rule = float(item.max_score), item.bonus, item.rule
        row.params, row.standard, row.sort_order = params, _standard(item, params), order
    for item_id, row in existing.items():
        if item_id not in kept:
            scheme.items.remove(row)  # its scores go with it (cascade)
            session.delete(row)  # explicitly, so the audit logs the removal (an orphan never shows)


def create_scheme(
    db: Database,
    year: int,
    items: Sequence[ItemInput] = DEFAULT_ITEMS,
    *,
    title: str = "",
    weight: float = DEFAULT_WEIGHT,
) -> int:
    """A year's scheme with ``items`` (default: the shipped scheme); refused when the year has one."""
    town = settings_service.load(db).town_name or "本镇"
    with db.session() as session:
        return int(
            add_scheme(session, year, items, title=title or default_title(town, year), weight=weight).id
        )


def add_scheme(
    session: Session,
    year: int,
    items: Sequence[ItemInput] = DEFAULT_ITEMS,
    *,
    title: str,
    weight: float = DEFAULT_WEIGHT,
) -> AppraisalScheme:
    """:func:`create_scheme` inside the caller's transaction (the demo data uses it)."""
    _check_year(year)
    _check_weight(weight)
    if session.scalar(select(AppraisalScheme.id).where(AppraisalScheme.year == year)) is not None:
        raise ValidationError.single("year", "考核年度", f"{year}年度已有考核方案，请直接修改")
    scheme = AppraisalScheme(year=year, title=title.strip()[:120], weight=weight)
    session.add(scheme)
    _write_items(session, scheme, [ItemInput(**{**i.__dict__, "id": None}) for i in items])
    session.flush()
    return scheme


def copy_scheme(db: Database, from_year: int, to_year: int) -> int:
    """This year's scheme as a copy of another year's items, title and weight (scores are not copied)."""
    with db.session() as session:
        return int(_copy_in_session(session, from_year, to_year).id)


def _copy_in_session(session: Session, from_year: int, to_year: int) -> AppraisalScheme:
    old = _scheme(session, from_year)
    items = [
        ItemInput(i.category, i.name, i.max_score, i.rule, dict(i.params or {}), i.bonus, i.standard)
        for i in old.items
    ]
    return add_scheme(
        session, to_year, items, title=old.title.replace(str(from_year), str(to_year)), weight=old.weight
    )


def ensure_scheme(db: Database, year: int) -> int:
    """The year's scheme, created from the latest earlier year's or from the default when missing."""
    town = settings_service.load(db).town_name or "本镇"
    with db.session() as session:
        return int(ensure_in_session(session, year, town).id)


def ensure_in_session(session: Session, year: int, town: str) -> AppraisalScheme:
    """:func:`ensure_scheme` inside the caller's transaction."""
    found = session.scalar(select(AppraisalScheme).where(AppraisalScheme.year == year))
    if found is not None:
        return found
    earlier = session.scalar(
        select(AppraisalScheme.year)
        .where(AppraisalScheme.year < year, AppraisalScheme.deleted_at.is_(None))
        .order_by(AppraisalScheme.year.desc())
    )
    if earlier is not None:
        return _copy_in_session(session, int(earlier), year)
    return add_scheme(session, year, DEFAULT_ITEMS, title=default_title(town, year))


def compute_year(
    db: Database, year: int, job: Job | None = None, *, as_of: date | None = None
) -> ComputeResult:
    """The CLI's compute: the year's scheme made if missing and computed, in one transaction (a failure
    leaves no half-made scheme behind)."""
    started = time.perf_counter()
    town = settings_service.load(db).town_name or "本镇"
    with db.session() as session:
        ensure_in_session(session, year, town)
        villages, items = compute_in_session(session, year, _today(as_of), job)
    return ComputeResult(year, villages, items, time.perf_counter() - started)


def scheme_items(db: Database, year: int) -> list[ItemView]:
    with db.session() as session:
        return [_view(i) for i in _scheme(session, year).items]


def _view(i: AppraisalItem) -> ItemView:
    return ItemView(i.id, i.category, i.name, i.max_score, i.bonus, i.rule, dict(i.params or {}), i.standard)


def save_items(db: Database, year: int, items: Sequence[ItemInput]) -> None:
    """Replace the scheme's items (an ``id`` keeps that item and its adjustments); one transaction."""
    with db.session() as session:
        scheme = _scheme(session, year)
        _refuse_locked(scheme)
        _write_items(session, scheme, items)


def _check_weight(weight: float) -> None:
    if not 0 < weight <= 100:
        raise ValidationError.single("weight", "折算比例", f"应大于0且不超过100（%）（收到{weight:g}）")


def set_scheme(db: Database, year: int, *, title: str | None = None, weight: float | None = None) -> None:
    with db.session() as session:
        scheme = _scheme(session, year)
        _refuse_locked(scheme)
        if title is not None:
            if not title.strip():
                raise ValidationError.single("title", "考核名称", "必须填写")
            scheme.title = title.strip()[:120]
        if weight is not None:
            _check_weight(weight)
            scheme.weight = weight


def save_scheme(db: Database, year: int, title: str, weight: float, items: Sequence[ItemInput]) -> None:
    """The editor's 保存: title, weight and items in one transaction (any problem changes nothing)."""
    problems: list[FieldProblem] = []
    if not title.strip():
        problems.append(FieldProblem("title", "考核名称", "必须填写"))
    if not 0 < weight <= 100:
        problems.append(FieldProblem("weight", "折算比例", f"应大于0且不超过100（%）（收到{weight:g}）"))
    _clean, item_problems = _item_problems(items)
    if problems or item_problems:
        raise ValidationError(problems + item_problems)
    with db.session() as session:
        scheme = _scheme(session, year)
        _refuse_locked(scheme)
        scheme.title, scheme.weight = title.strip()[:120], weight
        _write_items(session, scheme, items)


# -- computing -------------------------------------------------------------------------------------------


def compute(db: Database, year: int, job: Job | None = None, *, as_of: date | None = None) -> ComputeResult:
    """Compute every item for every village and store it; adjustments are kept. One transaction."""
    started = time.perf_counter()
    with db.session() as session:
        villages, items = compute_in_session(session, year, _today(as_of), job)
    if job is not None:
        job.report(items, items, "计算完成")
    return ComputeResult(year, villages, items, time.perf_counter() - started)


def compute_in_session(session: Session, year: int, today: date, job: Job | None = None) -> tuple[int, int]:
    """:func:`compute` inside the caller's transaction; returns (villages, items)."""
    period = rules.Period.of(year, today)
    scheme = _scheme(session, year)
    _refuse_locked(scheme)
    village_ids = [v for v, _ in village_list(session, period)]
    if not village_ids:
        raise ValidationError.single("villages", "村（社区）", "没有可考核的村或社区，请先在基础信息中登记")
    item_ids = [i.id for i in scheme.items]
    existing = {
        (s.item_id, s.village_id): s
        for s in session.scalars(select(AppraisalScore).where(AppraisalScore.item_id.in_(item_ids)))
    }
    # Villages no longer appraised (deleted, 撤销 before the year) leave the sheet.
    session.execute(
        delete(AppraisalScore).where(
            AppraisalScore.item_id.in_(item_ids), AppraisalScore.village_id.not_in(village_ids)
        )
    )
    for n, item in enumerate(scheme.items):
        if job is not None:
            job.report(n, len(scheme.items), f"正在计算：{item.category} / {item.name}")
        rule = rules.RULES[item.rule]
        outcomes = (
            rule.compute(session, period, village_ids, item.max_score, item.params) if rule.compute else {}
        )
        for village_id in village_ids:
            outcome = outcomes.get(village_id)
            score = existing.get((item.id, village_id))
            if score is None:
                score = AppraisalScore(item_id=item.id, village_id=village_id)
                session.add(score)
            score.computed = outcome.score if outcome is not None else None
            score.deduction_count = outcome.count if outcome is not None else 0
            score.evidence = outcome.evidence if outcome is not None else []
            score.final = final_score(item, score.computed, score.adjustment or 0.0)
    scheme.computed_at = dates.now()
    session.flush()
    return len(village_ids), len(scheme.items)


# -- the sheet -------------------------------------------------------------------------------------------


def sheet(db: Database, year: int) -> Sheet:
    """Items, each village's cells, totals, ranks and converted scores (read-only view)."""
    with db.session() as session:
        scheme = _scheme(session, year)
        items = tuple(_view(i) for i in scheme.items)
        query = (
            select(
                AppraisalScore.id,
                AppraisalScore.item_id,
                AppraisalScore.village_id,
                AppraisalScore.computed,
                AppraisalScore.adjustment,
                AppraisalScore.adjust_reason,
                AppraisalScore.final,
                AppraisalScore.deduction_count,
                Unit.name,
                Unit.sort_order,
            )
            .join(Unit, Unit.id == AppraisalScore.village_id)
            .where(AppraisalScore.item_id.in_([i.id for i in items]))
            .order_by(Unit.sort_order, Unit.id)
        )
        cells: dict[int, dict[int, Cell]] = {}
        names: dict[int, str] = {}
        for sid, item_id, village_id, computed, adj, reason, final, count, name, _order in session.execute(
            query
        ):
            names[village_id] = name
            cells.setdefault(village_id, {})[item_id] = Cell(
                sid, computed, adj or 0.0, reason or "", final, count
            )
        header = (
            scheme.year,
            scheme.title,
            scheme.weight,
            scheme.locked,
            scheme.finalised_at,
            scheme.finalised_by,
            scheme.computed_at,
        )
    totals = [round(sum(c.final for c in cells[v].values()), 2) for v in names]
    ranks = competition_ranks(totals)
    weight = header[2]
    rows = tuple(
        VillageRow(v, names[v], cells[v], total, rank, round(total * weight / 100, 2))
        for v, total, rank in zip(names, totals, ranks, strict=True)
    )
    return Sheet(header[0], header[1], weight, items, rows, header[3], header[4], header[5], header[6])


DELIVERABLE_LINES, COMMITMENT_LINES = "campaign_deliverables", "commitments"  # evidence tables


def evidence(
    db: Database, year: int, item_id: int | None = None, village_id: int | None = None
) -> list[EvidenceLine]:
    """The records behind the computed scores (of one cell, one item, one village or the whole year),
    each with what opens it: the village, a deliverable's campaign, the kind of 承诺书 counted."""
    with db.session() as session:
        scheme = _scheme(session, year)
        query = (
            select(
                AppraisalItem.category,
                AppraisalItem.name,
                AppraisalItem.params,
                Unit.id,
                Unit.name,
                AppraisalScore.evidence,
            )
            .join(AppraisalItem, AppraisalItem.id == AppraisalScore.item_id)
            .join(Unit, Unit.id == AppraisalScore.village_id)
            .where(AppraisalItem.scheme_id == scheme.id)
            .order_by(Unit.sort_order, Unit.id, AppraisalItem.sort_order, AppraisalItem.id)
        )
        if item_id is not None:
            query = query.where(AppraisalScore.item_id == item_id)
        if village_id is not None:
            query = query.where(AppraisalScore.village_id == village_id)
        out: list[EvidenceLine] = []
        found = session.execute(query).all()
        campaign_of = _campaigns_of(session, found)
        for category, item, params, unit_id, village, lines in found:
            kind = str((params or {}).get("kind") or "")  # a coverage item's kind of 承诺书
            letter_kind = "" if kind == rules.ALL else kind
            for e in lines or []:
                table, record_id = e.get("table", ""), e.get("id")
                out.append(
                    EvidenceLine(
                        f"{category} / {item}",
                        village,
                        table,
                        record_id,
                        e.get("date", ""),
                        e.get("text", ""),
                        float(e.get("points", 0.0)),
                        village_id=int(unit_id),
                        campaign_id=campaign_of.get(record_id) if table == DELIVERABLE_LINES else None,
                        letter_kind=letter_kind if table == COMMITMENT_LINES else "",
                    )
                )
        return out


def _campaigns_of(session: Session, found: Sequence[Any]) -> dict[int, int]:
    """deliverable id → its campaign, for the 报送材料 lines (stored evidence names only the deliverable,
    and a finalised year keeps the evidence it was computed with)."""
    ids = {
        int(e["id"])
        for *_head, lines in found
        for e in lines or []
        if e.get("table") == DELIVERABLE_LINES and e.get("id") is not None
    }
    if not ids:
        return {}
    query = select(Deliverable.id, Deliverable.campaign_id).where(Deliverable.id.in_(ids))
    return {int(d): int(c) for d, c in session.execute(query)}


# -- adjustments, lock -----------------------------------------------------------------------------------


def _score(
    session: Session, year: int, item_id: int, village_id: int
) -> tuple[AppraisalScheme, AppraisalItem, AppraisalScore]:
    scheme = _scheme(session, year)
    _refuse_locked(scheme)
    item = next((i for i in scheme.items if i.id == item_id), None)
    if item is None:
        raise NotFoundError(f"{year}年度考核方案中没有这个项目（编号 {item_id}）")
    score = session.scalar(
        select(AppraisalScore).where(
            AppraisalScore.item_id == item_id, AppraisalScore.village_id == village_id
        )
    )
    if score is None:
        raise ValidationError.single("score", "得分", f"{year}年度尚未计算得分，请先点“计算得分”")
    return scheme, item, score


def adjust(db: Database, year: int, item_id: int, village_id: int, adjustment: float, reason: str) -> float:
    """Add ``adjustment`` (±) to the computed score; the reason is required. Returns the final score."""
    reason = reason.strip()
    with db.session() as session:
        _scheme_, item, score = _score(session, year, item_id, village_id)
        if adjustment != 0 and not reason:
            raise ValidationError.single("reason", "调整原因", "调整得分必须写明原因")
        if abs(adjustment) > item.max_score:
            raise ValidationError.single(
                "adjustment", "调整分值", f"不能超过该项分值{item.max_score:g}分（收到{adjustment:g}）"
            )
        score.adjustment = round(adjustment, 2)
        score.adjust_reason = reason if adjustment != 0 else ""
        score.final = final_score(item, score.computed, score.adjustment)
        return score.final


def set_final(db: Database, year: int, item_id: int, village_id: int, value: float, reason: str) -> float:
    """Give a cell this final score (a manual item's mark); stored as the adjustment from its base."""
    with db.session() as session:
        _s, item, score = _score(session, year, item_id, village_id)
        if not 0 <= value <= item.max_score:
            raise ValidationError.single(
                "final", "得分", f"“{item.name}”的得分应在0到{item.max_score:g}之间（收到{value:g}）"
            )
        adjustment = round(value - base_score(item, score.computed), 2)
    return adjust(db, year, item_id, village_id, adjustment, reason)


def finalise(db: Database, year: int) -> None:
    """Lock the year: the sheet becomes read-only. Computed at least once first."""
    with db.session() as session:
        scheme = _scheme(session, year)
        _refuse_locked(scheme)
        if scheme.computed_at is None:
            raise ValidationError.single("year", "考核年度", f"{year}年度尚未计算得分，不能定稿")
        scheme.finalised_at = dates.now()
        scheme.finalised_by = str(session.info.get(OPERATOR_KEY, ""))
        session.flush()
        record_event(session, scheme, FINALISE, detail=f"{year}年度考核定稿")


def unlock(db: Database, year: int, reason: str) -> None:
    """Unlock a finalised year on purpose: the reason is required and written to the audit log."""
    reason = reason.strip()
    if not reason:
        raise ValidationError.single("reason", "解除锁定原因", "必须写明为什么要修改已定稿的考核")
    with db.session() as session:
        scheme = _scheme(session, year)
        if scheme.finalised_at is None:
            raise ValidationError.single("year", "考核年度", f"{year}年度考核尚未定稿，无需解除锁定")
        scheme.finalised_at = None
        scheme.finalised_by = ""
        session.flush()
        record_event(session, scheme, UNLOCK, field="finalised_at", detail=reason)


def lock_history(db: Database, year: int) -> list[tuple[datetime, str, str, str]]:
    """(when, who, 定稿/解除锁定, reason) of the year's scheme, oldest first."""
    from ecodesk.db.audit import AuditEntry

    with db.session() as session:
        scheme = _scheme(session, year)
        rows = session.execute(
            select(AuditEntry.at, AuditEntry.operator, AuditEntry.action, AuditEntry.new_value)
            .where(
                AuditEntry.table_name == AppraisalScheme.__tablename__,
                AuditEntry.record_id == scheme.id,
                AuditEntry.action.in_((FINALISE, UNLOCK)),
            )
            .order_by(AuditEntry.id)
        ).all()
    return [
        (at, op, "定稿" if action == FINALISE else "解除锁定", detail or "")
        for at, op, action, detail in rows
    ]


# -- outputs ---------------------------------------------------------------------------------------------


def export_xlsx(db: Database, year: int, out: Path, *, today: date | None = None) -> Path:
    """The year-end sheet (得分表 + 扣分依据) to ``out``; computed first unless the year is locked."""
    from ecodesk.appraisal import sheet_xlsx

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ValidationError.single("out", "输出文件", f"应为 .xlsx 文件（收到“{out.name}”）")
    data = sheet(db, year)
    if not data.rows:
        raise ValidationError.single("year", "考核年度", f"{year}年度尚未计算得分，请先计算")
    return sheet_xlsx.write_workbook(data, evidence(db, year), out, today or dates.today())


def draft_circular(db: Database, year: int, *, today: date | None = None) -> Document:
    """The 考核结果通报 as a draft in the document register, for the clerk to edit and issue."""
    from ecodesk.appraisal import circular
    from ecodesk.services import documents

    data = sheet(db, year)
    if not data.rows:
        raise ValidationError.single("year", "考核年度", f"{year}年度尚未计算得分，不能起草通报")
    defaults = documents.defaults(db, today)
    draft = circular.results_circular(defaults, data, evidence(db, year))
    return documents.create_draft(db, draft)
