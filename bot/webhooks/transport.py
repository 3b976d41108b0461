"""Webhooks as a transport of the sender: a lane per webhook, a lead's deliveries in order.

A delivery is held while an older one of the same lead is pending for its webhook: a receiver
sees a lead's changes in the order they happened. Any answer but 2xx is retried (Retry-After
honoured). When the receiver does not answer at all (a timeout, a refused connection) or asks
for patience (Retry-After), the sender puts the rest of the lane off with it: trying them now
would fare no better, and each would cost a whole timeout, so a hung receiver costs one timeout
per backoff step rather than one per delivery.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import httpx
from sqlalchemy.engine import Engine

from bot.outbox.messages import WebhookDelivery
from bot.outbox.transport import (
    Failed,
    Outcome,
    Retry,
    RetryPolicy,
    Row,
    Sent,
    Unreadable,
    read,
)
from bot.webhooks.document import transition_document
from bot.webhooks.posting import POLICY, DeliveryError, post
from storage.db import session_scope
from storage.repositories import webhooks as repo
from storage.tables import Lead, LeadScore, Webhook


@dataclass
class WebhookTransport:
    engine: Engine
    client: httpx.Client
    kinds: str = WebhookDelivery.kind
    policy: RetryPolicy = POLICY

    def parse(self, row: Row) -> WebhookDelivery:
        message = read(row)
        if isinstance(message, WebhookDelivery):
            return message
        raise Unreadable(f"unknown outbox kind {row.kind!r}")

    def lane(self, row: Row, message: WebhookDelivery) -> int:
        return message.webhook_id

    def lane_pattern(self, lane: Hashable) -> str:
        return WebhookDelivery.prefix(cast(int, lane)) + "%"  # a webhook id, from `lane`

    def held(self, row: Row, message: WebhookDelivery) -> bool:
        with session_scope(self.engine) as s:
            return repo.older_pending(
                s, row_id=row.id, lead_id=row.lead_id, webhook_id=message.webhook_id
            )

    def priority(self, now: datetime) -> None:
        return None  # oldest first: a webhook's order per lead, a job's in its turn

    def describe(self, row: Row, message: WebhookDelivery) -> str:
        return f"webhook #{message.webhook_id} delivery {message.id}"

    def deliver(self, row: Row, message: WebhookDelivery, now: datetime) -> Outcome:
        with session_scope(self.engine) as s:
            hook = s.get(Webhook, message.webhook_id)
            target = None if hook is None or hook.removed_at else (hook.url, hook.secret)
            lead = s.get(Lead, message.lead_id)
            score = s.get(LeadScore, message.lead_id)
            document = transition_document(
                message,
                lead=lead.model_dump() if lead else None,
                score=score.model_dump() if score else None,
            )
        if target is None:
            return Failed(f"webhook #{message.webhook_id} was removed before delivery")
        url, secret = target
        started = time.monotonic()
        try:
            response = post(self.client, url, secret, document, now=now)
        except DeliveryError as exc:
            return Retry(str(exc), exc.retry_after, put_off_rest=exc.holds_up_the_rest)
        ms = round((time.monotonic() - started) * 1000)
        return Sent({"status": response.status_code, "id": document["id"], "ms": ms})
