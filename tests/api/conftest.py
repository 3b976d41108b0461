"""An ingest API app on the test database, with a live key and a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from bot.usecases.admin import api_keys as apikeys
from storage.db import session_scope
from tests.conftest import NOW


def make_key(engine: Engine, name: str = "test") -> str:
    with session_scope(engine) as s:
        return apikeys.create(s, name, now=NOW, actor="test").secret


@pytest.fixture
def key(engine: Engine) -> str:
    return make_key(engine)


@pytest.fixture
def client(engine: Engine, key: str) -> Iterator[TestClient]:
    app = create_api_app(engine=engine, clock=lambda: NOW, events=EventMap())
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c


@pytest.fixture
def atomic_client(engine: Engine, key: str) -> Iterator[TestClient]:
    """An app with `[ingest] batch = "atomic"`: one invalid call refuses the whole batch."""
    app = create_api_app(engine=engine, clock=lambda: NOW, events=EventMap(), batch="atomic")
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c
