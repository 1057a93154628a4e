"""Realistic demo data: a fictional town to learn the program on, and the data behind tests and benches.

``generate`` fills an *empty* data file: demo records must never mix with a clerk's real ones, so a
file that already has organisation records is refused. The same seed always gives the same town.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecodesk.db.audit import SKIP_AUDIT_KEY
from ecodesk.db.database import Database
from ecodesk.demo import appraisal as appraisal_demo
from ecodesk.demo import documents as documents_demo
from ecodesk.demo import letters as letters_demo
from ecodesk.demo import patrols as patrol_demo
from ecodesk.demo import rectification as rectification_demo
from ecodesk.demo import targets as targets_demo
from ecodesk.demo.org import SCALES, DemoTown, ScaleSpec, build_org
from ecodesk.demo.vocab import load_vocabulary
from ecodesk.errors import EcoDeskError
from ecodesk.jobs import Job
from ecodesk.models import Enterprise, Grid, Household, Person, Unit
from ecodesk.services import settings

__all__ = ["SCALES", "DemoSummary", "DemoTown", "ScaleSpec", "generate"]


@dataclass
class DemoSummary:
    """What was generated, for the message the clerk sees afterwards."""

    units: int = 0
    grids: int = 0
    people: int = 0
    households: int = 0
    enterprises: int = 0
    town: str = ""
    # Records added by later generators (patrols, problems …): (label, count, measure word).
    more: list[tuple[str, int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"单位 {self.units:,} 个",
            f"网格 {self.grids:,} 个",
            f"人员 {self.people:,} 人",
            f"农户 {self.households:,} 户",
            f"企业/场所 {self.enterprises:,} 家",
        ]
        parts += [f"{label} {count:,} {word}" for label, count, word in self.more]
        return "，".join(parts)


def _refuse_unless_empty(session: Session) -> None:
    for model in (Unit, Person, Grid, Household, Enterprise):
        if session.scalar(select(func.count()).select_from(model)):
            raise EcoDeskError(
                "这个数据文件里已经有单位、人员或农户等基础信息，不能再载入演示数据"
                "（演示数据不能和真实数据混在一起）。请新建一个空的数据文件后再载入。"
            )


def generate(db: Database, scale: str = "small", seed: int = 2024, job: Job | None = None) -> DemoSummary:
    """Fill an empty data file with a demo town of the given scale (small, town or decade).

    All records are written in one transaction: cancelling through ``job`` or any error leaves the
    file exactly as it was. The town keeps the name already set up in the file, if any.
    """
    spec = SCALES.get(scale)
    if spec is None:
        raise EcoDeskError(f"没有“{scale}”这种演示数据规模（可选：{'、'.join(SCALES)}）")
    vocab = load_vocabulary()
    current = settings.load(db)
    town_name = current.town_name or str(vocab.places["town"]["name"])
    rng = random.Random(seed)
    total = spec.households + spec.enterprises + 15 * (spec.villages + spec.communities) + 60
    total += patrol_demo.expected_rows(spec)
    total += rectification_demo.expected_rows(spec)
    total += letters_demo.expected_rows(spec)
    total += documents_demo.expected_rows(spec)
    total += appraisal_demo.expected_rows(spec)
    total += targets_demo.expected_rows(spec)
    done = 0

    def progress(rows: int, message: str) -> None:
        nonlocal done
        done = min(total, done + rows)
        if job is not None:
            job.report(done, total, message)

    progress(0, "正在准备演示数据…")
    # IMMEDIATE: nobody can add a real record between the emptiness check and the inserts.
    with db.session(immediate=True) as session:
        session.info[SKIP_AUDIT_KEY] = True  # tens of thousands of insert entries would bury real history
        _refuse_unless_empty(session)
        town = build_org(session, spec, vocab, rng, town_name, db.operator or "演示数据", progress)
        more = patrol_demo.build(
            session, town, spec, random.Random(seed + 1), db.operator or "演示数据", progress
        )
        more += rectification_demo.build(
            session, town, spec, random.Random(seed + 4), db.operator or "演示数据", progress
        )
        more += letters_demo.build(
            session, town, spec, random.Random(seed + 6), db.operator or "演示数据", progress
        )
        more += documents_demo.build(
            session, db, town, spec, random.Random(seed + 3), db.operator or "演示数据", progress
        )
        more += appraisal_demo.build(
            session, town, spec, random.Random(seed + 7), db.operator or "演示数据", progress
        )
        more += targets_demo.build(session, spec, random.Random(seed + 8), progress)
    changes: dict[str, object] = {} if current.town_name else dict(settings.defaults_for_town(town_name))
    operator = str(vocab.units["operator"]["name"])
    if operator not in current.operators:
        changes["operators"] = [*current.operators, operator]
    if changes:
        settings.save(db, **changes)
    if job is not None:
        job.report(total, total, "演示数据已生成")
    counts = town.counts
    return DemoSummary(
        units=counts["units"],
        grids=counts["grids"],
        people=counts["people"],
        households=counts["households"],
        enterprises=counts["enterprises"],
        town=town.name,
        more=more,
    )
