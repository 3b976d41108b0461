"""The migrations and the SQLModel tables describe the same schema.

Tests create SQLite databases from the tables and PostgreSQL ones from the migrations, so a
difference between the two would let a test pass on a schema that production never gets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables)
from storage.db import make_engine
from storage.schema import current_revision, head_revision, upgrade


def test_migrations_match_the_tables_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.postgres
def test_migrations_match_the_tables_on_postgres(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []
