"""Rows for tests that start from an MQL rather than from a CSV import."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.usecases.lifecycle.recorder import Change, record
from storage.db import session_scope
from storage.tables import Event, Lead, LeadScore, OutboxMessage, SlackAlert

BREAKDOWN = [
    {
        "rule": "ceo",
        "dim": "fit",
        "label": "CEO or founder",
        "points": 30,
        "nominal": 30,
        "evidence": {"field": "title", "value": "CEO"},
    },
    {
        "rule": "webinar",
        "dim": "engagement",
        "label": "Webinar attended",
        "points": 25,
        "nominal": 25,
        "evidence": {"count": 1, "event": "webinar_attended"},
    },
    {
        "rule": "product",
        "dim": "engagement",
        "label": "Product page",
        "points": 30,
        "nominal": 30,
        "evidence": {"count": 1, "event": "page_view"},
    },
]


def make_mql(
    engine: Engine,
    now: datetime,
    *,
    email: str = "anna@hotel.example",
    alert: bool = False,
    **fields: Any,
) -> int:
    """An MQL with a score, two events and (with `alert`) its pending alert; returns its id."""
    values: dict[str, Any] = {
        "status": "mql",
        "first_name": "Anna",
        "last_name": "Adler",
        "title": "CEO",
        "company": "Adler Hotels",
        "country": "DE",
        **fields,
    }
    with session_scope(engine) as s:
        lead = Lead(email=email, status_since=now, created_at=now, updated_at=now, **values)
        s.add(lead)
        s.flush()
        assert lead.id is not None
        s.add(
            LeadScore(
                lead_id=lead.id,
                model_version=1,
                score=85,
                fit=30,
                engagement=55,
                fit_grade="B",
                engagement_level=2,
                band="mql",
                qualifies=True,
                breakdown=BREAKDOWN,
                state={},
                computed_at=now,
            )
        )
        for i, (kind, props) in enumerate(
            [("webinar_attended", {}), ("page_view", {"url": "https://x.example/product"})]
        ):
            s.add(
                Event(
                    lead_id=lead.id,
                    type=kind,
                    occurred_at=now - timedelta(hours=2 - i),
                    properties=props,
                    idempotency_key=abs(hash((email, i))) >> 1,
                    received_at=now,
                )
            )
        if alert:
            s.add(
                OutboxMessage(
                    kind="slack.alert",
                    lead_id=lead.id,
                    dedupe_key=f"alert:{lead.id}:1",
                    payload={"lead_id": lead.id, "cause": "score", "score": 85, "grade": "B2"},
                    next_attempt_at=now,
                    created_at=now,
                    result={},
                )
            )
        return lead.id


def file_engine(path: Path) -> Engine:
    """A SQLite file database: threads get connections of their own, as in production."""
    from sqlmodel import SQLModel

    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    return engine


def became_mql(engine: Engine, lead_id: int, at: datetime, old: str = "lead") -> None:
    """A transition to MQL at `at` (cause `score`), through the recorder."""
    with session_scope(engine) as s:
        record(s, [Change(lead_id, old, "mql", "score", "system", at, {})], now=at)


def alert_posted(engine: Engine, lead_id: int, at: datetime) -> None:
    """The lead's alert as sent at `at`: its outbox row and the Slack message it made."""
    with session_scope(engine) as s:
        row = OutboxMessage(
            kind="slack.alert",
            lead_id=lead_id,
            dedupe_key=f"alert:{lead_id}:{at.isoformat()}",
            payload={"lead_id": lead_id},
            next_attempt_at=at,
            created_at=at,
            result={},
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        s.add(SlackAlert(lead_id=lead_id, outbox_id=row.id, channel="C1", ts="1.1", posted_at=at))


def ceo_and_webinar_rules(ceo_labels: str, webinar_labels: str, *, ceo_label: str = "CEO") -> str:
    """A model file's rules "ceo" (fit) and "webinar" (engagement), two of the three in
    make_mql's breakdown, each with the `labels` line given; its first line is the fit rule's."""
    return f"""\
[[fit]]
id = "ceo"
label = "{ceo_label}"
{ceo_labels}
field = "title"
op = "equals"
value = "CEO"
points = 30

[[engagement_rule]]
id = "webinar"
label = "Webinar attended"
{webinar_labels}
event = "webinar_attended"
points = 25
"""
