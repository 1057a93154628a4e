"""commitment letters: templates, commitments to sign, signing

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letter_templates',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('party_a', sa.Text(), nullable=False),
    sa.Column('party_b', sa.Text(), nullable=False),
    sa.Column('signer_type', sa.String(length=4), nullable=False),
    sa.Column('signer_filter', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates'))
    )
    with op.batch_alter_table('letter_templates', schema=None) as batch_op:
        batch_op.create_index('ix_letter_templates_year_kind', ['year', 'kind'], unique=False)

    op.create_table('commitments',
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('group_name', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('signed_date', sa.Date(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_commitments_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_commitments_household_id_households')),
    sa.ForeignKeyConstraint(['template_id'], ['letter_templates.id'], name=op.f('fk_commitments_template_id_letter_templates')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_commitments_unit_id_units')),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_commitments_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index('ix_commitments_enterprise', ['enterprise_id', 'year', 'kind'], unique=True)
        batch_op.create_index('ix_commitments_household', ['household_id', 'year', 'kind'], unique=True)
        batch_op.create_index(batch_op.f('ix_commitments_template_id'), ['template_id'], unique=False)
        batch_op.create_index('ix_commitments_unit', ['unit_id', 'year', 'kind'], unique=True)
        batch_op.create_index('ix_commitments_year_kind_status', ['year', 'kind', 'status'], unique=False)
        batch_op.create_index('ix_commitments_year_kind_village', ['year', 'kind', 'village_id', 'group_name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index('ix_commitments_year_kind_village')
        batch_op.drop_index('ix_commitments_year_kind_status')
        batch_op.drop_index('ix_commitments_unit')
        batch_op.drop_index(batch_op.f('ix_commitments_template_id'))
        batch_op.drop_index('ix_commitments_household')
        batch_op.drop_index('ix_commitments_enterprise')

    op.drop_table('commitments')
    with op.batch_alter_table('letter_templates', schema=None) as batch_op:
        batch_op.drop_index('ix_letter_templates_year_kind')

    op.drop_table('letter_templates')
