"""lead score due indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 06:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # PostgreSQL only: see storage/tables/scores.py
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.create_index('ix_lead_score_due', ['model_version', 'next_change_at'],
                              unique=False)
        batch_op.create_index('ix_lead_score_dirty', ['lead_id'], unique=False,
                              postgresql_where=sa.text('dirty'))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_score_dirty')
        batch_op.drop_index('ix_lead_score_due')
