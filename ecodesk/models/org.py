"""Organisation records (基础信息): units, grids, people, households and enterprises."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecodesk.db.base import Base, RecordMixin

UNIT_KINDS = ("村", "社区", "镇属单位", "驻镇单位", "企业主管部门")
# Villages and communities are the units that are appraised and own households.
VILLAGE_KINDS = ("村", "社区")
PERSON_ROLES = (
    "支部书记",
    "村委会主任",
    "网格员",
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

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS


grid_members = Table(
    "grid_members",
    Base.metadata,
    Column("grid_id", ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Grid(RecordMixin, Base):
    """网格: a patrol area inside one village, with its grid members."""

    __tablename__ = "grids"
    __label__ = "网格"

    name: Mapped[str] = mapped_column(String(60))
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    village: Mapped[Unit] = relationship(lazy="joined")
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


class PersonRole(Base):
    """One role of a person; ``title`` is the 职务 (e.g. 党委副书记、镇长 for a 领导小组成员)."""

    __tablename__ = "person_roles"
    __table_args__ = (Index("ix_person_roles_role", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(60), default="")
    person: Mapped[Person] = relationship(back_populates="roles")


class Household(RecordMixin, Base):
    """农户: one household of a village roster (花名册)."""

    __tablename__ = "households"
    __label__ = "农户"
    __table_args__ = (Index("ix_households_village_group", "village_id", "group_name"),)

    head_name: Mapped[str] = mapped_column(String(40), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    village: Mapped[Unit] = relationship(lazy="joined")
    group_name: Mapped[str] = mapped_column(String(20), default="")  # 组, e.g. 三组
    address: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    members: Mapped[int | None] = mapped_column(Integer, default=None)  # 人口


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

    @property
    def tag_text(self) -> str:
        return "、".join(self.tags or [])
