"""ledger 销号 proof: 核查人 and 核查情况 on every ledger entry

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verifier', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('check_note', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_column('check_note')
        batch_op.drop_column('verifier')
