"""The webhook sender: delivers the outbox's `webhook` rows, signed, with retries and backoff.

It is the one sender (`bot.outbox.sender`: leases, claims, backoff, attempt limits) with the
webhook transport (`bot.webhooks.transport`) behind it. Each webhook is a lane of its own, in a
thread no round waits for (`bot.outbox.lanes.DetachedLanes`): a webhook whose lane is still
busy is left out of the round (its rows are not even read, so they neither crowd the batch nor
get claimed twice), and a receiver that is slow, down or hung delays only its own deliveries.
Within a lane a lead's deliveries go out in the order of its transitions. A receiver gets each
transition once unless it fails to answer 2xx in time (then it gets it again, with the same
`id`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine

from bot.outbox.lanes import DetachedLanes
from bot.outbox.messages import WebhookDelivery
from bot.outbox.report import Report
from bot.outbox.sender import LEASE, Sender
from bot.webhooks.posting import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    MAX_ATTEMPTS,
    TIMEOUT,
    USER_AGENT,
    DeliveryError,
    backoff,
    make_client,
    post,
    where,
)
from bot.webhooks.transport import WebhookTransport

Tally = Report  # the name the webhook side has always used

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "LEASE",
    "MAX_ATTEMPTS",
    "TIMEOUT",
    "USER_AGENT",
    "DeliveryError",
    "Tally",
    "WebhookSender",
    "backoff",
    "make_client",
    "post",
    "where",
]


class WebhookSender(Sender[WebhookDelivery]):
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        *,
        client: httpx.Client | None = None,
        batch: int = 100,
        lease: timedelta = LEASE,
        lanes: int = 4,
    ) -> None:
        """`lanes`: how many webhooks are served at once, each in a thread of its own. With 1
        they are served one after the other in the caller's thread, as an in-memory SQLite
        (whose one connection threads cannot share) needs; a hung receiver then delays the
        others by one timeout per backoff step.

        An abandoned request's row (a stop does not wait for it) keeps its lease, runs out of
        it and is sent again later with the same `id`, which the receiver can drop.
        """
        self.client = client or make_client()
        self.lanes = lanes
        super().__init__(
            engine,
            WebhookTransport(engine, self.client),
            clock,
            lanes=DetachedLanes(lanes, name="webhook"),
            batch=batch,
            lease=lease,
            name="webhook sender",
        )
