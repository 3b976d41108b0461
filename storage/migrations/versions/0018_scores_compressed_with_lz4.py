"""scores' JSON compressed with lz4 on PostgreSQL: the nightly decay rewrites thousands of rows

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:30:00
"""
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('state', 'breakdown')


def _lz4_available() -> bool:
    # PostgreSQL 14 and newer, built with lz4 (Debian's and the official images are); the
    # setting lists only the methods this server can use, and older servers do not have it
    return bool(
        op.get_bind().execute(
            text(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                "AND 'lz4' = ANY(enumvals)"
            )
        ).first()
    )


def upgrade() -> None:
    # a lead with a few weeks of events has a row of over 2 kB, which PostgreSQL compresses
    # on every write; pglz cost the daily expiry a seventh of the server's work, lz4 a little.
    # Values already stored stay as they are until their row is next written.
    if op.get_bind().dialect.name != "postgresql" or not _lz4_available():
        return
    for column in COLUMNS:
        op.execute(f"ALTER TABLE lead_score ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql" or not _lz4_available():
        return
    for column in COLUMNS:
        op.execute(f"ALTER TABLE lead_score ALTER COLUMN {column} SET COMPRESSION default")
