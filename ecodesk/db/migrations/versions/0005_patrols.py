"""patrol logs, fire points and campaigns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('document_no', sa.String(length=60), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_start_date'), ['start_date'], unique=False)

    op.create_table('campaign_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('tasks', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_phases_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_phases'))
    )
    with op.batch_alter_table('campaign_phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_phases_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_deliverables',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_deliverables_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['phase_id'], ['campaign_phases.id'], name=op.f('fk_campaign_deliverables_phase_id_campaign_phases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_deliverables'))
    )
    with op.batch_alter_table('campaign_deliverables', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_deliverables_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_deliverables_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_deliverables_phase_id'), ['phase_id'], unique=False)

    op.create_table('campaign_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_members_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_campaign_members_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_members'))
    )
    with op.batch_alter_table('campaign_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_members_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_members_person_id'), ['person_id'], unique=False)

    op.create_table('patrols',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=False),
    sa.Column('end_time', sa.String(length=5), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('fire_count', sa.Integer(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_patrols_grid_id_grids')),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_patrols_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrols'))
    )
    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrols_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrols_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrols_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_patrols_village_date', ['village_id', 'date'], unique=False)

    op.create_table('campaign_submissions',
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['deliverable_id'], ['campaign_deliverables.id'], name=op.f('fk_campaign_submissions_deliverable_id_campaign_deliverables'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_campaign_submissions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_submissions'))
    )
    with op.batch_alter_table('campaign_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_submissions_deliverable_unit', ['deliverable_id', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_submissions_received_date'), ['received_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_submissions_unit_id'), ['unit_id'], unique=False)

    op.create_table('campaign_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['deliverable_id'], ['campaign_deliverables.id'], name=op.f('fk_campaign_targets_deliverable_id_campaign_deliverables'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_campaign_targets_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_targets'))
    )
    with op.batch_alter_table('campaign_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_targets_deliverable_id'), ['deliverable_id'], unique=False)
        batch_op.create_index('ix_campaign_targets_unit_deliverable', ['unit_id', 'deliverable_id'], unique=True)

    op.create_table('fire_points',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('notice_no', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('patrol_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['patrol_id'], ['patrols.id'], name=op.f('fk_fire_points_patrol_id_patrols'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_fire_points_village_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_points'))
    )
    with op.batch_alter_table('fire_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fire_points_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_fire_points_patrol_id'), ['patrol_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fire_points_source'), ['source'], unique=False)
        batch_op.create_index('ix_fire_points_village_date', ['village_id', 'date'], unique=False)

    op.create_table('patrol_people',
    sa.Column('patrol_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['patrol_id'], ['patrols.id'], name=op.f('fk_patrol_people_patrol_id_patrols'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_patrol_people_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patrol_id', 'person_id', name=op.f('pk_patrol_people'))
    )
    with op.batch_alter_table('patrol_people', schema=None) as batch_op:
        batch_op.create_index('ix_patrol_people_person', ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('patrol_people', schema=None) as batch_op:
        batch_op.drop_index('ix_patrol_people_person')

    op.drop_table('patrol_people')
    with op.batch_alter_table('fire_points', schema=None) as batch_op:
        batch_op.drop_index('ix_fire_points_village_date')
        batch_op.drop_index(batch_op.f('ix_fire_points_source'))
        batch_op.drop_index(batch_op.f('ix_fire_points_patrol_id'))
        batch_op.drop_index(batch_op.f('ix_fire_points_date'))

    op.drop_table('fire_points')
    with op.batch_alter_table('campaign_targets', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_targets_unit_deliverable')
        batch_op.drop_index(batch_op.f('ix_campaign_targets_deliverable_id'))

    op.drop_table('campaign_targets')
    with op.batch_alter_table('campaign_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_submissions_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_submissions_received_date'))
        batch_op.drop_index('ix_campaign_submissions_deliverable_unit')

    op.drop_table('campaign_submissions')
    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.drop_index('ix_patrols_village_date')
        batch_op.drop_index(batch_op.f('ix_patrols_kind'))
        batch_op.drop_index(batch_op.f('ix_patrols_grid_id'))
        batch_op.drop_index(batch_op.f('ix_patrols_date'))

    op.drop_table('patrols')
    with op.batch_alter_table('campaign_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_members_person_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_members_campaign_id'))

    op.drop_table('campaign_members')
    with op.batch_alter_table('campaign_deliverables', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_deliverables_phase_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_deliverables_due_date'))
        batch_op.drop_index(batch_op.f('ix_campaign_deliverables_campaign_id'))

    op.drop_table('campaign_deliverables')
    with op.batch_alter_table('campaign_phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_phases_campaign_id'))

    op.drop_table('campaign_phases')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_start_date'))
        batch_op.drop_index(batch_op.f('ix_campaigns_name'))

    op.drop_table('campaigns')
