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
from storage.schema import current_revision, head_revision, include_object, upgrade


def test_migrations_match_the_tables_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object("sqlite")}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.postgres
def test_migrations_match_the_tables_on_postgres(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object("postgresql")}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_indexes_for_postgresql_only_are_not_on_sqlite(tmp_path: Path) -> None:
    """Made from the tables or by the migrations, a SQLite database has no rescore indexes."""
    from sqlalchemy import inspect

    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(migrated)
    created = make_engine(f"sqlite:///{tmp_path / 'created.db'}")
    SQLModel.metadata.create_all(created)
    for engine in (migrated, created):
        names = {ix["name"] for ix in inspect(engine).get_indexes("lead_score")}
        assert not names & {"ix_lead_score_due", "ix_lead_score_dirty"}
        # nothing reads the scores in index order (migration 0017)
        assert "ix_lead_score_score" not in names
        engine.dispose()


@pytest.mark.postgres
def test_the_rescore_indexes_are_on_postgres(pg_engine: Engine) -> None:
    from sqlalchemy import inspect

    indexes = {ix["name"]: ix for ix in inspect(pg_engine).get_indexes("lead_score")}
    assert {"ix_lead_score_due", "ix_lead_score_dirty"} <= set(indexes)
    # the due leads of a range of ids are found in the index alone (migration 0016)
    assert indexes["ix_lead_score_due"]["dialect_options"]["postgresql_include"] == ["lead_id"]
    assert "ix_lead_score_score" not in indexes  # migration 0017
