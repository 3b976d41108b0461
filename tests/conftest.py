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
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from typer.testing import CliRunner

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
        return (
            f"PostgreSQL is not reachable at {PG_URL} ({type(exc).__name__}); "
            "set TEST_DATABASE_URL to run the PostgreSQL tests"
        )


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


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def threaded_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database whose threads get connections of their own, as in production (an in-memory
    SQLite shares one): a SQLite file, and PostgreSQL when reachable."""
    if request.param == "postgres":
        yield request.getfixturevalue("pg_engine")
        return
    from tests.factories import file_engine

    engine = file_engine(tmp_path / "threads.db")
    yield engine
    engine.dispose()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The command line as a user runs it: in a folder of its own, on a SQLite file, at NOW."""
    from bot.cli.common import console, err_console, state

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr(state, "clock", lambda: NOW)
    for c in (console, err_console):  # wide enough that tables do not wrap the words we look for
        monkeypatch.setattr(c, "width", 200)
    yield CliRunner()
