"""Organisation records (基础信息): units, grids, people, households and enterprises."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ecodesk.cn_numbers import parse_cn_int
from ecodesk.db.base import AuditedChild, Base, RecordMixin
from ecodesk.models import sort_keys

UNIT_KINDS = ("村", "社区", "镇属单位", "驻镇单位", "企业主管部门")
# Villages and communities are the units that are appraised and own households.
VILLAGE_KINDS = ("村", "社区")
PERSON_ROLES = (
    "支部书记",
    "村委会主任",
    "网格员",
    "网格长",
    "护林员",
    "河长",
    "保洁员",
    "巡查员",
    "包村干部",
    "领导小组成员",
)
INDUSTRIES = (
    "砖瓦",
    "家具",
    "食品",
    "印刷包装",
    "洗储煤",
    "建材",
    "加油站",
    "汽修",
    "餐饮",
    "养殖",
    "工地",
    "化工",
    "其他",
)
ENTERPRISE_TAGS = ("重点企业", "散乱污", "信访涉及")
ENTERPRISE_STATUSES = ("正常", "整治规范", "关闭淘汰", "停产")


class Unit(RecordMixin, Base):
    """单位: a village, community, town office or unit stationed in the town."""

    __tablename__ = "units"
    __label__ = "单位"

    name: Mapped[str] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    leader: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # 设立日期 / 撤销日期: a unit counts in reports, coverage and appraisal only for the days it existed.
    # None for 设立 means "before any record" (units entered before revision 0010); None for 撤销, still in
    # being. A retired unit keeps its rows and its history.
    established_date: Mapped[date | None] = mapped_column(Date, default=None)
    retired_date: Mapped[date | None] = mapped_column(Date, default=None)

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS

    def existed_on(self, day: date) -> bool:
        """Whether the unit existed on ``day`` (设立 on or before it, not yet 撤销)."""
        if self.established_date is not None and day < self.established_date:
            return False
        return self.retired_date is None or day < self.retired_date


grid_members = Table(
    "grid_members",
    Base.metadata,
    Column("grid_id", ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


@sort_keys.maintain
class Grid(RecordMixin, Base):
    """网格: a patrol area inside one village, with its grid members."""

    __tablename__ = "grids"
    __label__ = "网格"
    # The name's pinyin key: the long lists sorted by 网格 walk the grids in this order.
    __sort_keys__ = ("name",)
    __audit_exclude__ = RecordMixin.__audit_exclude__ | {"name_key"}

    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[bytes] = sort_keys.key_column("name")
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    village: Mapped[Unit] = relationship(lazy="joined")
    # 网格长: the person answerable for the grid (reference 003 names one per village grid).
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True, default=None)
    leader: Mapped[Person | None] = relationship(foreign_keys=[leader_id], lazy="joined")
    members: Mapped[list[Person]] = relationship(
        secondary=grid_members, lazy="selectin", order_by="Person.id"
    )


class Person(RecordMixin, Base):
    """人员: anyone the office works with: village cadres, grid members, patrollers, leaders."""

    __tablename__ = "people"
    __label__ = "人员"

    name: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, default=None)
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin", order_by="PersonRole.id"
    )

    @property
    def role_text(self) -> str:
        """``网格员、河长`` — roles joined the Chinese way, with 职务 where given."""
        return "、".join(r.role + (f"（{r.title}）" if r.title else "") for r in self.roles)


class PersonRole(AuditedChild, Base):
    """One role of a person; ``title`` is the 职务 (e.g. 党委副书记、镇长 for a 领导小组成员).
    Logged under the person, so their 修改记录 shows a role added, dropped or its 职务 changed."""

    __tablename__ = "person_roles"
    __label__ = "身份"
    __audit_fields__ = {"title": "职务"}
    __table_args__ = (Index("ix_person_roles_role", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(60), default="")
    person: Mapped[Person] = relationship(back_populates="roles")

    def audit_owner(self, session: Session) -> tuple[str, int] | None:
        person = session.get(Person, self.person_id) if self.person_id is not None else None
        if person is None or person in session.deleted:
            return None
        return (Person.__tablename__, person.id)

    def audit_name(self) -> str:
        return self.role

    def audit_summary(self) -> str:
        return self.role + (f"（{self.title}）" if self.title else "")


_GROUP_AFFIX = re.compile(r"^第?(.*?)(?:村民小组|居民小组|小组|组)?$")


def group_number(name: str) -> int | None:
    """The number of a 组 however a roster writes it: 三组, 3组, 第三组, 第3组, 三, 三村民小组 → 3."""
    core = _GROUP_AFFIX.match(unicodedata.normalize("NFKC", name).strip().replace(" ", ""))
    text = core.group(1) if core else ""
    if text.isdigit():
        return int(text)
    return parse_cn_int(text)


def group_match_key(name: str) -> str:
    """What makes two spellings one 组: its number when it has one, else the name without spaces."""
    number = group_number(name)
    return (
        f"#{number}" if number is not None else unicodedata.normalize("NFKC", name).replace(" ", "").strip()
    )


class VillageGroup(RecordMixin, Base):
    """组 (村民小组): a group of one village's households, a record of that village (chosen, not typed)."""

    __tablename__ = "village_groups"
    __label__ = "组"
    __table_args__ = (Index("ix_village_groups_village_order", "village_id", "sort_order"),)

    name: Mapped[str] = mapped_column(String(20))
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    village: Mapped[Unit] = relationship(lazy="joined")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)  # the 组's number: 二组 before 十组


@sort_keys.maintain
class Household(RecordMixin, Base):
    """农户: one household of a village roster (花名册)."""

    __tablename__ = "households"
    __label__ = "农户"
    # Every column of the 200,000-row list sorts through an index (revision 0013): text by its
    # maintained pinyin key, references by their target's rows, 人口 by itself.
    __sort_keys__ = ("head_name", "address", "phone")
    __audit_exclude__ = RecordMixin.__audit_exclude__ | {"head_name_key", "address_key", "phone_key"}
    __table_args__ = (
        Index("ix_households_village_group", "village_id", "group_id"),
        *(sort_keys.key_index("households", c) for c in __sort_keys__),
        *(sort_keys.ref_index("households", c) for c in ("village_id", "group_id", "grid_id")),
        sort_keys.order_index("households", "members"),
    )

    head_name: Mapped[str] = mapped_column(String(40), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    village: Mapped[Unit] = relationship(lazy="joined")
    # 组: one of the village's groups (its name lives there, so 三组 and 3组 are one group).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("village_groups.id"), default=None)
    group: Mapped[VillageGroup | None] = relationship(lazy="joined")
    address: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    members: Mapped[int | None] = mapped_column(Integer, default=None)  # 人口
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True, default=None)
    grid: Mapped[Grid | None] = relationship(lazy="joined")
    head_name_key: Mapped[bytes] = sort_keys.key_column("head_name")
    address_key: Mapped[bytes] = sort_keys.key_column("address")
    phone_key: Mapped[bytes] = sort_keys.key_column("phone")


class Enterprise(RecordMixin, Base):
    """企业/场所: an enterprise, workshop, site or shop the office supervises."""

    __tablename__ = "enterprises"
    __label__ = "企业/场所"

    name: Mapped[str] = mapped_column(String(100), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), default=None, index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, default=None)
    village: Mapped[Unit | None] = relationship(lazy="joined")
    address: Mapped[str] = mapped_column(String(120), default="")
    industry: Mapped[str] = mapped_column(String(20), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_rep: Mapped[str] = mapped_column(String(40), default="")
    contact: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(10), default="正常")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True, default=None)
    grid: Mapped[Grid | None] = relationship(lazy="joined")

    @property
    def tag_text(self) -> str:
        return "、".join(self.tags or [])
