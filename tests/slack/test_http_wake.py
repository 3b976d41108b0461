"""An accepted ingest call wakes the outbox sender: its alert leaves without waiting a poll."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.http.app import create_http_app
from bot.slack.app import build_app
from bot.slack.outbox import make_client
from bot.usecases.admin import api_keys as apikeys
from storage.db import session_scope
from tests.factories import file_engine
from tests.fakeslack import FakeSlack
from tests.slack.conftest import Clock
from tests.slack.harness import settings


@pytest.fixture
def engine_file(tmp_path: Path) -> Iterator[Engine]:
    engine = file_engine(tmp_path / "wake.db")
    yield engine
    engine.dispose()


def test_accepted_ingest_calls_wake_the_sender_and_refused_ones_do_not(
    engine_file: Engine, fake: FakeSlack, clock: Clock
) -> None:
    with session_scope(engine_file) as s:
        key = apikeys.create(s, "wake", now=datetime.now(UTC), actor="test").secret
    woken: list[int] = []
    bolt = build_app(
        settings(), engine=engine_file, client=make_client(fake.token, fake.base_url), clock=clock
    )
    app = create_http_app(bolt, engine=engine_file, wake=lambda: woken.append(1))
    with TestClient(app) as web:
        auth = {"Authorization": f"Bearer {key}"}
        ok = web.post("/api/v1/track", json={"userId": "u1", "event": "demo_request"}, headers=auth)
        assert ok.status_code == 200 and woken == [1]
        refused = web.post(
            "/api/v1/track",
            json={"userId": "u1", "event": "demo_request"},
            headers={"Authorization": "Bearer wrong"},
        )
        assert refused.status_code == 401 and woken == [1]
        assert web.get("/healthz").status_code == 200 and woken == [1]
