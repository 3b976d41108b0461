"""What the webhook commands read and write: the subscriptions (table webhook) and the
deliveries of one webhook waiting or failed in the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session
from sqlmodel import select as orm_select

from storage.repositories.webhooks import KIND, dedupe_prefix
from storage.tables import Webhook
from storage.tables.handles import OUTBOX, WEBHOOK


def live_webhook_with_url(session: Session, url: str) -> int | None:
    """The id of the webhook that sends to `url` and was not removed."""
    return session.scalar(
        select(WEBHOOK.c.id).where(WEBHOOK.c.url == url, WEBHOOK.c.removed_at.is_(None))
    )


def add_webhook(
    session: Session,
    *,
    url: str,
    events: list[str],
    secret: str,
    description: str | None,
    now: datetime,
    actor: str,
) -> Webhook:
    """A new webhook, flushed: it has its id."""
    hook = Webhook(
        url=url,
        events=events,
        secret=secret,
        description=description,
        created_at=now,
        created_by=actor,
    )
    session.add(hook)
    session.flush()
    return hook


def webhooks(session: Session, *, removed: bool = False) -> list[Webhook]:
    """The webhooks by id; the removed ones only with `removed`."""
    stmt = orm_select(Webhook).order_by(WEBHOOK.c.id)
    if not removed:
        stmt = stmt.where(WEBHOOK.c.removed_at.is_(None))
    return list(session.exec(stmt))


def get_webhook(session: Session, webhook_id: int) -> Webhook | None:
    return session.get(Webhook, webhook_id)


def _deliveries(webhook_id: int, status: str) -> list[ColumnElement[bool]]:
    return [
        OUTBOX.c.kind == KIND,
        OUTBOX.c.status == status,
        OUTBOX.c.dedupe_key.like(dedupe_prefix(webhook_id) + "%"),
    ]


def fail_pending(session: Session, webhook_id: int, *, error: str) -> int:
    """Mark the webhook's pending deliveries failed with `error`; how many there were."""
    result = session.execute(
        update(OUTBOX)
        .where(*_deliveries(webhook_id, "pending"))
        .values(status="failed", last_error=error)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def retry_failed(session: Session, webhook_id: int, *, now: datetime) -> int:
    """Make the webhook's failed deliveries pending again, from the first attempt; how many."""
    result = session.execute(
        update(OUTBOX)
        .where(*_deliveries(webhook_id, "failed"))
        .values(status="pending", attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def last_errors(session: Session, webhook_id: int, limit: int = 5) -> list[str]:
    """The errors of the webhook's latest deliveries that had one, newest first."""
    stmt = (
        select(OUTBOX.c.last_error)
        .where(
            OUTBOX.c.kind == KIND,
            OUTBOX.c.last_error.is_not(None),
            OUTBOX.c.dedupe_key.like(dedupe_prefix(webhook_id) + "%"),
        )
        .order_by(OUTBOX.c.id.desc())
        .limit(limit)
    )
    return [str(e) for e in session.scalars(stmt)]


def oldest_pending(session: Session, webhook_id: int) -> datetime | None:
    """When the webhook's oldest delivery still waiting was queued."""
    return session.scalar(
        select(func.min(OUTBOX.c.created_at)).where(*_deliveries(webhook_id, "pending"))
    )
