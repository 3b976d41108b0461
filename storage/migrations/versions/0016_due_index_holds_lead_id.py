"""due index holds lead_id: the rescore's lookup of due leads reads the index alone

Revision ID: 0016
Revises: 0015_claim_time
Create Date: 2026-12-03 19:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0016'
down_revision: str | None = '0015_claim_time'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # PostgreSQL only: see storage/tables/scores.py
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_score_due')
        batch_op.create_index('ix_lead_score_due', ['model_version', 'next_change_at'],
                              unique=False, postgresql_include=['lead_id'])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_score_due')
        batch_op.create_index('ix_lead_score_due', ['model_version', 'next_change_at'],
                              unique=False)
