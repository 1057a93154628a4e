"""整改情况通报 (reference 001) and 整改通知书, drafted from the problem records.

For a period, every problem found up to its end and not already rectified before it starts is sorted
by :class:`CircularRules` — stated in Chinese by :meth:`CircularRules.describe`, stored in the data
file, changed in the settings — into 整改较好 / 已整改但进度较慢 / 未整改, each line naming the place
and its 责任单位, and the 通报 ends with the deadline sentence. The result is a draft for the documents
editor (:func:`draft_circular`) or straight a :class:`DocumentSpec` (:func:`circular_spec`) for the
GB/T 9704 engine.

Status is judged as of the period's last day from the problem's dates: rectified on or before it
counts as rectified; otherwise a problem that has been started counts as 整改中.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.dates import format_cn
from ecodesk.db.database import Database
from ecodesk.documents import kinds as doc_kinds
from ecodesk.documents.render import RenderResult, render_pdf
from ecodesk.documents.spec import DocumentSpec
from ecodesk.errors import EcoDeskError, FieldProblem, NotFoundError, ValidationError
from ecodesk.models import Setting, Unit
from ecodesk.models.document import Document
from ecodesk.models.rectification import OPEN_STATUSES, TODO, Problem, ProblemNote
from ecodesk.services import documents

RULES_KEY = "rectification_circular_rules"
GOOD, SLOW, UNDONE = "整改较好", "已整改但进度较慢", "未整改"
GROUPS = (GOOD, SLOW, UNDONE)
_GROUP_HEADINGS = {
    GOOD: "（一）整改较好的单位",
    SLOW: "（二）已整改但进度较慢的单位",
    UNDONE: "（三）未整改的单位",
}


@dataclass(frozen=True)
class CircularRules:
    """The thresholds that sort problems into the three groups of the 通报 (all in days)."""

    good_grace_days: int = 0  # rectified no later than deadline + this: 整改较好
    undone_after_days: int = 15  # 整改中 and overdue by more than this at the period's end: 未整改
    include_not_due: bool = False  # also list open problems whose deadline is after the period
    good_list_limit: int = 15  # at most this many 整改较好 lines; the rest are counted in one sentence
    deadline_days: int = 15  # the deadline sentence: 确保在 (period end + this) 前整改到位

    def describe(self) -> list[str]:
        """The rules in plain Chinese, as the settings page and the draft dialog show them."""
        grace = f"整改时限后{self.good_grace_days}天内" if self.good_grace_days else "整改时限内"
        lines = [
            f"整改较好：在{grace}完成整改（已整改待核查或已销号）。",
            f"已整改但进度较慢：完成整改但晚于{grace}；或正在整改，超期不超过{self.undone_after_days}天"
            + ("（含尚未到期的）" if self.include_not_due else "")
            + "。",
            f"未整改：到期仍未开始整改；或正在整改但超期超过{self.undone_after_days}天。",
        ]
        if not self.include_not_due:
            lines.append("期末尚未到整改时限且未完成的问题不列入通报，只计入总数。")
        lines.append(f"整改较好的最多列出{self.good_list_limit}处，其余合并为一句。")
        lines.append(f"通报要求在期末后{self.deadline_days}天内整改到位。")
        return lines

    def problems(self) -> list[FieldProblem]:
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in ("int", int) and not (isinstance(value, int) and 0 <= value <= 365):
                out.append(FieldProblem(f.name, _RULE_LABELS[f.name], "应为0到365之间的整数"))
        return out


_RULE_LABELS = {
    "good_grace_days": "整改较好的宽限天数",
    "undone_after_days": "超期多少天视为未整改",
    "include_not_due": "列入未到期的问题",
    "good_list_limit": "整改较好最多列出几处",
    "deadline_days": "通报要求的整改期限（天）",
}


def load_rules(db: Database) -> CircularRules:
    with db.session() as session:
        stored = session.get(Setting, RULES_KEY)
        data = stored.value if stored is not None and isinstance(stored.value, dict) else {}
    known = {f.name for f in fields(CircularRules)}
    return CircularRules(**{k: v for k, v in data.items() if k in known})


def save_rules(db: Database, rules: CircularRules) -> CircularRules:
    problems = rules.problems()
    if problems:
        raise ValidationError(problems)
    with db.session() as session:
        session.merge(Setting(key=RULES_KEY, value=asdict(rules)))
    return rules


# -- sorting the problems -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemFacts:
    """What the rules look at, for one problem (plain data: the rules are testable without a DB)."""

    status: str
    deadline: date | None
    rectified_date: date | None


def classify(facts: ProblemFacts, rules: CircularRules, as_of: date) -> str | None:
    """The group of one problem as of ``as_of`` under ``rules``; ``None`` = not listed (not yet due)."""
    rectified = facts.rectified_date is not None and facts.rectified_date <= as_of
    if rectified:
        assert facts.rectified_date is not None
        if facts.deadline is None or facts.rectified_date <= facts.deadline + timedelta(
            days=rules.good_grace_days
        ):
            return GOOD
        return SLOW
    started = facts.status != TODO
    overdue_days = (as_of - facts.deadline).days if facts.deadline is not None else 0
    if facts.deadline is not None and overdue_days < 0 and not rules.include_not_due:
        return None  # still within its deadline
    if not started:
        return UNDONE
    return UNDONE if overdue_days > rules.undone_after_days else SLOW


@dataclass(frozen=True)
class CircularLine:
    problem_id: int
    group: str
    unit: str  # 责任单位
    text: str  # the sentence, ending with （责任单位：…）。


@dataclass
class Circular:
    date_from: date
    date_to: date
    rules: CircularRules
    lines: dict[str, list[CircularLine]] = field(default_factory=lambda: {g: [] for g in GROUPS})
    not_due: int = 0  # open, deadline after the period, not listed
    rectified: int = 0  # listed problems rectified by the period's end
    closed: int = 0  # of those, 已销号 by the period's end

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.lines.values()) + self.not_due

    @property
    def deadline(self) -> date:
        return self.date_to + timedelta(days=self.rules.deadline_days)

    def units(self, group: str) -> list[str]:
        """The 责任单位 of a group, each once, in order."""
        return list(dict.fromkeys(line.unit for line in self.lines[group]))


def _place(problem: Problem) -> str:
    village = problem.village.name if problem.village is not None else ""
    return problem.place if not village or problem.place.startswith(village) else village + problem.place


def _clause(text: str) -> str:
    return text.strip().rstrip("。；;，, ").replace("\n", "")


def _unit(problem: Problem) -> str:
    if problem.responsible_unit is not None:
        return problem.responsible_unit.name
    return problem.village.name if problem.village is not None else "未明确"


def _sentence(problem: Problem, group: str, as_of: date, last_note: str) -> str:
    place, unit = _place(problem), _unit(problem)
    issue = _clause(problem.description)
    done = _clause(last_note or problem.measures)
    if group == GOOD:
        body = f"{place}{done or issue + '的问题已整改到位'}，整改情况较好"
    elif group == SLOW:
        if (
            problem.rectified_date is not None
            and problem.rectified_date <= as_of
            and problem.deadline is not None
        ):
            late = (problem.rectified_date - problem.deadline).days
            body = f"{place}{done or issue + '的问题已整改'}，但超过整改时限{late}天才完成"
        else:
            body = f"{place}{issue}，{_clause(last_note) or '已开始整改'}，但尚未整改到位"
    else:
        overdue = (as_of - problem.deadline).days if problem.deadline is not None else 0
        body = f"{place}{issue}，至今未整改" + (f"，已超过整改时限{overdue}天" if overdue > 0 else "")
    return f"{body}（责任单位：{unit}）。"


def build_circular(
    db: Database, date_from: date, date_to: date, rules: CircularRules | None = None
) -> Circular:
    """Sort the problems of the period into the three groups, with the sentence for each."""
    if date_to < date_from:
        raise ValidationError.single("date_to", "截止日期", "不能早于开始日期")
    rules = rules or load_rules(db)
    circular = Circular(date_from, date_to, rules)
    with db.session() as session:
        query = (
            select(Problem)
            .where(
                Problem.deleted_at.is_(None),
                Problem.found_date <= date_to,
                or_(Problem.rectified_date.is_(None), Problem.rectified_date >= date_from),
            )
            .order_by(Problem.found_date, Problem.id)
        )
        problems = list(session.scalars(query))
        last_notes = _last_notes(session, [p.id for p in problems], date_to)
        order = {u.id: (u.sort_order, u.id) for u in session.scalars(select(Unit))}
        for problem in problems:
            rectified = (
                problem.rectified_date
                if problem.rectified_date and problem.rectified_date <= date_to
                else None
            )
            status = problem.status if rectified or problem.status in OPEN_STATUSES else "整改中"
            group = classify(ProblemFacts(status, problem.deadline, rectified), rules, date_to)
            if group is None:
                circular.not_due += 1
                continue
            if rectified:
                circular.rectified += 1
                if problem.closed_date is not None and problem.closed_date <= date_to:
                    circular.closed += 1
            text = _sentence(problem, group, date_to, last_notes.get(problem.id, ""))
            circular.lines[group].append(CircularLine(problem.id, group, _unit(problem), text))
        # Lines of one responsible unit together, units in their usual order.
        unit_of = {p.id: p.responsible_unit_id for p in problems}
        for group in GROUPS:
            circular.lines[group].sort(key=lambda line: order.get(unit_of[line.problem_id] or -1, (9999, 0)))
    return circular


def _last_notes(session: Session, ids: Sequence[int], as_of: date) -> dict[int, str]:
    """The latest progress note of each problem up to ``as_of``: what was done."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = (
            select(ProblemNote.problem_id, ProblemNote.text)
            .where(
                ProblemNote.problem_id.in_(chunk),
                ProblemNote.kind == "进展",
                ProblemNote.on_date <= as_of,
                ProblemNote.deleted_at.is_(None),
            )
            .order_by(ProblemNote.on_date, ProblemNote.id)
        )
        for problem_id, text in session.execute(query):
            found[problem_id] = text
    return found


# -- the 通报 text ----------------------------------------------------------------------------------


def period_name(date_from: date, date_to: date) -> str:
    """2024年10月, 2024年第三季度, 2024年上半年, 2024年 — or 2024年3月5日至4月2日."""
    y = date_from.year
    if date_from.year == date_to.year and date_from.day == 1:
        last = calendar.monthrange(date_to.year, date_to.month)[1]
        if date_to.day == last:
            months = (date_from.month, date_to.month)
            if months[0] == months[1]:
                return f"{y}年{months[0]}月"
            quarters = {
                (1, 3): "第一季度",
                (4, 6): "第二季度",
                (7, 9): "第三季度",
                (10, 12): "第四季度",
                (1, 6): "上半年",
                (7, 12): "下半年",
                (1, 12): "",
            }
            if months in quarters:
                return f"{y}年{quarters[months]}" if quarters[months] else f"{y}年"
    end = format_cn(date_to) if date_to.year != y else f"{date_to.month}月{date_to.day}日"
    return f"{format_cn(date_from)}至{end}"


def circular_subject(circular: Circular) -> str:
    return f"关于{period_name(circular.date_from, circular.date_to)}生态环境问题整改情况的通报"


def circular_body(circular: Circular) -> str:
    """The body of the 通报, paragraphs separated by blank lines (the documents engine's format)."""
    listed = circular.total - circular.not_due
    paras = [
        f"按照镇党委、政府生态环境保护工作部署，镇环保办对{period_name(circular.date_from, circular.date_to)}"
        f"生态环境问题整改情况进行了现场检查。本期共涉及问题{circular.total}个（含前期未整改到位的），"
        f"截至{format_cn(circular.date_to)}，"
        f"已整改{circular.rectified}个（其中已核查销号{circular.closed}个），"
        f"尚未整改到位{listed - circular.rectified}个"
        + (f"，另有{circular.not_due}个未到整改时限" if circular.not_due else "")
        + "。现将有关情况通报如下：",
        "一、整改情况",
    ]
    for group in GROUPS:
        paras.append(_GROUP_HEADINGS[group])
        lines = circular.lines[group]
        shown = lines[: circular.rules.good_list_limit] if group == GOOD else lines
        if not shown:
            paras.append("无。")
        paras += [f"{n}.{line.text}" for n, line in enumerate(shown, 1)]
        if len(shown) < len(lines):
            paras.append(f"另有{len(lines) - len(shown)}处问题已按期整改到位，不再一一列举。")
    paras += [
        "二、下一步工作要求",
        "各村、各单位要根据生态环境保护目标责任书要求及工作分工，切实提高认识，加大整改力度，"
        "对照问题清单逐项整改，督促有关单位尽快解决遗留问题，"
        f"确保在{format_cn(circular.deadline)}前整改到位，并将整改情况（附整改前后照片）报镇环保办。"
        "整改不到位的，镇党委、政府将予以通报问责。",
    ]
    return "\n\n".join(paras)


def spec_of(draft: doc_kinds.Draft, sequence: int | None = None) -> DocumentSpec:
    """A draft as the GB/T 9704 engine prints it (without a number until it is issued)."""
    return DocumentSpec(
        kind=draft.kind,
        organ_mark=draft.organ_mark,
        title=draft.title,
        body=draft.body,
        signature=draft.signature,
        date=draft.doc_date,
        number_prefix=draft.number_prefix,
        sequence=sequence,
        recipients=draft.recipients,
        seal=draft.seal,
        note=draft.note,
        cc=draft.cc,
        printing_organ=draft.printing_organ,
        printing_date=draft.printing_date,
    )


def circular_draft(
    db: Database,
    date_from: date,
    date_to: date,
    rules: CircularRules | None = None,
    today: date | None = None,
) -> doc_kinds.Draft:
    """The 通报 as a draft of the documents module (dated ``today``, default today)."""
    circular = build_circular(db, date_from, date_to, rules)
    return doc_kinds.circular(
        documents.defaults(db, today), circular_subject(circular), circular_body(circular)
    )


def draft_circular(
    db: Database,
    date_from: date,
    date_to: date,
    rules: CircularRules | None = None,
    today: date | None = None,
) -> Document:
    """Store the 通报 in the document register as a draft, to be edited and issued there."""
    return documents.create_draft(db, circular_draft(db, date_from, date_to, rules, today))


def circular_spec(
    db: Database,
    date_from: date,
    date_to: date,
    rules: CircularRules | None = None,
    today: date | None = None,
) -> DocumentSpec:
    return spec_of(circular_draft(db, date_from, date_to, rules, today))


def render_circular(
    db: Database,
    date_from: date,
    date_to: date,
    out: Path,
    rules: CircularRules | None = None,
    today: date | None = None,
) -> RenderResult:
    """Print the 通报 straight to a PDF (unnumbered: numbers are given when it is issued)."""
    return render_pdf(circular_spec(db, date_from, date_to, rules, today), out, documents.fonts_for(db))


# -- 整改通知书 to one unit -------------------------------------------------------------------------


def notice_lines(db: Database, unit_id: int, today: date | None = None) -> list[str]:
    """One line per open problem the unit is responsible for: place, problem, and its deadline."""
    today = today or dates.today()
    with db.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None or unit.deleted_at is not None:
            raise NotFoundError(f"单位（编号 {unit_id}）不存在或已删除")
        query = (
            select(Problem)
            .where(
                Problem.deleted_at.is_(None),
                Problem.responsible_unit_id == unit_id,
                Problem.status.in_(OPEN_STATUSES),
            )
            .order_by(Problem.deadline, Problem.found_date, Problem.id)
        )
        lines = []
        for p in session.scalars(query):
            due = ""
            if p.deadline is not None:
                due = f"（整改时限{format_cn(p.deadline)}" + ("，已超期）" if p.deadline < today else "）")
            lines.append(f"{_place(p)}{_clause(p.description)}{due}")
        return lines


def notice_draft(
    db: Database, unit_id: int, deadline: date | None = None, today: date | None = None, basis: str = ""
) -> doc_kinds.Draft:
    """整改通知书 to one responsible unit listing its open problems."""
    lines = notice_lines(db, unit_id, today)
    with db.session() as session:
        unit = session.get(Unit, unit_id)
        assert unit is not None
        name = unit.name
    if not lines:
        raise EcoDeskError(f"{name}没有待整改或整改中的问题，无需发整改通知书")
    defaults = documents.defaults(db, today)
    if deadline is None:  # 15 days, or the latest deadline already given if that is later
        with db.session() as session:
            latest = session.scalar(
                select(func.max(Problem.deadline)).where(
                    Problem.deleted_at.is_(None),
                    Problem.responsible_unit_id == unit_id,
                    Problem.status.in_(OPEN_STATUSES),
                )
            )
        deadline = max(d for d in (defaults.today + timedelta(days=15), latest) if d is not None)
    return doc_kinds.rectification_notice(
        defaults, name, lines, deadline=deadline, basis=basis or "镇环保办巡查检查"
    )


def draft_notice(
    db: Database, unit_id: int, deadline: date | None = None, today: date | None = None
) -> Document:
    """Store the 整改通知书 in the document register as a draft."""
    return documents.create_draft(db, notice_draft(db, unit_id, deadline, today))


def notice_spec(
    db: Database, unit_id: int, deadline: date | None = None, today: date | None = None
) -> DocumentSpec:
    return spec_of(notice_draft(db, unit_id, deadline, today))


def rules_from_mapping(data: dict[str, Any]) -> CircularRules:
    """Rules from the settings form's values, each field checked and named."""
    known = {f.name: f for f in fields(CircularRules)}
    problems = []
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in known:
            continue
        if key == "include_not_due":
            values[key] = bool(raw)
            continue
        try:
            values[key] = int(raw)
        except (TypeError, ValueError):
            problems.append(FieldProblem(key, _RULE_LABELS[key], "应为整数"))
    if problems:
        raise ValidationError(problems)
    rules = CircularRules(**values)
    bad = rules.problems()
    if bad:
        raise ValidationError(bad)
    return rules
