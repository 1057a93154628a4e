"""Organisation records (基础信息): the declarations of units, grids, people, households, enterprises.

Plus :func:`add_village`, for the first day: the clerk's first act is importing the household roster
into an empty file, and the villages it names can be registered by that same import (one
transaction, audited like any new unit) instead of failing every row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.models import (
    ENTERPRISE_STATUSES,
    ENTERPRISE_TAGS,
    INDUSTRIES,
    PERSON_ROLES,
    UNIT_KINDS,
    VILLAGE_KINDS,
    Enterprise,
    Grid,
    Household,
    Person,
    PersonRole,
    Unit,
)
from ecodesk.models.complaint import Complaint
from ecodesk.models.lifespan import not_retired_by
from ecodesk.models.org import VillageGroup, group_match_key, group_number
from ecodesk.models.patrol import FirePoint, Patrol
from ecodesk.models.rectification import Problem
from ecodesk.schema import Codec, Field, FieldType, RecordKind, RefSpec
from ecodesk.services.records import new_record, ref_lookup, unique_among_live
from ecodesk.services.validation import credit_code_problem, normalise_credit_code, phone_problem

T = FieldType

VILLAGE_REF = RefSpec(
    Unit,
    "village_id",
    sort_attr="sort_order",
    where=lambda: Unit.kind.in_(VILLAGE_KINDS),
    target_label="村/社区",
)
UNIT_REF = RefSpec(Unit, "unit_id", sort_attr="sort_order", target_label="单位")
PERSON_REF = RefSpec(Person, "leader_id", target_label="人员")


def _remark() -> Field:
    return Field("remark", "备注", T.LONGTEXT, max_len=2000, aliases=("说明",), width=24, in_table=False)


# -- 组 and 网格: records of one village ------------------------------------------------------------


def _village_name(session: Session, village_id: int) -> str:
    return session.scalar(select(Unit.name).where(Unit.id == village_id)) or f"编号 {village_id} 的村"


def _of_village(session: Session, model: type[Any], label: str, village_id: int, record_id: int) -> int:
    """``record_id`` if that live 组/网格 is the village's; ValueError naming its own village if not."""
    found = session.get(model, record_id)
    if found is None or found.deleted_at is not None:
        raise ValueError(f"所选{label}（编号 {record_id}）不存在或已删除")
    if found.village_id != village_id:
        raise ValueError(
            f"“{found.name}”是{found.village.name}的{label}，不是{_village_name(session, village_id)}的，"
            f"请选{_village_name(session, village_id)}的{label}"
        )
    return record_id


_GROUPS_SEEN = "ecodesk.village_groups"  # session.info key: village id → {match key: group}


def find_group(session: Session, village_id: int, name: str) -> VillageGroup | None:
    """The live 组 of the village that ``name`` means: 三组, 3组 and 第三组 are one group.

    A village's groups are read once per session (an import asks for every row's 组; a query each
    time would also flush every pending household first) and kept in ``session.info``."""
    known: dict[int, dict[str, VillageGroup]] = session.info.setdefault(_GROUPS_SEEN, {})
    groups = known.get(village_id)
    if groups is None:
        with session.no_autoflush:
            rows = session.scalars(
                select(VillageGroup).where(
                    VillageGroup.village_id == village_id, VillageGroup.deleted_at.is_(None)
                )
            )
            groups = known[village_id] = {group_match_key(g.name): g for g in rows}
    return groups.get(group_match_key(name))


def add_group(session: Session, village_id: int, name: str) -> VillageGroup:
    """The village's 组 named ``name`` (any spelling of its number), added to the session if new."""
    name = name.strip()
    if not name:
        raise ValueError("组名不能为空")
    if len(name) > 20:
        raise ValueError(f"组名不能超过20个字（现有{len(name)}个）")
    found = find_group(session, village_id, name)
    if found is not None:
        return found
    number = group_number(name)
    group = VillageGroup(name=name, village_id=village_id, sort_order=number if number is not None else 9999)
    session.add(group)
    session.flush()
    session.info[_GROUPS_SEEN][village_id][group_match_key(name)] = group
    return group


def _group_in_village(session: Session, village_id: int, value: int | str) -> int:
    """A household's 组: an id must be the village's; a name the village lacks is added to it (an import
    of a roster names its groups, the form chooses them)."""
    if isinstance(value, int):
        return _of_village(session, VillageGroup, "组", village_id, value)
    return int(add_group(session, village_id, value).id)


def _grid_in_village(session: Session, village_id: int, value: int | str) -> int:
    if isinstance(value, int):
        return _of_village(session, Grid, "网格", village_id, value)
    ids = list(
        session.scalars(
            select(Grid.id).where(
                Grid.village_id == village_id, Grid.name == value, Grid.deleted_at.is_(None)
            )
        )
    )
    if len(ids) == 1:
        return int(ids[0])
    village = _village_name(session, village_id)
    if ids:
        raise ValueError(f"{village}有{len(ids)}个名为“{value}”的网格，请在界面中选择")
    elsewhere = session.scalars(
        select(Unit.name)
        .join(Grid, Grid.village_id == Unit.id)
        .where(Grid.name == value, Grid.deleted_at.is_(None))
    ).first()
    if elsewhere is not None:
        raise ValueError(f"“{value}”是{elsewhere}的网格，不是{village}的")
    raise ValueError(f"{village}没有名为“{value}”的网格，请先在“网格”中登记")


GROUP_REF = RefSpec(
    VillageGroup, "group_id", sort_attr="sort_order", target_label="组", in_village=_group_in_village
)
GRID_REF = RefSpec(Grid, "grid_id", target_label="网格", in_village=_grid_in_village)


def village_records(db: Database, spec: RefSpec, village_id: int | None) -> list[tuple[int, str]]:
    """(id, name) of the village's own 组 or 网格 (a form's choices once its village is chosen)."""
    if village_id is None:
        return []
    model = spec.model
    order = (model.sort_order, model.id) if spec.sort_attr else (model.name, model.id)
    with db.session() as session:
        rows = session.execute(
            select(model.id, model.name)
            .where(model.village_id == village_id, model.deleted_at.is_(None))
            .order_by(*order)
        )
        return [(int(r[0]), str(r[1])) for r in rows]


def new_group(db: Database, village_id: int, name: str) -> int:
    """Add a 组 to the village (the household form's 新增组); the id of the group ``name`` means if the
    village has it already (三组 when 3组 is asked). ``ValidationError`` for an empty or long name."""
    with db.session() as session:
        if session.get(Unit, village_id) is None:
            raise NotFoundError(f"村/社区（编号 {village_id}）不存在")
        try:
            return int(add_group(session, village_id, name).id)
        except ValueError as exc:
            raise ValidationError.single("group", "组", str(exc)) from None


def village_group(db: Database, village_id: int, name: str) -> str | None:
    """The name the village's 组 has that ``name`` means (“3组” → “三组”), or None when it has none."""
    with db.session() as session:
        found = find_group(session, village_id, name)
        return found.name if found is not None else None


def split_names(text: str) -> list[str]:
    """The names in a 网格员 cell or box: 张三、李四 (commas too), as the grid import reads them."""
    return _split_roles(text)


def unregistered(db: Database, names: list[str]) -> list[str]:
    """Those of ``names`` no live person has (in the order given, once each): whom a form offers to add."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        return []
    with db.session() as session:
        known = set(
            session.scalars(select(Person.name).where(Person.name.in_(wanted), Person.deleted_at.is_(None)))
        )
    return [n for n in wanted if n not in known]


def last_group_id(session: Session) -> int:
    """The highest 组 id so far: an import compares it after its rows to name the groups it added."""
    return int(session.scalar(select(func.max(VillageGroup.id))) or 0)


def groups_added_since(session: Session, last_id: int) -> list[str]:
    """``东沟村三组`` for every 组 added after ``last_id`` (in the session), in the order added."""
    rows = session.execute(
        select(Unit.name, VillageGroup.name)
        .join(Unit, Unit.id == VillageGroup.village_id)
        .where(VillageGroup.id > last_id)
        .order_by(VillageGroup.id)
    )
    return [f"{village}{group}" for village, group in rows]


# -- 单位 ---------------------------------------------------------------------------------------


IN_BEING = "在册"


def _unit_name_unique(session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    name = values.get("name")
    if name and not unique_among_live(session, Unit, "name", name, existing):
        return [FieldProblem("name", "单位名称", f"已有名为“{name}”的单位")]
    return []


def _town_in_use(session: Session) -> bool:
    """Whether the file holds any day-to-day record yet (a patrol, fire point, problem or complaint)."""
    return any(
        session.scalar(select(model.id).limit(1)) is not None
        for model in (Patrol, FirePoint, Problem, Complaint)
    )


def default_established(session: Session) -> date | None:
    """设立日期 of a unit entered without one: today. While the file holds no day-to-day record yet, none
    (早已设立): those are the town's own villages registered on the first days, before the clerk enters
    the year's earlier records, and today would leave them out of every report before it."""
    return dates.today() if _town_in_use(session) else None


def _unit_lifespan(session: Session, values: dict[str, Any], existing: Unit | None) -> list[FieldProblem]:
    """设立日期 defaults (:func:`default_established`, unless the unit comes 撤销 already: an old one);
    撤销日期 not before 设立日期; 启用 follows 撤销日期.

    Retiring a unit is giving it a 撤销日期: 启用 is kept only as its shadow (否 once 撤销), for old
    files and sheets. A sheet saying 启用=否 without a 撤销日期 retires the unit today.
    """
    if existing is None and values.get("established_date") is None and values.get("retired_date") is None:
        values["established_date"] = default_established(session)  # one entered 撤销 already: 早已设立
    if values.get("active") is False and values.get("retired_date") is None:
        values["retired_date"] = (
            existing.retired_date if existing and existing.retired_date else dates.today()
        )
    elif values.get("active") is True and "retired_date" not in values and existing is not None:
        values["retired_date"] = None  # 启用=是 brings a 撤销 unit back
    established = values.get("established_date", existing.established_date if existing else None)
    retired = values.get("retired_date", existing.retired_date if existing else None)
    if established is not None and retired is not None and retired < established:
        reason = f"不能早于设立日期 {format_iso(established)}（撤销日期为 {format_iso(retired)}）"
        return [FieldProblem("retired_date", "撤销日期", reason)]
    values["active"] = retired is None or retired > dates.today()
    return []


UNITS = RecordKind(
    name="units",
    label="单位",
    model=Unit,
    fields=(
        Field("name", "单位名称", required=True, max_len=60, aliases=("名称", "单位", "村名"), width=18),
        Field(
            "kind",
            "类别",
            T.CHOICE,
            required=True,
            choices=UNIT_KINDS,
            aliases=("类型", "单位类别"),
            width=10,
        ),
        Field("leader", "负责人", max_len=40, aliases=("联系人",), width=10),
        Field("phone", "联系电话", max_len=40, aliases=("电话", "手机"), width=14),
        Field(
            "sort_order", "排序", T.INT, min_value=0, max_value=9999, default=0, aliases=("序号",), width=6
        ),
        Field(
            "established_date",
            "设立日期",
            T.DATE,
            aliases=("成立日期", "设立时间", "成立时间"),
            width=11,
            help="新增时不填即为今天；建库之初登记的原有村（社区）可留空，表示早已设立",
        ),
        Field(
            "retired_date",
            "撤销日期",
            T.DATE,
            aliases=("撤销时间", "撤并日期", "撤销"),
            width=11,
            help="撤销（撤并）后填写：此后不再统计、不再供新记录选择，原有记录保留",
        ),
        # The shadow of 撤销日期 (see _unit_lifespan); read by nothing that counts.
        Field("active", "启用", T.BOOL, default=True, aliases=("是否启用",), in_table=False, in_form=False),
        _remark(),
    ),
    search_keys=("name", "leader", "phone"),
    identity=("name",),
    status_key="kind",
    default_sort="sort_order",
    validators=(_unit_name_unique, _unit_lifespan),
    # The 基础信息 list shows the units in being unless 含已撤销 is ticked.
    filters={IN_BEING: lambda: not_retired_by(dates.today())},
)


# -- 人员 and their roles --------------------------------------------------------------------------


def _split_roles(text: str) -> list[str]:
    """Split ``网格员、领导小组成员（党委副书记、镇长）`` on 、 outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text.replace(",", "、").replace("，", "、").replace("(", "（").replace(")", "）"):
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth = max(0, depth - 1)
        if ch == "、" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_roles(_session: Session, text: str) -> list[tuple[str, str]]:
    roles = []
    for part in _split_roles(text):
        role, _, title = part.partition("（")
        role, title = role.strip(), title.rstrip("）").strip()
        if role not in PERSON_ROLES:
            raise ValueError(f"“{role}”不是可选的身份（{'、'.join(PERSON_ROLES)}）")
        roles.append((role, title))
    return roles


def _apply_roles(session: Session, person: Person, roles: list[tuple[str, str]]) -> None:
    """Edit the roles in place, matched by role: a kept role keeps its row (its 职务 updated), a new
    one is added, a dropped one deleted — never all deleted and inserted again."""
    existing = {r.role: r for r in person.roles}
    wanted = dict(roles)
    for role, row in existing.items():
        if role not in wanted:
            person.roles.remove(row)
            if row.id is not None:
                session.delete(row)
    for role, title in wanted.items():
        if role in existing:
            existing[role].title = title
        else:
            person.roles.append(PersonRole(role=role, title=title))


ROLES_CODEC = Codec(display=lambda p: p.role_text, parse=parse_roles, apply=_apply_roles)


def _person_checks(_session: Session, values: dict[str, Any], _existing: Any | None) -> list[FieldProblem]:
    reason = phone_problem(values.get("phone") or "")
    return [FieldProblem("phone", "联系电话", reason)] if reason else []


PEOPLE = RecordKind(
    name="people",
    label="人员",
    model=Person,
    fields=(
        Field("name", "姓名", required=True, max_len=40, aliases=("人员姓名",), width=10),
        Field(
            "unit",
            "所在单位",
            T.REF,
            ref=UNIT_REF,
            aliases=("单位", "村", "所属单位", "村（社区）"),
            width=14,
        ),
        Field(
            "roles",
            "身份/职务",
            T.CUSTOM,
            codec=ROLES_CODEC,
            aliases=("身份", "角色", "职务"),
            width=26,
            help="多个身份用“、”分隔，职务写在括号里，如：网格员、领导小组成员（副镇长）",
        ),
        Field("phone", "联系电话", max_len=40, aliases=("电话", "手机", "手机号"), width=14),
        Field("active", "在岗", T.BOOL, default=True, aliases=("是否在岗", "启用"), width=6),
        _remark(),
    ),
    search_keys=("name", "phone", "unit"),
    identity=("name", "phone"),
    village_key="unit",
    default_sort="unit",
    validators=(_person_checks,),
)


# -- 网格 ---------------------------------------------------------------------------------------


def _parse_members(session: Session, text: str) -> list[int]:
    ids = []
    for name in _split_roles(text):
        found = list(
            session.scalars(select(Person.id).where(Person.name == name, Person.deleted_at.is_(None)))
        )
        if not found:
            raise ValueError(f"找不到人员“{name}”，请先在人员中登记")
        if len(found) > 1:
            raise ValueError(f"人员“{name}”有{len(found)}个同名，请在界面中选择")
        ids.append(found[0])
    return ids


def _apply_members(session: Session, grid: Grid, ids: list[int]) -> None:
    grid.members = list(session.scalars(select(Person).where(Person.id.in_(ids)))) if ids else []


MEMBERS_CODEC = Codec(
    display=lambda g: "、".join(p.name for p in g.members),
    parse=lambda s, text: _parse_members(s, text) if isinstance(text, str) else list(text),
    apply=_apply_members,
)

GRIDS = RecordKind(
    name="grids",
    label="网格",
    model=Grid,
    fields=(
        Field("name", "网格名称", required=True, max_len=60, aliases=("网格",), width=16),
        Field(
            "village", "所属村", T.REF, required=True, ref=VILLAGE_REF, aliases=("村", "村（社区）"), width=12
        ),
        Field(
            "leader",
            "网格长",
            T.REF,
            ref=PERSON_REF,
            aliases=("网格长姓名",),
            width=10,
            help="人员中登记的姓名；未登记的人可在保存时新增",
        ),
        Field(
            "members",
            "网格员",
            T.CUSTOM,
            codec=MEMBERS_CODEC,
            aliases=("网格员姓名",),
            width=24,
            help="人员中登记的姓名，多人用“、”分隔，如：张三、李四",
        ),
        _remark(),
    ),
    search_keys=("name", "village", "leader"),
    identity=("name", "village"),
    village_key="village",
    default_sort="village",
)


# -- 农户 ---------------------------------------------------------------------------------------


def _household_checks(_session: Session, values: dict[str, Any], _existing: Any | None) -> list[FieldProblem]:
    reason = phone_problem(values.get("phone") or "")
    return [FieldProblem("phone", "联系电话", reason)] if reason else []


HOUSEHOLDS = RecordKind(
    name="households",
    label="农户",
    model=Household,
    fields=(
        Field(
            "head_name", "户主姓名", required=True, max_len=40, aliases=("户主", "姓名", "户主名"), width=10
        ),
        Field(
            "village",
            "所属村",
            T.REF,
            required=True,
            ref=VILLAGE_REF,
            aliases=("村", "村名", "村（社区）"),
            width=12,
        ),
        Field("group", "组", T.REF, ref=GROUP_REF, aliases=("村民组", "小组", "组别", "村民小组"), width=8),
        Field("grid", "网格", T.REF, ref=GRID_REF, aliases=("所属网格", "网格名称"), width=12),
        Field("address", "门牌/住址", max_len=120, aliases=("住址", "地址", "门牌号", "家庭住址"), width=22),
        Field("phone", "联系电话", max_len=40, aliases=("电话", "手机", "手机号"), width=14),
        Field("members", "人口", T.INT, min_value=0, max_value=99, aliases=("家庭人口", "人口数"), width=6),
        _remark(),
    ),
    search_keys=("head_name", "address", "phone", "group", "village"),
    identity=("head_name", "village", "address"),
    village_key="village",
    default_sort="village",
    validators=(_household_checks,),
    title_key="head_name",
)


# -- 企业/场所 ------------------------------------------------------------------------------------


def _parse_credit_code(_session: Session, text: str) -> str | None:
    code = normalise_credit_code(text)
    if not code:
        return None
    reason = credit_code_problem(code)
    if reason:
        raise ValueError(reason)
    return code


def _apply_credit_code(_session: Session, obj: Enterprise, code: str | None) -> None:
    obj.credit_code = code


CREDIT_CODEC = Codec(
    display=lambda e: e.credit_code or "", parse=_parse_credit_code, apply=_apply_credit_code
)


def _enterprise_checks(session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    problems = []
    code = values.get("credit_code")
    if code and not unique_among_live(session, Enterprise, "credit_code", code, existing):
        problems.append(FieldProblem("credit_code", "统一社会信用代码", f"已有企业使用代码 {code}"))
    reason = phone_problem(values.get("phone") or "")
    if reason:
        problems.append(FieldProblem("phone", "联系电话", reason))
    return problems


ENTERPRISES = RecordKind(
    name="enterprises",
    label="企业/场所",
    model=Enterprise,
    fields=(
        Field(
            "name",
            "企业名称",
            required=True,
            max_len=100,
            aliases=("名称", "企业", "场所名称", "单位名称"),
            width=26,
        ),
        Field(
            "credit_code",
            "统一社会信用代码",
            T.CUSTOM,
            codec=CREDIT_CODEC,
            aliases=("信用代码", "社会信用代码"),
            width=22,
            help="18位，可不填；填写时按国家标准校验第18位",
        ),
        Field("village", "所在村", T.REF, ref=VILLAGE_REF, aliases=("村", "所属村", "村（社区）"), width=12),
        Field("grid", "网格", T.REF, ref=GRID_REF, aliases=("所属网格", "网格名称"), width=12),
        Field("address", "地址", max_len=120, aliases=("地点", "经营地址"), width=22),
        Field("industry", "行业", T.CHOICE, choices=INDUSTRIES, aliases=("行业类别", "类型"), width=10),
        Field("tags", "标签", T.MULTI, choices=ENTERPRISE_TAGS, aliases=("类别标签",), width=16),
        Field("legal_rep", "法定代表人", max_len=40, aliases=("法人", "负责人"), width=10),
        Field("contact", "联系人", max_len=40, width=10),
        Field("phone", "联系电话", max_len=40, aliases=("电话", "手机"), width=14),
        Field(
            "status",
            "状态",
            T.CHOICE,
            choices=ENTERPRISE_STATUSES,
            default="正常",
            aliases=("经营状态",),
            width=10,
        ),
        _remark(),
    ),
    search_keys=("name", "address", "legal_rep", "contact", "credit_code", "village"),
    identity=("name", "credit_code"),
    village_key="village",
    status_key="status",
    default_sort="village",
    validators=(_enterprise_checks,),
)


def village_id(db: Database, name: str | None) -> int | None:
    """The id of the village or community named ``name`` (None for no name); NotFoundError if none."""
    if not name:
        return None
    with db.session() as session:
        ids = ref_lookup(session, VILLAGE_REF, name)
    if not ids:
        raise NotFoundError(f"找不到村/社区“{name}”")
    return int(ids[0])


def village_category(name: str) -> str:
    """The category a village registered by an import gets unless the clerk chose one: 社区 for a
    name ending in 社区 (河西社区), 村 for any other (东沟村, 东沟)."""
    return "社区" if name.endswith("社区") else "村"


def add_village(session: Session, name: str, category: str) -> int:
    """Register the 村 or 社区 ``name`` in ``session`` (not committed) after the last village in the
    list order, and return its id; audited like any new unit, undone with the session's transaction.

    ``ValidationError`` when the name is refused (too long, or already a unit's name). Its 设立日期 stays
    empty (早已设立): the records being imported name it, so it existed on their days.
    """
    if category not in VILLAGE_KINDS:
        raise ValueError(f"村（社区）的类别只能是{'或'.join(VILLAGE_KINDS)}，不是“{category}”")
    last = session.scalar(
        select(func.max(Unit.sort_order)).where(Unit.kind.in_(VILLAGE_KINDS), Unit.deleted_at.is_(None))
    )
    order = min((last or 0) + 1, 9999)
    unit = new_record(session, UNITS, {"name": name, "kind": category, "sort_order": order})
    unit.established_date = None
    session.flush()
    return int(unit.id)
