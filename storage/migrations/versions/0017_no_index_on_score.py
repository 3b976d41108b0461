"""no index on lead_score.score: no query reads it, and every score written kept it up

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:10:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # the lists by score order by coalesce(score, ...) over an outer join, which this index
    # cannot answer; keeping it up cost the nightly decay about a tenth of the server's update work
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_score_score')


def downgrade() -> None:
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.create_index('ix_lead_score_score', ['score'], unique=False)
