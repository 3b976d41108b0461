"""exploration sample: near-threshold leads shown to the SDRs, and their answers

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 10:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from sqlalchemy.dialects import postgresql
import storage.types

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('exploration_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('sampled_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('line', sa.Float(), nullable=False),
    sa.Column('band', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('model_version', sa.Integer(), nullable=True),
    sa.Column('breakdown', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('channel', sa.String(length=120), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=True),
    sa.Column('answered_by', sa.String(length=120), nullable=True),
    sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('slack_channel', sa.String(length=40), nullable=True),
    sa.Column('slack_ts', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('exploration_sample', schema=None) as batch_op:
        batch_op.create_index('ix_exploration_sample_answered_at', ['answered_at'], unique=False)
        batch_op.create_index('ux_exploration_sample_period_lead', ['period', 'lead_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('exploration_sample', schema=None) as batch_op:
        batch_op.drop_index('ux_exploration_sample_period_lead')
        batch_op.drop_index('ix_exploration_sample_answered_at')
    op.drop_table('exploration_sample')
