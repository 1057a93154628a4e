"""目标指标: indicators, their yearly targets, entered monthly values and the station's monthly rows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Four new tables; nothing existing changes. The shipped indicators (reference 002) are written here
for an upgraded file — a fresh file gets them from the table's after_create — from a frozen copy of
ecodesk.models.targets.SHIPPED as it was at this revision (a migration never changes).
"""
from alembic import op
import sqlalchemy as sa

from ecodesk import dates


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# (name, unit, direction, source, source_filter, aggregate, decimals, target) at this revision.
_SHIPPED = (
    ("PM2.5年均浓度", "μg/m³", "≤", "air_pm25", "", "sum", 1, 34.0),
    ("PM10年均浓度", "μg/m³", "≤", "air_pm10", "", "sum", 1, 70.0),
    ("优良天数比例", "%", "≥", "air_good_rate", "", "sum", 1, 95.0),
    ("秸秆综合利用率", "%", "≥", "entered", "", "latest", 1, 90.0),
    ("卫星遥感火点", "个", "≤", "fire_points", "卫星遥感", "sum", 0, 0.0),
    ("火点总数", "个", "≤", "fire_points", "", "sum", 0, None),
    ("问题销号率", "%", "≥", "problems_closed", "", "sum", 1, 95.0),
    ("承诺书签订率", "%", "≥", "letters_signed", "", "sum", 1, 100.0),
    ("巡查次数", "次", "≥", "patrols", "", "sum", 0, None),
)


def _record_columns():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=False),
        sa.Column('updated_by', sa.String(length=40), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('remark', sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('air_quality_months',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('pm25', sa.Float(), nullable=True),
    sa.Column('pm10', sa.Float(), nullable=True),
    sa.Column('good_days', sa.Integer(), nullable=False),
    sa.Column('valid_days', sa.Integer(), nullable=False),
    *_record_columns(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_air_quality_months'))
    )
    with op.batch_alter_table('air_quality_months', schema=None) as batch_op:
        batch_op.create_index('ix_air_quality_months_year_month', ['year', 'month'], unique=True)

    indicators = op.create_table('target_indicators',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=2), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_filter', sa.String(length=20), nullable=False),
    sa.Column('aggregate', sa.String(length=10), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('base_target', sa.Float(), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=True),
    sa.Column('retired_from', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    *_record_columns(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_indicators'))
    )
    op.create_table('target_goals',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['indicator_id'], ['target_indicators.id'], name=op.f('fk_target_goals_indicator_id_target_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_goals'))
    )
    with op.batch_alter_table('target_goals', schema=None) as batch_op:
        batch_op.create_index('ix_target_goals_indicator_year', ['indicator_id', 'year'], unique=True)

    op.create_table('target_values',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    *_record_columns(),
    sa.ForeignKeyConstraint(['indicator_id'], ['target_indicators.id'], name=op.f('fk_target_values_indicator_id_target_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_values'))
    )
    with op.batch_alter_table('target_values', schema=None) as batch_op:
        batch_op.create_index('ix_target_values_indicator_month', ['indicator_id', 'year', 'month'], unique=True)

    now = dates.now()  # the program's one clock, as RecordMixin stamps rows
    op.bulk_insert(indicators, [
        {"name": name, "unit": unit, "direction": direction, "source": source, "source_filter": flt,
         "aggregate": aggregate, "decimals": decimals, "base_target": target, "first_year": None,
         "retired_from": None, "sort_order": (i + 1) * 10, "id": i + 1, "created_at": now, "updated_at": now,
         "created_by": "", "updated_by": "", "deleted_at": None, "remark": ""}
        for i, (name, unit, direction, source, flt, aggregate, decimals, target) in enumerate(_SHIPPED)
    ])


def downgrade() -> None:
    with op.batch_alter_table('target_values', schema=None) as batch_op:
        batch_op.drop_index('ix_target_values_indicator_month')
    op.drop_table('target_values')
    with op.batch_alter_table('target_goals', schema=None) as batch_op:
        batch_op.drop_index('ix_target_goals_indicator_year')
    op.drop_table('target_goals')
    op.drop_table('target_indicators')
    with op.batch_alter_table('air_quality_months', schema=None) as batch_op:
        batch_op.drop_index('ix_air_quality_months_year_month')
    op.drop_table('air_quality_months')
