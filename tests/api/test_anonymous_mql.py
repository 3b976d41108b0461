"""An anonymous visitor raising a hand is nobody an SDR can call: it becomes an MQL, with its
alert, when an identify names the person."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.helpers import count, rows


def test_an_anonymous_hand_raiser_alerts_only_once_identified(
    client: TestClient, engine: Engine
) -> None:
    answer = client.post(
        "/api/v1/track", json={"anonymousId": "visitor-7", "event": "demo_request"}
    )
    assert answer.status_code == 200, answer.text
    assert [r.status for r in rows(engine, "SELECT status FROM lead")] == ["lead"]
    assert count(engine, "outbox") == 0

    answer = client.post(
        "/api/v1/identify",
        json={
            "anonymousId": "visitor-7",
            "userId": "crm-7",
            "traits": {"email": "vera@hotel.example", "title": "CEO"},
        },
    )
    assert answer.status_code == 200, answer.text
    mqls = rows(engine, "SELECT id, email FROM lead WHERE status = 'mql'")
    assert [m.email for m in mqls] == ["vera@hotel.example"]
    alerts = rows(engine, "SELECT lead_id FROM outbox WHERE kind = 'slack.alert'")
    assert [a.lead_id for a in alerts] == [mqls[0].id]
