"""Schemathesis against the ingest API's OpenAPI spec: whatever it sends, no 5xx comes back.

Bounded (a few dozen examples per operation) so that it runs in CI on every change, on SQLite
and on PostgreSQL: PostgreSQL refuses what SQLite stores (a NUL character, an over-long value),
so a request that passes on one can still be a server error on the other. The apps and their
databases are made at import: schemathesis needs the schema to collect its tests.
"""

from __future__ import annotations

import atexit
import os
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from storage.db import make_engine, with_schema
from storage.schema import upgrade
from tests.api.conftest import make_key
from tests.conftest import NOW, PG_URL, pg_problem

PG_SCHEMA = "fuzz_" + uuid.uuid4().hex[:12]


def _loaded(engine: Engine) -> tuple[Any, dict[str, str]]:
    app = create_api_app(engine=engine, clock=lambda: NOW, events=EventMap())
    auth = {"Authorization": f"Bearer {make_key(engine)}"}
    return schemathesis.openapi.from_asgi("/openapi.json", app), auth


SQLITE = make_engine("sqlite://")
SQLModel.metadata.create_all(SQLITE)
sqlite_schema, SQLITE_AUTH = _loaded(SQLITE)

PG: Engine | None = None
if pg_problem() is None:
    with make_engine(PG_URL).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
    PG = make_engine(with_schema(PG_URL, PG_SCHEMA))
    upgrade(PG)
    pg_schema, PG_AUTH = _loaded(PG)
else:
    pg_schema, PG_AUTH = sqlite_schema, {}  # collected, then skipped below


def _drop_pg_schema() -> None:
    if PG is not None:
        PG.dispose()
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
        admin.dispose()


# at exit, not in a fixture: the schema is made when the module is collected, which happens
# even when none of its tests is selected
atexit.register(_drop_pg_schema)


FUZZ = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@sqlite_schema.parametrize()
@FUZZ
def test_no_request_gets_a_server_error_on_sqlite(case: Any) -> None:
    case.call_and_validate(headers=SQLITE_AUTH, checks=[not_a_server_error])


@pytest.mark.postgres
@pg_schema.parametrize()
@FUZZ
def test_no_request_gets_a_server_error_on_postgres(case: Any) -> None:
    if PG is None:
        problem = pg_problem() or ""
        if os.environ.get("SDRBOT_REQUIRE_POSTGRES"):
            pytest.fail(problem)
        pytest.skip(problem)
    case.call_and_validate(headers=PG_AUTH, checks=[not_a_server_error])
