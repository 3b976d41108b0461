"""Outbox rows, alert locations and delivery ids in any state and of any age, for the retention
tests."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.repositories.messages import key_of
from storage.tables import IngestMessage, Lead, OutboxMessage, SlackAlert

_seq = count(1)


def add_lead(engine: Engine, now: datetime) -> int:
    with session_scope(engine) as s:
        lead = Lead(
            email=f"lead{next(_seq)}@x.example",
            status="mql",
            status_since=now,
            created_at=now,
            updated_at=now,
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def add_row(
    engine: Engine,
    *,
    kind: str = "webhook",
    status: str = "sent",
    sent_at: datetime | None = None,
    created_at: datetime,
    lead_id: int | None = None,
    attempts: int = 0,
    next_attempt_at: datetime | None = None,
) -> int:
    result: dict[str, Any] = {"channel": "C0ALERTS01", "ts": "1.1"} if status == "sent" else {}
    with session_scope(engine) as s:
        row = OutboxMessage(
            kind=kind,
            lead_id=lead_id,
            dedupe_key=f"{kind}:{next(_seq)}",
            payload={"lead_id": lead_id},
            status=status,
            attempts=attempts,
            next_attempt_at=next_attempt_at or created_at,
            created_at=created_at,
            sent_at=sent_at,
            result=result,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def add_alert(engine: Engine, lead_id: int, posted_at: datetime) -> int:
    """A delivered alert: its sent outbox row and where it landed (slack_alert)."""
    row_id = add_row(
        engine, kind="slack.alert", lead_id=lead_id, sent_at=posted_at, created_at=posted_at
    )
    with session_scope(engine) as s:
        s.add(
            SlackAlert(
                lead_id=lead_id,
                outbox_id=row_id,
                channel="C0ALERTS01",
                ts=f"{next(_seq)}.0001",
                posted_at=posted_at,
            )
        )
    return row_id


def add_ids(engine: Engine, received_at: datetime, n: int = 1) -> None:
    with session_scope(engine) as s:
        for _ in range(n):
            s.add(
                IngestMessage(
                    key=key_of("identify", f"m{next(_seq)}"),
                    kind="identify",
                    received_at=received_at,
                )
            )


def outbox_ids(engine: Engine) -> set[int]:
    with session_scope(engine) as s:
        return set(s.scalars(select(OutboxMessage.id)))  # type: ignore[call-overload]


def alert_rows(engine: Engine) -> set[int]:
    with session_scope(engine) as s:
        return set(s.scalars(select(SlackAlert.outbox_id)))  # type: ignore[call-overload]


def id_count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(IngestMessage)) or 0)
