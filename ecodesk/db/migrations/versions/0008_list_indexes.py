"""list indexes: the patrol list's own order over live rows

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.create_index('ix_patrols_live_date', ['date', 'id'], unique=False,
                              sqlite_where=sa.text('deleted_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.drop_index('ix_patrols_live_date', sqlite_where=sa.text('deleted_at IS NULL'))
