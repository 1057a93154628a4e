"""Every list page's filter and sort at full size (SPEC §8: ≤ 100 ms at 200,000 rows).

What a page does when the clerk types in the filter bar or clicks a column header: fetch the ordered
ids (``records.list_ids``) and the first visible block of rows (``records.fetch``). Every registered
kind is measured on the decade demo, households also at 200,000 rows; the figure for a kind is its
slowest filter or sort, named in the detail.
"""

from __future__ import annotations

from pathlib import Path

from bench.context import Context
from bench.floors import sqlite_ids
from bench.harness import Report, Result, best_of
from ecodesk.db import Database
from ecodesk.schema import FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.kinds import KINDS
from ecodesk.services.records import ListFilter

TARGET = 0.100
VISIBLE_BLOCK = 200  # rows the table model loads at once


def _operations(db: Database, kind: RecordKind) -> dict[str, tuple[ListFilter, str | None, bool]]:
    """name -> (filter, sort key, descending): the default list, a text search, a village, each sort."""
    ops: dict[str, tuple[ListFilter, str | None, bool]] = {"全部": (ListFilter(), None, False)}
    ids = records.list_ids(db, kind)
    if ids:
        sample = records.fetch(db, kind, ids[len(ids) // 2 : len(ids) // 2 + 1])
        obj = next(iter(sample.values()))
        text_fields = [f for f in kind.table_fields if f.type is FieldType.TEXT]
        if text_fields:
            word = records.display_value(text_fields[0], obj)[:1]
            ops[f"搜索“{word}”"] = (ListFilter(text=word), None, False)
        if kind.village_key:
            village = getattr(obj, kind.field(kind.village_key).ref.id_attr)  # type: ignore[union-attr]
            ops["按村筛选"] = (ListFilter(village_id=village), None, False)
    for f in kind.table_fields:
        if f.type is not FieldType.CUSTOM:
            ops[f"按{f.label}倒序"] = (ListFilter(), f.key, True)
    return ops


def measure_kind(path: Path, kind: RecordKind, repeat: int) -> tuple[float, str, int]:
    """(slowest operation's best time, its name, row count)."""
    with Database.open(path, operator="bench", lock=False) as db:
        rows = records.count(db, kind)
        worst, worst_name = 0.0, ""
        for name, (flt, key, desc) in _operations(db, kind).items():

            def page(flt: ListFilter = flt, key: str | None = key, desc: bool = desc) -> None:
                ids = records.list_ids(db, kind, flt, key, desc)
                records.fetch(db, kind, ids[:VISIBLE_BLOCK])

            seconds = best_of(page, repeat)
            if seconds > worst:
                worst, worst_name = seconds, name
    return worst, worst_name, rows


def run(ctx: Context, report: Report) -> None:
    repeat = 1 if ctx.quick else 3
    for kind in KINDS.values():
        seconds, name, rows = measure_kind(ctx.decade, kind, repeat)
        floor = sqlite_ids(ctx.decade, kind.model.__tablename__)
        report.add(
            Result(
                f"list {kind.label}: slowest filter/sort",
                seconds,
                TARGET,
                "raw SQLite ids",
                floor,
                f"{rows:,} rows, {name}",
            )
        )
    households = KINDS["households"]
    seconds, name, rows = measure_kind(ctx.big, households, repeat)
    floor = sqlite_ids(ctx.big, households.model.__tablename__)
    report.add(
        Result(
            f"list {households.label} at 200k: slowest",
            seconds,
            TARGET,
            "raw SQLite ids",
            floor,
            f"{rows:,} rows, {name}",
        )
    )
