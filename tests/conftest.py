"""Shared fixtures: fresh databases per test (SQLite in memory, and PostgreSQL when reachable).

PostgreSQL tests use `TEST_DATABASE_URL` (default: the local service) and a schema of their own
that is dropped afterwards. Without a server they skip with the reason; CI sets
SDRBOT_REQUIRE_POSTGRES=1 so that a missing server fails instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables)
from storage.db import make_engine, with_schema
from storage.schema import upgrade

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

# CI runs the property tests on a fixed sequence of examples, so that a run is repeatable; a
# developer's runs keep exploring new ones
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        eng = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any failure means: no server to test against
        return f"PostgreSQL is not reachable at {PG_URL} ({type(exc).__name__}); " \
               "set TEST_DATABASE_URL to run the PostgreSQL tests"


_PG_PROBLEM: str | bool | None = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    assert _PG_PROBLEM is not False
    return _PG_PROBLEM  # type: ignore[return-value]


@pytest.fixture
def sqlite_engine() -> Iterator[Engine]:
    eng = make_engine("sqlite://")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    problem = pg_problem()
    if problem:
        if os.environ.get("SDRBOT_REQUIRE_POSTGRES"):
            pytest.fail(problem)
        pytest.skip(problem)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(with_schema(PG_URL, schema))
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on both databases."""
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
