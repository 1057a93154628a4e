"""units 设立/撤销 dates, 网格长, households and enterprises in a grid, fire-point report fields

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Units entered before this revision keep 设立日期 empty: "before any record", so their history
    # counts as it did.
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('established_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('retired_date', sa.Date(), nullable=True))
    # A unit switched off before this revision was retired; the day is unknown, so take the day it
    # was last changed.
    op.execute("UPDATE units SET retired_date = date(updated_at) WHERE active = 0")

    with op.batch_alter_table('grids', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_grids_leader_id'), ['leader_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_grids_leader_id_people'), 'people', ['leader_id'], ['id'])

    for table in ('households', 'enterprises'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('grid_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_grid_id'), ['grid_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_grid_id_grids'), 'grids', ['grid_id'], ['id'])

    with op.batch_alter_table('fire_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('found_time', sa.String(length=5), server_default='', nullable=False))
        batch_op.add_column(sa.Column('extinguished_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('burned_area', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('responsible_person', sa.String(length=40), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('fire_points', schema=None) as batch_op:
        for column in ('responsible_person', 'outcome', 'burned_area', 'extinguished_at', 'found_time'):
            batch_op.drop_column(column)
    for table in ('enterprises', 'households'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_grid_id_grids'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_grid_id'))
            batch_op.drop_column('grid_id')
    with op.batch_alter_table('grids', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_grids_leader_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_grids_leader_id'))
        batch_op.drop_column('leader_id')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('retired_date')
        batch_op.drop_column('established_date')
