"""list sort keys: pinyin keys of the long lists' text columns, and indexes every sort can walk

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

The 农户 and 巡查记录 lists (200,000 and 160,000 rows at ten years) sorted by a text column called a
Python pinyin function per row, and by 村/网格/组 or a number sorted the whole table: 0.2–0.6 s a
click. Each text column of households and patrols (and the grid name they sort by) gets a ``_key``
column holding its pinyin key (ecodesk.models.sort_keys), computed here for every existing row with a
frozen copy of the key at this revision; each key, number and reference column gets an index over
the rows that the list reads in order instead of sorting.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# table -> the text columns that get a key (ecodesk.models.sort_keys at this revision).
KEYED = {
    "households": ("head_name", "address", "phone"),
    "patrols": ("kind", "place", "findings", "measures"),
    "grids": ("name",),
}
REFS = {"households": ("village_id", "group_id", "grid_id"), "patrols": ("village_id", "grid_id")}
NUMBERS = {"households": ("members",), "patrols": ("fire_count",)}
# Revision 0008's (date, id) index of the patrol list's own order, made covering like the others.
OLD_DATE = ("ix_patrols_live_date", "patrols", ["date", "id"])
LIVE = sa.text("deleted_at IS NULL")
KEY_CHARS = 64


def _key_0013(value):
    """A copy of ecodesk.models.sort_keys.sort_key as it was at this revision (GB18030 byte order of
    the first 64 characters: pinyin order for the common characters)."""
    text = (value or "")[:KEY_CHARS] if isinstance(value, str) or value is None else str(value)[:KEY_CHARS]
    try:
        return text.encode("gb18030")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _ordered() -> list[tuple[str, str]]:
    """(table, column) of each (column, id, deleted_at) index: every key but the grids', every number."""
    keys = [(t, f"{c}_key") for t, columns in KEYED.items() if t != "grids" for c in columns]
    return keys + [(t, c) for t, columns in NUMBERS.items() for c in columns]


def upgrade() -> None:
    bind = op.get_bind()
    bind.connection.driver_connection.create_function("key_0013", 1, _key_0013, deterministic=True)
    for table, columns in KEYED.items():
        for column in columns:
            op.add_column(table, sa.Column(f"{column}_key", sa.LargeBinary(), nullable=True))
        assignments = ", ".join(f"{c}_key = key_0013({c})" for c in columns)
        op.execute(f"UPDATE {table} SET {assignments}")
    # Not partial: without statistics SQLite would read a table through a partial index row by row
    # for any query over live rows.
    for table, column in _ordered():
        op.create_index(f"ix_{table}_{column}_order", table, [column, "id", "deleted_at"], unique=False)
    for table, columns in REFS.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}_deleted", table, [column, "deleted_at"], unique=False)
    name, table, columns = OLD_DATE
    op.drop_index(name, table_name=table, sqlite_where=LIVE)
    op.create_index(name, table, [*columns, "deleted_at"], unique=False, sqlite_where=LIVE)


def downgrade() -> None:
    name, table, columns = OLD_DATE
    op.drop_index(name, table_name=table, sqlite_where=LIVE)
    op.create_index(name, table, columns, unique=False, sqlite_where=LIVE)
    for table, columns in REFS.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_deleted", table_name=table)
    for table, column in _ordered():
        op.drop_index(f"ix_{table}_{column}_order", table_name=table)
    for table, columns in KEYED.items():
        for column in columns:  # SQLite ≥ 3.35 drops a column in place: no table rebuild
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}_key")
