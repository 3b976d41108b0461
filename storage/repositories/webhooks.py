"""Webhook subscriptions, and their deliveries queued in the outbox beside the transitions.

Deliveries are written in the transaction that writes the transition, one outbox row per
subscribed webhook, keyed by webhook and transition: a transition that is written is never
without its deliveries, and no transition is queued twice for one webhook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlmodel import Session

from storage.fastwrite import insert_ignoring_duplicates
from storage.tables import Webhook
from storage.tables.handles import OUTBOX

WEBHOOK: Table = Webhook.__table__  # type: ignore[attr-defined]
KIND = "webhook"


def active(session: Session) -> list[tuple[int, frozenset[str]]]:
    """(id, statuses) of every webhook that has not been removed."""
    stmt = select(WEBHOOK.c.id, WEBHOOK.c.events).where(WEBHOOK.c.removed_at.is_(None))
    return [(int(i), frozenset(events or ())) for i, events in session.execute(stmt)]


def transition_id(lead_id: int, to_status: str, at: datetime) -> str:
    """A transition's name for receivers, the same on every retry and for every webhook."""
    return f"tr_{lead_id}_{to_status}_{int(at.timestamp() * 1_000_000)}"


def dedupe_prefix(webhook_id: int) -> str:
    return f"{KIND}:{webhook_id}:"


def queue_transitions(
    session: Session,
    transitions: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    breakdowns: Mapping[int, list[Any]] | None = None,
) -> int:
    """Queue a delivery of each transition to each webhook subscribed to its new status.

    `transitions` are lifecycle_transition rows (lead_id, from_status, to_status, cause, actor,
    at, details); `breakdowns` the score breakdowns at that moment, by lead id, when known.
    Returns the number of deliveries queued.
    """
    subscribed = active(session)
    if not subscribed:
        return 0
    rows = []
    for t in transitions:
        tid = transition_id(t["lead_id"], t["to_status"], t["at"])
        for webhook_id, events in subscribed:
            if t["to_status"] not in events:
                continue
            payload: dict[str, Any] = {
                "webhook_id": webhook_id,
                "id": tid,
                "transition": {
                    "from": t["from_status"],
                    "to": t["to_status"],
                    "cause": t["cause"],
                    "actor": t["actor"],
                    "at": t["at"].isoformat(),
                    "details": dict(t["details"] or {}),
                },
            }
            if breakdowns and t["lead_id"] in breakdowns:
                payload["breakdown"] = breakdowns[t["lead_id"]]
            rows.append(
                {
                    "kind": KIND,
                    "lead_id": t["lead_id"],
                    "dedupe_key": dedupe_prefix(webhook_id) + tid,
                    "payload": payload,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "result": {},
                }
            )
    insert_ignoring_duplicates(session, OUTBOX, rows, "dedupe_key")
    return len(rows)


def delivery_counts(session: Session, webhook_id: int) -> dict[str, int]:
    """How many deliveries of this webhook are pending, sent and failed."""
    stmt = (
        select(OUTBOX.c.status, func.count())
        .where(OUTBOX.c.kind == KIND, OUTBOX.c.dedupe_key.like(dedupe_prefix(webhook_id) + "%"))
        .group_by(OUTBOX.c.status)
    )
    return {str(status): int(n) for status, n in session.execute(stmt)}


def older_pending(session: Session, *, row_id: int, lead_id: int | None, webhook_id: int) -> bool:
    """Whether a delivery of an earlier transition of this lead to this webhook still waits:
    a receiver must see a lead's changes in the order they happened."""
    if lead_id is None:
        return False
    stmt = (
        select(func.count())
        .select_from(OUTBOX)
        .where(
            OUTBOX.c.kind == KIND,
            OUTBOX.c.status == "pending",
            OUTBOX.c.lead_id == lead_id,
            OUTBOX.c.id < row_id,
            OUTBOX.c.dedupe_key.like(dedupe_prefix(webhook_id) + "%"),
        )
    )
    return bool(session.scalar(stmt))
