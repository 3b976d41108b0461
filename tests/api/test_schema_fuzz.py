"""Schemathesis against the ingest API's OpenAPI spec: whatever it sends, no 5xx comes back.

Bounded (a few dozen examples per operation) so that it runs in CI on every change. The app
and its in-memory database are made at import: schemathesis needs the schema to collect tests.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlmodel import SQLModel

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from storage.db import make_engine
from tests.api.conftest import make_key
from tests.conftest import NOW

ENGINE = make_engine("sqlite://")
SQLModel.metadata.create_all(ENGINE)
AUTH = {"Authorization": f"Bearer {make_key(ENGINE)}"}
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_api_app(engine=ENGINE, clock=lambda: NOW, events=EventMap()))


@schema.parametrize()
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: Any) -> None:
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error])
