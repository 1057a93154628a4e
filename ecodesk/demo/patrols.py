"""Demo patrols, fire points, campaigns and submissions for the demo town.

The year has a shape the clerk will recognise: burning peaks at the wheat harvest (三夏, late May to
June) and the autumn harvest (三秋, late September to mid November) with more 禁烧巡查 per village, 夜查
and most fire points; 护林防火 from November to May; 巡河 in villages on the river. Most villages report
most days, a few are often late. Everything is planned in memory and written with Core bulk inserts in
the caller's transaction (the decade scale writes ~200,000 patrols in a few seconds).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import DateTime, insert, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.demo.org import DemoTown, DemoVillage, ScaleSpec
from ecodesk.models import Enterprise, Grid, Person, PersonRole, grid_members
from ecodesk.models.campaign import (
    Campaign,
    CampaignMember,
    CampaignPhase,
    Deliverable,
    DeliverableTarget,
    Submission,
)
from ecodesk.models.patrol import FirePoint, Patrol, PatrolPerson
from ecodesk.models.sort_keys import fill_sort_keys

Progress = Callable[[int, str], None]
_BATCH = 5000

_FINDINGS: dict[str, tuple[tuple[str, str], ...]] = {
    # (finding, measure taken)
    "禁烧巡查": (
        ("{group}田间有秸秆焚烧痕迹", "已清理余烬，对农户进行教育"),
        ("{group}路边有焚烧垃圾现象", "当场制止并清理，已告知保洁员每日巡查"),
        ("{group}地头堆放秸秆未及时清运", "已通知农户三日内清运"),
        ("{group}有农户焚烧落叶", "当场扑灭，对当事人批评教育"),
        ("{group}空地焚烧柴草", "当场扑灭，已登记并报镇环保办"),
    ),
    "巡河": (
        ("{river}{village}段岸边有生活垃圾堆放", "已安排保洁员清理"),
        ("{river}{village}段水面有漂浮物", "已组织打捞"),
        ("{village}排水沟有污水直排河道", "已报镇环保办，通知责任人整改"),
    ),
    "扬尘检查": (
        ("{village}村道施工未覆盖防尘网", "已要求施工方当日覆盖并洒水降尘"),
        ("{village}裸露地块未覆盖", "已通知责任人覆盖"),
        ("渣土车未密闭运输", "已劝导并登记车牌报综合行政执法队"),
    ),
    "护林防火": (
        ("后山林区有上坟烧纸现象", "当场制止，宣传森林防火要求"),
        ("林区边缘有人吸烟", "已劝离并宣传"),
    ),
    "企业检查": (
        ("{enterprise}物料露天堆放未覆盖", "已下达整改要求，限期覆盖"),
        ("{enterprise}喷淋设施未开启", "已要求立即开启"),
        ("{enterprise}危废台账填写不全", "已要求补全台账"),
    ),
    "明察暗访": (
        ("{group}有零星焚烧痕迹，村级巡查未发现", "已通报该村，要求加强巡查"),
        ("{village}网格员未按要求在岗巡查", "已约谈村负责人"),
    ),
    "夜查": (("{group}夜间有焚烧秸秆现象", "已扑灭，对当事人批评教育"),),
    "联合执法": (("{enterprise}未批先建", "已责令停止建设，移交综合行政执法队"),),
}
_PLACES: dict[str, tuple[str, ...]] = {
    "禁烧巡查": (
        "{group}田间地头",
        "{group}至{group2}田间",
        "村道两侧及{group}",
        "{group}麦田",
        "全村田间地头",
    ),
    "巡河": ("{river}{village}段", "{river}{village}段及支沟"),
    "扬尘检查": ("村内施工点及村道", "{village}主干道", "{group}裸露地块"),
    "护林防火": ("后山林区", "{group}林地", "沿山防火通道"),
    "企业检查": ("{enterprise}",),
    "明察暗访": ("{group}田间地头", "{village}村道及田间"),
    "夜查": ("{group}至{group2}田间", "全村田间地头"),
    "联合执法": ("{enterprise}",),
}
_FIRE_PLACES = ("{group}玉米地", "{group}麦田", "{group}地头", "{group}路边空地", "后山坡地")
_SATELLITE_SOURCES = ("卫星遥感", "无人机巡查", "上级通报")


@dataclass
class _VillageStaff:
    grids: list[tuple[int, list[int]]]  # (grid id, member ids)
    patrollers: list[int]  # 巡查员
    foresters: list[int]  # 护林员
    river_chief: list[int]  # 河长
    reliability: float  # chance the village reports on an ordinary day
    enterprises: list[str]


def _season(day: date) -> str:
    """peak: harvest burning season; fire: forest fire season; plain: the rest."""
    md = (day.month, day.day)
    if (5, 25) <= md <= (6, 25) or (9, 20) <= md <= (11, 15):
        return "peak"
    if md >= (11, 16) or md <= (5, 24):
        return "fire"
    return "plain"


def expected_rows(spec: ScaleSpec) -> int:
    """About how many patrols a scale gets (for the progress bar)."""
    return int((spec.villages + spec.communities) * 365 * spec.years * 2.7)


def demo_period(spec: ScaleSpec, today: date) -> tuple[date, date]:
    """The days the demo covers: ``spec.years`` calendar years ending today (a year begun less
    than half a year ago brings the previous one along, so a town always has a full burning season)."""
    first_year = today.year - spec.years + 1 - (1 if today.month < 7 else 0)
    return date(first_year, 1, 1), today


def _stamp(operator: str) -> dict[str, Any]:
    now = dates.now()
    return {
        "created_at": now,
        "updated_at": now,
        "created_by": operator,
        "updated_by": operator,
        "remark": "",
    }


def _fast_insert(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """executemany straight on the driver: SQLAlchemy's per-value processing would cost more than
    SQLite's own work at 200,000 rows. Values must already be in SQLite's storage form (dates as ISO
    text, datetimes as SQLAlchemy writes them: see :func:`_stored_stamp`)."""
    if not rows:
        return
    columns = list(rows[0])
    getter = itemgetter(*columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    session.connection().exec_driver_sql(sql, [getter(r) for r in rows])


def _stored_stamp(session: Session, operator: str) -> dict[str, Any]:
    """:func:`_stamp` with its datetimes as SQLAlchemy stores them in SQLite."""
    stamp = _stamp(operator)
    dialect = session.get_bind().dialect
    process = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    return {k: process(v) if isinstance(v, datetime) else v for k, v in stamp.items()}


def _staff(session: Session, town: DemoTown, rng: random.Random) -> dict[int, _VillageStaff]:
    roles: dict[int, set[str]] = defaultdict(set)
    for person_id, role in session.execute(select(PersonRole.person_id, PersonRole.role)):
        roles[person_id].add(role)
    unit_of = dict(session.execute(select(Person.id, Person.unit_id)).tuples().all())
    members: dict[int, list[int]] = defaultdict(list)
    for grid_id, person_id in session.execute(select(grid_members.c.grid_id, grid_members.c.person_id)):
        members[grid_id].append(person_id)
    grids_of: dict[int, list[int]] = defaultdict(list)
    for grid_id, village_id in session.execute(select(Grid.id, Grid.village_id)):
        grids_of[village_id].append(grid_id)
    firms: dict[int, list[str]] = defaultdict(list)
    for name, village_id in session.execute(select(Enterprise.name, Enterprise.village_id)):
        if village_id is not None:
            firms[village_id].append(name)
    staff: dict[int, _VillageStaff] = {}
    for v in town.villages:
        people = [p for p, u in unit_of.items() if u == v.id]
        # Most villages are dependable; one in five is often late with its report.
        reliability = rng.uniform(0.93, 0.995) if rng.random() < 0.8 else rng.uniform(0.72, 0.88)
        staff[v.id] = _VillageStaff(
            grids=[(g, members.get(g, [])) for g in sorted(grids_of[v.id])],
            patrollers=[p for p in people if "巡查员" in roles[p]],
            foresters=[p for p in people if "护林员" in roles[p]],
            river_chief=[p for p in people if "河长" in roles[p]],
            reliability=reliability,
            enterprises=firms.get(v.id, []),
        )
    return staff


def _town_inspectors(session: Session, town: DemoTown) -> list[int]:
    """Town staff who patrol (环保办, 综合行政执法队: role 巡查员 without a village)."""
    village_ids = {v.id for v in town.villages}
    rows = session.execute(
        select(Person.id, Person.unit_id).join(PersonRole).where(PersonRole.role == "巡查员")
    ).all()
    return [pid for pid, unit in rows if unit not in village_ids]


def _fill(template: str, v: DemoVillage, rng: random.Random, river: str, firms: list[str]) -> str:
    group, group2 = sorted(rng.sample(v.groups, 2)) if len(v.groups) >= 2 else (v.groups[0], v.groups[0])
    return (
        template.replace("{group2}", group2)
        .replace("{group}", group)
        .replace("{village}", v.name)
        .replace("{river}", river)
        .replace("{enterprise}", rng.choice(firms) if firms else f"{v.name}养殖场")
    )


def _kinds_of_day(day: date, v: DemoVillage, staff: _VillageStaff, rng: random.Random) -> list[str]:
    season = _season(day)
    kinds: list[str] = []
    grid_count = max(1, len(staff.grids))
    # Off season one round a day, often two (morning and afternoon); at harvest every grid goes out.
    burn = (
        grid_count
        if season == "peak"
        else (1 if rng.random() < 0.9 else 0) + (1 if rng.random() < 0.45 else 0)
    )
    kinds += ["禁烧巡查"] * burn
    if v.on_river and rng.random() < 0.22:
        kinds.append("巡河")
    if rng.random() < 0.07:
        kinds.append("扬尘检查")
    if season == "fire" and v.kind == "村" and rng.random() < 0.45:
        kinds.append("护林防火")
    if staff.enterprises and rng.random() < 0.05:
        kinds.append("企业检查")
    if season == "peak" and rng.random() < 0.3:
        kinds.append("夜查")
    return kinds


def _spans(starts: tuple[int, ...]) -> list[tuple[str, str]]:
    """Every (start, end) of a patrol starting at one of ``starts`` (minutes) and lasting 1–3 hours."""
    return [
        (
            f"{start // 60:02d}:{start % 60:02d}",
            f"{(start + length) // 60 % 24:02d}:{(start + length) % 60:02d}",
        )
        for start in starts
        for length in (60, 90, 120, 150, 180)
    ]


_DAY_SPANS = _spans((7 * 60 + 30, 8 * 60, 8 * 60 + 30, 9 * 60, 14 * 60, 14 * 60 + 30, 15 * 60))
_NIGHT_SPANS = _spans((19 * 60, 19 * 60 + 30, 20 * 60))

# 处理结果 of the demo's fire points: one a patrol found was put out on the spot and its farmer talked
# to; a satellite or drone notice more often ends in a fine, or nobody is found.
_PATROL_OUTCOMES = (("教育", 85), ("处罚", 5), ("未查明", 10))
_NOTICE_OUTCOMES = (("处罚", 35), ("教育", 30), ("移交执法", 10), ("未查明", 25))


class _FireDetails:
    """发现时间, 扑灭时间, 过火面积, 处理结果 and 责任人 of the demo's fire points.

    Drawn from a generator of their own, seeded from the patrols' one without drawing from it, so
    the patrols (and everything generated after them) stay what they were before fire points had
    these fields."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.rng = random.Random(hash(rng.getstate()))  # ints and tuples hash the same in every run
        dialect = session.get_bind().dialect
        stored = DateTime().dialect_impl(dialect).bind_processor(dialect)
        assert stored is not None
        self.stored = stored

    def __call__(
        self, day: date, v: DemoVillage, found_after: str | None, *, on_patrol: bool
    ) -> dict[str, Any]:
        rng = self.rng
        if found_after:  # during the patrol that started then
            hour, minute = (int(x) for x in found_after.split(":"))
            found = datetime.combine(day, datetime.min.time()) + timedelta(
                hours=hour, minutes=minute + rng.randint(10, 80)
            )
        else:  # a satellite pass or a drone flight: daytime or evening
            found = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=rng.randint(10 * 60, 22 * 60)
            )
        out = found + timedelta(minutes=rng.randint(10, 50) if on_patrol else rng.randint(30, 180))
        weights = _PATROL_OUTCOMES if on_patrol else _NOTICE_OUTCOMES
        outcome = rng.choices([w[0] for w in weights], weights=[w[1] for w in weights])[0]
        who = rng.choice(v.head_names) if v.head_names and outcome != "未查明" else ""
        area = rng.uniform(0.1, 2.0) if on_patrol else rng.uniform(0.5, 15.0)
        return {
            "found_time": f"{found:%H:%M}",
            "extinguished_at": self.stored(out) if out <= dates.now() else None,  # today's: not yet
            "burned_area": round(area, 1),
            "outcome": outcome,
            "responsible_person": who,
        }


def build_patrols(
    session: Session,
    town: DemoTown,
    spec: ScaleSpec,
    rng: random.Random,
    operator: str,
    progress: Progress,
    today: date,
) -> dict[str, int]:
    """Write the patrols and fire points of the demo period; returns counts by table."""
    first, last = demo_period(spec, today)
    staff = _staff(session, town, rng)
    inspectors = _town_inspectors(session, town) or [p for ids in town.role_people.values() for p in ids][:3]
    stamp = _stored_stamp(session, operator)
    fire_details = _FireDetails(session, rng)
    patrol_rows: list[dict[str, Any]] = []
    people_rows: list[dict[str, Any]] = []
    fire_rows: list[dict[str, Any]] = []
    counts = {"patrols": 0, "fire_points": 0}
    places: dict[tuple[int, str], list[str]] = {}
    next_id = 1

    def flush(force: bool = False) -> None:
        nonlocal patrol_rows, people_rows, fire_rows
        if patrol_rows and (force or len(patrol_rows) >= _BATCH):
            _fast_insert(session, Patrol.__tablename__, patrol_rows)
            _fast_insert(session, PatrolPerson.__tablename__, people_rows)
            _fast_insert(session, FirePoint.__tablename__, fire_rows)
            progress(len(patrol_rows), f"正在生成巡查记录（{counts['patrols']:,} 条）…")
            patrol_rows, people_rows, fire_rows = [], [], []

    def add(day: date, v: DemoVillage, kind: str, grid_id: int | None, who: list[int]) -> None:
        nonlocal next_id
        s = staff[v.id]
        season = _season(day)
        start, end = rng.choice(_NIGHT_SPANS if kind == "夜查" else _DAY_SPANS)
        finding_rate = 0.06 if season == "peak" else 0.025
        findings, measures = "", ""
        if rng.random() < finding_rate:
            text, done = rng.choice(_FINDINGS[kind])
            findings = _fill(text, v, rng, town.river, s.enterprises)
            measures = done
        fires = 0
        if kind in ("禁烧巡查", "夜查", "明察暗访"):
            fire_rate = 0.006 if season == "peak" else 0.0004
            if rng.random() < fire_rate:
                fires = 1 if rng.random() < 0.85 else 2
                findings = _fill(
                    rng.choice(("{group}发现焚烧秸秆火点", "{group}田间发现明火")), v, rng, town.river, []
                )
                measures = "已当场扑灭，对当事农户批评教育并登记"
        key = (v.id, kind)
        if key not in places:  # a village's patrols go to the same few places, filled in once
            places[key] = [
                _fill(rng.choice(_PLACES[kind]), v, rng, town.river, s.enterprises) for _ in range(12)
            ]
        place = rng.choice(places[key])
        patrol_rows.append(
            {
                **stamp,
                "id": next_id,
                "date": day.isoformat(),
                "start_time": start,
                "end_time": end,
                "village_id": v.id,
                "grid_id": grid_id,
                "kind": kind,
                "place": place,
                "findings": findings,
                "fire_count": fires,
                "measures": measures,
            }
        )
        people_rows.extend(
            {"patrol_id": next_id, "person_id": p, "position": i} for i, p in enumerate(dict.fromkeys(who))
        )
        for _ in range(fires):
            fire_rows.append(
                {
                    **stamp,
                    "date": day.isoformat(),
                    "village_id": v.id,
                    "source": "巡查发现",
                    "place": place,
                    "notice_no": "",
                    "description": findings,
                    "status": "已扑灭",
                    "patrol_id": next_id,
                    **fire_details(day, v, start, on_patrol=True),
                }
            )
        counts["patrols"] += 1
        counts["fire_points"] += fires
        next_id += 1

    day = first
    while day <= last:
        festival = day.month == 2 and day.day <= 10  # 春节: the villages report less
        for v in town.villages:
            s = staff[v.id]
            chance = s.reliability * (0.8 if festival else 1.0)
            if day == last:
                chance *= 0.6  # today: not everyone has reported yet
            if rng.random() > chance:
                continue
            for i, kind in enumerate(_kinds_of_day(day, v, s, rng)):
                grid_id, members = s.grids[i % len(s.grids)] if s.grids else (None, [])
                if kind == "巡河":
                    who = (s.river_chief or s.patrollers)[:1] + rng.sample(members, min(1, len(members)))
                    grid_id = None
                elif kind == "护林防火":
                    who = s.foresters[:2] or members[:1]
                    grid_id = None
                elif kind in ("企业检查", "夜查"):
                    who = s.patrollers[:1] + members[:1]
                else:
                    who = members[:2] if rng.random() < 0.6 else members[:1]
                    if s.patrollers and rng.random() < 0.3:
                        who = [*who, rng.choice(s.patrollers)]
                add(day, v, kind, grid_id, who or s.patrollers[:1])
        # The town's own checks: 明察暗访 about twice a week, 联合执法 now and then.
        if rng.random() < (0.45 if _season(day) == "peak" else 0.25):
            v = rng.choice(town.villages)
            add(day, v, "明察暗访", None, rng.sample(inspectors, min(2, len(inspectors))))
        if rng.random() < 0.05:
            v = rng.choice([x for x in town.villages if staff[x.id].enterprises] or town.villages)
            add(day, v, "联合执法", None, rng.sample(inspectors, min(3, len(inspectors))))
        # Satellite and drone notices: a few each harvest season.
        if _season(day) == "peak" and rng.random() < 0.05 and day < last:
            v = rng.choice(town.villages)
            source = rng.choice(_SATELLITE_SOURCES)
            fire_rows.append(
                {
                    **stamp,
                    "date": day.isoformat(),
                    "village_id": v.id,
                    "source": source,
                    "place": _fill(rng.choice(_FIRE_PLACES), v, rng, town.river, []),
                    "notice_no": f"{day:%Y%m%d}-{rng.randint(1, 40):02d}" if source != "上级通报" else "",
                    "description": f"{source}发现疑似秸秆焚烧火点，经村核实属实",
                    "status": "已扑灭",
                    "patrol_id": None,
                    **fire_details(day, v, None, on_patrol=False),
                }
            )
            counts["fire_points"] += 1
        flush()
        day += timedelta(days=1)
    flush(force=True)
    _fast_insert(session, FirePoint.__tablename__, fire_rows)
    fill_sort_keys(session.connection(), Patrol)  # the raw inserts above wrote no pinyin keys
    return counts


# -- campaigns -------------------------------------------------------------------------------------------

_AUTUMN_GOALS = (
    "围绕打好打赢蓝天保卫战，全力解决突出生态环境问题，力争PM2.5浓度达到34微克/立方米以下，"
    "优良天数比例达到95%以上，全镇农作物秸秆综合利用率达到90%，保持卫星遥感及无人机巡查监测零火点。"
)
_SUMMER_GOALS = (
    "夏收期间全镇不发生露天焚烧秸秆现象，确保“不见火、不冒烟、无黑斑”，秸秆综合利用率达到90%以上。"
)


def _campaign_plans(year: int) -> list[dict[str, Any]]:
    """The campaigns of one year: the summer burning ban and the autumn sprint of reference 002."""
    return [
        {
            "name": f"{year}年夏季秸秆禁烧专项行动",
            "start": date(year, 5, 20),
            "end": date(year, 7, 10),
            "goals": _SUMMER_GOALS,
            "phases": [
                ("宣传发动阶段", None, date(year, 5, 31), "召开动员会，签订禁烧承诺书，悬挂标语"),
                ("集中巡查阶段", date(year, 6, 1), date(year, 6, 30), "落实网格巡查和夜查，发现火点立即处置"),
                ("总结巩固阶段", date(year, 7, 1), date(year, 7, 10), "总结经验，建立长效机制"),
            ],
            "deliverables": [
                ("禁烧工作方案", date(year, 5, 25), "宣传发动阶段"),
                ("禁烧工作总结", date(year, 7, 10), "总结巩固阶段"),
            ],
        },
        {
            "name": f"{year}年大气污染防治攻坚冲刺行动",
            "start": date(year, 10, 1),
            "end": date(year, 12, 31),
            "goals": _AUTUMN_GOALS,
            "phases": [
                (
                    "动员部署阶段",
                    None,
                    date(year, 10, 20),
                    "明确时间节点、工作要求、重点任务和责任单位、责任人，制定工作计划",
                ),
                (
                    "排查梳理阶段",
                    date(year, 10, 21),
                    date(year, 11, 30),
                    "查验资料、实地核查、现场暗访，形成问题整改清单",
                ),
                (
                    "整改提升阶段",
                    date(year, 12, 1),
                    date(year, 12, 30),
                    "列出整改措施、责任单位和责任人，建立动态清单，攻坚一批、销号一批",
                ),
            ],
            "deliverables": [
                ("大气污染防治攻坚冲刺工作计划", date(year, 10, 20), "动员部署阶段"),
                ("问题整改清单", date(year, 11, 30), "排查梳理阶段"),
                ("攻坚冲刺工作总结", date(year, 12, 30), "整改提升阶段"),
            ],
        },
    ]


def build_campaigns(
    session: Session, town: DemoTown, spec: ScaleSpec, rng: random.Random, operator: str, today: date
) -> dict[str, int]:
    """Write the campaigns that started within the demo period, with rosters and submissions."""
    first, _last = demo_period(spec, today)
    stamp = _stamp(operator)
    leaders = session.execute(
        select(Person.id, PersonRole.title, Person.unit_id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "领导小组成员")
        .order_by(Person.id)
    ).all()
    roster: list[tuple[str, int | None, str, str]] = []
    for pid, title, unit_id in leaders:
        position = (
            "组长" if "镇长" in title and "副镇长" not in title else ("副组长" if unit_id is None else "成员")
        )
        roster.append((position, pid, "", title))
    order = {"组长": 0, "副组长": 1, "成员": 2}
    roster.sort(key=lambda r: order[r[0]])
    roster.append(("成员", None, "各村到村工作大学生", ""))
    counts = {"campaigns": 0, "submissions": 0}
    ids = {"campaign": 0, "phase": 0, "deliverable": 0}
    villages = [v.id for v in town.villages]
    for year in range(first.year, today.year + 1):
        for plan in _campaign_plans(year):
            if plan["start"] > today:
                continue
            ids["campaign"] += 1
            cid = ids["campaign"]
            number = f"{town.name[:1]}镇政字〔{year}〕{rng.randint(8, 60)}号"
            session.execute(
                insert(Campaign),
                [
                    {
                        **stamp,
                        "id": cid,
                        "name": plan["name"],
                        "start_date": plan["start"],
                        "end_date": plan["end"],
                        "document_no": number,
                        "goals": plan["goals"],
                    }
                ],
            )
            phase_ids: dict[str, int] = {}
            phase_rows = []
            for name, start, end, tasks in plan["phases"]:
                ids["phase"] += 1
                phase_ids[name] = ids["phase"]
                phase_rows.append(
                    {
                        "id": ids["phase"],
                        "campaign_id": cid,
                        "name": name,
                        "start_date": start,
                        "end_date": end,
                        "tasks": tasks,
                    }
                )
            session.execute(insert(CampaignPhase), phase_rows)
            session.execute(
                insert(CampaignMember),
                [
                    {
                        "campaign_id": cid,
                        "position": pos,
                        "person_id": pid,
                        "name": name,
                        "title": title,
                        "sort_order": i,
                    }
                    for i, (pos, pid, name, title) in enumerate(roster)
                ],
            )
            submissions = []
            for name, due, phase in plan["deliverables"]:
                ids["deliverable"] += 1
                did = ids["deliverable"]
                session.execute(
                    insert(Deliverable),
                    [
                        {
                            "id": did,
                            "campaign_id": cid,
                            "name": name,
                            "due_date": due,
                            "phase_id": phase_ids[phase],
                        }
                    ],
                )
                session.execute(
                    insert(DeliverableTarget), [{"deliverable_id": did, "unit_id": u} for u in villages]
                )
                for unit in villages:
                    received = _received(due, today, rng)
                    if received is not None:
                        submissions.append(
                            {
                                **stamp,
                                "deliverable_id": did,
                                "unit_id": unit,
                                "received_date": received,
                                "title": name,
                            }
                        )
            if submissions:
                session.execute(insert(Submission), submissions)
            counts["campaigns"] += 1
            counts["submissions"] += len(submissions)
    return counts


def _received(due: date, today: date, rng: random.Random) -> date | None:
    """When a village handed a deliverable in: mostly on time (often on the due date itself), some
    late, a few never; nothing after today."""
    roll = rng.random()
    if roll < 0.78:
        received = due - timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 3, 5)))
    elif roll < 0.94:
        received = due + timedelta(days=rng.randint(1, 10))
    else:
        return None
    return received if received <= today else None


def build(
    session: Session,
    town: DemoTown,
    spec: ScaleSpec,
    rng: random.Random,
    operator: str,
    progress: Progress,
    today: date | None = None,
) -> list[tuple[str, int, str]]:
    """Patrols, fire points, campaigns and submissions up to ``today`` (default: the real today);
    returns the summary lines (label, count, word)."""
    today = today or dates.today()
    made = build_patrols(session, town, spec, rng, operator, progress, today)
    progress(0, "正在生成专项行动…")
    more = build_campaigns(session, town, spec, rng, operator, today)
    return [
        ("巡查记录", made["patrols"], "条"),
        ("火点", made["fire_points"], "处"),
        ("专项行动", more["campaigns"], "个"),
        ("报送材料", more["submissions"], "份"),
    ]
