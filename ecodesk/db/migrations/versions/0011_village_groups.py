"""组 as records of their village: village_groups, households.group_id instead of group_name

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Each village's distinct 组 spellings become its groups; spellings of one number (三组, 3组, 第三组) are
one group named as most of its households wrote it. Households point to their group, and pending or
signed letters (commitments.group_name, the letter's own copy) take the group's name so counts by 组
agree. The downgrade writes each household's group name back.
"""
import re
import unicodedata
from collections import Counter, defaultdict
from alembic import op
import sqlalchemy as sa

from ecodesk import dates


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# A copy of ecodesk.models.org.group_number as it was at this revision (a migration never changes).
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_GROUP_AFFIX = re.compile(r"^第?(.*?)(?:村民小组|居民小组|小组|组)?$")


def _cn_number(text):
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[c]
    return total + current


def _number(name):
    core = _GROUP_AFFIX.match(unicodedata.normalize("NFKC", name).strip().replace(" ", ""))
    text = core.group(1) if core else ""
    return int(text) if text.isdigit() else _cn_number(text)


def _key(name):
    number = _number(name)
    return f"#{number}" if number is not None else unicodedata.normalize("NFKC", name).replace(" ", "").strip()


def upgrade() -> None:
    op.create_table('village_groups',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_village_groups_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_groups'))
    )
    with op.batch_alter_table('village_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_groups_village_id'), ['village_id'], unique=False)
        batch_op.create_index('ix_village_groups_village_order', ['village_id', 'sort_order'], unique=False)

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_households_group_id_village_groups'), 'village_groups', ['group_id'], ['id']
        )

    _groups_from_names()

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_village_group')
        batch_op.drop_column('group_name')
        batch_op.create_index('ix_households_village_group', ['village_id', 'group_id'], unique=False)


def _groups_from_names() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT village_id, group_name, count(*), min(id) FROM households"
            " WHERE trim(group_name) != '' GROUP BY village_id, group_name"
        )
    ).all()
    spellings = defaultdict(Counter)  # (village, key) -> spelling -> households
    first_seen = {}
    for village_id, name, count, first in rows:
        spellings[(village_id, _key(name))][name] += count
        first_seen[name, village_id] = min(first, first_seen.get((name, village_id), first))
    now = dates.now()  # the program's one clock, as RecordMixin stamps rows
    for (village_id, _same), names in sorted(spellings.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        # The spelling most households use; on a tie the one entered first.
        chosen = min(names, key=lambda n: (-names[n], first_seen[n, village_id]))
        number = _number(chosen)
        group_id = conn.execute(
            sa.text(
                "INSERT INTO village_groups (name, village_id, sort_order, created_at, updated_at,"
                " created_by, updated_by, remark) VALUES (:name, :village, :order, :now, :now, '', '', '')"
            ),
            {"name": chosen.strip()[:20], "village": village_id, "order": number if number is not None else 9999,
             "now": now},
        ).lastrowid
        for name in names:
            conn.execute(
                sa.text("UPDATE households SET group_id = :g WHERE village_id = :v AND group_name = :n"),
                {"g": group_id, "v": village_id, "n": name},
            )
        conn.execute(
            sa.text(
                "UPDATE commitments SET group_name = :chosen WHERE household_id IN"
                " (SELECT id FROM households WHERE group_id = :g)"
            ),
            {"chosen": chosen.strip()[:20], "g": group_id},
        )


def downgrade() -> None:
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_name', sa.String(length=20), server_default='', nullable=False))
    op.execute(
        "UPDATE households SET group_name = "
        "(SELECT name FROM village_groups WHERE village_groups.id = households.group_id)"
        " WHERE group_id IS NOT NULL"
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_village_group')
        batch_op.drop_constraint(batch_op.f('fk_households_group_id_village_groups'), type_='foreignkey')
        batch_op.drop_column('group_id')
        batch_op.create_index('ix_households_village_group', ['village_id', 'group_name'], unique=False)
    with op.batch_alter_table('village_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_village_groups_village_order')
        batch_op.drop_index(batch_op.f('ix_village_groups_village_id'))
    op.drop_table('village_groups')
