"""year-end appraisal: schemes, items, scores, locks

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appraisal_schemes',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(), nullable=True),
    sa.Column('finalised_by', sa.String(length=40), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_schemes'))
    )
    op.create_index('ix_appraisal_schemes_year', 'appraisal_schemes', ['year'], unique=True)
    op.create_table('appraisal_items',
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('bonus', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('standard', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['appraisal_schemes.id'], name=op.f('fk_appraisal_items_scheme_id_appraisal_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_items'))
    )
    op.create_index(op.f('ix_appraisal_items_scheme_id'), 'appraisal_items', ['scheme_id'], unique=False)
    op.create_table('appraisal_scores',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('computed', sa.Float(), nullable=True),
    sa.Column('deduction_count', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('adjustment', sa.Float(), nullable=False),
    sa.Column('adjust_reason', sa.Text(), nullable=False),
    sa.Column('final', sa.Float(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['appraisal_items.id'], name=op.f('fk_appraisal_scores_item_id_appraisal_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_appraisal_scores_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_scores'))
    )
    op.create_index('ix_appraisal_scores_item_village', 'appraisal_scores', ['item_id', 'village_id'], unique=True)
    op.create_index(op.f('ix_appraisal_scores_village_id'), 'appraisal_scores', ['village_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_appraisal_scores_village_id'), table_name='appraisal_scores')
    op.drop_index('ix_appraisal_scores_item_village', table_name='appraisal_scores')
    op.drop_table('appraisal_scores')
    op.drop_index(op.f('ix_appraisal_items_scheme_id'), table_name='appraisal_items')
    op.drop_table('appraisal_items')
    op.drop_index('ix_appraisal_schemes_year', table_name='appraisal_schemes')
    op.drop_table('appraisal_schemes')
