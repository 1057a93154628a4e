"""problems, ledgers and complaints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('complainant_name', sa.String(length=40), nullable=False),
    sa.Column('complainant_phone', sa.String(length=40), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('handler', sa.String(length=40), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('reply_date', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.String(length=10), nullable=False),
    sa.Column('reward_amount', sa.Float(), nullable=True),
    sa.Column('reward_paid_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_complaints_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_received_date'), ['received_date'], unique=False)
        batch_op.create_index('ix_complaints_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_year'), ['year'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=True),
    sa.Column('responsible_person', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('listed_date', sa.Date(), nullable=False),
    sa.Column('started_date', sa.Date(), nullable=True),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['units.id'], name=op.f('fk_ledger_entries_responsible_unit_id_units')),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_ledger_entries_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_kind_listed', ['kind', 'listed_date'], unique=False)
        batch_op.create_index('ix_ledger_entries_kind_status', ['kind', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_responsible_unit_id'), ['responsible_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_year'), ['year'], unique=False)

    op.create_table('problems',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('found_date', sa.Date(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=6), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('ledger_entry_id', sa.Integer(), nullable=True),
    sa.Column('patrol_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=True),
    sa.Column('responsible_person', sa.String(length=40), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rectified_date', sa.Date(), nullable=True),
    sa.Column('verifier', sa.String(length=40), nullable=False),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_problems_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_problems_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['ledger_entries.id'], name=op.f('fk_problems_ledger_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['units.id'], name=op.f('fk_problems_responsible_unit_id_units')),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_problems_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problems'))
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problems_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_found_date'), ['found_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_ledger_entry_id'), ['ledger_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_patrol_id'), ['patrol_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_responsible_unit_id'), ['responsible_unit_id'], unique=False)
        batch_op.create_index('ix_problems_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index('ix_problems_village_found', ['village_id', 'found_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_year'), ['year'], unique=False)

    op.create_table('problem_notes',
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_problem_notes_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_notes'))
    )
    with op.batch_alter_table('problem_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_notes_problem_id'), ['problem_id'], unique=False)

    op.create_table('problem_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=10), nullable=False),
    sa.Column('to_status', sa.String(length=10), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('operator', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_problem_transitions_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_transitions'))
    )
    with op.batch_alter_table('problem_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_transitions_problem_id'), ['problem_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('problem_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_transitions_problem_id'))

    op.drop_table('problem_transitions')
    with op.batch_alter_table('problem_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_notes_problem_id'))

    op.drop_table('problem_notes')
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problems_year'))
        batch_op.drop_index('ix_problems_village_found')
        batch_op.drop_index('ix_problems_status_deadline')
        batch_op.drop_index(batch_op.f('ix_problems_responsible_unit_id'))
        batch_op.drop_index(batch_op.f('ix_problems_patrol_id'))
        batch_op.drop_index(batch_op.f('ix_problems_ledger_entry_id'))
        batch_op.drop_index(batch_op.f('ix_problems_found_date'))
        batch_op.drop_index(batch_op.f('ix_problems_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_problems_deadline'))
        batch_op.drop_index(batch_op.f('ix_problems_complaint_id'))

    op.drop_table('problems')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_year'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_village_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_responsible_unit_id'))
        batch_op.drop_index('ix_ledger_entries_kind_status')
        batch_op.drop_index('ix_ledger_entries_kind_listed')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_year'))
        batch_op.drop_index(batch_op.f('ix_complaints_village_id'))
        batch_op.drop_index('ix_complaints_status_deadline')
        batch_op.drop_index(batch_op.f('ix_complaints_received_date'))

    op.drop_table('complaints')
