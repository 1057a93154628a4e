"""巡查 patrols and 火点 fire points: declarations, fast-entry helpers, duplicate check, fire counts.

The list page, the form, the Excel import and export all come from :data:`PATROLS` and
:data:`FIRE_POINTS` through ``ecodesk.services.records``. What is special lives here:

* a patrol's ``fire_count`` is mirrored by that many :class:`FirePoint` rows (a flush listener keeps
  them in step on every path: form, import, delete, restore), so fire points are counted and can
  open problems one by one whatever reported them;
* the entry form asks :func:`find_duplicates` before saving (same village, patroller, date and kind);
* :func:`entry_defaults`, :func:`patroller_choices`, :func:`grid_choices`, :func:`last_patrol_of`
  feed the keyboard-only entry form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Integer, case, cast, event, exists, func, select
from sqlalchemy.orm import Session, UOWTransaction

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.audit import OPERATOR_KEY
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.models import Attachment, Grid, Person, PersonRole, Unit
from ecodesk.models.lifespan import villages_during, villages_on
from ecodesk.models.patrol import (
    FIRE_OUTCOMES,
    FIRE_SOURCES,
    FIRE_STATUSES,
    PATROL_KINDS,
    FirePoint,
    Patrol,
    PatrolPerson,
    patrol_people,
)
from ecodesk.schema import Codec, Field, FieldType, RecordKind, RefSpec
from ecodesk.services import attachments, records
from ecodesk.services.org import VILLAGE_REF

T = FieldType

GRID_REF = RefSpec(Grid, "grid_id", target_label="网格")
# Roles whose holders usually patrol; they are offered first in the patroller completion.
PATROL_ROLES = ("网格员", "巡查员", "护林员", "河长", "包村干部")
MAX_FIRES_PER_PATROL = 99
_PEOPLE_CACHE = "patrols.people_by_name"

# -- time of day ------------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})\s*[:：.点时]\s*(\d{1,2})?\s*分?$")
_COMPACT_TIME = re.compile(r"^(\d{1,2})(\d{2})$")


def parse_time(text: str) -> str:
    """``8:30`` / ``8：30`` / ``8点30`` / ``8点`` / ``0830`` → ``08:30``; blank → ``""``."""
    text = str(text or "").strip()
    if not text:
        return ""
    match = _TIME.match(text) or _COMPACT_TIME.match(text)
    if match is None and text.isdigit() and len(text) <= 2:
        hour, minute = int(text), 0
    elif match is None:
        raise ValueError(f"“{text}”不是时间，请写成 08:30")
    else:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"“{text}”不是有效的时间")
    return f"{hour:02d}:{minute:02d}"


def _time_codec(attr: str) -> Codec:
    return Codec(
        display=lambda p: str(getattr(p, attr) or ""),
        parse=lambda _s, text: parse_time(text),
        apply=lambda _s, obj, value: setattr(obj, attr, value or ""),
    )


# -- patrollers ---------------------------------------------------------------------------------------


def _split_names(text: str) -> list[str]:
    """``张三、李四`` / ``张三 李四`` / ``张三（东沟村 网格员）、李四``: split outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text.replace("(", "（").replace(")", "）"):
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、,，;；/ \n":
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


_ID_LIST = re.compile(r"^\[\s*\d+(\s*,\s*\d+)*\s*\]$")


def _people_by_name(session: Session) -> dict[str, list[int]]:
    """Live people by name, read once per session: an import of thousands of patrols names the
    same few hundred people over and over."""
    cached = session.info.get(_PEOPLE_CACHE)
    if cached is None:
        cached = {}
        for person_id, name in session.execute(
            select(Person.id, Person.name).where(Person.deleted_at.is_(None))
        ):
            cached.setdefault(name, []).append(person_id)
        session.info[_PEOPLE_CACHE] = cached
    return cached


def parse_patrollers(session: Session, raw: Any) -> list[int]:
    """Person ids, in the order given, from names (``张三、李四``), completer labels that tell
    namesakes apart (``张三（东沟村 网格员）``), or ids (a list, or its text ``[3, 5]``)."""
    by_name = _people_by_name(session)
    text = str(raw or "").strip() if not isinstance(raw, list | tuple) else ""
    if isinstance(raw, list | tuple) or _ID_LIST.match(text):
        given = (
            [int(x) for x in raw]
            if isinstance(raw, list | tuple)
            else [int(x) for x in re.findall(r"\d+", text)]
        )
        known = {i for ids in by_name.values() for i in ids}
        missing = [str(i) for i in given if i not in known]
        if missing:
            raise ValueError(f"人员编号 {'、'.join(missing)} 不存在或已删除")
        return list(dict.fromkeys(given))
    ids: list[int] = []
    for token in _split_names(text):
        name, _, qualifier = token.partition("（")
        name = name.strip()
        matches = by_name.get(name, [])
        unit = qualifier.rstrip("）").split(" ")[0].strip()
        if len(matches) > 1 and unit:
            matches = list(
                session.scalars(
                    select(Person.id)
                    .join(Unit, Unit.id == Person.unit_id)
                    .where(Person.id.in_(matches), Unit.name == unit)
                )
            )
        if not matches:
            raise ValueError(f"找不到人员“{name}”，请先在基础信息的人员中登记")
        if len(matches) > 1:
            raise ValueError(
                f"人员“{name}”有{len(matches)}个同名，请写成“{name}（所在单位）”或在录入界面中选择"
            )
        ids.append(matches[0])
    return list(dict.fromkeys(ids))


def _apply_patrollers(_session: Session, patrol: Patrol, ids: list[int]) -> None:
    kept = {c.person_id: c for c in patrol.crew}
    crew = []
    for position, person_id in enumerate(ids):
        member = kept.get(person_id) or PatrolPerson(person_id=person_id)
        member.position = position
        crew.append(member)
    patrol.crew = crew


PATROLLERS_CODEC = Codec(display=lambda p: p.patroller_text, parse=parse_patrollers, apply=_apply_patrollers)


# -- validation ---------------------------------------------------------------------------------------


def _value(values: Mapping[str, Any], existing: Any | None, key: str, attr: str | None = None) -> Any:
    if key in values:
        return values[key]
    return getattr(existing, attr or key) if existing is not None else None


def _patrol_checks(session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    day = _value(values, existing, "date")
    if isinstance(day, date) and day > dates.today():
        problems.append(FieldProblem("date", "巡查日期", f"{format_iso(day)} 还没到，巡查日期不能晚于今天"))
    village_id = _value(values, existing, "village", "village_id")
    grid_id = _value(values, existing, "grid", "grid_id")
    if grid_id is not None and village_id is not None:
        grid_village = session.scalar(select(Grid.village_id).where(Grid.id == grid_id))
        if grid_village is not None and grid_village != village_id:
            grid_name = session.scalar(select(Grid.name).where(Grid.id == grid_id))
            problems.append(FieldProblem("grid", "网格", f"“{grid_name}”不属于所选的村（社区）"))
    start, end = _value(values, existing, "start_time"), _value(values, existing, "end_time")
    kind = _value(values, existing, "kind")
    if start and end and end < start and kind != "夜查":  # a night patrol may run past midnight
        problems.append(FieldProblem("end_time", "结束时间", f"{end} 早于开始时间 {start}"))
    if existing is not None and "fire_count" in values:
        linked = session.scalar(
            select(func.count())
            .select_from(FirePoint)
            .where(
                FirePoint.patrol_id == existing.id,
                FirePoint.deleted_at.is_(None),
                FirePoint.problem_id.is_not(None),
            )
        )
        if linked and (values["fire_count"] or 0) < linked:
            problems.append(
                FieldProblem(
                    "fire_count", "火点数", f"已有{linked}个火点立了整改问题，火点数不能少于{linked}"
                )
            )
    return problems


def _remark() -> Field:
    return Field("remark", "备注", T.LONGTEXT, max_len=2000, aliases=("说明",), width=24, in_table=False)


PATROLS = RecordKind(
    name="patrols",
    label="巡查记录",
    model=Patrol,
    fields=(
        Field("date", "巡查日期", T.DATE, required=True, aliases=("日期", "时间"), width=11),
        Field(
            "start_time",
            "开始时间",
            T.CUSTOM,
            codec=_time_codec("start_time"),
            aliases=("起始时间",),
            width=7,
        ),
        Field(
            "end_time", "结束时间", T.CUSTOM, codec=_time_codec("end_time"), aliases=("截止时间",), width=7
        ),
        Field(
            "village",
            "村（社区）",
            T.REF,
            required=True,
            ref=VILLAGE_REF,
            aliases=("村", "所属村", "村名"),
            width=10,
        ),
        Field("grid", "网格", T.REF, ref=GRID_REF, aliases=("所属网格", "网格名称"), width=14),
        Field(
            "kind",
            "巡查类型",
            T.CHOICE,
            required=True,
            choices=PATROL_KINDS,
            aliases=("类型", "巡查类别"),
            width=9,
        ),
        Field(
            "patrollers",
            "巡查人员",
            T.CUSTOM,
            codec=PATROLLERS_CODEC,
            aliases=("巡查人", "人员"),
            width=16,
            help="多人用“、”分隔",
        ),
        Field(
            "place", "巡查路线/地点", max_len=200, aliases=("地点", "巡查地点", "巡查路线", "路线"), width=22
        ),
        Field("findings", "发现问题", T.LONGTEXT, max_len=2000, aliases=("发现的问题", "问题"), width=26),
        Field(
            "fire_count",
            "火点数",
            T.INT,
            min_value=0,
            max_value=MAX_FIRES_PER_PATROL,
            default=0,
            aliases=("火点", "火点数量"),
            width=6,
        ),
        Field("measures", "处置措施", T.LONGTEXT, max_len=2000, aliases=("处理措施", "处置情况"), width=22),
        _remark(),
    ),
    search_keys=("place", "findings", "measures", "village"),
    identity=("date", "village", "kind", "start_time", "place"),
    village_key="village",
    status_key="kind",
    date_key="date",
    default_sort="date",
    validators=(_patrol_checks,),
    title_key="place",
)


# -- 火点: 发现时间 and 扑灭时间 ---------------------------------------------------------------------------

NEXT_DAY = "次日"
_SECONDS = re.compile(r"(\d{1,2}:\d{2}):\d{2}(\.\d+)?$")


@dataclass(frozen=True)
class ClockTime:
    """A 扑灭时间 typed as a time of day (``16:30``, ``次日 01:20``): it falls on the 发现日期 (or
    ``days_after`` it), which is only known once the whole fire point is read."""

    time: str  # HH:MM
    days_after: int = 0

    def on(self, day: date) -> datetime:
        hour, minute = (int(part) for part in self.time.split(":"))
        return datetime.combine(day + timedelta(days=self.days_after), dt_time(hour, minute))


def parse_extinguished(text: Any) -> datetime | ClockTime | None:
    """``16:30`` (the day it was found), ``次日 01:20``, or a date and a time (``2024-10-08 09:00``)."""
    if isinstance(text, datetime):
        return text
    # An Excel date-time cell arrives as "2024-10-08 09:00:00": the seconds are dropped.
    text = _SECONDS.sub(r"\1", str(text or "").strip())
    if not text:
        return None
    if text.startswith(NEXT_DAY):
        return ClockTime(parse_time(text[len(NEXT_DAY) :]), 1)
    day_text, _, time_text = text.replace("　", " ").rpartition(" ")
    if not day_text:
        return ClockTime(parse_time(text))
    try:
        day = dates.parse_date(day_text.strip())
    except dates.DateParseError:
        day = None
    if day is None:
        raise ValueError(f"“{text}”不是时间，请写成 16:30、次日 01:20 或 2024-10-08 09:00")
    return ClockTime(parse_time(time_text)).on(day)


def extinguished_text(fire: Any) -> str:
    """扑灭时间 as the list shows it: ``16:30`` on the day found, ``次日 01:20``, else date and time."""
    at: datetime | None = fire.extinguished_at
    if at is None:
        return ""
    found: date | None = fire.date
    clock = f"{at:%H:%M}"
    if found is not None and at.date() == found:
        return clock
    if found is not None and at.date() == found + timedelta(days=1):
        return f"{NEXT_DAY} {clock}"
    return f"{format_iso(at.date())} {clock}"


def _apply_extinguished(_session: Session, fire: Any, value: datetime | ClockTime | None) -> None:
    fire.extinguished_at = value.on(fire.date) if isinstance(value, ClockTime) else value


EXTINGUISHED_CODEC = Codec(
    display=extinguished_text, parse=lambda _s, text: parse_extinguished(text), apply=_apply_extinguished
)


def _fire_checks(_session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    day = _value(values, existing, "date")
    if isinstance(day, date) and day > dates.today():
        return [FieldProblem("date", "发现日期", f"{format_iso(day)} 还没到，不能晚于今天")]
    out = _value(values, existing, "extinguished_at")
    if out is None or not isinstance(day, date):
        return []
    found = ClockTime(_value(values, existing, "found_time") or "00:00").on(day)
    out_at = out.on(day) if isinstance(out, ClockTime) else out
    shown = extinguished_text(SimpleNamespace(date=day, extinguished_at=out_at))
    status = _value(values, existing, "status") or FIRE_STATUSES[0]
    if status != FIRE_STATUSES[0]:
        why = f"处置状态为“{status}”，不应填写扑灭时间（已扑灭的请把处置状态改为“{FIRE_STATUSES[0]}”）"
        return [FieldProblem("extinguished_at", "扑灭时间", why)]
    if out_at < found:
        return [
            FieldProblem(
                "extinguished_at",
                "扑灭时间",
                f"{shown} 早于发现时间（{format_iso(day)} {found:%H:%M}）；第二天扑灭的请写“次日 01:20”",
            )
        ]
    if "extinguished_at" in values and out_at > dates.now():
        return [FieldProblem("extinguished_at", "扑灭时间", f"{shown} 还没到，不能晚于现在")]
    return []


FIRE_POINTS = RecordKind(
    name="fire_points",
    label="火点",
    model=FirePoint,
    fields=(
        Field("date", "发现日期", T.DATE, required=True, aliases=("日期", "通报日期"), width=11),
        Field(
            "found_time",
            "发现时间",
            T.CUSTOM,
            codec=_time_codec("found_time"),
            aliases=("发现时刻",),
            width=7,
            help="如 14:20",
        ),
        Field(
            "village", "村（社区）", T.REF, required=True, ref=VILLAGE_REF, aliases=("村", "所属村"), width=10
        ),
        Field(
            "source", "来源", T.CHOICE, required=True, choices=FIRE_SOURCES, aliases=("火点来源",), width=9
        ),
        Field("place", "位置", max_len=200, aliases=("地点", "火点位置"), width=22),
        Field("notice_no", "通报编号", max_len=60, aliases=("编号", "火点编号"), width=14),
        Field(
            "status",
            "处置状态",
            T.CHOICE,
            choices=FIRE_STATUSES,
            default="已扑灭",
            aliases=("状态",),
            width=8,
        ),
        # What a 火点 report asks besides 发现时间 (revision 0010).
        Field(
            "extinguished_at",
            "扑灭时间",
            T.CUSTOM,
            codec=EXTINGUISHED_CODEC,
            aliases=("扑灭时刻",),
            width=11,
            help="如 16:30；第二天扑灭的写“次日 01:20”，或写日期和时间",
        ),
        Field("burned_area", "过火面积（亩）", T.FLOAT, min_value=0, aliases=("过火面积",), width=8),
        Field(
            "outcome",
            "处理结果",
            T.CHOICE,
            choices=FIRE_OUTCOMES,
            aliases=("处理情况", "处理方式", "处置结果"),
            width=8,
        ),
        Field("responsible_person", "责任人", max_len=40, aliases=("当事人", "肇事人"), width=8),
        # The long text last: the report's short fields stay in view on a 1366 screen.
        Field("description", "情况描述", T.LONGTEXT, max_len=2000, aliases=("描述", "情况"), width=26),
        _remark(),
    ),
    search_keys=("place", "notice_no", "description", "village", "responsible_person"),
    identity=("date", "village", "notice_no", "place"),
    village_key="village",
    status_key="source",
    date_key="date",
    default_sort="date",
    validators=(_fire_checks,),
    title_key="place",
)


# -- fire points follow their patrol --------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _sync_patrol_fire_points(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    patrols = [o for o in (*session.new, *session.dirty) if isinstance(o, Patrol)]
    if not patrols:
        return
    with session.no_autoflush:
        for patrol in patrols:
            _sync_one(session, patrol)


def _sync_one(session: Session, patrol: Patrol) -> None:
    """Make the live fire points of ``patrol`` number ``fire_count`` and share its date and village."""
    operator = str(session.info.get(OPERATOR_KEY, ""))
    rows = list(patrol.fire_points)
    live = [fp for fp in rows if fp.deleted_at is None]
    wanted = 0 if patrol.deleted_at is not None else max(0, patrol.fire_count or 0)
    for fp in live:
        if fp.date != patrol.date or fp.village_id != patrol.village_id:
            if fp.extinguished_at is not None and fp.date is not None and patrol.date is not None:
                fp.extinguished_at += patrol.date - fp.date  # 扑灭时间 moves with the day it was found
            fp.date, fp.village_id = patrol.date, patrol.village_id
    if len(live) > wanted:
        # Drop the newest first, and never one that already opened a problem (the validator refuses that).
        surplus = sorted(live, key=lambda fp: (fp.problem_id is not None, -(fp.id or 0)))
        now = dates.now()
        for fp in surplus[: len(live) - wanted]:
            if fp.problem_id is None or patrol.deleted_at is not None:
                fp.deleted_at = now
        return
    revivable = [fp for fp in rows if fp.deleted_at is not None]
    for _ in range(wanted - len(live)):
        if revivable:  # a restored patrol gets its own fire points back, with their history
            fp = revivable.pop(0)
            fp.deleted_at = None
            fp.date, fp.village_id = patrol.date, patrol.village_id
            continue
        patrol.fire_points.append(
            FirePoint(
                date=patrol.date,
                village_id=patrol.village_id,
                source="巡查发现",
                place=patrol.place or "",
                description=patrol.findings or "",
                status="已扑灭",
                created_by=operator,
                updated_by=operator,
            )
        )


# -- duplicate check ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePatrol:
    """A live patrol the one being typed may repeat."""

    id: int
    date: date
    village: str
    kind: str
    patrollers: str
    place: str

    def __str__(self) -> str:
        who = f"（{self.patrollers}）" if self.patrollers else ""
        where = f"，{self.place}" if self.place else ""
        return f"{format_iso(self.date)} {self.village} {self.kind}{who}{where}"


def find_duplicates(
    db: Database,
    *,
    day: date,
    village_id: int,
    kind: str,
    patroller_ids: Sequence[int] = (),
    exclude_id: int | None = None,
) -> list[DuplicatePatrol]:
    """Live patrols of the same village, date and kind sharing a patroller (or, when none is given,
    any such patrol) — what the entry form warns about before saving."""
    query = select(Patrol).where(
        Patrol.deleted_at.is_(None), Patrol.village_id == village_id, Patrol.date == day, Patrol.kind == kind
    )
    if exclude_id is not None:
        query = query.where(Patrol.id != exclude_id)
    if patroller_ids:
        shared = exists().where(
            patrol_people.c.patrol_id == Patrol.id, patrol_people.c.person_id.in_(list(patroller_ids))
        )
        query = query.where(shared)
    with db.session() as session:
        return [
            DuplicatePatrol(p.id, p.date, p.village.name, p.kind, p.patroller_text, p.place)
            for p in session.scalars(query.order_by(Patrol.id))
        ]


def duplicates_for(
    db: Database, raw: Mapping[str, Any], exclude_id: int | None = None
) -> list[DuplicatePatrol]:
    """:func:`find_duplicates` for what a form holds (names or ids); [] while date, village or kind is
    missing or invalid (the save itself will report those)."""
    with db.session() as session:
        try:
            day = records.parse_field(session, PATROLS.field("date"), raw.get("date"))
            village_id = records.parse_field(session, PATROLS.field("village"), raw.get("village"))
            kind = records.parse_field(session, PATROLS.field("kind"), raw.get("kind"))
            people = parse_patrollers(session, raw.get("patrollers") or [])
        except ValueError:
            return []
    if not (day and village_id and kind):
        return []
    return find_duplicates(
        db, day=day, village_id=village_id, kind=kind, patroller_ids=people, exclude_id=exclude_id
    )


def duplicate_warning(hits: Sequence[DuplicatePatrol]) -> str:
    """The question the form asks before saving a likely duplicate."""
    if not hits:
        return ""
    listed = "\n".join(f"· {hit}" for hit in hits[:5])
    more = f"\n……等{len(hits)}条" if len(hits) > 5 else ""
    return f"同一村（社区）、同一天、同类巡查、同一巡查人员已有记录：\n{listed}{more}\n是否仍要保存？"


# -- fast entry -----------------------------------------------------------------------------------------


def entry_defaults() -> dict[str, Any]:
    """What a new patrol form starts with: today, the commonest kind, no fire."""
    return {"date": dates.today(), "kind": PATROL_KINDS[0], "fire_count": 0}


def village_choices(db: Database) -> list[tuple[int, str]]:
    """(id, name) of the villages and communities in being today, in the town's order (for the village
    completer of new patrols: a 撤销 village is no longer offered)."""
    with db.session() as session:
        return villages_on(session, dates.today())


def grid_choices(db: Database, village_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the grids, of one village when given."""
    query = select(Grid.id, Grid.name).where(Grid.deleted_at.is_(None))
    if village_id is not None:
        query = query.where(Grid.village_id == village_id)
    with db.session() as session:
        return [(r[0], r[1]) for r in session.execute(query.order_by(Grid.village_id, Grid.id))]


@dataclass(frozen=True)
class PersonChoice:
    id: int
    name: str
    unit: str
    roles: str

    @property
    def label(self) -> str:
        """``张三（东沟村 网格员）`` — tells two people of the same name apart in the completer."""
        detail = " ".join(x for x in (self.unit, self.roles) if x)
        return f"{self.name}（{detail}）" if detail else self.name


def patroller_choices(
    db: Database, village_id: int | None = None, text: str = "", limit: int = 50
) -> list[PersonChoice]:
    """Active people for the patroller completer: the village's patrolling staff first, then the
    village's others, then town staff; ``text`` filters by name (prefix matches first)."""
    with db.session() as session:
        patrol_role = select(PersonRole.person_id).where(PersonRole.role.in_(PATROL_ROLES)).scalar_subquery()
        query = (
            select(Person)
            .outerjoin(Unit, Unit.id == Person.unit_id)
            .where(Person.deleted_at.is_(None), Person.active.is_(True))
        )
        text = text.strip()
        if text:
            query = query.where(Person.name.like(f"%{text.replace('%', '').replace('_', '')}%"))
        order: list[Any] = []
        if village_id is not None:
            order.append(case((Person.unit_id == village_id, 0), else_=1))
        order.append(case((Person.id.in_(patrol_role), 0), else_=1))
        if text:
            order.append(case((Person.name.like(f"{text}%"), 0), else_=1))
        order += [func.coalesce(Unit.sort_order, 9999), Person.id]
        people = session.scalars(query.order_by(*order).limit(limit)).unique().all()
        return [PersonChoice(p.id, p.name, p.unit.name if p.unit else "", p.role_text) for p in people]


@dataclass(frozen=True)
class PatrolTemplate:
    """What the last patrol of a village looked like: the form pre-fills from it once a village is typed."""

    grid_id: int | None
    kind: str
    patroller_ids: tuple[int, ...]
    place: str
    start_time: str
    end_time: str


def last_patrol_of(db: Database, village_id: int, kind: str | None = None) -> PatrolTemplate | None:
    query = select(Patrol).where(Patrol.village_id == village_id, Patrol.deleted_at.is_(None))
    if kind:
        query = query.where(Patrol.kind == kind)
    with db.session() as session:
        patrol = session.scalars(query.order_by(Patrol.date.desc(), Patrol.id.desc()).limit(1)).first()
        if patrol is None:
            return None
        return PatrolTemplate(
            patrol.grid_id,
            patrol.kind,
            tuple(c.person_id for c in patrol.crew),
            patrol.place,
            patrol.start_time,
            patrol.end_time,
        )


# -- fire-point counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FireCounts:
    """火点 per village and month of one year; villages in the town's order, every village listed."""

    year: int
    villages: list[tuple[int, str]]
    counts: dict[tuple[int, int], int]  # (village id, month) → fire points

    def of(self, village_id: int, month: int) -> int:
        return self.counts.get((village_id, month), 0)

    def village_total(self, village_id: int) -> int:
        return sum(n for (v, _m), n in self.counts.items() if v == village_id)

    def month_total(self, month: int) -> int:
        return sum(n for (_v, m), n in self.counts.items() if m == month)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def fire_counts(db: Database, year: int) -> FireCounts:
    """Live fire points of ``year`` counted per village and month in SQL."""
    month = cast(func.strftime("%m", FirePoint.date), Integer)
    query = (
        select(FirePoint.village_id, month, func.count())
        .where(
            FirePoint.deleted_at.is_(None),
            FirePoint.date >= date(year, 1, 1),
            FirePoint.date <= date(year, 12, 31),
        )
        .group_by(FirePoint.village_id, month)
    )
    with db.session() as session:
        counts = {(int(v), int(m)): int(n) for v, m, n in session.execute(query)}
        villages = villages_during(session, date(year, 1, 1), date(year, 12, 31))
    return FireCounts(year, villages, counts)


# -- photos ---------------------------------------------------------------------------------------------------

PHOTO_ROLE = "巡查照片"


def add_photo(db: Database, patrol_id: int, path: Path) -> Attachment:
    """Copy a photo taken on the patrol into the attachment store, owned by the patrol."""
    with db.session() as session:
        _live_patrol(session, patrol_id)
    return attachments.add_file(db, Path(path), Patrol.__tablename__, patrol_id, role=PHOTO_ROLE)


def photos(db: Database, patrol_id: int) -> list[Attachment]:
    """The patrol's photos, oldest first (removing one is ``attachments.remove``)."""
    return [a for a in attachments.list_for(db, Patrol.__tablename__, patrol_id) if a.role == PHOTO_ROLE]


def photo_counts(db: Database, patrol_ids: Sequence[int]) -> dict[int, int]:
    """How many photos each patrol has, in one query (for a 照片 column)."""
    if not patrol_ids:
        return {}
    query = (
        select(Attachment.owner_id, func.count())
        .where(
            Attachment.owner_table == Patrol.__tablename__,
            Attachment.owner_id.in_(list(patrol_ids)),
            Attachment.role == PHOTO_ROLE,
            Attachment.deleted_at.is_(None),
        )
        .group_by(Attachment.owner_id)
    )
    with db.session() as session:
        return {int(owner): int(n) for owner, n in session.execute(query)}


# -- a finding or a fire point opens a rectification problem in one step ------------------------------------

# The problem category a patrol kind's findings usually fall in.
_CATEGORY = {"禁烧巡查": "大气", "扬尘检查": "大气", "夜查": "大气", "护林防火": "生态", "巡河": "水"}
_FIRE_PROBLEM_SOURCE = {
    "卫星遥感": "卫星/无人机火点",
    "无人机巡查": "卫星/无人机火点",
    "上级通报": "上级交办",
    "群众举报": "信访举报",
}


def problem_draft_for_patrol(db: Database, patrol_id: int) -> dict[str, Any]:
    """The problem form's values prefilled from a patrol's findings (the clerk may edit them)."""
    with db.session() as session:
        patrol = _live_patrol(session, patrol_id)
        if not patrol.findings.strip():
            raise ValidationError.single("findings", "发现问题", "这条巡查记录没有填写发现的问题")
        return {
            "found_date": patrol.date,
            "source": "巡查发现",
            "village": patrol.village_id,
            "place": (patrol.place or patrol.village.name)[:100],
            "category": _CATEGORY.get(patrol.kind, ""),
            "description": patrol.findings.strip(),
            "responsible_unit": patrol.village_id,
            "measures": patrol.measures.strip(),
        }


def problem_draft_for_fire(db: Database, fire_point_id: int) -> dict[str, Any]:
    """The problem form's values prefilled from a fire point."""
    with db.session() as session:
        fire = session.get(FirePoint, fire_point_id)
        if fire is None or fire.deleted_at is not None:
            raise NotFoundError(f"火点（编号 {fire_point_id}）不存在或已删除")
        number = f"（编号{fire.notice_no}）" if fire.notice_no else ""
        text = fire.description.strip() or "发现露天焚烧火点"
        return {
            "found_date": fire.date,
            "source": _FIRE_PROBLEM_SOURCE.get(fire.source, "巡查发现"),
            "village": fire.village_id,
            "place": (fire.place or fire.village.name)[:100],
            "category": "大气",
            "description": f"{fire.source}火点{number}：{text}",
            "responsible_unit": fire.village_id,
        }


def open_problem_from_patrol(db: Database, patrol_id: int, overrides: Mapping[str, Any] | None = None) -> int:
    """Open a rectification problem from a patrol's findings, linked both ways; returns the problem id.

    ``overrides`` are problem form values the clerk changed (deadline, responsible person …).
    """
    from ecodesk.services import rectification

    raw = {**problem_draft_for_patrol(db, patrol_id), **(overrides or {})}
    with db.session() as session:
        patrol = _live_patrol(session, patrol_id)
        if patrol.problem_id is not None:
            raise ValidationError.single(
                "problem", "整改问题", f"这条巡查记录已立整改问题（编号 {patrol.problem_id}）"
            )
        problem = rectification.add_problem(session, raw, patrol_id=patrol_id)
        patrol.problem_id = problem.id
        return int(problem.id)


def open_problem_from_fire(
    db: Database, fire_point_id: int, overrides: Mapping[str, Any] | None = None
) -> int:
    """Open a rectification problem for one fire point (linked to its patrol when a patrol found it)."""
    from ecodesk.services import rectification

    raw = {**problem_draft_for_fire(db, fire_point_id), **(overrides or {})}
    with db.session() as session:
        fire = session.get(FirePoint, fire_point_id)
        assert fire is not None  # checked by the draft
        if fire.problem_id is not None:
            raise ValidationError.single(
                "problem", "整改问题", f"这个火点已立整改问题（编号 {fire.problem_id}）"
            )
        problem = rectification.add_problem(session, raw, patrol_id=fire.patrol_id)
        fire.problem_id = problem.id
        return int(problem.id)


def _live_patrol(session: Session, patrol_id: int) -> Patrol:
    patrol = session.get(Patrol, patrol_id)
    if patrol is None or patrol.deleted_at is not None:
        raise NotFoundError(f"巡查记录（编号 {patrol_id}）不存在或已删除")
    return patrol
