"""The demo town's organisation records: units, people and their roles, grids, households, enterprises.

Everything is planned in memory from one seeded generator and written with Core bulk inserts inside the
caller's transaction: a 30,000-household town is written in a few seconds, and a cancelled or failed
run leaves nothing behind.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.cn_numbers import cn_numeral
from ecodesk.demo.vocab import Names, Vocabulary
from ecodesk.errors import EcoDeskError
from ecodesk.models import (
    ENTERPRISE_TAGS,
    Enterprise,
    Grid,
    Household,
    Person,
    PersonRole,
    Unit,
    grid_members,
)
from ecodesk.models.org import VillageGroup
from ecodesk.services.validation import credit_code_check_digit

Progress = Callable[[int, str], None]  # (rows just written, what we are doing)

# 设立日期 of the demo's units, long before its first records (a decade at most): the villages' 村民委员会
# from 1984, the communities from the 2001 撤村建居, town offices and stationed units from 1992.
_ESTABLISHED = {"村": date(1984, 3, 1), "社区": date(2001, 7, 1)}
_ESTABLISHED_OTHER = date(1992, 1, 1)

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_HOUSEHOLD_BATCH = 2000
# 人口 of a household: mostly 2–5, as on real rosters (old couples, three generations).
_MEMBER_COUNTS = (1, 2, 3, 4, 5, 6, 7)
_MEMBER_WEIGHTS = (8, 24, 22, 22, 14, 7, 3)


@dataclass(frozen=True)
class ScaleSpec:
    """How big a demo town is."""

    name: str
    villages: int
    communities: int
    households: int  # target total; each village gets a count within household_range
    household_range: tuple[int, int]
    groups: tuple[int, int]  # 组 per village
    enterprises: int
    years: int  # years of work records the later generators add


SCALES: dict[str, ScaleSpec] = {
    "small": ScaleSpec("small", 2, 0, 80, (30, 55), (2, 4), 6, 1),
    "town": ScaleSpec("town", 18, 2, 9000, (200, 800), (4, 8), 150, 1),
    "decade": ScaleSpec("decade", 18, 2, 30000, (700, 2600), (6, 12), 300, 10),
}


@dataclass
class DemoVillage:
    """A village or community of the demo town, with what later generators need to know of it."""

    id: int
    name: str
    kind: str  # 村 / 社区
    on_river: bool
    groups: list[str]
    households: int
    grid_count: int = 0
    grid_ids: list[int] = field(default_factory=list)  # its 网格, first to last
    dominant: list[tuple[str, float]] = field(default_factory=list)  # big local surnames and their share
    roads: list[str] = field(default_factory=list)  # communities: the streets of its addresses
    secretary_id: int = 0
    head_names: list[str] = field(default_factory=list)  # 户主 names, for 张建军养殖场


@dataclass
class DemoTown:
    """The organisation of the generated town: ids and names for the generators of later modules."""

    name: str
    river: str
    area_code: str
    villages: list[DemoVillage]
    unit_ids: dict[str, int] = field(default_factory=dict)
    role_people: dict[str, list[int]] = field(default_factory=dict)  # role → person ids
    person_names: dict[int, str] = field(default_factory=dict)
    grid_ids: list[int] = field(default_factory=list)
    enterprise_ids: list[int] = field(default_factory=list)
    enterprise_industries: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # units, grids, people, households, enterprises


@dataclass
class _PersonPlan:
    id: int
    name: str
    phone: str
    unit_id: int | None
    roles: list[tuple[str, str]]


class _Writer:
    """Core inserts with the columns the ORM would have stamped (the audit listener is bypassed)."""

    def __init__(self, session: Session, operator: str) -> None:
        now = dates.now()
        self.session = session
        self.stamp: dict[str, Any] = {
            "created_at": now,
            "updated_at": now,
            "created_by": operator,
            "updated_by": operator,
            "remark": "",
        }

    def records(self, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(model), [{**self.stamp, **row} for row in rows])

    def plain(self, target: type[Any] | Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(target), list(rows))


def build_org(
    session: Session,
    spec: ScaleSpec,
    vocab: Vocabulary,
    rng: random.Random,
    town_name: str,
    operator: str,
    progress: Progress,
) -> DemoTown:
    """Plan and write the organisation of a whole town in ``session`` (not committed here)."""
    names = Names(rng, vocab)
    places = vocab.places
    river = (
        places["town"]["river"] if town_name == places["town"]["name"] else rng.choice(places["other_rivers"])
    )
    town = DemoTown(
        name=town_name,
        river=river,
        area_code=rng.choice(places["area_codes"]["local"]),
        villages=_plan_villages(spec, vocab, rng),
    )
    writer = _Writer(session, operator)
    people = _plan_people(town, vocab, names, rng)
    progress(0, "正在生成单位和人员…")
    _write_units(town, vocab, people, writer)
    _write_people(town, people, writer)
    progress(town.counts["units"] + town.counts["people"], "正在生成网格…")
    _write_grids(town, people, writer, rng)
    progress(town.counts["grids"], "正在生成农户…")
    _write_households(town, names, rng, writer, progress)
    _write_enterprises(town, spec, vocab, names, rng, writer)
    progress(town.counts["enterprises"], "正在保存…")
    return town


# -- villages ---------------------------------------------------------------------------------------


def _plan_villages(spec: ScaleSpec, vocab: Vocabulary, rng: random.Random) -> list[DemoVillage]:
    places = vocab.places
    river_words: list[str] = places["river_words"]
    seen: set[str] = set()
    planned: list[tuple[str, str, str | None]] = []  # (name, kind, dominant surname)
    while len(planned) < spec.villages:
        roll = rng.random()
        surname: str | None = None
        if roll < 0.3:
            surname = rng.choice(places["village_surnames"])
            base = rng.choice(places["village_surname_patterns"]).replace("{s}", surname)
        elif roll < 0.62:
            base = rng.choice(places["village_directions"]) + rng.choice(places["village_landforms"])
        else:
            base = rng.choice(places["village_whole"])
        if base in seen:
            continue
        seen.add(base)
        planned.append((base + "村", "村", surname))
    for base in rng.sample(places["communities"], spec.communities):
        planned.append((base + "社区", "社区", None))

    # Village sizes spread like real ones (a few big, many middling), clamped to the scale's range.
    lo, hi = spec.household_range
    raw = [math.exp(rng.gauss(0.0, 0.4)) for _ in planned]
    target = round(spec.households * rng.uniform(0.98, 1.03))
    factor = target / sum(raw)
    for _round in range(6):  # clamping loses households: spread the difference over the others
        sizes = [min(hi, max(lo, round(w * factor))) for w in raw]
        free = sum(w for w, n in zip(raw, sizes, strict=True) if lo < n < hi)
        if abs(sum(sizes) - target) < len(sizes) or not free:
            break
        factor += (target - sum(sizes)) / free
    villages = []
    top_surnames: list[str] = list(places["village_surnames"])
    for index, ((name, kind, surname), households) in enumerate(zip(planned, sizes, strict=True), start=1):
        on_river = any(w in name for w in river_words) or name.startswith("滨河") or rng.random() < 0.4
        group_lo, group_hi = spec.groups
        group_count = rng.randint(group_lo, group_hi)
        if kind == "社区":
            group_count = max(2, group_count // 2)  # 居民小组: fewer and larger
        village = DemoVillage(
            id=index,
            name=name,
            kind=kind,
            on_river=on_river,
            groups=[cn_numeral(g) + "组" for g in range(1, group_count + 1)],
            households=households,
        )
        if surname:  # 李家庄 is mostly 李
            others = [s for s in top_surnames if s != surname]
            village.dominant = [(surname, 0.35), (rng.choice(others), 0.08)]
        elif kind == "村":
            first, second = rng.sample(top_surnames[:20], 2)
            village.dominant = [(first, 0.18), (second, 0.10)]
        if kind == "社区":
            village.roads = rng.sample(places["roads"], 3)
        villages.append(village)
    return villages


# -- people -----------------------------------------------------------------------------------------


def _unit_plan(town: DemoTown, vocab: Vocabulary) -> list[tuple[str, str, int, dict[str, Any] | None]]:
    """(name, kind, sort order, unit spec) of every unit, villages first as on the 主送 line."""
    plan: list[tuple[str, str, int, dict[str, Any] | None]] = [
        (v.name, v.kind, v.id, None) for v in town.villages
    ]
    plan += [(u["name"], "镇属单位", 100 + i, u) for i, u in enumerate(vocab.units["town_units"], start=1)]
    plan += [
        (u["name"], "驻镇单位", 200 + i, u) for i, u in enumerate(vocab.units["stationed_units"], start=1)
    ]
    return plan


def _plan_people(town: DemoTown, vocab: Vocabulary, names: Names, rng: random.Random) -> list[_PersonPlan]:
    people: list[_PersonPlan] = []
    operator = vocab.units["operator"]
    names.reserve(operator["name"])

    def add(
        gender: str, young: bool, unit_id: int | None, *roles: tuple[str, str], phone: bool = True
    ) -> _PersonPlan:
        plan = _PersonPlan(
            len(people) + 1,
            names.unique_person(gender, young),
            names.phone() if phone else "",
            unit_id,
            list(roles),
        )
        people.append(plan)
        return plan

    # Village cadres and staff: who signs, who patrols, who sweeps.
    for v in town.villages:
        community = v.kind == "社区"
        secretary = add(names.gender(0.15), rng.random() < 0.4, v.id, ("支部书记", ""))
        v.secretary_id = secretary.id
        director: _PersonPlan | None = None
        if rng.random() < 0.45:  # 书记、主任 一肩挑
            secretary.roles.append(("村委会主任", ""))
        else:
            director = add(names.gender(0.2), rng.random() < 0.5, v.id, ("村委会主任", ""))
        if v.on_river:
            keeper = director if director is not None and rng.random() < 0.25 else secretary
            keeper.roles.append(("河长", "村级河长"))
        v.grid_count = rng.randint(3, 4) if community else rng.randint(2, 4)
        members = v.grid_count + (1 if rng.random() < 0.25 else 0)  # sometimes two in one grid
        for i in range(members):
            if i == 0 and director is not None and rng.random() < 0.3:
                director.roles.append(("网格员", ""))  # a village cadre who is also a grid member
                continue
            add(names.gender(0.5), rng.random() < 0.8, v.id, ("网格员", ""))
        if not community:
            for _ in range(rng.randint(1, 2)):
                add(names.gender(0.1), rng.random() < 0.15, v.id, ("护林员", ""))
        for _ in range(rng.randint(3, 6) if community else rng.randint(2, 6)):
            add(names.gender(0.5), False, v.id, ("保洁员", ""), phone=rng.random() < 0.8)
        for _ in range(rng.randint(1, 2)):
            add(names.gender(0.15), rng.random() < 0.4, v.id, ("巡查员", ""))

    # Town leaders: the 领导小组 of reference 003 (组长 镇长, 副组长 …), most of them 包村干部 too.
    cadres: list[_PersonPlan] = []
    for leader in vocab.units["leaders"]:
        roles = [("领导小组成员", leader["title"])] if leader["group"] else []
        roles += [(role, title) for role, title in leader["roles"]]
        person = add(names.gender(0.2), rng.random() < 0.3, None, *roles)
        if leader["covers"]:
            cadres.append(person)

    members_of_group = set(vocab.units["group_member_units"])
    for unit_id, (_name, _kind, _order, unit) in enumerate(_unit_plan(town, vocab), start=1):
        if unit is None:  # a village: its cadres are above
            continue
        head_roles = (
            [("领导小组成员", unit["name"] + unit["head"])] if unit["name"] in members_of_group else []
        )
        add(names.gender(0.25), rng.random() < 0.4, unit_id, *head_roles)
        for i in range(unit["staff"]):
            roles = _staff_roles(unit["name"])
            if unit["name"] == operator["unit"] and i == 0:  # the clerk of the demo, 王晓燕
                people.append(_PersonPlan(len(people) + 1, operator["name"], names.phone(), unit_id, roles))
                continue
            staff = add(names.gender(0.4), rng.random() < 0.7, unit_id, *roles)
            if not roles:
                cadres.append(staff)

    # 包村干部: every village has one town cadre; a cadre covers one or two villages.
    rng.shuffle(cadres)
    villages = list(town.villages)
    rng.shuffle(villages)
    covered: dict[int, list[DemoVillage]] = {}
    for i, v in enumerate(villages):
        covered.setdefault(cadres[i % len(cadres)].id, []).append(v)
    for cadre in cadres:
        if cadre.id in covered:
            ordered = sorted(covered[cadre.id], key=lambda village: village.id)
            cadre.roles.append(("包村干部", "、".join(village.name for village in ordered)))
    return people


def _staff_roles(unit: str) -> list[tuple[str, str]]:
    if unit in ("环保办", "综合行政执法队"):
        return [("巡查员", "")]
    if unit == "林业站":
        return [("护林员", "")]
    return []


def _write_units(town: DemoTown, vocab: Vocabulary, people: list[_PersonPlan], writer: _Writer) -> None:
    first_of_unit: dict[int, _PersonPlan] = {}
    for p in people:
        if p.unit_id is not None:
            first_of_unit.setdefault(p.unit_id, p)
    by_id = {p.id: p for p in people}
    rows = []
    for unit_id, (name, kind, order, _spec) in enumerate(_unit_plan(town, vocab), start=1):
        village = town.villages[unit_id - 1] if unit_id <= len(town.villages) else None
        leader = by_id[village.secretary_id] if village is not None else first_of_unit[unit_id]
        rows.append(
            {
                "id": unit_id,
                "name": name,
                "kind": kind,
                "sort_order": order,
                "active": True,
                "established_date": _ESTABLISHED.get(kind, _ESTABLISHED_OTHER),
                "leader": leader.name,
                "phone": leader.phone,
            }
        )
        town.unit_ids[name] = unit_id
    writer.records(Unit, rows)
    town.counts["units"] = len(rows)


def _write_people(town: DemoTown, people: list[_PersonPlan], writer: _Writer) -> None:
    writer.records(
        Person,
        [
            {"id": p.id, "name": p.name, "phone": p.phone, "unit_id": p.unit_id, "active": True}
            for p in people
        ],
    )
    role_rows = []
    for p in people:
        town.person_names[p.id] = p.name
        for role, title in p.roles:
            role_rows.append({"person_id": p.id, "role": role, "title": title})
            town.role_people.setdefault(role, []).append(p.id)
    writer.plain(PersonRole, role_rows)
    town.counts["people"] = len(people)


def _write_grids(town: DemoTown, people: list[_PersonPlan], writer: _Writer, rng: random.Random) -> None:
    grid_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    for v in town.villages:
        members = [p for p in people if p.unit_id == v.id and any(r == "网格员" for r, _ in p.roles)]
        count = v.grid_count
        first_id = len(grid_rows) + 1
        for i in range(count):
            # The village's 支部书记 is 网格长 of each of its grids, as reference 003's villages have it.
            grid_rows.append(
                {
                    "id": first_id + i,
                    "name": f"{v.name}第{cn_numeral(i + 1)}网格",
                    "village_id": v.id,
                    "leader_id": v.secretary_id or None,
                }
            )
            v.grid_ids.append(first_id + i)
        for i, member in enumerate(members):
            grid_id = first_id + i if i < count else first_id + rng.randrange(count)
            member_rows.append({"grid_id": grid_id, "person_id": member.id})
    writer.records(Grid, grid_rows)
    writer.plain(grid_members, member_rows)
    town.grid_ids = [row["id"] for row in grid_rows]
    town.counts["grids"] = len(grid_rows)


# -- households -------------------------------------------------------------------------------------


def _write_households(
    town: DemoTown, names: Names, rng: random.Random, writer: _Writer, progress: Progress
) -> None:
    batch: list[dict[str, Any]] = []
    total = 0
    group_rows = [
        {"name": name, "village_id": v.id, "sort_order": number}
        for v in town.villages
        for number, name in enumerate(v.groups, start=1)
    ]
    for n, row in enumerate(group_rows, start=1):
        row["id"] = n
    writer.records(VillageGroup, group_rows)
    group_ids = {(row["village_id"], row["name"]): row["id"] for row in group_rows}
    for v in town.villages:
        shares = [rng.uniform(0.6, 1.4) for _ in v.groups]
        scale = v.households / sum(shares)
        sizes = [max(1, round(s * scale)) for s in shares]
        sizes[-1] = max(1, v.households - sum(sizes[:-1]))
        for g, (group, size) in enumerate(zip(v.groups, sizes, strict=True)):
            number = 0
            road = v.roads[g % len(v.roads)] if v.roads else ""
            for _ in range(size):
                number += 1 if rng.random() < 0.9 else rng.randint(2, 3)
                roll, surname = rng.random(), None
                for family, share in v.dominant:
                    if roll < share:
                        surname = family
                        break
                    roll -= share
                head = names.full_name("f" if rng.random() < 0.12 else "m", rng.random() < 0.2, surname)
                v.head_names.append(head)
                batch.append(
                    {
                        "head_name": head,
                        "village_id": v.id,
                        "group_id": group_ids[v.id, group],
                        # 组 lie side by side: each grid takes whole groups, in turn.
                        "grid_id": v.grid_ids[g % len(v.grid_ids)] if v.grid_ids else None,
                        "address": f"{v.name}{road}{number}号" if road else f"{v.name}{group}{number}号",
                        "phone": names.phone() if rng.random() < 0.7 else "",
                        "members": rng.choices(_MEMBER_COUNTS, _MEMBER_WEIGHTS)[0],
                    }
                )
            if len(batch) >= _HOUSEHOLD_BATCH:
                writer.records(Household, batch)
                total += len(batch)
                progress(len(batch), f"正在生成农户（{total:,} 户）…")
                batch = []
        v.households = len(v.head_names)
    writer.records(Household, batch)
    progress(len(batch), "正在生成企业…")
    town.counts["households"] = total + len(batch)


# -- enterprises ------------------------------------------------------------------------------------


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` by ``weights`` with the largest-remainder rule, so proportions hold exactly."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(x) for k, x in exact.items()}
    order = sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)
    for k in order[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _weighted_sample(rng: random.Random, items: Sequence[int], weights: Sequence[float], k: int) -> list[int]:
    """``k`` items without replacement, each as likely as its weight (Efraimidis–Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / w), item) for item, w in zip(items, weights, strict=True) if w > 0]
    keyed.sort(reverse=True)
    return [item for _, item in keyed[:k]]


def _org_code(rng: random.Random, modern: bool) -> str:
    """The 9-character organisation part: ``MA…`` since 2015, else 8 digits + GB 11714 check."""
    if modern:
        return (
            "MA" + rng.choice("0123456789ABCDEFGH") + "".join(rng.choice(_CREDIT_ALPHABET) for _ in range(6))
        )
    digits = [rng.randrange(10) for _ in range(8)]
    check = 11 - sum(d * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return "".join(map(str, digits)) + {10: "X", 11: "0"}.get(check, str(check))


def _write_enterprises(
    town: DemoTown, spec: ScaleSpec, vocab: Vocabulary, names: Names, rng: random.Random, writer: _Writer
) -> None:
    conf = vocab.enterprises
    places = vocab.places
    total = round(spec.enterprises * rng.uniform(0.97, 1.03))
    industries = [k for k, n in _allocate(total, conf["industry_weights"]).items() for _ in range(n)]
    rng.shuffle(industries)
    villages = [v for v in town.villages if v.kind == "村"] or town.villages
    communities = [v for v in town.villages if v.kind == "社区"]
    village_weights = [v.households for v in villages]
    codes: set[str] = set()
    used_names: set[str] = set()
    rows: list[dict[str, Any]] = []
    entities: dict[int, str] = {}
    for index, industry in enumerate(industries, start=1):
        if communities and industry in conf["town_industries"] and rng.random() < 0.45:
            v = rng.choice(communities)
        else:
            v = rng.choices(villages, village_weights)[0]
        name, entity, person = _enterprise_name(town, conf, places, rng, names, industry, v, used_names)
        entities[index] = entity
        legal_rep = person or names.full_name(names.gender(0.15), rng.random() < 0.4)
        contact = legal_rep if rng.random() < 0.55 else names.full_name(names.gender(0.35), True)
        code: str | None = None
        if entity != "92" or rng.random() < 0.45:
            area = rng.choice(places["area_codes"]["nearby"]) if industry == "工地" else town.area_code
            while code is None or code in codes:
                first17 = entity + area + _org_code(rng, entity != "91" or rng.random() < 0.6)
                code = first17 + credit_code_check_digit(first17)
            codes.add(code)
        rows.append(
            {
                "id": index,
                "name": name,
                "credit_code": code,
                "village_id": v.id,
                "grid_id": v.grid_ids[index % len(v.grid_ids)] if v.grid_ids else None,
                "address": _enterprise_address(town, places, rng, industry, entity, v),
                "industry": industry,
                "tags": [],
                "legal_rep": legal_rep,
                "contact": contact,
                "phone": names.phone() if rng.random() < 0.97 else "",
                "status": "正常",
            }
        )
    _tag_and_status(rows, entities, conf, rng)
    writer.records(Enterprise, rows)
    town.enterprise_ids = [row["id"] for row in rows]
    town.enterprise_industries = {row["id"]: row["industry"] for row in rows}
    town.counts["enterprises"] = len(rows)


def _enterprise_name(
    town: DemoTown,
    conf: dict[str, Any],
    places: dict[str, Any],
    rng: random.Random,
    names: Names,
    industry: str,
    v: DemoVillage,
    used: set[str],
) -> tuple[str, str, str]:
    """(name, entity kind 91/92/93, the person the business is named after or "")."""
    patterns = conf["names"][industry]
    for _attempt in range(200):
        template, entity, _w = rng.choices(patterns, [p[2] for p in patterns])[0]
        person = rng.choice(v.head_names) if "{person}" in template and v.head_names else ""
        if "{person}" in template and not person:
            continue
        others = [o.name for o in town.villages if o is not v and o.kind == "村"] or [v.name]
        fill = {
            "{town}": town.name,
            "{village}": v.name,
            "{village2}": rng.choice(others),
            "{person}": person,
            "{surname}": names.surname(),
            "{brand}": rng.choice(conf["brands"]),
            "{road}": rng.choice(places["roads"]),
        }
        if "{project}" in template:
            projects = places["project_templates"]
            if v.kind == "社区":  # a road or a solar farm is not built inside the town's streets
                projects = [p for p in projects if "{village}" not in p]
            fill["{project}"] = rng.choice(projects)
        name = template
        for _pass in range(2):  # a project template has placeholders of its own
            for key, value in fill.items():
                name = name.replace(key, value)
        if name not in used:
            used.add(name)
            return name, str(entity), person
    raise EcoDeskError("演示数据词表中的企业名称不够用，请补充字号。")


def _enterprise_address(
    town: DemoTown, places: dict[str, Any], rng: random.Random, industry: str, entity: str, v: DemoVillage
) -> str:
    if v.roads:
        return f"{v.name}{rng.choice(v.roads)}{rng.randint(1, 199)}号"
    if industry == "加油站":
        return f"{rng.choice(places['highways'])}{v.name}段{rng.choice('东西南北')}侧"
    if entity == "91" and industry not in ("养殖", "工地") and rng.random() < 0.3:
        return f"{town.name}{places['industrial_park']}{rng.randint(1, 40)}号"
    if rng.random() < 0.5:
        return f"{v.name}{rng.choice(v.groups)}"
    return f"{v.name}{rng.choice(places['village_spots'])}"


def _tag_and_status(
    rows: list[dict[str, Any]], entities: dict[int, str], conf: dict[str, Any], rng: random.Random
) -> None:
    """Tags by industry and kind (洗储煤 companies are 重点企业, small workshops 散乱污), then status and a note."""
    ids = [row["id"] for row in rows]
    by_id = {row["id"]: row for row in rows}
    for tag in ENTERPRISE_TAGS:
        tag_conf = conf["tags"][tag]
        k = round(tag_conf["share"] * len(rows))
        if len(rows) >= 5:
            k = max(1, k)
        factor = conf["tag_entity_factor"][tag]
        weights = [float(tag_conf["weights"].get(by_id[i]["industry"], 0)) * factor[entities[i]] for i in ids]
        for chosen in sorted(_weighted_sample(rng, ids, weights, k)):
            by_id[chosen]["tags"].append(tag)

    def remark(kind: str, industry: str) -> str:
        choices = conf["remarks"][kind]
        text: str = rng.choice(choices.get(industry) or choices["*"])
        return text.replace("{year}", str(rng.choice((2021, 2022, 2023))))

    for row in rows:
        roll = rng.random()
        if "散乱污" in row["tags"]:
            status = (
                "整治规范" if roll < 0.45 else "关闭淘汰" if roll < 0.75 else "停产" if roll < 0.9 else "正常"
            )
        else:
            status = (
                "正常" if roll < 0.9 else "整治规范" if roll < 0.95 else "停产" if roll < 0.99 else "关闭淘汰"
            )
        if row["industry"] == "工地" and status in ("整治规范", "关闭淘汰"):
            status = "正常"
        row["status"] = status
        if status != "正常":
            row["remark"] = remark(status, row["industry"])
        elif "重点企业" in row["tags"] and rng.random() < 0.6:
            row["remark"] = remark("重点企业", row["industry"])
        else:
            row["remark"] = ""
