"""official-document register (发文登记)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organ', sa.String(length=60), nullable=False),
    sa.Column('organ_mark', sa.String(length=60), nullable=False),
    sa.Column('number_prefix', sa.String(length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('cc', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=60), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('seal', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('printing_organ', sa.String(length=60), nullable=False),
    sa.Column('printing_date', sa.Date(), nullable=True),
    sa.Column('spec', sa.JSON(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('issued_by', sa.String(length=40), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by', sa.String(length=40), nullable=False),
    sa.Column('pdf_id', sa.Integer(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['pdf_id'], ['attachments.id'], name=op.f('fk_documents_pdf_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('number_prefix', 'year', 'sequence', name=op.f('uq_documents_number_prefix_year_sequence'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_status'), ['status'], unique=False)
        batch_op.create_index('ix_documents_year_kind_status', ['year', 'kind', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_year_kind_status')
        batch_op.drop_index(batch_op.f('ix_documents_status'))

    op.drop_table('documents')
