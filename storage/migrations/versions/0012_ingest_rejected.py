"""ingest rejected calls

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

import storage.types

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ingest_rejected',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('key_name', sa.String(length=100), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('envelope', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('replayed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ingest_rejected', schema=None) as batch_op:
        batch_op.create_index('ix_ingest_rejected_open', ['replayed_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ingest_rejected', schema=None) as batch_op:
        batch_op.drop_index('ix_ingest_rejected_open')
    op.drop_table('ingest_rejected')
