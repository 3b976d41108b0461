"""A back-dated CRM outcome: the lifecycle stays in order, the event keeps the CRM's time."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import session_scope
from storage.repositories.leads import transitions_of
from storage.tables import Event, Lead
from tests.conftest import NOW

OPPORTUNITY_AT = NOW - timedelta(days=1)
WON_AT = NOW - timedelta(days=2)  # the CRM reports the deal as won before the opportunity


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_a_back_dated_outcome_is_recorded_after_the_latest_transition(
    client: TestClient, engine: Engine
) -> None:
    client.post("/api/v1/identify", json={"userId": "crm-42"})
    for stage, at in (("opportunity", OPPORTUNITY_AT), ("won", WON_AT)):
        answer = client.post(
            "/api/v1/outcomes",
            json={"userId": "crm-42", "stage": stage, "timestamp": _iso(at), "amount": 900},
        )
        assert answer.status_code == 200, answer.text
    with session_scope(engine) as s:
        lead = s.exec(select(Lead).where(Lead.external_id == "crm-42")).one()
        assert lead.id is not None and lead.status == "won"
        assert lead.status_since == OPPORTUNITY_AT
        history = list(reversed(transitions_of(session=s, lead_id=lead.id)))
        assert [(t.from_status, t.to_status, t.at) for t in history] == [
            ("lead", "opportunity", OPPORTUNITY_AT),
            ("opportunity", "won", OPPORTUNITY_AT),
        ]
        details = history[1].details
        assert details["occurred_at"] == WON_AT.isoformat() and details["amount"] == 900
        assert "occurred_at" not in history[0].details
        events = {
            e.type: e.occurred_at for e in s.exec(select(Event).where(Event.lead_id == lead.id))
        }
        assert events == {"crm_opportunity": OPPORTUNITY_AT, "crm_won": WON_AT}


def test_an_outcome_in_order_keeps_its_own_time(client: TestClient, engine: Engine) -> None:
    client.post("/api/v1/identify", json={"userId": "crm-43"})
    for stage, at in (("opportunity", WON_AT), ("won", OPPORTUNITY_AT)):
        client.post(
            "/api/v1/outcomes", json={"userId": "crm-43", "stage": stage, "timestamp": _iso(at)}
        )
    with session_scope(engine) as s:
        lead = s.exec(select(Lead).where(Lead.external_id == "crm-43")).one()
        assert lead.id is not None and lead.status_since == OPPORTUNITY_AT
        assert [
            (t.to_status, t.at, t.details)
            for t in reversed(transitions_of(session=s, lead_id=lead.id))
        ] == [("opportunity", WON_AT, {}), ("won", OPPORTUNITY_AT, {})]
