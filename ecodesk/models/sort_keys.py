"""Maintained sort keys: the text columns of the long lists sort by pinyin through an index.

A list sorted by a Chinese text column (户主姓名, 巡查路线/地点) sorts by pinyin, as Excel and WPS do
in China: :func:`ecodesk.db.database.zh_sort_key` (GB18030 byte order). Computing that key per row in
SQL costs a Python call per row — a third of a second at 200,000 rows — so the tables whose lists
grow that long keep the key in a column of its own (``<column>_key``) with an index in key order,
and the list reads the index instead of sorting (``services.records.list_ids``).

A key is kept up to date on every write path of the program:

- an ORM insert or update (forms, imports, every service): the mapper events below;
- a Core ``insert(Model)`` (the demo town's bulk rows): the column's Python default;
- rows written straight through the driver (the demo's patrols): :func:`fill_sort_keys` afterwards,
  which recomputes every key in SQL through the same ``zh_key`` function. (A migration that changes
  these texts computes their keys with its own frozen copy, as revision 0013 does.)

Only the first :data:`SORT_KEY_CHARS` characters count: two texts alike that far sort by record
number, which keeps the indexes small whatever a clerk types into a 发现问题 box.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Index, LargeBinary, event, func, inspect, update
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from ecodesk.db.database import zh_sort_key

SORT_KEY_CHARS = 64
SUFFIX = "_key"


def sort_key(value: str | None) -> bytes:
    """The stored key of one text: its first :data:`SORT_KEY_CHARS` characters in pinyin order."""
    key = zh_sort_key((value or "")[:SORT_KEY_CHARS])
    return bytes(key)


def key_column(source: str) -> Mapped[bytes]:
    """The ``<source>_key`` column; a Core insert that names ``source`` gets its key from here."""

    def default(context: DefaultExecutionContext) -> bytes:
        row: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
        return sort_key(row.get(source))

    # Deferred: read by the list's ORDER BY only, never loaded with a record.
    return mapped_column(LargeBinary, default=default, nullable=True, deferred=True)


def key_index(table: str, source: str) -> Index:
    """Every row in key order, id breaking ties; ``deleted_at`` makes the index covering, so a sorted
    list never reads the table. Not partial (``WHERE deleted_at IS NULL``): without statistics SQLite
    would take a partial index for any query over live rows and read the table through it row by
    row — a search of 200,000 households 60 → 140 ms."""
    return order_index(table, f"{source}{SUFFIX}")


def keyed_columns(model: type[Any]) -> tuple[str, ...]:
    """The text columns of ``model`` that have a maintained key (empty for most tables)."""
    return tuple(getattr(model, "__sort_keys__", ()))


def key_of(model: type[Any], column: str) -> Any | None:
    """The key column of ``model.column``, or None when that column has none."""
    return getattr(model, column + SUFFIX) if column in keyed_columns(model) else None


def maintain(model: type[Any]) -> type[Any]:
    """Class decorator: keep ``model.__sort_keys__``'s keys in step with their text on ORM writes."""
    sources = keyed_columns(model)

    def on_insert(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        for source in sources:
            setattr(target, source + SUFFIX, sort_key(getattr(target, source)))

    def on_update(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        state = inspect(target)
        for source in sources:
            if state.attrs[source].history.has_changes():
                setattr(target, source + SUFFIX, sort_key(getattr(target, source)))

    event.listen(model, "before_insert", on_insert)
    event.listen(model, "before_update", on_update)
    return model


def fill_sort_keys(connection: Connection, model: type[Any]) -> None:
    """Recompute every key of ``model`` in SQL (after rows were written without the ORM)."""
    sources = keyed_columns(model)
    if not sources:
        return
    table = model.__table__
    values = {
        source + SUFFIX: func.zh_key(func.substr(func.coalesce(table.c[source], ""), 1, SORT_KEY_CHARS))
        for source in sources
    }
    connection.execute(update(table).values(values))


def ref_index(table: str, column: str) -> Index:
    """A reference column with ``deleted_at``: a list sorted by the referenced name reads each
    target's live rows in id order from here (``services.records``), never sorting the table."""
    return Index(f"ix_{table}_{column}_deleted", column, "deleted_at")


def order_index(table: str, column: str) -> Index:
    """A column's rows in order, id breaking ties, covering (see :func:`key_index`)."""
    return Index(f"ix_{table}_{column}_order", column, "id", "deleted_at")
