"""Every list page's filter and sort at full size (SPEC §8: ≤ 100 ms at 200,000 rows).

What a page does when the clerk types in the filter bar or clicks a column header: fetch the ordered
ids (``records.list_ids``) and the rows of the first screen (``records.list_rows``, the block the
table model loads). Every registered kind is measured on the decade demo, households also at 200,000
rows. Each list gets two figures, its slowest sort (every table column, descending) and its slowest
filter (the default list, a text search, a village), the operation named in the detail with where
its time went (ids / rows).

The floor of each operation is the same work done by raw ``sqlite3`` on the same file: the same
WHERE, ordered by the raw column (a referenced name: joined and ordered by the target's name or sort
order, as SQL alone would), every id read into Python, then the first screen's rows read with
``SELECT *``. A pinyin order is more work than the bare library's byte order; an index walk can be
less, so a ratio below 1 is possible. The detail also gives the least any list of the table costs:
every live id in id order, raw (``floors.sqlite_ids``, the floor this case used before issue 19).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import aliased

from bench.context import Context
from bench.floors import sqlite_ids
from bench.harness import Report, Result, best_of
from ecodesk.db import Database
from ecodesk.schema import FieldType, RecordKind
from ecodesk.services import records
from ecodesk.services.kinds import KINDS
from ecodesk.services.records import ListFilter

TARGET = 0.100
VISIBLE_BLOCK = 200  # rows the table model loads at once (ui.records.model.BLOCK_SIZE)


@dataclass(frozen=True)
class Operation:
    name: str  # as the clerk would say it: 按网格倒序, 搜索“村”
    is_sort: bool
    flt: ListFilter
    key: str | None
    descending: bool


@dataclass
class Timing:
    operation: Operation
    seconds: float
    ids_seconds: float
    rows_seconds: float
    floor: float


def operations(db: Database, kind: RecordKind) -> list[Operation]:
    """The default list, a text search, a village; then every table column sorted descending."""
    ops = [Operation("全部", False, ListFilter(), None, False)]
    ids = records.list_ids(db, kind)
    if ids:
        sample = records.fetch(db, kind, ids[len(ids) // 2 : len(ids) // 2 + 1])
        obj = next(iter(sample.values()))
        text_fields = [f for f in kind.table_fields if f.type is FieldType.TEXT]
        if text_fields:
            word = records.display_value(text_fields[0], obj)[:1]
            ops.append(Operation(f"搜索“{word}”", False, ListFilter(text=word), None, False))
        if kind.village_key:
            village = getattr(obj, kind.field(kind.village_key).ref.id_attr)  # type: ignore[union-attr]
            ops.append(Operation("按村筛选", False, ListFilter(village_id=village), None, False))
    for f in kind.table_fields:
        if f.type is not FieldType.CUSTOM:
            ops.append(Operation(f"按{f.label}倒序", True, ListFilter(), f.key, True))
    return ops


def floor_sql(kind: RecordKind, op: Operation) -> str:
    """The operation as plain SQL: the list's own WHERE, ordered by the raw column."""
    model = kind.model
    query = records.filtered_query(kind, op.flt, select(model.id))
    key = op.key or kind.default_sort
    f = kind.field(key) if key != "id" else None
    columns: list[Any] = []
    if f is not None and f.type is FieldType.REF:
        assert f.ref is not None
        target = aliased(f.ref.model)
        query = query.outerjoin(target, getattr(model, f.ref.id_attr) == target.id)
        columns.append(getattr(target, f.ref.sort_attr or f.ref.label_attr))
    elif f is not None and f.type is not FieldType.CUSTOM:
        columns.append(records.column_of(kind, f))
    columns.append(model.id)
    query = query.order_by(*(c.desc() if op.descending else c for c in columns))
    return str(query.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))


def measure_kind(path: Path, kind: RecordKind, repeat: int) -> tuple[list[Timing], int]:
    """Every operation of one list, best of ``repeat``, with its floor; and the row count."""
    timings = []
    table = kind.model.__tablename__
    with Database.open(path, operator="bench", lock=False) as db, sqlite3.connect(path) as raw:
        rows = records.count(db, kind)
        ops = operations(db, kind)
        records.list_rows(db, kind, records.list_ids(db, kind)[:VISIBLE_BLOCK])  # warm, as the floor is
        for op in ops:

            def page(op: Operation = op) -> tuple[float, float]:
                """(seconds for the ids, seconds for the first screen's rows)."""
                start = time.perf_counter()
                ids = records.list_ids(db, kind, op.flt, op.key, op.descending)
                middle = time.perf_counter()
                records.list_rows(db, kind, ids[:VISIBLE_BLOCK])
                return middle - start, time.perf_counter() - middle

            def bare(sql: str = floor_sql(kind, op)) -> None:
                ids = [row[0] for row in raw.execute(sql).fetchall()]
                first = ",".join(str(i) for i in ids[:VISIBLE_BLOCK])
                raw.execute(f"SELECT * FROM {table} WHERE id IN ({first})").fetchall()

            ids_took, rows_took = min((page() for _ in range(repeat)), key=sum)
            floor = best_of(bare, repeat)
            timings.append(Timing(op, ids_took + rows_took, ids_took, rows_took, floor))
    return timings, rows


def report_kind(report: Report, label: str, timings: list[Timing], rows: int, every_id: float) -> None:
    """Two lines: the slowest sort and the slowest filter, each with its own floor; ``every_id`` is
    the least any list of this table costs (every live id in id order, raw SQLite)."""
    for is_sort, what in ((True, "sort"), (False, "filter")):
        ours = [t for t in timings if t.operation.is_sort is is_sort]
        if not ours:
            continue
        worst = max(ours, key=lambda t: t.seconds)
        report.add(
            Result(
                f"list {label}: slowest {what}",
                worst.seconds,
                TARGET,
                "raw SQLite, same query",
                worst.floor,
                f"{rows:,} rows, {worst.operation.name} "
                f"(ids {worst.ids_seconds * 1000:.0f} ms + rows {worst.rows_seconds * 1000:.0f} ms; "
                f"every id alone {every_id * 1000:.0f} ms)",
            )
        )


def run(ctx: Context, report: Report) -> None:
    repeat = 1 if ctx.quick else 3
    for kind in KINDS.values():
        timings, rows = measure_kind(ctx.decade, kind, repeat)
        report_kind(report, kind.label, timings, rows, sqlite_ids(ctx.decade, kind.model.__tablename__))
    households = KINDS["households"]
    timings, rows = measure_kind(ctx.big, households, repeat)
    every_id = sqlite_ids(ctx.big, households.model.__tablename__)
    report_kind(report, f"{households.label} at 200k", timings, rows, every_id)
