"""台账: every ledger kind declared once — 挂牌销号 items, and filings and logs.

A ledger kind is one :func:`declare` call: its CLI name, its Chinese name, what its entries are called,
the fields only it has and its lifecycle. The shared fields (名称, 所在村, 位置, 责任单位, 责任人, 备注,
and for a 挂牌销号 kind 状态 and the 挂牌/整治/销号 日期) are added by :func:`declare`; the kind's own
fields are kept in the entry's JSON ``data`` column (``Field.stored_in``), so the form, the table
columns, sorting, searching, the Excel import and export all follow from the declaration — adding a
kind adds no table, no migration and no screen. Each kind names the fields of its own that the list's
search box reaches (``search_keys``: 车牌号, 作业单位 …), besides the shared 名称, 位置, 责任人 and 村.

Two lifecycles (``lifecycle=``):

* :data:`LISTED_ITEMS` (裸露地块, 黑臭水体, 散乱污企业 …): a site is 挂牌 and followed until 销号;
* :data:`LOGS` (吸污车作业报备, 巡河记录): a filing or a log is kept as filed — no 状态, no 挂牌日期 and
  no buttons to move it. The date it is filed under (作业日期, 巡河日期) is declared among the kind's
  own fields under the key :data:`FILED_ON` and kept in the ``listed_date`` column, so lists, years and
  sorting work as for every kind; its entries' ``status`` is blank (``NO_STATUS``).

A 挂牌销号 kind's entries move 挂牌 → 整治中 → 销号 (挂牌 → 销号 when a site is put right at once);
the status only moves through :func:`advance`, which dates each step. A 销号 must carry its proof —
核查人, 核查情况 and at least one 整改后 photo — because a plot once closed at 覆盖率 30% the day it was
listed, with nothing to show for it. Each kind may declare what "put right" means for it
(``close_check``: 裸露地块 covered 100%, every 六个百分之百 ticked …); a 销号 against it is not
refused but needs a written reason, kept with the 核查情况. A re-inspection that finds the site back
as it was :func:`reopen` s it (重新挂牌) with a reason, which the audit log keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecodesk import dates
from ecodesk.dates import format_iso
from ecodesk.db.audit import record_event
from ecodesk.db.database import Database
from ecodesk.errors import FieldProblem, NotFoundError, ValidationError
from ecodesk.models import INDUSTRIES, Attachment, Unit
from ecodesk.models.ledger import LEDGER_STATUSES, LedgerEntry
from ecodesk.models.rectification import Problem
from ecodesk.schema import Codec, Field, FieldType, RecordKind, RefSpec
from ecodesk.services import attachments, records, rectification
from ecodesk.services.org import VILLAGE_REF

T = FieldType
LISTED, IN_HAND, CLOSED = LEDGER_STATUSES
ALLOWED: dict[str, tuple[str, ...]] = {LISTED: (IN_HAND, CLOSED), IN_HAND: (CLOSED,), CLOSED: ()}
DATA = "data"  # the JSON column holding each kind's own fields
PHOTO_BEFORE, PHOTO_AFTER = rectification.PHOTO_BEFORE, rectification.PHOTO_AFTER
OTHER_FILES = "附件"  # any other file kept with an entry (a 整改方案, a 验收单 …)
FILE_ROLES = (PHOTO_BEFORE, PHOTO_AFTER, OTHER_FILES)
REOPEN = "reopen"  # the audit log's action for 重新挂牌 (its reason is the entry's detail)
LOG_FILE_ROLES = (OTHER_FILES,)  # a filing or a log keeps files (a 作业单, a photo), not 整改前/后

# The two lifecycles a kind declares (see the module's docstring).
LISTED_ITEMS = "挂牌销号"
LOGS = "报备记录"
LIFECYCLES = (LISTED_ITEMS, LOGS)
FILED_ON = "listed_date"  # the key a log kind gives the date its entries are filed under

# What a kind calls "put right": given an entry, "" when it may be 销号 as it is, else why not
# ("覆盖率为30%，未达到100%"). A 销号 against it needs a reason.
CloseCheck = Callable[[Any], str]

UNIT_REF = RefSpec(Unit, "responsible_unit_id", sort_attr="sort_order", target_label="单位")

# Every declared kind by CLI name, in declaration order (the UI's kind selector lists them so).
LEDGER_KINDS: dict[str, RecordKind] = {}


def _current(values: Mapping[str, Any], existing: Any | None, key: str) -> Any:
    if key in values:
        return values[key]
    return getattr(existing, key) if existing is not None else None


def _lifecycle_checks(_session: Session, values: dict[str, Any], existing: Any | None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    listed = _current(values, existing, "listed_date")
    started = _current(values, existing, "started_date")
    closed = _current(values, existing, "closed_date")
    status = _current(values, existing, "status") or LISTED
    if existing is not None and "status" in values and values["status"] != existing.status:
        problems.append(FieldProblem("status", "状态", "只能通过“开始整治、销号”改变，不能直接修改"))
    if listed and started and started < listed:
        problems.append(FieldProblem("started_date", "整治日期", f"不能早于挂牌日期（{format_iso(listed)}）"))
    if listed and closed and closed < listed:
        problems.append(FieldProblem("closed_date", "销号日期", f"不能早于挂牌日期（{format_iso(listed)}）"))
    if status == CLOSED and not closed:
        problems.append(FieldProblem("closed_date", "销号日期", "状态为“销号”时必须填写"))
    if status != CLOSED and closed:
        problems.append(FieldProblem("closed_date", "销号日期", f"状态为“{status}”时不应填写"))
    return problems


_SHARED_KEYS = frozenset(
    {
        "name",
        "village",
        "address",
        "responsible_unit",
        "responsible_person",
        "status",
        "listed_date",
        "started_date",
        "closed_date",
        "verifier",
        "check_note",
        "remark",
    }
)
_SHARED_SEARCH = ("name", "address", "responsible_person", "village")


def _lifecycle_fields() -> tuple[Field, ...]:
    """状态, the 挂牌/整治/销号 dates and the 销号 proof: the fields only a 挂牌销号 kind has."""
    return (
        Field(
            "status",
            "状态",
            T.CHOICE,
            choices=LEDGER_STATUSES,
            default=LISTED,
            aliases=("挂牌状态",),
            width=8,
            in_form=False,
        ),
        Field(
            "listed_date",
            "挂牌日期",
            T.DATE,
            required=True,
            aliases=("登记日期", "建档日期", "报备日期"),
            width=11,
        ),
        Field("started_date", "整治日期", T.DATE, aliases=("开始整治日期",), width=11, in_form=False),
        Field("closed_date", "销号日期", T.DATE, width=11, in_form=False),
        Field("verifier", "核查人", max_len=40, width=8, in_form=False, in_table=False),
        Field("check_note", "核查情况", T.LONGTEXT, width=24, in_form=False, in_table=False),
    )


def _own_fields(name: str, fields: Sequence[Field], lifecycle: str) -> tuple[Field, ...]:
    """The kind's own fields, kept in the JSON column — but a log's :data:`FILED_ON` date, which
    is the ``listed_date`` column under the kind's own label."""
    if lifecycle not in LIFECYCLES:
        raise ValueError(f"ledger kind {name!r}: lifecycle {lifecycle!r} is not one of {LIFECYCLES}")
    filed_on = [f for f in fields if f.key == FILED_ON]
    if lifecycle == LOGS and (
        len(filed_on) != 1 or filed_on[0].type is not T.DATE or not filed_on[0].required
    ):
        raise ValueError(f"ledger kind {name!r}: a log declares one required date field {FILED_ON!r}")
    own = tuple(f if lifecycle == LOGS and f.key == FILED_ON else replace(f, stored_in=DATA) for f in fields)
    clash = [f.key for f in own if f.key in _SHARED_KEYS and f.stored_in is not None]
    if clash:
        raise ValueError(f"ledger kind {name!r}: fields {clash} clash with the shared fields")
    return own


def declare(
    name: str,
    label: str,
    fields: Sequence[Field],
    *,
    name_label: str = "名称",
    name_aliases: tuple[str, ...] = (),
    problem_category: str = "大气",
    extra_fields: Sequence[Field] = (),
    close_check: CloseCheck | None = None,
    identity: tuple[str, ...] = ("name", "village"),
    lifecycle: str = LISTED_ITEMS,
    search_keys: tuple[str, ...] = (),
) -> RecordKind:
    """Declare (and list in :data:`LEDGER_KINDS`) the ledger kind ``label``.

    ``fields`` are the kind's own fields (kept in the JSON column); ``extra_fields`` are derived
    display columns (``FieldType.CUSTOM`` with a codec). ``problem_category`` is the category a
    problem opened from one of its entries gets. ``close_check`` is the kind's own condition for
    销号 (see :data:`CloseCheck`); :func:`advance` evaluates it, so every front end agrees.
    ``lifecycle`` is :data:`LISTED_ITEMS` or :data:`LOGS` (a log declares its :data:`FILED_ON`
    date among ``fields`` and has no ``close_check``). ``search_keys``: the kind's own fields the
    search box reaches, searched before the shared ones.
    """
    own = _own_fields(name, fields, lifecycle)
    listed = lifecycle == LISTED_ITEMS
    if not listed and close_check is not None:
        raise ValueError(f"ledger kind {name!r}: a log has no 销号, so no close_check")
    kind = RecordKind(
        name=name,
        label=label,
        model=LedgerEntry,
        fields=(
            Field("name", name_label, required=True, max_len=100, aliases=("名称", *name_aliases), width=24),
            Field(
                "village", "所在村", T.REF, ref=VILLAGE_REF, aliases=("村", "村（社区）", "属地"), width=10
            ),
            Field("address", "位置", max_len=120, aliases=("地址", "地点", "具体位置"), width=20),
            *own,
            *extra_fields,
            Field("responsible_unit", "责任单位", T.REF, ref=UNIT_REF, aliases=("包保单位",), width=14),
            Field("responsible_person", "责任人", max_len=40, aliases=("包保责任人",), width=8),
            *(_lifecycle_fields() if listed else ()),
            Field("remark", "备注", T.LONGTEXT, max_len=2000, aliases=("说明",), width=24, in_table=False),
        ),
        search_keys=(*search_keys, *_SHARED_SEARCH),
        identity=identity,
        village_key="village",
        status_key="status" if listed else None,
        date_key="listed_date",
        default_sort="listed_date",
        validators=(_lifecycle_checks,) if listed else (),
        extra={"problem_category": problem_category, "close_check": close_check, "lifecycle": lifecycle},
        fixed={"kind": label},
    )
    for key in search_keys:
        kind.field(key)  # a misspelt key fails at import, not at the first search
    LEDGER_KINDS[name] = kind
    return kind


def has_lifecycle(kind: RecordKind) -> bool:
    """Whether ``kind``'s entries are 挂牌销号 items (else filings or logs, kept as filed)."""
    return bool(kind.extra.get("lifecycle", LISTED_ITEMS) == LISTED_ITEMS)


def file_roles(kind: RecordKind) -> tuple[str, ...]:
    """What the files kept with an entry of ``kind`` can be: 整改前/整改后 photos belong to 挂牌销号."""
    return FILE_ROLES if has_lifecycle(kind) else LOG_FILE_ROLES


def forget(name: str) -> None:
    """Drop a declared kind (tests that declare a throw-away kind clean up with this)."""
    LEDGER_KINDS.pop(name, None)


def kind_of_entry(entry: LedgerEntry) -> RecordKind:
    for kind in LEDGER_KINDS.values():
        if kind.fixed["kind"] == entry.kind:
            return kind
    raise NotFoundError(f"没有“{entry.kind}”这类台账")


# -- the kinds ------------------------------------------------------------------------------------

COVER_MEASURES = ("防尘网覆盖", "绿化", "硬化", "临时种植", "未覆盖")
SIX_HUNDRED = (
    ("fence", "周边围挡"),
    ("cover", "物料堆放覆盖"),
    ("wash", "出入车辆清洗"),
    ("harden", "路面硬化"),
    ("wet", "湿法作业"),
    ("sealed", "渣土车辆密闭运输"),
)


def _six_score(entry: Any) -> str:
    data = entry.data or {}
    done = sum(1 for key, _label in SIX_HUNDRED if data.get(key))
    return f"{done}/{len(SIX_HUNDRED)}"


def _derived(_session: Session, _text: str) -> None:
    return None  # read back from an export: ignored, it is computed


# -- what "put right" means for each kind (the 销号 conditions) --------------------------------------


def _data(entry: Any) -> dict[str, Any]:
    return dict(entry.data or {})


def _number(value: Any) -> str:
    return records.number_text(float(value))


def _bare_land_done(entry: Any) -> str:
    rate = _data(entry).get("cover_rate")
    if rate is None:
        return "未填写覆盖率"
    return "" if float(rate) >= 100 else f"覆盖率为{_number(rate)}%，未达到100%"


def _black_water_done(entry: Any) -> str:
    return "" if _data(entry).get("measures") else "未填写治理措施"


def _disposal_done(entry: Any) -> str:
    return "" if _data(entry).get("disposal") else "未填写整治方式"


def _livestock_done(entry: Any) -> str:
    data = _data(entry)
    if data.get("ban_zone") and (data.get("stock") or 0) > 0:
        return f"位于禁养区，仍存栏{_number(data['stock'])}头/只"
    if data.get("manure") in (None, "无"):
        return "粪污处理方式为“无”或未填写"
    return ""


def _six_done(entry: Any) -> str:
    data = _data(entry)
    missing = [label for key, label in SIX_HUNDRED if not data.get(key)]
    if not missing:
        return ""
    return f"六个百分之百仅落实{_six_score(entry)}（未落实：{'、'.join(missing)}）"


def _boiler_done(entry: Any) -> str:
    conversion = _data(entry).get("conversion")
    return "" if conversion and conversion != "未改造" else "改造方式为“未改造”或未填写"


def _ignore(_session: Session, _obj: Any, _value: Any) -> None:
    return None


BARE_LAND = declare(
    "bare_land",
    "裸露地块",
    (
        Field(
            "area",
            "面积（㎡）",
            T.FLOAT,
            min_value=0,
            aliases=("面积", "面积(平方米)", "面积（平方米）"),
            width=10,
        ),
        Field(
            "land_type",
            "地块类型",
            T.CHOICE,
            choices=("建设用地", "拆迁地块", "闲置地块", "道路施工", "其他"),
            width=10,
        ),
        Field("cover_measure", "覆盖措施", T.CHOICE, choices=COVER_MEASURES, aliases=("抑尘措施",), width=10),
        Field("cover_rate", "覆盖率（%）", T.FLOAT, min_value=0, max_value=100, aliases=("覆盖率",), width=8),
    ),
    name_label="地块名称",
    name_aliases=("地块",),
    close_check=_bare_land_done,
)
BLACK_WATER = declare(
    "black_water",
    "黑臭水体",
    (
        Field("water_type", "水体类型", T.CHOICE, choices=("河流", "沟渠", "坑塘", "其他"), width=8),
        Field("length_m", "长度（米）", T.FLOAT, min_value=0, aliases=("长度", "长度(m)"), width=9),
        Field("area", "面积（㎡）", T.FLOAT, min_value=0, aliases=("面积",), width=9),
        Field("cause", "污染成因", max_len=200, aliases=("成因",), width=18),
        Field("river_chief", "河长", max_len=40, aliases=("责任河长",), width=8),
        Field("measures", "治理措施", T.LONGTEXT, max_len=1000, aliases=("整治措施",), width=24),
    ),
    name_label="水体名称",
    name_aliases=("水体",),
    problem_category="水",
    close_check=_black_water_done,
    search_keys=("river_chief",),
)
SCATTERED = declare(
    "scattered_polluters",
    "散乱污企业",
    (
        Field("industry", "行业", T.CHOICE, choices=INDUSTRIES, aliases=("行业类别",), width=8),
        Field("owner", "负责人", max_len=40, aliases=("法人", "经营者"), width=8),
        Field(
            "issues",
            "存在问题",
            T.MULTI,
            choices=("无环评手续", "无污染治理设施", "不符合产业政策", "无营业执照", "不符合规划"),
            width=20,
        ),
        Field(
            "disposal",
            "整治方式",
            T.CHOICE,
            required=True,
            choices=("关闭淘汰", "整治规范", "搬迁入园"),
            aliases=("处置方式", "整治类型"),
            width=10,
        ),
    ),
    name_label="企业名称",
    name_aliases=("企业", "场所名称"),
    close_check=_disposal_done,
    search_keys=("owner",),
)
LIVESTOCK = declare(
    "livestock_farms",
    "畜禽养殖场",
    (
        Field(
            "species",
            "养殖品种",
            T.CHOICE,
            choices=("生猪", "牛", "羊", "蛋鸡", "肉鸡", "鸭", "其他"),
            aliases=("品种",),
            width=8,
        ),
        Field("stock", "存栏量（头/只）", T.INT, min_value=0, aliases=("存栏量", "存栏"), width=10),
        Field("scale", "规模", T.CHOICE, choices=("规模养殖场", "养殖专业户", "散养户"), width=10),
        Field(
            "manure",
            "粪污处理方式",
            T.CHOICE,
            choices=("干清粪堆肥", "沼气池", "还田利用", "委托处理", "无"),
            aliases=("粪污处理",),
            width=12,
        ),
        Field("ban_zone", "位于禁养区", T.BOOL, default=False, aliases=("是否禁养区",), width=8),
    ),
    name_label="养殖场名称",
    name_aliases=("养殖场", "养殖户"),
    problem_category="水",
    close_check=_livestock_done,
)
CONSTRUCTION = declare(
    "construction_dust",
    "建筑工地扬尘",
    (
        Field("builder", "施工单位", max_len=100, width=18),
        Field("area", "占地面积（㎡）", T.FLOAT, min_value=0, aliases=("面积", "占地面积"), width=10),
        # 六个百分之百: each checked item of the dust-control checklist.
        *(Field(key, label, T.BOOL, default=False, width=8) for key, label in SIX_HUNDRED),
    ),
    name_label="项目名称",
    name_aliases=("工地名称", "工程名称"),
    extra_fields=(
        Field(
            "six_score",
            "六个百分之百",
            T.CUSTOM,
            codec=Codec(_six_score, _derived, _ignore),
            width=10,
            in_form=False,
        ),
    ),
    close_check=_six_done,
    search_keys=("builder",),
)
COAL_SHOPS = declare(
    "coal_shops",
    "散煤销售点",
    (
        Field("owner", "经营者", max_len=40, aliases=("负责人",), width=8),
        Field("coal_type", "煤种", T.CHOICE, choices=("洁净型煤", "兰炭", "原煤", "其他"), width=8),
        Field("annual_tons", "年销量（吨）", T.FLOAT, min_value=0, aliases=("年销量",), width=9),
        Field("licensed", "证照齐全", T.BOOL, default=False, width=8),
        Field("disposal", "整治方式", T.CHOICE, choices=("依法取缔", "规范经营", "纳入配送网点"), width=10),
    ),
    name_label="销售点名称",
    name_aliases=("销售点",),
    close_check=_disposal_done,
    search_keys=("owner",),
)
COAL_BOILERS = declare(
    "coal_boilers",
    "燃煤锅炉",
    (
        Field("owner", "使用单位", max_len=100, width=16),
        Field("tonnage", "蒸吨（t/h）", T.FLOAT, min_value=0, aliases=("蒸吨", "吨位"), width=8),
        Field("use", "用途", T.CHOICE, choices=("供暖", "生产", "洗浴", "其他"), width=6),
        Field("conversion", "改造方式", T.CHOICE, choices=("煤改电", "煤改气", "拆除", "未改造"), width=8),
    ),
    name_label="锅炉名称",
    name_aliases=("锅炉",),
    close_check=_boiler_done,
    search_keys=("owner",),
)
SUCTION_TRUCKS = declare(
    "suction_trucks",
    "吸污车作业报备",
    (
        Field("plate", "车牌号", required=True, max_len=12, aliases=("车牌",), width=10),
        Field("company", "作业单位", max_len=100, aliases=("吸污单位",), width=16),
        Field(FILED_ON, "作业日期", T.DATE, required=True, aliases=("作业时间", "报备日期"), width=11),
        Field("source_place", "吸污地点", max_len=120, width=16),
        Field("disposal_place", "处置地点", max_len=120, aliases=("倾倒地点",), width=16),
        Field("volume", "方量（m³）", T.FLOAT, min_value=0, aliases=("方量",), width=8),
        Field("reporter", "报备人", max_len=40, aliases=("驾驶员", "司机"), width=8),
    ),
    name_label="报备事项",
    identity=("plate", FILED_ON, "source_place"),
    name_aliases=("事项",),
    problem_category="水",
    lifecycle=LOGS,
    search_keys=("plate", "company", "reporter", "source_place", "disposal_place"),
)
RIVER_PATROLS = declare(
    "river_patrols",
    "巡河记录",
    (
        Field(
            "river",
            "河流/河段",
            required=True,
            max_len=60,
            aliases=("河道名称", "河道", "河流", "河段"),
            width=12,
        ),
        Field(FILED_ON, "巡河日期", T.DATE, required=True, aliases=("日期",), width=11),
        Field("patroller", "巡河人", max_len=40, aliases=("河长",), width=8),
        Field("distance_km", "巡河里程（km）", T.FLOAT, min_value=0, aliases=("里程",), width=9),
        Field("findings", "发现问题", T.LONGTEXT, max_len=1000, width=24),
        Field("handling", "处理情况", T.LONGTEXT, max_len=1000, width=24),
    ),
    name_label="巡河事项",
    identity=("river", FILED_ON, "patroller"),
    name_aliases=("事项",),
    problem_category="水",
    lifecycle=LOGS,
    search_keys=("river", "patroller", "findings"),
)


# -- the lifecycle --------------------------------------------------------------------------------


def _live(session: Session, entry_id: int) -> LedgerEntry:
    entry = session.get(LedgerEntry, entry_id)
    if entry is None or entry.deleted_at is not None:
        raise NotFoundError(f"台账记录（编号 {entry_id}）不存在或已删除")
    return entry


def _listed_item(session: Session, entry_id: int) -> LedgerEntry:
    """A live entry of a 挂牌销号 kind: a filing or a log has no status to move."""
    entry = _live(session, entry_id)
    if not has_lifecycle(kind_of_entry(entry)):
        raise ValidationError.single(
            "status", "状态", f"{entry.kind}是报备记录，没有挂牌、整治、销号（“{entry.name}”按报备原样保存）"
        )
    return entry


def get_entry(db: Database, entry_id: int) -> LedgerEntry:
    """One entry of any kind (deleted ones too: the detail pane shows them)."""
    with db.session() as session:
        entry = session.get(LedgerEntry, entry_id)
        if entry is None:
            raise NotFoundError(f"台账记录（编号 {entry_id}）不存在")
        return entry


def close_shortfall(entry: Any) -> str:
    """Why ``entry`` does not meet its kind's 销号 condition ("" when it does, or the kind has none).

    ``entry`` is a :class:`LedgerEntry` or anything with its ``kind`` and ``data`` (the demo checks
    the rows it plans before writing them)."""
    check: CloseCheck | None = kind_of_entry(entry).extra.get("close_check")
    return check(entry) if check is not None else ""


def proof_problems(
    verifier: str, note: str, photos_after: int, shortfall: str, reason: str
) -> list[FieldProblem]:
    """What a 销号 lacks of its proof (nothing when it may be made): 核查人, 核查情况, a 整改后 photo,
    and a reason when the entry falls short of its kind's condition (``shortfall``)."""
    problems: list[FieldProblem] = []
    if not verifier.strip():
        problems.append(FieldProblem("verifier", "核查人", "销号须填写核查人"))
    if not note.strip():
        problems.append(FieldProblem("check_note", "核查情况", "销号须写明现场核查情况"))
    if not photos_after:
        problems.append(FieldProblem("photos", "整改后照片", "销号须先添加至少一张整改后照片"))
    if shortfall and not reason.strip():
        problems.append(
            FieldProblem("reason", "未达标原因", f"{shortfall}，不符合销号条件；确需销号的，请写明原因")
        )
    return problems


def closing_note(note: str, shortfall: str, reason: str) -> str:
    """The 核查情况 a 销号 keeps: the note, and a 销号 short of the condition says so and why."""
    return note + (f"\n（未达标销号：{shortfall}。原因：{reason}）" if shortfall else "")


def close_warning(db: Database, entry_id: int) -> str:
    """What a 销号 dialog warns of before it is made: the kind's condition not met, if so."""
    with db.session() as session:
        return close_shortfall(_listed_item(session, entry_id))


def advance(
    db: Database,
    entry_id: int,
    to_status: str,
    on_date: date | None = None,
    *,
    verifier: str = "",
    check_note: str = "",
    reason: str = "",
) -> LedgerEntry:
    """开始整治 (→ 整治中) or 销号, dated ``on_date`` (default today); other moves are refused.

    销号 needs the proof: ``verifier`` (核查人), ``check_note`` (核查情况) and at least one 整改后
    photo. When the entry falls short of its kind's condition (:func:`close_shortfall`), 销号 also
    needs ``reason``; the shortfall and the reason are kept at the end of the 核查情况.
    """
    on_date = on_date or dates.today()
    with db.session() as session:
        entry = _listed_item(session, entry_id)
        _check_move(entry, to_status, on_date)
        if to_status == IN_HAND:
            entry.started_date = on_date
        else:
            _close(session, entry, on_date, verifier.strip(), check_note.strip(), reason.strip())
        entry.status = to_status
        session.flush()
        return records.get_in(session, kind_of_entry(entry), entry_id)  # type: ignore[no-any-return]


def check_close(
    db: Database,
    entry_id: int,
    on_date: date | None = None,
    *,
    verifier: str = "",
    check_note: str = "",
    reason: str = "",
    photos_to_add: int = 0,
) -> None:
    """Raise what :func:`advance` to 销号 would refuse, counting ``photos_to_add`` 整改后 photos about
    to be added: a front end that adds the photos and then closes (the command line) checks first,
    so that a refused 销号 leaves no photo behind."""
    with db.session() as session:
        entry = _listed_item(session, entry_id)
        _check_move(entry, CLOSED, on_date or dates.today())
        photos = _photos_after(session, entry.id) + photos_to_add
        problems = proof_problems(verifier, check_note, photos, close_shortfall(entry), reason)
        if problems:
            raise ValidationError(problems)


def _check_move(entry: LedgerEntry, to_status: str, on_date: date) -> None:
    allowed = ALLOWED.get(entry.status, ())
    if to_status not in allowed:
        why = (
            "已销号的台账不能再改变状态，复查发现反弹请用“重新挂牌”"
            if not allowed
            else "只能改为" + "或".join(f"“{s}”" for s in allowed)
        )
        raise ValidationError.single(
            "status",
            "状态",
            f"{entry.kind}“{entry.name}”当前为“{entry.status}”，不能改为“{to_status}”（{why}）",
        )
    if on_date < entry.listed_date:
        raise ValidationError.single(
            "on_date", "日期", f"不能早于挂牌日期（{format_iso(entry.listed_date)}）"
        )


def _photos_after(session: Session, entry_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(
                Attachment.owner_table == LedgerEntry.__tablename__,
                Attachment.owner_id == entry_id,
                Attachment.role == PHOTO_AFTER,
                Attachment.deleted_at.is_(None),
            )
        )
        or 0
    )


def _close(
    session: Session, entry: LedgerEntry, on_date: date, verifier: str, note: str, reason: str
) -> None:
    shortfall = close_shortfall(entry)
    problems = proof_problems(verifier, note, _photos_after(session, entry.id), shortfall, reason)
    if problems:
        raise ValidationError(problems)
    entry.verifier = verifier
    entry.check_note = closing_note(note, shortfall, reason)
    entry.closed_date = on_date


def reopen(db: Database, entry_id: int, reason: str, on_date: date | None = None) -> LedgerEntry:
    """重新挂牌: a 销号 entry found back as it was goes back to 挂牌; the reason is required.

    The 整治/销号 dates and the 核查人/核查情况 of the closing are cleared (the audit log keeps them),
    and the reason is logged as a 重新挂牌 event in the entry's 修改记录.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError.single("reason", "重新挂牌原因", "必须填写")
    on_date = on_date or dates.today()
    with db.session() as session:
        entry = _listed_item(session, entry_id)
        if entry.status != CLOSED:
            raise ValidationError.single(
                "status", "状态", f"{entry.kind}“{entry.name}”当前为“{entry.status}”，未销号，不需重新挂牌"
            )
        if entry.closed_date is not None and on_date < entry.closed_date:
            raise ValidationError.single(
                "on_date", "日期", f"不能早于销号日期（{format_iso(entry.closed_date)}）"
            )
        entry.status = LISTED
        entry.started_date = None
        entry.closed_date = None
        entry.verifier = ""
        entry.check_note = ""
        session.flush()
        record_event(session, entry, REOPEN, detail=f"{format_iso(on_date)}重新挂牌：{reason}")
        return records.get_in(session, kind_of_entry(entry), entry_id)  # type: ignore[no-any-return]


# -- photos and other files -----------------------------------------------------------------------


def add_file(db: Database, entry_id: int, path: Path, role: str) -> Attachment:
    """Keep a 整改前/整改后 photo or another file (附件) with an entry (copied into the store);
    a filing or a log keeps 附件 only (:func:`file_roles`)."""
    with db.session() as session:
        roles = file_roles(kind_of_entry(_live(session, entry_id)))
    if role not in roles:
        raise ValidationError.single("role", "类别", f"应为{'、'.join(roles)}之一")
    return attachments.add_file(db, path, LedgerEntry.__tablename__, entry_id, role=role)


def files(db: Database, entry_id: int) -> dict[str, list[Attachment]]:
    """An entry's photos and files by role: {"整改前": [...], "整改后": [...], "附件": [...]}."""
    return attachments.by_role(db, LedgerEntry.__tablename__, entry_id, FILE_ROLES, unnamed=OTHER_FILES)


def _needs_work(entry: LedgerEntry) -> str:
    status = f"（{entry.status}）" if has_lifecycle(kind_of_entry(entry)) and entry.status else ""
    return f"{entry.kind}“{entry.name}”需整治{status}"


def open_problem(
    db: Database,
    entry_id: int,
    *,
    description: str = "",
    found_date: date | None = None,
    deadline: date | None = None,
    source: str = "巡查发现",
    measures: str = "",
) -> Problem:
    """Open a rectification problem for a ledger entry in one step, linked to it.

    The place, village, responsible unit and person come from the entry; the category from its kind.
    """
    with db.session() as session:
        entry = _live(session, entry_id)
        kind = kind_of_entry(entry)
        found = found_date or dates.today()
        raw: dict[str, Any] = {
            "found_date": found,
            "source": source,
            "village": entry.village_id,
            "place": entry.name,
            "category": kind.extra.get("problem_category", ""),
            "description": description.strip() or _needs_work(entry),
            "responsible_unit": entry.responsible_unit_id,
            "responsible_person": entry.responsible_person,
            "measures": measures,
            "deadline": deadline or found + timedelta(days=15),
        }
        problem = rectification.add_problem(session, raw, ledger_entry_id=entry.id)
        session.flush()
        return rectification.load_problem(session, problem.id)
