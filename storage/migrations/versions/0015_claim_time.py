"""claim time: who claimed an MQL and when (lead_claim)

Revision ID: 0015_claim_time
Revises: 0015
Create Date: 2026-12-03 10:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
import storage.types

revision: str = '0015_claim_time'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lead_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=False),
    sa.Column('claimed_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lead_claim', schema=None) as batch_op:
        batch_op.create_index('ix_lead_claim_by', ['claimed_by', 'claimed_at'], unique=False)
        batch_op.create_index('ix_lead_claim_lead', ['lead_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lead_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_claim_lead')
        batch_op.drop_index('ix_lead_claim_by')
    op.drop_table('lead_claim')
