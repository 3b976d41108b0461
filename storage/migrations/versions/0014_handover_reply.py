"""handover reply: an account executive's answer to a handover

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from sqlalchemy.dialects import postgresql
import storage.types

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('handover_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('replied_by', sa.String(length=120), nullable=False),
    sa.Column('replied_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('model_version', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('breakdown', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover_reply', schema=None) as batch_op:
        batch_op.create_index('ix_handover_reply_replied_at', ['replied_at'], unique=False)
        batch_op.create_index('ux_handover_reply_decision', ['decision_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('handover_reply', schema=None) as batch_op:
        batch_op.drop_index('ux_handover_reply_decision')
        batch_op.drop_index('ix_handover_reply_replied_at')
    op.drop_table('handover_reply')
