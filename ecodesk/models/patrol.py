"""巡查 patrol logs and 火点 fire points (SPEC §3 巡查).

A patrol is one line of the paper 巡查记录: who went where, when, what they found and did. Fire points
are kept one row each, whether a patrol found them or a satellite/drone notice reported them, so the
monthly counts, the appraisal deductions and "open a problem" all work on the same rows. A patrol's
``fire_count`` is what the clerk types; its fire-point rows follow it (``ecodesk.services.patrols``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecodesk.db.base import Base, RecordMixin
from ecodesk.models import sort_keys
from ecodesk.models.org import Grid, Person, Unit

PATROL_KINDS = ("禁烧巡查", "巡河", "扬尘检查", "护林防火", "企业检查", "明察暗访", "夜查", "联合执法")
FIRE_SOURCES = ("巡查发现", "卫星遥感", "无人机巡查", "上级通报", "群众举报")
FIRE_STATUSES = ("已扑灭", "处置中", "未处置")
# 处理结果 of a fire point: what was done to whoever lit it.
FIRE_OUTCOMES = ("处罚", "教育", "移交执法", "未查明")


class PatrolPerson(Base):
    """One patroller of a patrol; ``position`` keeps the order of the paper form (the leader first)."""

    __tablename__ = "patrol_people"
    __table_args__ = (Index("ix_patrol_people_person", "person_id"),)

    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrols.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    person: Mapped[Person] = relationship(lazy="joined")


patrol_people = PatrolPerson.__table__


@sort_keys.maintain
class Patrol(RecordMixin, Base):
    """巡查记录: one patrol of one village (or grid) on one day."""

    __tablename__ = "patrols"
    __label__ = "巡查记录"
    # Every column of the ten-year list sorts through an index (revision 0013): text by its maintained
    # pinyin key, 村 and 网格 by their target's rows, 火点数 by itself.
    __sort_keys__ = ("kind", "place", "findings", "measures")
    __audit_exclude__ = RecordMixin.__audit_exclude__ | {
        "kind_key",
        "place_key",
        "findings_key",
        "measures_key",
    }
    __table_args__ = (
        # The daily report, the duplicate check and every per-village list read by (village, date).
        Index("ix_patrols_village_date", "village_id", "date"),
        # The list's own order (newest first) over live rows: read in index order, never sorted
        # (revision 0008; covering since 0013).
        Index("ix_patrols_live_date", "date", "id", "deleted_at", sqlite_where=text("deleted_at IS NULL")),
        *(sort_keys.key_index("patrols", c) for c in __sort_keys__),
        *(sort_keys.ref_index("patrols", c) for c in ("village_id", "grid_id")),
        sort_keys.order_index("patrols", "fire_count"),
    )

    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[str] = mapped_column(String(5), default="")  # 08:30
    end_time: Mapped[str] = mapped_column(String(5), default="")
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    village: Mapped[Unit] = relationship(lazy="joined")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True, default=None)
    grid: Mapped[Grid | None] = relationship(lazy="joined")
    kind: Mapped[str] = mapped_column(String(12), index=True)
    place: Mapped[str] = mapped_column(String(200), default="")  # 路线或地点
    findings: Mapped[str] = mapped_column(Text, default="")  # 发现问题; empty: 未发现问题
    fire_count: Mapped[int] = mapped_column(Integer, default=0)
    measures: Mapped[str] = mapped_column(Text, default="")  # 处置措施
    # The rectification problem opened from the findings (no foreign key: see FirePoint.problem_id).
    problem_id: Mapped[int | None] = mapped_column(Integer, default=None)
    kind_key: Mapped[bytes] = sort_keys.key_column("kind")
    place_key: Mapped[bytes] = sort_keys.key_column("place")
    findings_key: Mapped[bytes] = sort_keys.key_column("findings")
    measures_key: Mapped[bytes] = sort_keys.key_column("measures")
    crew: Mapped[list[PatrolPerson]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=PatrolPerson.position
    )
    fire_points: Mapped[list[FirePoint]] = relationship(
        back_populates="patrol", lazy="select", order_by="FirePoint.id"
    )

    @property
    def patrollers(self) -> list[Person]:
        """The patrollers in the order they were given."""
        return [c.person for c in self.crew]

    @property
    def patroller_text(self) -> str:
        return "、".join(p.name for p in self.patrollers)

    @property
    def time_text(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.start_time}—{self.end_time}"
        return self.start_time or self.end_time


class FirePoint(RecordMixin, Base):
    """火点: a burning spot found by a patrol or reported by a satellite/drone notice."""

    __tablename__ = "fire_points"
    __label__ = "火点"
    __table_args__ = (Index("ix_fire_points_village_date", "village_id", "date"),)

    date: Mapped[date] = mapped_column(Date, index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    village: Mapped[Unit] = relationship(lazy="joined")
    source: Mapped[str] = mapped_column(String(10), index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    notice_no: Mapped[str] = mapped_column(String(60), default="")  # 通报编号 / 卫星火点编号
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(6), default="已扑灭")
    # What a 火点 report asks for (revision 0010): 发现时间 on ``date``, 扑灭时间 (may be the next day),
    # 过火面积 in 亩, 处理结果 (FIRE_OUTCOMES) and 责任人.
    found_time: Mapped[str] = mapped_column(String(5), default="", server_default="")  # 14:20
    extinguished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    burned_area: Mapped[float | None] = mapped_column(Float, default=None)
    outcome: Mapped[str] = mapped_column(String(10), default="", server_default="")
    responsible_person: Mapped[str] = mapped_column(String(40), default="", server_default="")
    patrol_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrols.id", ondelete="CASCADE"), index=True, default=None
    )
    patrol: Mapped[Patrol | None] = relationship(back_populates="fire_points")
    # The rectification problem opened for it. No foreign key: problems belong to another module and a
    # problem is never hard-deleted, so the id stays meaningful.
    problem_id: Mapped[int | None] = mapped_column(Integer, default=None)
