"""Demo problems (问题整改), 挂牌销号 ledger entries and complaints for the demo town.

Proportions as an office sees them over a year: most problems rectified within their deadline and
closed after a check, a fifth rectified late, a few sent back once, and about one in eight still open
past its deadline; recent problems are still being worked on. Ledgers: older entries 销号, recent ones
挂牌 or 整治中; filings and logs (吸污车作业报备, 巡河记录) as filed, with no status. Complaints: most
answered in time, a few with a reward, one in five opening a problem. Planned in memory from one
seeded generator and written with Core inserts in the caller's transaction.

A 销号 entry carries the proof ``ledgers.advance`` asks (``ledgers.proof_problems``): a 核查人, a
核查情况 and one 整改后 photo — a small generated picture, one per kind, stored once (the store is
content-addressed) however many entries show it — and it meets its kind's condition (覆盖率 100%,
六个百分之百 …) or, for a few, records why it was closed short of it (``ledgers.closing_note``).
"""

from __future__ import annotations

import hashlib
import os
import random
import struct
import zlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.demo.org import DemoTown, DemoVillage, ScaleSpec
from ecodesk.demo.vocab import Names, load_vocabulary
from ecodesk.models import Attachment, Enterprise
from ecodesk.models.complaint import Complaint
from ecodesk.models.ledger import NO_STATUS, LedgerEntry
from ecodesk.models.rectification import (
    AWAITING_CHECK,
    CLOSED,
    IN_PROGRESS,
    TODO,
    Problem,
    ProblemNote,
    ProblemTransition,
)
from ecodesk.paths import attachments_dir
from ecodesk.services import ledgers

Progress = Callable[[int, str], None]

PROBLEMS_PER_VILLAGE_YEAR = {"small": 20, "town": 30, "decade": 50}
COMPLAINTS_PER_YEAR = {"small": 8, "town": 60, "decade": 80}

_SOURCES = (
    ("巡查发现", 50),
    ("督查检查", 15),
    ("上级交办", 10),
    ("信访举报", 6),
    ("卫星/无人机火点", 7),
    ("环保督察反馈", 3),
    ("自查", 9),
)
# (category, place, problem, measures, what was done) — {spot} {firm} {river} {n} filled in.
_TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "大气",
        "{spot}裸露地块",
        "裸露地面约{n}平方米未覆盖防尘网",
        "全部覆盖防尘网，定期洒水降尘",
        "裸露地面已全部覆盖防尘网",
    ),
    (
        "大气",
        "{firm}",
        "原料露天堆放，未覆盖防尘网",
        "建设物料存储车间，物料全部入棚存放",
        "建设了物料存储车间，厂区洒水频率符合要求",
    ),
    (
        "大气",
        "{spot}建筑工地",
        "施工现场未设置围挡，车辆未冲洗上路",
        "设置围挡，安装车辆冲洗设施",
        "已安装围挡和车辆冲洗设施",
    ),
    (
        "大气",
        "{spot}",
        "田间有秸秆焚烧痕迹",
        "清理焚烧残留物，加强网格巡查",
        "已清理焚烧残留，网格员每日巡查",
    ),
    ("大气", "{firm}", "燃煤锅炉未完成清洁能源改造", "实施煤改电改造", "已完成煤改电改造"),
    ("大气", "{spot}散煤销售点", "销售不合格散煤", "依法取缔，清运存煤", "已取缔并清运存煤"),
    (
        "大气",
        "{firm}",
        "废气无组织排放，除尘设施未正常运行",
        "维修除尘设施并建立运行台账",
        "除尘设施已修复，运行台账已建立",
    ),
    (
        "水",
        "{river}{spot}段",
        "河道内有生活垃圾和漂浮物",
        "清理河道垃圾，落实保洁员常态化巡河",
        "已清理河道垃圾约{n}立方米",
    ),
    ("水", "{spot}排水沟", "生活污水直排河道", "封堵排污口，污水接入管网", "排污口已封堵"),
    ("水", "{spot}养殖场", "养殖粪污未经处理直排沟渠", "建设防渗储粪池，粪污还田利用", "已建成防渗储粪池"),
    ("水", "{spot}坑塘", "水体发黑发臭", "清淤截污，实施生态修复", "已完成清淤截污"),
    (
        "固废",
        "{spot}",
        "建筑垃圾随意倾倒",
        "清运建筑垃圾，设置禁倒警示牌",
        "已清运建筑垃圾{n}车，设置了警示牌",
    ),
    ("固废", "{spot}", "生活垃圾堆放未及时清运", "清运垃圾，增设垃圾收集点", "垃圾已清运，增设收集点一处"),
    ("固废", "{firm}", "一般工业固废露天堆放", "建设规范的固废贮存场所", "已建成规范贮存场所"),
    ("土壤", "{spot}农田", "废旧农膜残留未回收", "组织回收废旧农膜", "已回收废旧农膜"),
    ("噪声", "{firm}", "夜间生产噪声扰民", "调整生产时间，安装隔音设施", "已调整作业时间并安装隔音棉"),
    ("生态", "{spot}", "私自开挖山体取土", "停止取土，回填复绿", "已停止取土并回填复绿"),
)
_SPOTS = (
    "村北",
    "村南",
    "村东",
    "村西",
    "村口",
    "村东头",
    "村西头",
    "村北500米",
    "村南1公里",
    "村委会旁",
    "北坡",
    "南沟",
    "河滩地",
    "老窑场",
    "打谷场旁",
    "207国道旁",
    "S226省道旁",
)
_UNIT_BY_CATEGORY = {
    "大气": ("综合行政执法队", "村镇建设办", "环保办"),
    "水": ("水利站", "农业农村办"),
    "固废": ("综合行政执法队", "村镇建设办"),
    "土壤": ("农业农村办",),
    "噪声": ("综合行政执法队",),
    "生态": ("自然资源所", "林业站"),
}
_COMPLAINT_TEXTS = (
    ("大气", "反映{place}附近有人夜间焚烧垃圾，烟味很大"),
    ("大气", "反映{place}{firm}粉尘污染严重，影响周边居民生活"),
    ("大气", "反映{place}建筑工地扬尘大，未洒水降尘"),
    ("水", "反映{place}有污水直排河道，河水发黑发臭"),
    ("水", "反映{place}养殖场粪污横流，臭味扰民"),
    ("噪声", "反映{firm}夜间生产噪声扰民"),
    ("固废", "反映{place}路边建筑垃圾堆放多日无人清运"),
)
_REPLIES = (
    "经现场核查，反映问题属实，已责令整改，现已整改到位。",
    "经现场核查，反映问题部分属实，已督促责任人整改。",
    "经现场核查，未发现反映的问题，已向来电人说明情况。",
)


def expected_rows(spec: ScaleSpec) -> int:
    villages = spec.villages + spec.communities
    return villages * PROBLEMS_PER_VILLAGE_YEAR.get(spec.name, 30) * spec.years


def _stamp(operator: str) -> dict[str, Any]:
    now = dates.now()
    return {
        "created_at": now,
        "updated_at": now,
        "created_by": operator,
        "updated_by": operator,
        "remark": "",
    }


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


class _Planner:
    def __init__(
        self, session: Session, town: DemoTown, spec: ScaleSpec, rng: random.Random, today: date
    ) -> None:
        self.session, self.town, self.spec, self.rng, self.today = session, town, spec, rng, today
        self.first = today - timedelta(days=365 * spec.years - 1)
        self.firms: dict[int, list[tuple[int, str]]] = {}
        for eid, name, vid in session.execute(select(Enterprise.id, Enterprise.name, Enterprise.village_id)):
            if vid is not None:
                self.firms.setdefault(vid, []).append((eid, name))

    def day(self, first: date | None = None) -> date:
        start = first or self.first
        return start + timedelta(days=self.rng.randrange(max((self.today - start).days + 1, 1)))

    def unit_id(self, name: str) -> int | None:
        return self.town.unit_ids.get(name)

    def secretary(self, v: DemoVillage) -> str:
        return self.town.person_names.get(v.secretary_id, "")


def build(
    session: Session,
    town: DemoTown,
    spec: ScaleSpec,
    rng: random.Random,
    operator: str,
    progress: Progress,
    today: date | None = None,
) -> list[tuple[str, int, str]]:
    """Write the problems, ledger entries and complaints; returns (label, count, measure word)."""
    plan = _Planner(session, town, spec, rng, today or dates.today())
    stamp = _stamp(operator)
    complaints = _complaints(plan, stamp, operator)
    progress(0, "正在生成信访举报…")
    problems, transitions, notes = _problems(plan, stamp, operator, complaints)
    progress(len(problems), f"正在写入问题整改（{len(problems):,} 个）…")
    entries = _ledgers(plan, stamp)
    session.execute(insert(Complaint), complaints)
    for start in range(0, len(entries), 5000):
        session.execute(insert(LedgerEntry), entries[start : start + 5000])
    _closing_photos(session, stamp)
    for rows, target in ((problems, Problem), (transitions, ProblemTransition), (notes, ProblemNote)):
        for start in range(0, len(rows), 5000):
            session.execute(insert(target), rows[start : start + 5000])
    return [("问题", len(problems), "个"), ("台账", len(entries), "条"), ("信访举报", len(complaints), "件")]


def _problems(
    plan: _Planner, stamp: dict[str, Any], operator: str, complaints: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rng, today = plan.rng, plan.today
    problems: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    per_village = PROBLEMS_PER_VILLAGE_YEAR.get(plan.spec.name, 30) * plan.spec.years
    opened = [c for c in complaints if c.pop("_opens_problem", False)]
    at = dates.now()

    def move(pid: int, a: str, b: str, on: date, note: str = "") -> None:
        transitions.append(
            {
                "problem_id": pid,
                "from_status": a,
                "to_status": b,
                "on_date": on,
                "at": at,
                "operator": operator,
                "note": note,
            }
        )

    def note(pid: int, on: date, kind: str, text: str) -> None:
        notes.append({**stamp, "problem_id": pid, "on_date": on, "kind": kind, "text": text})

    for v in plan.town.villages:
        firms = plan.firms.get(v.id, [])
        for _ in range(per_village):
            pid = len(problems) + 1
            category, place_t, issue_t, measures, done_t = rng.choice(_TEMPLATES)
            firm = rng.choice(firms) if firms and "{firm}" in place_t else None
            n = rng.choice((2, 3, 5, 8, 12, 20, 35, 50)) * (100 if "平方米" in issue_t else 1)
            fill = {
                "spot": rng.choice(_SPOTS),
                "firm": firm[1] if firm else "某加工点",
                "river": plan.town.river,
                "n": n,
            }
            found = plan.day()
            deadline = found + timedelta(days=rng.choice((7, 10, 15, 15, 15, 30, 30, 60)))
            source = _pick(rng, _SOURCES)
            complaint_id = None
            if source == "信访举报" and opened:
                c = opened.pop()
                complaint_id = c["id"]
                found = max(found, c["received_date"])
                deadline = max(deadline, found + timedelta(days=15))
            if category in _UNIT_BY_CATEGORY and rng.random() < 0.3:
                unit_id = plan.unit_id(rng.choice(_UNIT_BY_CATEGORY[category])) or v.id
                person = ""
            else:
                unit_id, person = v.id, plan.secretary(v)
            row: dict[str, Any] = {
                **stamp,
                "id": pid,
                "year": found.year,
                "source": source,
                "found_date": found,
                "village_id": v.id,
                "place": place_t.format(**fill),
                "category": category,
                "description": issue_t.format(**fill),
                "enterprise_id": firm[0] if firm else None,
                "ledger_entry_id": None,
                "patrol_id": None,
                "complaint_id": complaint_id,
                "responsible_unit_id": unit_id,
                "responsible_person": person,
                "measures": measures,
                "deadline": deadline,
                "status": TODO,
                "rectified_date": None,
                "verifier": "",
                "closed_date": None,
            }
            problems.append(row)
            done_text = done_t.format(**fill)
            age = (today - found).days
            started = found + timedelta(days=rng.randint(0, 3))
            recent = age <= 90  # old problems were all dealt with in the end; recent ones may still be open
            if started > today or (recent and rng.random() < 0.06):
                continue  # 待整改: just found, or not started at all
            move(pid, TODO, IN_PROGRESS, started)
            row["status"] = IN_PROGRESS
            roll = rng.random()
            span = (deadline - found).days
            if roll < 0.72:
                rectified = found + timedelta(days=rng.randint(1, span))  # on time
            elif roll < 0.9:
                rectified = deadline + timedelta(days=rng.randint(1, 30))  # late
            elif recent:
                rectified = None  # still being worked on
            else:
                rectified = deadline + timedelta(days=rng.randint(20, 75))  # dragged on, done at last
            if rectified is None or rectified > today:
                if age > 5:
                    half = started + timedelta(days=max(1, min(age, span) // 2))
                    if half <= today:
                        note(pid, half, "进展", "已开始整改，" + done_text.replace("已", "部分", 1))
                continue
            if rng.random() < 0.05:  # sent back once
                first_try = max(started, rectified - timedelta(days=rng.randint(3, 8)))
                move(pid, IN_PROGRESS, AWAITING_CHECK, first_try)
                move(pid, AWAITING_CHECK, IN_PROGRESS, first_try + timedelta(days=1), "核查发现整改不彻底")
                note(pid, first_try + timedelta(days=1), "退回", "核查发现整改不彻底")
                rectified = max(rectified, first_try + timedelta(days=2))
                if rectified > today:
                    continue
            note(pid, rectified, "进展", done_text)
            move(pid, IN_PROGRESS, AWAITING_CHECK, rectified)
            row.update(status=AWAITING_CHECK, rectified_date=rectified)
            closed = rectified + timedelta(days=rng.randint(1, 10))
            if closed <= today and (rng.random() < 0.95 or age > 60):  # old ones were all checked
                verifier = plan.town.person_names.get(
                    rng.choice(plan.town.role_people.get("包村干部", [0]) or [0]), ""
                )
                verifier = verifier or "镇环保办"
                move(pid, AWAITING_CHECK, CLOSED, closed)
                row.update(status=CLOSED, closed_date=closed, verifier=verifier)
    return problems, transitions, notes


def _ledgers(plan: _Planner, stamp: dict[str, Any]) -> list[dict[str, Any]]:
    rng, today = plan.rng, plan.today
    scale = plan.spec.years if plan.spec.name == "decade" else 1
    small = plan.spec.name == "small"
    counts = {
        "bare_land": 40,
        "black_water": 8,
        "scattered_polluters": 15,
        "livestock_farms": 30,
        "construction_dust": 12,
        "coal_shops": 10,
        "coal_boilers": 15,
        "suction_trucks": 60,
        "river_patrols": 150,
    }
    rows: list[dict[str, Any]] = []
    villages = plan.town.villages
    river_villages = [v for v in villages if v.on_river] or villages
    drivers = [Names(random.Random(rng.random()), load_vocabulary()).full_name() for _ in range(6)]
    for key, count in counts.items():
        kind = ledgers.LEDGER_KINDS[key]
        label = kind.fixed["kind"]
        listed_items = ledgers.has_lifecycle(kind)
        total = max(2, count // 8) if small else count * (max(1, scale // 3) if listed_items else scale)
        for _ in range(total):
            v = rng.choice(river_villages if key in ("black_water", "river_patrols") else villages)
            listed = plan.day()
            name, data = _entry(plan, key, v, listed)
            if key == "suction_trucks":
                data["reporter"] = rng.choice(drivers)
            age = (today - listed).days
            status, started, closed = (ledgers.LISTED if listed_items else NO_STATUS), None, None
            if listed_items and age > 10 and rng.random() < 0.85:
                started = listed + timedelta(days=rng.randint(1, 10))
                status = ledgers.IN_HAND
                if age > 40 and rng.random() < 0.8:
                    closed = min(today, started + timedelta(days=rng.randint(5, 60)))
                    status = ledgers.CLOSED
            row = {
                **stamp,
                "kind": label,
                "year": listed.year,
                "name": name,
                "village_id": v.id,
                "address": f"{v.name}{rng.choice(_SPOTS)}",
                "responsible_unit_id": v.id,
                "responsible_person": plan.secretary(v),
                "status": status,
                "listed_date": listed,
                "started_date": started,
                "closed_date": closed,
                "verifier": "",
                "check_note": "",
                "data": data,
            }
            if status == ledgers.CLOSED:
                row.update(_closing_proof(plan, key, label, data))
            rows.append(row)
    return rows


# 核查情况 of a 销号 that met its kind's condition, and why a few were closed short of it.
_CHECK_NOTES = {
    "bare_land": "现场核查，裸露地面已全部覆盖防尘网，无扬尘",
    "black_water": "现场核查，水体无黑臭，截污清淤已完成",
    "scattered_polluters": "现场核查，已按整治方式整治到位",
    "livestock_farms": "现场核查，粪污处理设施正常运行，无直排",
    "construction_dust": "现场核查，六个百分之百全部落实",
    "coal_shops": "现场核查，已按整治方式整治到位，无散煤销售",
    "coal_boilers": "现场核查，锅炉已完成改造",
}
_SHORT_REASONS = (
    "剩余部分为在建施工便道，无法覆盖，经镇村核查同意销号，纳入日常巡查",
    "已列入县里的分期整治计划，剩余部分由包村干部跟踪",
    "经镇环保办、包村干部现场核查，剩余问题不影响周边环境，同意销号并纳入日常监管",
)


def _put_right(key: str, data: dict[str, Any], rng: random.Random) -> None:
    """What the site looks like once put right: the kind's 销号 condition met."""
    if key == "bare_land":
        data["cover_rate"] = 100.0
        if data.get("cover_measure") == "未覆盖":
            data["cover_measure"] = "防尘网覆盖"
    elif key == "livestock_farms" and data.get("ban_zone"):
        data["stock"] = 0  # a farm in the 禁养区 is closed down
    elif key == "construction_dust":
        data.update({k: True for k, _label in ledgers.SIX_HUNDRED})
    elif key == "coal_boilers" and data.get("conversion") == "未改造":
        data["conversion"] = rng.choice(("煤改电", "煤改气", "拆除"))


def _closing_proof(plan: _Planner, key: str, label: str, data: dict[str, Any]) -> dict[str, Any]:
    """核查人 and 核查情况 of a demo 销号; most sites put right first, a few closed short with a reason.

    (The 整改后 photo is added after the rows are written: :func:`_closing_photos`.)"""
    rng = plan.rng
    if rng.random() < 0.9:
        _put_right(key, data, rng)
    shortfall = ledgers.close_shortfall(SimpleNamespace(kind=label, data=data))
    reason = rng.choice(_SHORT_REASONS) if shortfall else ""
    checkers = plan.town.role_people.get("包村干部", [])
    verifier = plan.town.person_names.get(rng.choice(checkers), "") if checkers else ""
    note = _CHECK_NOTES.get(key, "现场核查，已整治到位")
    if shortfall:
        note = "现场核查，已基本整治到位"
    return {"verifier": verifier or "镇环保办", "check_note": ledgers.closing_note(note, shortfall, reason)}


def _closing_photos(session: Session, stamp: dict[str, Any]) -> None:
    """One 整改后 photo on every demo 销号 entry: a small picture per kind, written once to the
    attachment store beside the data file (named by its content hash, as the store names every file)."""
    closed = session.execute(
        select(LedgerEntry.id, LedgerEntry.kind).where(LedgerEntry.status == ledgers.CLOSED)
    ).all()
    if not closed:
        return
    store = attachments_dir(Path(str(session.get_bind().engine.url.database)))
    stored: dict[str, tuple[str, str, int]] = {}  # kind → (sha256, stored name, size)
    rows: list[dict[str, Any]] = []
    for entry_id, kind in closed:
        if kind not in stored:
            stored[kind] = _store_picture(store, _site_picture(len(stored)))
        sha, name, size = stored[kind]
        rows.append(
            {
                **stamp,
                "sha256": sha,
                "original_name": f"{kind}整改后照片（演示）.png",
                "stored_name": name,
                "size": size,
                "owner_table": LedgerEntry.__tablename__,
                "owner_id": entry_id,
                "role": ledgers.PHOTO_AFTER,
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Attachment), rows[start : start + 5000])


def _store_picture(store: Path, png: bytes) -> tuple[str, str, int]:
    sha = hashlib.sha256(png).hexdigest()
    name = f"{sha}.png"
    target = store / name[:2] / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(name + ".part")
        partial.write_bytes(png)
        os.replace(partial, target)
    return sha, name, len(png)


# Ground colours of the generated pictures (green net, grass, water, concrete …), one per kind.
_GROUNDS = (
    (46, 125, 50),
    (104, 159, 56),
    (2, 119, 189),
    (141, 110, 99),
    (120, 144, 156),
    (85, 139, 47),
    (161, 136, 127),
)
_PICTURE_SIZE = (160, 120)


def _site_picture(variant: int) -> bytes:
    """A 160×120 PNG of a site after the works — sky over netted ground — made without an image
    library (zlib and struct); under 1 KB, so a demo of any size affords one per kind."""
    width, height = _PICTURE_SIZE
    ground = _GROUNDS[variant % len(_GROUNDS)]
    lines = []
    for y in range(height):
        if y < height // 3:  # sky, lighter towards the horizon
            shade = 160 + y
            row = bytes((shade - 40, shade, 235)) * width
        else:  # the ground with a net: darker every 8th pixel either way
            row = b"".join(
                bytes(c * 3 // 4 for c in ground) if (x % 8 == 0 or y % 8 == 0) else bytes(ground)
                for x in range(width)
            )
        lines.append(b"\x00" + row)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(lines), 9))
        + chunk(b"IEND", b"")
    )


def _entry(plan: _Planner, key: str, v: DemoVillage, listed: date) -> tuple[str, dict[str, Any]]:
    rng = plan.rng
    spot = rng.choice(_SPOTS)
    if key == "bare_land":
        return f"{v.name}{spot}裸露地块", {
            "area": float(rng.randrange(2, 60) * 100),
            "land_type": rng.choice(("建设用地", "拆迁地块", "闲置地块", "道路施工")),
            "cover_measure": rng.choice(("防尘网覆盖", "防尘网覆盖", "绿化", "硬化", "未覆盖")),
            "cover_rate": float(rng.choice((60, 80, 90, 100, 100))),
        }
    if key == "black_water":
        return f"{v.name}{spot}{rng.choice(('坑塘', '排水沟', '支渠'))}", {
            "water_type": rng.choice(("沟渠", "坑塘")),
            "length_m": float(rng.randrange(50, 1500, 50)),
            "cause": rng.choice(("生活污水直排", "养殖粪污入河", "垃圾堆积")),
            "river_chief": plan.secretary(v),
            "measures": "截污、清淤、生态修复",
        }
    if key == "scattered_polluters":
        firm = rng.choice(plan.firms.get(v.id, [(0, f"{v.name}{spot}加工点")]))[1]
        return firm, {
            "industry": rng.choice(("砖瓦", "家具", "建材", "洗储煤", "其他")),
            "owner": plan.secretary(v)[:1] + "某",
            "issues": rng.sample(["无环评手续", "无污染治理设施", "无营业执照"], k=rng.randint(1, 2)),
            "disposal": rng.choice(("关闭淘汰", "整治规范", "整治规范")),
        }
    if key == "livestock_farms":
        species = rng.choice(("生猪", "牛", "羊", "蛋鸡", "肉鸡"))
        stock = rng.randrange(50, 800) * (20 if "鸡" in species else 1)
        return f"{v.name}{rng.choice(v.head_names or ['张'])[:3]}{species}养殖场", {
            "species": species,
            "stock": stock,
            "scale": "规模养殖场" if stock > 500 else "养殖专业户",
            "manure": rng.choice(("干清粪堆肥", "沼气池", "还田利用", "委托处理")),
            "ban_zone": rng.random() < 0.05,
        }
    if key == "construction_dust":
        checks = {k: rng.random() < 0.8 for k, _label in ledgers.SIX_HUNDRED}
        return (
            f"{plan.town.name}{v.name}{rng.choice(('安置小区', '道路改造', '便民服务中心', '光伏电站'))}项目",
            {
                "builder": rng.choice(
                    ("县宏达建筑工程有限公司", "县通达路桥有限公司", "市建工集团第三分公司")
                ),
                "area": float(rng.randrange(10, 200) * 100),
                **checks,
            },
        )
    if key == "coal_shops":
        return f"{v.name}{spot}散煤销售点", {
            "owner": plan.secretary(v)[:1] + "某",
            "coal_type": rng.choice(("洁净型煤", "兰炭", "原煤")),
            "annual_tons": float(rng.randrange(20, 500)),
            "licensed": rng.random() < 0.5,
            "disposal": rng.choice(("依法取缔", "规范经营", "纳入配送网点")),
        }
    if key == "coal_boilers":
        owner = rng.choice(plan.firms.get(v.id, [(0, f"{v.name}村委会")]))[1]
        return f"{owner}燃煤锅炉", {
            "owner": owner,
            "tonnage": rng.choice((0.5, 1.0, 2.0, 4.0)),
            "use": rng.choice(("供暖", "生产", "洗浴")),
            "conversion": rng.choice(("煤改电", "煤改气", "拆除", "未改造")),
        }
    if key == "suction_trucks":
        plate = "晋D·" + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(5))
        return f"{v.name}化粪池清掏", {
            "plate": plate,
            "company": rng.choice(("县洁美环境服务部", "县顺通吸污服务队")),
            "source_place": f"{v.name}{spot}",
            "disposal_place": f"{plan.town.name}污水处理站",
            "volume": float(rng.choice((4, 6, 8, 10))),
        }
    findings = rng.choice(("未发现问题", "未发现问题", "未发现问题", "岸边有少量生活垃圾", "水面有漂浮物"))
    return f"{plan.town.river}{v.name}段巡河", {
        "river": plan.town.river,
        "patroller": plan.secretary(v),
        "distance_km": float(rng.choice((1.5, 2.0, 3.0, 4.5))),
        "findings": findings,
        "handling": "" if findings == "未发现问题" else "已安排保洁员清理",
    }


def _complaints(plan: _Planner, stamp: dict[str, Any], operator: str) -> list[dict[str, Any]]:
    rng, today = plan.rng, plan.today
    names = Names(random.Random(rng.random()), load_vocabulary())
    rows: list[dict[str, Any]] = []
    for n in range(COMPLAINTS_PER_YEAR.get(plan.spec.name, 60) * plan.spec.years):
        v = rng.choice(plan.town.villages)
        received = plan.day()
        category, text = rng.choice(_COMPLAINT_TEXTS)
        firms = plan.firms.get(v.id) or [(0, "某加工厂")]
        content = text.format(place=f"{v.name}{rng.choice(_SPOTS)}", firm=rng.choice(firms)[1])
        deadline = received + timedelta(days=15)
        replied = received + timedelta(days=rng.randint(2, 20))
        done = replied <= today and rng.random() < 0.95
        channel = rng.choice(("12345", "12345", "12369", "电话", "来访", "来信", "上级转办"))
        anonymous = rng.random() < 0.3
        reward = 100.0 if done and rng.random() < 0.1 else None
        rows.append(
            {
                **stamp,
                "id": n + 1,
                "year": received.year,
                "received_date": received,
                "channel": channel,
                "case_number": f"{received:%Y%m%d}{rng.randrange(1000, 9999)}"
                if channel in ("12345", "12369")
                else "",
                "complainant_name": "" if anonymous else names.full_name(names.gender(0.4)),
                "complainant_phone": "" if anonymous else names.phone(),
                "content": content,
                "village_id": v.id,
                "category": category,
                "handler": operator,
                "deadline": deadline,
                "status": "已办结" if done else "办理中",
                "reply": rng.choice(_REPLIES) if done else "",
                "reply_date": replied if done else None,
                "satisfaction": rng.choice(("满意", "满意", "满意", "基本满意", "不满意", "未回访"))
                if done
                else "",
                "reward_amount": reward,
                "reward_paid_date": replied + timedelta(days=7)
                if reward and replied + timedelta(days=7) <= today
                else None,
                "_opens_problem": rng.random() < 0.2,
            }
        )
    return rows
