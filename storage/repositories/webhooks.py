"""Webhook subscriptions, and the questions asked of their deliveries in the outbox.

The deliveries themselves are queued by the bot's recorder (bot/usecases/lifecycle/recorder.py),
in the transaction that writes the transition, one outbox row per subscribed webhook.
"""

from __future__ import annotations

from sqlalchemy import Table, func, select
from sqlmodel import Session

from storage.tables import Webhook
from storage.tables.handles import OUTBOX

WEBHOOK: Table = Webhook.__table__  # type: ignore[attr-defined]
KIND = "webhook"  # the outbox kind of a delivery (WebhookDelivery.kind)


def active(session: Session) -> list[tuple[int, frozenset[str]]]:
    """(id, statuses) of every webhook that has not been removed."""
    stmt = select(WEBHOOK.c.id, WEBHOOK.c.events).where(WEBHOOK.c.removed_at.is_(None))
    return [(int(i), frozenset(events or ())) for i, events in session.execute(stmt)]


def dedupe_prefix(webhook_id: int) -> str:
    """The start of the dedupe keys of this webhook's deliveries, as the bot's WebhookDelivery
    (bot/outbox/messages.py) builds them: storage cannot import it, a test keeps both equal."""
    return f"{KIND}:{webhook_id}:"


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
