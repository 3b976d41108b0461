"""Webhooks: add (the signing secret is shown then), list, remove, redeliver failed deliveries,
and send a test document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session

from bot.webhooks import signing
from bot.webhooks.document import ping_document
from bot.webhooks.sender import DeliveryError, post
from scoring.lifecycle import Status
from storage.repositories import webhook_admin as repo
from storage.repositories import webhooks as deliveries
from storage.tables import Webhook

DEFAULT_EVENTS = (Status.MQL, Status.SQL, Status.RECYCLED, Status.DISQUALIFIED)
EVENTS = tuple(str(s) for s in Status)


class WebhookError(ValueError):
    pass


@dataclass(frozen=True)
class NewWebhook:
    id: int
    url: str
    events: tuple[str, ...]
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Listed:
    hook: Webhook
    counts: dict[str, int]


def parse_events(names: Iterable[str] | None) -> tuple[str, ...]:
    """Status names, given as a list or comma-separated; none means the default four."""
    wanted = [n.strip().lower() for name in (names or ()) for n in name.split(",") if n.strip()]
    if not wanted:
        return tuple(str(s) for s in DEFAULT_EVENTS)
    unknown = [n for n in wanted if n not in EVENTS]
    if unknown:
        raise WebhookError(
            f"{unknown[0]!r} is not a lifecycle status; --events takes "
            f"{', '.join(EVENTS)} (comma-separated)"
        )
    return tuple(dict.fromkeys(wanted))


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise WebhookError(
            f"{url!r} is not an http(s) URL; give the full address, e.g. "
            "https://hooks.example.com/sdrbot"
        )
    return url


def create(
    session: Session,
    url: str,
    *,
    events: Iterable[str] | None = None,
    description: str | None = None,
    now: datetime,
    actor: str,
) -> NewWebhook:
    url = check_url(url)
    chosen = parse_events(events)
    same = repo.live_webhook_with_url(session, url)
    if same is not None:
        raise WebhookError(
            f"webhook #{same} sends to this URL already; remove it first "
            f"(`sdrbot webhook remove {same}`) or use another URL"
        )
    hook = repo.add_webhook(
        session,
        url=url,
        events=list(chosen),
        secret=signing.new_secret(),
        description=description,
        now=now,
        actor=actor,
    )
    assert hook.id is not None
    return NewWebhook(hook.id, url, chosen, hook.secret)


def list_webhooks(session: Session, *, removed: bool = False) -> list[Listed]:
    return [
        Listed(h, deliveries.delivery_counts(session, h.id or 0))
        for h in repo.webhooks(session, removed=removed)
    ]


def get(session: Session, webhook_id: int) -> Webhook:
    hook = repo.get_webhook(session, webhook_id)
    if hook is None or hook.removed_at is not None:
        live = ", ".join(f"#{h.hook.id}" for h in list_webhooks(session)) or "none"
        raise WebhookError(
            f"there is no webhook #{webhook_id}; the webhooks are: {live} "
            "(see `sdrbot webhook list`)"
        )
    return hook


def remove(session: Session, webhook_id: int, *, now: datetime) -> int:
    """Remove the webhook; its deliveries still waiting are dropped (marked failed).
    Returns how many were dropped."""
    hook = get(session, webhook_id)
    hook.removed_at = now
    session.add(hook)
    return repo.fail_pending(session, webhook_id, error="the webhook was removed")


def redeliver(session: Session, webhook_id: int, *, now: datetime) -> int:
    """Send the failed deliveries of this webhook again, from the first attempt."""
    get(session, webhook_id)
    return repo.retry_failed(session, webhook_id, now=now)


def last_errors(session: Session, webhook_id: int, limit: int = 5) -> list[str]:
    return repo.last_errors(session, webhook_id, limit)


def send_test(hook: Webhook, client: httpx.Client, *, now: datetime) -> int:
    """POST a signed `ping` document; the HTTP status, or DeliveryError."""
    document = ping_document(hook.id or 0, now)
    return post(client, hook.url, hook.secret, document, now=now).status_code


__all__ = [
    "DeliveryError",
    "Listed",
    "NewWebhook",
    "WebhookError",
    "create",
    "get",
    "list_webhooks",
    "redeliver",
    "remove",
    "send_test",
]
