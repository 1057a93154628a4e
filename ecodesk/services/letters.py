"""承诺书 / 责任书: templates per year, who must sign, signing and coverage.

Who must sign comes from the template: every live household (禁烧承诺书), every active unit of the
listed kinds (目标责任书), every enterprise of the listed industries that is not 关闭淘汰. ``generate``
creates one commitment per signer, kind and year — run it again and it only adds who is new. A
commitment of a signer deleted since is set to 作废; 作废 letters count neither as signed nor as
required, so coverage = 已签 / (待签 + 已签). Printing and the coverage files are in
:mod:`ecodesk.services.letter_print`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from ecodesk import dates
from ecodesk.db.audit import OPERATOR_KEY
from ecodesk.db.database import Database, zh_sort_key
from ecodesk.errors import EcoDeskError, FieldProblem, NotFoundError, ValidationError
from ecodesk.jobs import Job
from ecodesk.letters.defaults import default_templates
from ecodesk.letters.placeholders import check_texts
from ecodesk.models import Attachment, Enterprise, Household, Unit
from ecodesk.models.letter import (
    LETTER_KINDS,
    SIGNER_ENTERPRISE,
    SIGNER_HOUSEHOLD,
    SIGNER_UNIT,
    STATUS_PENDING,
    STATUS_SIGNED,
    STATUS_VOID,
    Commitment,
    LetterTemplate,
)
from ecodesk.models.lifespan import existed_on, villages_during
from ecodesk.models.org import VillageGroup, group_number
from ecodesk.services import attachments

SCAN_ROLE = "扫描件"
OWNER_TABLE = "commitments"
TOWN_UNITS = "镇直单位及其他"  # the coverage row of signers outside any village (town units, enterprises)
MIN_YEAR, MAX_YEAR = 2000, 2100
_NUMBER = re.compile(r"C?0*(\d{1,9})", re.IGNORECASE)


# -- templates -----------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError.single("year", "年度", f"应在 {MIN_YEAR}—{MAX_YEAR} 之间（收到 {year}）")


def check_kind(kind: str) -> None:
    if kind not in LETTER_KINDS:
        raise ValidationError.single(
            "kind", "承诺书类别", f"“{kind}”不是可选的类别（{'、'.join(LETTER_KINDS)}）"
        )


def list_templates(db: Database, year: int) -> list[LetterTemplate]:
    """The templates of ``year`` in the order of LETTER_KINDS, creating missing ones first."""
    ensure_templates(db, year)
    with db.session() as session:
        rows = session.scalars(
            select(LetterTemplate).where(LetterTemplate.year == year, LetterTemplate.deleted_at.is_(None))
        ).all()
    return sorted(rows, key=lambda t: LETTER_KINDS.index(t.kind) if t.kind in LETTER_KINDS else 99)


def ensure_templates(db: Database, year: int) -> int:
    """Give ``year`` a template of every kind: last year's wording if there is one, else ours."""
    _check_year(year)
    with db.session() as session:
        have = set(
            session.scalars(
                select(LetterTemplate.kind).where(
                    LetterTemplate.year == year, LetterTemplate.deleted_at.is_(None)
                )
            )
        )
        missing = [k for k in LETTER_KINDS if k not in have]
        if not missing:
            return 0
        for kind in missing:
            session.add(new_template(session, kind, year))
        return len(missing)


def new_template(session: Session, kind: str, year: int) -> LetterTemplate:
    """A template for ``year`` worded like the latest earlier year's, else like the shipped one."""
    earlier = session.scalars(
        select(LetterTemplate)
        .where(LetterTemplate.kind == kind, LetterTemplate.year < year, LetterTemplate.deleted_at.is_(None))
        .order_by(LetterTemplate.year.desc())
        .limit(1)
    ).first()
    if earlier is not None:
        return LetterTemplate(
            kind=kind,
            year=year,
            title=earlier.title,
            body=earlier.body,
            party_a=earlier.party_a,
            party_b=earlier.party_b,
            signer_type=earlier.signer_type,
            signer_filter=list(earlier.signer_filter or []),
        )
    d = default_templates()[kind]
    return LetterTemplate(
        kind=kind,
        year=year,
        title=d.title,
        body=d.body,
        party_a=d.party_a,
        party_b=d.party_b,
        signer_type=d.signer_type,
        signer_filter=list(d.signer_filter),
    )


def template_for(db: Database, year: int, kind: str) -> LetterTemplate:
    check_kind(kind)
    ensure_templates(db, year)
    with db.session() as session:
        tpl = session.scalars(
            select(LetterTemplate).where(
                LetterTemplate.year == year, LetterTemplate.kind == kind, LetterTemplate.deleted_at.is_(None)
            )
        ).first()
        if tpl is None:
            raise NotFoundError(f"{year}年度没有{kind}模板")
        return tpl


_TEMPLATE_LABELS = {"title": "标题", "body": "正文", "party_a": "左侧签署栏", "party_b": "右侧签署栏"}


def template_problems(values: dict[str, str]) -> list[FieldProblem]:
    """What is wrong with edited wording (empty title or body, unknown placeholders, too long)."""
    problems: list[FieldProblem] = []
    for key in ("title", "body"):
        if not values.get(key, "").strip():
            problems.append(FieldProblem(key, _TEMPLATE_LABELS[key], "必须填写"))
    if len(values.get("title", "")) > 100:
        problems.append(FieldProblem("title", "标题", "不能超过100个字"))
    if len(values.get("body", "")) > 5000:
        problems.append(FieldProblem("body", "正文", "不能超过5000个字（一份承诺书只印一页）"))
    problems += check_texts({k: (label, values.get(k, "")) for k, label in _TEMPLATE_LABELS.items()})
    return problems


def save_template(db: Database, template_id: int, values: dict[str, str]) -> LetterTemplate:
    """Save edited wording; unknown placeholders are refused naming them."""
    clean = {k: str(values.get(k, "")).replace("\r\n", "\n").strip() for k in _TEMPLATE_LABELS}
    problems = template_problems(clean)
    if problems:
        raise ValidationError(problems)
    with db.session() as session:
        tpl = session.get(LetterTemplate, template_id)
        if tpl is None or tpl.deleted_at is not None:
            raise NotFoundError(f"承诺书模板（编号 {template_id}）不存在")
        for key, value in clean.items():
            setattr(tpl, key, value)
        session.flush()
        return tpl


def reset_template(db: Database, template_id: int) -> LetterTemplate:
    """Put the shipped wording back (the clerk's edits are in the template's history)."""
    with db.session() as session:
        tpl = session.get(LetterTemplate, template_id)
        if tpl is None:
            raise NotFoundError(f"承诺书模板（编号 {template_id}）不存在")
        d = default_templates()[tpl.kind]
        tpl.title, tpl.body, tpl.party_a, tpl.party_b = d.title, d.body, d.party_a, d.party_b
        session.flush()
        return tpl


# -- who signs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    household_id: int | None
    unit_id: int | None
    enterprise_id: int | None
    village_id: int | None
    group_name: str


def _signing_day(year: int) -> date:
    """The day whose units sign a year's letters: today within the year, a past year's last day, a
    coming year's first day (a unit 撤销 by then signs no more; one set up by then does)."""
    return min(max(dates.today(), date(year, 1, 1)), date(year, 12, 31))


def _signers(session: Session, tpl: LetterTemplate) -> list[Signer]:
    flt = list(tpl.signer_filter or [])
    if tpl.signer_type == SIGNER_HOUSEHOLD:
        rows = session.execute(
            select(Household.id, Household.village_id, VillageGroup.name)
            .outerjoin(VillageGroup, VillageGroup.id == Household.group_id)
            .where(Household.deleted_at.is_(None))
        )
        return [Signer(r[0], None, None, r[1], r[2] or "") for r in rows]
    if tpl.signer_type == SIGNER_UNIT:
        uq = select(Unit.id, Unit.kind).where(Unit.deleted_at.is_(None), existed_on(_signing_day(tpl.year)))
        if flt:
            uq = uq.where(Unit.kind.in_(flt))
        return [
            Signer(None, r[0], None, r[0] if r[1] in ("村", "社区") else None, "")
            for r in session.execute(uq)
        ]
    if tpl.signer_type == SIGNER_ENTERPRISE:
        q = select(Enterprise.id, Enterprise.village_id).where(
            Enterprise.deleted_at.is_(None), Enterprise.status != "关闭淘汰"
        )
        if flt:
            q = q.where(Enterprise.industry.in_(flt))
        return [Signer(None, None, r[0], r[1], "") for r in session.execute(q)]
    raise EcoDeskError(f"模板的签订对象“{tpl.signer_type}”无法识别")


@dataclass(frozen=True)
class GenerateResult:
    created: int
    voided: int  # signers deleted or no longer required since
    total: int  # commitments of the year and kinds that count (not 作废)

    def __str__(self) -> str:
        text = f"新增 {self.created:,} 份，共 {self.total:,} 份需签订"
        return text + (f"，{self.voided:,} 份因签订对象已删除或不再需要签订而作废" if self.voided else "")


def generate(
    db: Database, year: int, kinds: Sequence[str] | None = None, job: Job | None = None
) -> GenerateResult:
    """Create the missing commitments of ``year`` (all kinds, or ``kinds``) in one transaction."""
    kinds = list(kinds or LETTER_KINDS)
    for kind in kinds:
        check_kind(kind)
    ensure_templates(db, year)
    created = voided = 0
    with db.session(immediate=True) as session:
        for n, kind in enumerate(kinds):
            if job is not None:
                job.report(n, len(kinds), f"正在生成{kind}签订名单……")
            tpl = session.scalars(
                select(LetterTemplate).where(
                    LetterTemplate.year == year,
                    LetterTemplate.kind == kind,
                    LetterTemplate.deleted_at.is_(None),
                )
            ).one()
            c, v = generate_in_session(session, tpl)
            created += c
            voided += v
        total = session.scalar(
            select(func.count())
            .select_from(Commitment)
            .where(Commitment.year == year, Commitment.kind.in_(kinds), Commitment.status != STATUS_VOID)
        )
    return GenerateResult(created, voided, int(total or 0))


def generate_in_session(session: Session, tpl: LetterTemplate) -> tuple[int, int]:
    """Add the missing commitments of one template inside the caller's transaction.

    Returns (created, voided). Pending letters follow a signer who moved village or 组.
    """
    signers = _signers(session, tpl)
    existing: dict[tuple[int | None, int | None, int | None], tuple[int, str, int | None, str]] = {
        (r[1], r[2], r[3]): (r[0], r[4], r[5], r[6])
        for r in session.execute(
            select(
                Commitment.id,
                Commitment.household_id,
                Commitment.unit_id,
                Commitment.enterprise_id,
                Commitment.status,
                Commitment.village_id,
                Commitment.group_name,
            ).where(Commitment.year == tpl.year, Commitment.kind == tpl.kind)
        )
    }
    stamp = {"created_at": dates.now(), "updated_at": dates.now(), "created_by": "", "updated_by": ""}
    operator = session.info.get(OPERATOR_KEY, "")
    stamp["created_by"] = stamp["updated_by"] = operator
    new_rows: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    wanted = set()
    for s in signers:
        key = (s.household_id, s.unit_id, s.enterprise_id)
        wanted.add(key)
        have = existing.get(key)
        if have is None:
            new_rows.append(
                {
                    **stamp,
                    "template_id": tpl.id,
                    "kind": tpl.kind,
                    "year": tpl.year,
                    "household_id": s.household_id,
                    "unit_id": s.unit_id,
                    "enterprise_id": s.enterprise_id,
                    "village_id": s.village_id,
                    "group_name": s.group_name,
                    "status": STATUS_PENDING,
                    "void_reason": "",
                    "remark": "",
                }
            )
        elif have[1] == STATUS_PENDING and (have[2], have[3]) != (s.village_id, s.group_name):
            moved.append({"cid": have[0], "v": s.village_id, "g": s.group_name})
    # Bulk inserts: a town's 9,000 households in well under a second. They bypass the per-row
    # audit on purpose (one log line per generated letter would bury the real history).
    if new_rows:
        session.execute(insert(Commitment), new_rows)
    for m in moved:
        session.execute(
            update(Commitment).where(Commitment.id == m["cid"]).values(village_id=m["v"], group_name=m["g"])
        )
    gone = [v[0] for k, v in existing.items() if k not in wanted and v[1] == STATUS_PENDING]
    for start in range(0, len(gone), 500):
        session.execute(
            update(Commitment)
            .where(Commitment.id.in_(gone[start : start + 500]))
            .values(status=STATUS_VOID, void_reason="签订对象已删除或不再需要签订", updated_at=dates.now())
        )
    return len(new_rows), len(gone)


# -- signing --------------------------------------------------------------------------------------


def mark_signed(db: Database, ids: Iterable[int], signed_date: date | None = None) -> int:
    """Mark 待签 letters 已签 on ``signed_date`` (today); returns how many changed. 作废 stay 作废."""
    day = signed_date or dates.today()
    ids = list(ids)
    changed = 0
    with db.session() as session:
        for start in range(0, len(ids), 500):
            objs = session.scalars(
                select(Commitment).where(
                    Commitment.id.in_(ids[start : start + 500]), Commitment.status == STATUS_PENDING
                )
            ).all()
            for obj in objs:
                obj.status = STATUS_SIGNED
                obj.signed_date = day
            changed += len(objs)
    return changed


def pending_ids(
    db: Database, year: int, kind: str, village_id: int | None = None, groups: Sequence[str] | None = None
) -> list[int]:
    """Ids of the 待签 letters of a village (and some of its 组), for marking a tick list."""
    q = select(Commitment.id).where(
        Commitment.year == year, Commitment.kind == kind, Commitment.status == STATUS_PENDING
    )
    if village_id is not None:
        q = q.where(Commitment.village_id == village_id)
    if groups:
        q = q.where(Commitment.group_name.in_(list(groups)))
    with db.session() as session:
        return list(session.scalars(q))


def mark_signed_where(
    db: Database,
    year: int,
    kind: str,
    village_id: int | None,
    groups: Sequence[str] | None = None,
    signed_date: date | None = None,
) -> int:
    """Mark every 待签 letter of a village (optionally only some 组) as signed."""
    return mark_signed(db, pending_ids(db, year, kind, village_id, groups), signed_date)


def parse_numbers(text: str) -> list[int]:
    """Letter numbers from a scanned or typed list: ``C000123``, ``编号 123``, one per line or comma."""
    numbers = []
    text = re.sub(r"编号[:：]?", " ", text)
    for token in re.split(r"[\s,，;；、]+", text.strip()):
        if not token:
            continue
        m = _NUMBER.fullmatch(token)
        if m is None:
            raise ValidationError.single("numbers", "编号", f"“{token}”不是承诺书编号（应如 C000123）")
        numbers.append(int(m.group(1)))
    return list(dict.fromkeys(numbers))


@dataclass(frozen=True)
class NumberMarkResult:
    marked: int
    already: int  # already 已签
    void: list[int]
    unknown: list[int]

    def __str__(self) -> str:
        parts = [f"已标记签订 {self.marked} 份"]
        if self.already:
            parts.append(f"{self.already} 份原已签订")
        if self.void:
            parts.append("已作废未标记：" + "、".join(number_text(i) for i in self.void))
        if self.unknown:
            parts.append("找不到：" + "、".join(number_text(i) for i in self.unknown))
        return "；".join(parts)


def mark_signed_by_numbers(
    db: Database, text: str, year: int | None = None, signed_date: date | None = None
) -> NumberMarkResult:
    """Mark the letters whose printed numbers are listed (scanned or typed) as signed."""
    numbers = parse_numbers(text)
    if not numbers:
        raise ValidationError.single("numbers", "编号", "没有输入任何编号")
    with db.session() as session:
        q = select(Commitment.id, Commitment.status).where(Commitment.id.in_(numbers))
        if year is not None:
            q = q.where(Commitment.year == year)
        found = {r[0]: r[1] for r in session.execute(q)}
    unknown = [n for n in numbers if n not in found]
    void = [n for n in numbers if found.get(n) == STATUS_VOID]
    already = sum(1 for n in numbers if found.get(n) == STATUS_SIGNED)
    marked = mark_signed(db, [n for n in numbers if found.get(n) == STATUS_PENDING], signed_date)
    return NumberMarkResult(marked, already, void, unknown)


def mark_pending(db: Database, ids: Iterable[int]) -> int:
    """Undo 已签 or 作废 (a mistaken tick): back to 待签, signed date and void reason cleared."""
    ids = list(ids)
    with db.session() as session:
        objs = session.scalars(select(Commitment).where(Commitment.id.in_(ids))).all()
        for obj in objs:
            obj.status, obj.signed_date, obj.void_reason = STATUS_PENDING, None, ""
        return len(objs)


def void(db: Database, ids: Iterable[int], reason: str) -> int:
    """作废 with a reason (household moved away, letter spoiled…); they no longer count as required."""
    reason = reason.strip()
    if not reason:
        raise ValidationError.single("void_reason", "作废原因", "必须填写")
    if len(reason) > 200:
        raise ValidationError.single("void_reason", "作废原因", "不能超过200个字")
    ids = list(ids)
    with db.session() as session:
        objs = session.scalars(select(Commitment).where(Commitment.id.in_(ids))).all()
        for obj in objs:
            obj.status, obj.void_reason = STATUS_VOID, reason
        return len(objs)


def attach_scan(db: Database, commitment_id: int, path: Path, *, mark: bool = True) -> Attachment:
    """Keep the scan of a signed letter with it; a 待签 letter with a scan is signed (today)."""
    with db.session() as session:
        obj = session.get(Commitment, commitment_id)
        if obj is None:
            raise NotFoundError(f"承诺书（编号 {number_text(commitment_id)}）不存在")
        status = obj.status
    att = attachments.add_file(db, path, OWNER_TABLE, commitment_id, SCAN_ROLE)
    if mark and status == STATUS_PENDING:
        mark_signed(db, [commitment_id])
    return att


def scans(db: Database, commitment_id: int) -> list[Attachment]:
    return attachments.list_for(db, OWNER_TABLE, commitment_id)


def number_text(commitment_id: int) -> str:
    """The number printed at the foot of a letter: C000123."""
    return f"C{commitment_id:06d}"


# -- listing ---------------------------------------------------------------------------------------


def group_key(name: str) -> tuple[int, str]:
    """Sort 组 as people count them: 二组 before 十组 before 十一组; unknown names after, by text."""
    value = group_number(name)
    return (value, name) if value is not None else (10**6, name)


@dataclass(frozen=True)
class LetterRow:
    """One commitment as lists, tick lists and printing need it (plain values, no ORM)."""

    id: int
    kind: str
    year: int
    signer_type: str
    name: str  # 户主 / unit / enterprise name
    person: str  # 户主 / leader / legal representative
    village: str
    village_sort: int
    group: str
    address: str
    status: str
    signed_date: date | None
    void_reason: str
    scans: int

    @property
    def number(self) -> str:
        return number_text(self.id)

    @property
    def sort_key(self) -> tuple[int, bytes, tuple[int, str], bytes, int]:
        """Village order, then 组 counted 一二三…十一, then the name by pinyin as the lists sort."""
        village_sort = self.village_sort if self.village else 10**6
        return (
            village_sort,
            zh_sort_key(self.village),
            group_key(self.group),
            zh_sort_key(self.name),
            self.id,
        )


def list_rows(
    db: Database,
    year: int,
    kind: str | None = None,
    village_id: int | None = None,
    *,
    town_units: bool = False,
    groups: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
) -> list[LetterRow]:
    """Commitments sorted by village, 组 and name; ``town_units`` selects those outside any village."""
    village = aliased(Unit)
    signer_unit = aliased(Unit)
    scan_count = (
        select(func.count())
        .select_from(Attachment)
        .where(
            Attachment.owner_table == OWNER_TABLE,
            Attachment.owner_id == Commitment.id,
            Attachment.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    q = (
        select(
            Commitment.id,
            Commitment.kind,
            Commitment.year,
            Commitment.household_id,
            Commitment.unit_id,
            Household.head_name,
            Household.address,
            signer_unit.name,
            signer_unit.leader,
            Enterprise.name,
            Enterprise.legal_rep,
            Enterprise.contact,
            Enterprise.address,
            village.name,
            village.sort_order,
            Commitment.group_name,
            Commitment.status,
            Commitment.signed_date,
            Commitment.void_reason,
            scan_count,
        )
        .outerjoin(Household, Household.id == Commitment.household_id)
        .outerjoin(signer_unit, signer_unit.id == Commitment.unit_id)
        .outerjoin(Enterprise, Enterprise.id == Commitment.enterprise_id)
        .outerjoin(village, village.id == Commitment.village_id)
        .where(Commitment.year == year, Commitment.deleted_at.is_(None))
    )
    if kind is not None:
        q = q.where(Commitment.kind == kind)
    if town_units:
        q = q.where(Commitment.village_id.is_(None))
    elif village_id is not None:
        q = q.where(Commitment.village_id == village_id)
    if groups:
        q = q.where(Commitment.group_name.in_(list(groups)))
    if statuses:
        q = q.where(Commitment.status.in_(list(statuses)))
    rows: list[LetterRow] = []
    with db.engine.connect() as conn:
        for r in conn.execute(q):
            if r[3] is not None:
                stype, name, person, address = SIGNER_HOUSEHOLD, r[5] or "", r[5] or "", r[6] or ""
            elif r[4] is not None:
                stype, name, person, address = SIGNER_UNIT, r[7] or "", r[8] or "", ""
            else:
                stype, name, person, address = (
                    SIGNER_ENTERPRISE,
                    r[9] or "",
                    r[10] or r[11] or "",
                    r[12] or "",
                )
            rows.append(
                LetterRow(
                    id=r[0],
                    kind=r[1],
                    year=r[2],
                    signer_type=stype,
                    name=name,
                    person=person,
                    village=r[13] or "",
                    village_sort=r[14] or 0,
                    group=r[15] or "",
                    address=address,
                    status=r[16],
                    signed_date=r[17],
                    void_reason=r[18] or "",
                    scans=int(r[19] or 0),
                )
            )
    rows.sort(key=lambda row: row.sort_key)
    return rows


@dataclass(frozen=True)
class GroupCount:
    group: str
    pending: int
    signed: int
    void: int


def group_counts(db: Database, year: int, kind: str, village_id: int | None) -> list[GroupCount]:
    """Per 组 of a village: how many letters are 待签 / 已签 / 作废 (the tick list's left side)."""
    q = (
        select(
            Commitment.group_name,
            func.sum(case((Commitment.status == STATUS_PENDING, 1), else_=0)),
            func.sum(case((Commitment.status == STATUS_SIGNED, 1), else_=0)),
            func.sum(case((Commitment.status == STATUS_VOID, 1), else_=0)),
        )
        .where(Commitment.year == year, Commitment.kind == kind)
        .group_by(Commitment.group_name)
    )
    q = q.where(
        Commitment.village_id.is_(None) if village_id is None else Commitment.village_id == village_id
    )
    with db.session() as session:
        out = [
            GroupCount(r[0] or "", int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in session.execute(q)
        ]
    return sorted(out, key=lambda g: group_key(g.group))


# -- coverage ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    village_id: int | None
    village: str
    required: int  # 待签 + 已签
    signed: int
    void: int

    @property
    def pending(self) -> int:
        return self.required - self.signed

    @property
    def rate(self) -> float | None:
        """Signed / required; None when nobody has to sign (shown as —, never as 0 % or 100 %)."""
        return self.signed / self.required if self.required else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


def coverage(db: Database, year: int, kind: str | None = None) -> list[CoverageRow]:
    """Per village (in the units' order, every village listed even with nothing to sign), then the
    units outside villages if they have letters; the last row is the whole town."""
    q = select(
        Commitment.village_id,
        func.sum(case((Commitment.status != STATUS_VOID, 1), else_=0)),
        func.sum(case((Commitment.status == STATUS_SIGNED, 1), else_=0)),
        func.sum(case((Commitment.status == STATUS_VOID, 1), else_=0)),
    ).where(Commitment.year == year, Commitment.deleted_at.is_(None))
    if kind is not None:
        check_kind(kind)
        q = q.where(Commitment.kind == kind)
    q = q.group_by(Commitment.village_id)
    with db.session() as session:
        counts = {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in session.execute(q)}
        # The villages in being during the year; one 撤销 before it, or set up after it, is not listed.
        villages = villages_during(session, date(year, 1, 1), date(year, 12, 31))
        others = dict(
            session.execute(
                select(Unit.id, Unit.name)
                .where(Unit.id.in_([v for v in counts if v is not None]))
                .where(Unit.deleted_at.is_(None))
            )
            .tuples()
            .all()
        )
    rows = [CoverageRow(vid, name, *counts.pop(vid, (0, 0, 0))) for vid, name in villages]
    outside = counts.pop(None, None)
    # Letters of villages deleted or 撤销 since still count, under their own row.
    for vid, c in counts.items():
        name = f"{others[vid]}（已撤销）" if vid in others else f"（已删除的村，编号 {vid}）"
        rows.append(CoverageRow(vid, name, *c))
    if outside is not None:
        rows.append(CoverageRow(None, TOWN_UNITS, *outside))
    total = CoverageRow(
        None,
        "合计",
        sum(r.required for r in rows),
        sum(r.signed for r in rows),
        sum(r.void for r in rows),
    )
    return [*rows, total]


def years_with_letters(db: Database) -> list[int]:
    with db.session() as session:
        years = set(session.scalars(select(LetterTemplate.year).distinct()))
        years |= set(session.scalars(select(Commitment.year).distinct()))
    return sorted(years, reverse=True)


def signed_counts(db: Database, year: int) -> dict[str, tuple[int, int]]:
    """kind → (signed, required) for the whole town: the 工作台 figure."""
    q = (
        select(
            Commitment.kind,
            func.sum(case((Commitment.status == STATUS_SIGNED, 1), else_=0)),
            func.sum(case((Commitment.status != STATUS_VOID, 1), else_=0)),
        )
        .where(and_(Commitment.year == year, Commitment.deleted_at.is_(None)))
        .group_by(Commitment.kind)
    )
    with db.session() as session:
        return {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in session.execute(q)}


def sample_row(db: Database, year: int, kind: str) -> LetterRow:
    """The first signer of ``kind`` (for the preview), or a made-up one when nobody signs yet."""
    rows = list_rows(db, year, kind)
    if rows:
        return rows[0]
    tpl = template_for(db, year, kind)
    with db.session() as session:
        signers = _signers(session, tpl)
        first = signers[0] if signers else None
        village = session.get(Unit, first.village_id) if first and first.village_id else None
        name = person = address = ""
        if first is not None and first.household_id is not None:
            h = session.get(Household, first.household_id)
            name = person = h.head_name if h else ""
            address = h.address if h else ""
        elif first is not None and first.unit_id is not None:
            u = session.get(Unit, first.unit_id)
            name, person = (u.name, u.leader) if u else ("", "")
        elif first is not None and first.enterprise_id is not None:
            e = session.get(Enterprise, first.enterprise_id)
            name, person, address = (e.name, e.legal_rep or e.contact, e.address) if e else ("", "", "")
        village_name = village.name if village else ""
    if first is None:
        name, person, village_name, address = (
            "张三" if tpl.signer_type == SIGNER_HOUSEHOLD else "某某单位",
            "张三",
            "某某村",
            "",
        )
    return LetterRow(
        0,
        kind,
        year,
        tpl.signer_type,
        name,
        person,
        village_name,
        0,
        first.group_name if first else "一组",
        address,
        STATUS_PENDING,
        None,
        "",
        0,
    )
