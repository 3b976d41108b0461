"""Concurrent requests for one lead: every event lands in the lead's state exactly once.

Each request reads the lead's decaying state, folds its events in and writes it back; without
BEGIN IMMEDIATE (SQLite) or the lead row lock (PostgreSQL) two of them would overwrite each
other's state, and the score would miss events that are stored.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from bot.usecases.lifecycle.scoring_pass import Ctx, rebuild_states
from scoring.state import LeadState
from storage.db import session_scope
from storage.repositories import model_versions as models
from tests.api.conftest import make_key
from tests.api.helpers import count, lead, rows
from tests.conftest import NOW

REQUESTS = 8
PER_REQUEST = 5


def test_concurrent_batches_for_one_lead_count_every_event_once(threaded_engine: Engine) -> None:
    key = make_key(threaded_engine)
    app = create_api_app(engine=threaded_engine, clock=lambda: NOW, events=EventMap())

    def send(n: int) -> int:
        batch = [
            {
                "type": "track",
                "userId": "busy",
                "event": "Newsletter Opened",
                "messageId": f"r{n}-{i}",
                "timestamp": (NOW - timedelta(minutes=n * PER_REQUEST + i)).isoformat(),
            }
            for i in range(PER_REQUEST)
        ]
        with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
            return c.post("/api/v1/batch", json={"batch": batch}).status_code

    with ThreadPoolExecutor(REQUESTS) as pool:
        codes = list(pool.map(send, range(REQUESTS)))
    assert codes == [200] * REQUESTS
    assert count(threaded_engine, "lead") == 1
    assert count(threaded_engine, "event") == REQUESTS * PER_REQUEST
    lead_id = lead(threaded_engine, "busy").id
    stored = rows(
        threaded_engine, "select state, dirty from lead_score where lead_id = :i", i=lead_id
    )
    assert len(stored) == 1 and not stored[0].dirty
    with session_scope(threaded_engine) as s:
        version = models.ensure_active(session=s, now=NOW)
        assert version.version is not None
        ctx = Ctx(s, models.parsed(version), version.version, NOW, "test")
        rebuilt = rebuild_states(ctx, [lead_id])[lead_id]
    state = stored[0].state
    got = LeadState.from_json(state if isinstance(state, dict) else json.loads(state))
    # the same events folded in another order: equal up to float rounding, `lp` included
    assert rounded(got.to_json()) == rounded(rebuilt.to_json())


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def test_batches_naming_the_same_leads_in_opposite_orders_do_not_deadlock(
    threaded_engine: Engine,
) -> None:
    """The leads of a batch are locked in id order whatever the order of its calls."""
    key = make_key(threaded_engine)
    app = create_api_app(engine=threaded_engine, clock=lambda: NOW, events=EventMap())
    users = [f"u{i}" for i in range(6)]

    def send(n: int) -> int:
        order = users if n % 2 else users[::-1]
        batch = [
            {
                "type": "track",
                "userId": u,
                "event": "Newsletter Opened",
                "messageId": f"o{n}-{u}",
                "timestamp": (NOW - timedelta(minutes=n)).isoformat(),
            }
            for u in order
        ]
        with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
            return c.post("/api/v1/batch", json={"batch": batch}).status_code

    assert send(0) == 200  # the leads exist before the race
    with ThreadPoolExecutor(REQUESTS) as pool:
        codes = list(pool.map(send, range(1, REQUESTS + 1)))
    assert codes == [200] * REQUESTS
    assert count(threaded_engine, "event") == (REQUESTS + 1) * len(users)
