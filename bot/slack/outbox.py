"""The outbox sender for Slack: delivers what the use cases queued, at Slack's pace, surviving
restarts.

It is the one sender (`bot.outbox.sender`: leases, claims, backoff, attempt limits) with the
Slack transport (`bot.slack.transport`) behind it, and its channels as lanes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from sqlalchemy.engine import Engine

from bot.jobs.sla_clock import Sla
from bot.outbox.lanes import PooledLanes
from bot.outbox.report import Report
from bot.outbox.sender import LEASE, Sender
from bot.routing import Routing
from bot.slack.channels import ChannelIds
from bot.slack.delivery import Delivery, Pacer, SlackMessage
from bot.slack.pacing import BURST
from bot.slack.transport import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    DEFER_DELAY,
    MAX_ATTEMPTS,
    PERMANENT_ERRORS,
    SlackTransport,
)
from bot.triage_settings import Triage

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "DEFER_DELAY",
    "LEASE",
    "MAX_ATTEMPTS",
    "PERMANENT_ERRORS",
    "OutboxSender",
    "Report",
    "make_client",
]


def make_client(token: str, base_url: str | None = None, **kwargs: Any) -> WebClient:
    """The Web API client the bot uses: 429s are retried after Retry-After, nothing else is.

    Connection errors and 5xx are not retried here: Slack may have posted the message before
    failing, and only the outbox (which checks for the message first) may post it again.
    """
    kwargs.setdefault("timeout", 10)
    client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL, **kwargs)
    client.retry_handlers = [RateLimitErrorRetryHandler(max_retry_count=2)]
    return client


class OutboxSender(Sender[SlackMessage]):
    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        *,
        alert_channel: str,
        handover_channel: str,
        pace: float = 1.0,
        burst: int = BURST,
        batch: int = 50,
        pacer: Pacer | None = None,
        lease: timedelta = LEASE,
        routing: Routing | None = None,
        workers: int = 1,
        triage: Triage | None = None,
        locale: str = "en",
        sla: Sla | None = None,
    ) -> None:
        """`routing` picks each alert's channel (default: all to `alert_channel`).

        With `workers` > 1 the channels are served in parallel, each in order: Slack's limit
        is per channel, so one channel's wait (a 429, the pacing) need not hold up the
        others. Parallel lanes need connections of their own: not an in-memory SQLite.

        `locale` is the team's language; with `sla` a backlog goes out in the queue's order
        (hand-raisers, then MQLs past their SLA, then by score), not oldest first.
        """
        self.workers = workers
        self.delivery = Delivery(
            engine,
            client,
            routing or Routing(alert_channel),
            handover_channel,
            pacer or Pacer(pace, burst=burst),
            ChannelIds(engine),
            triage or Triage(),
            locale,
        )
        super().__init__(
            engine,
            SlackTransport(self.delivery, sla=sla),
            clock,
            lanes=PooledLanes(workers, name="outbox"),
            batch=batch,
            lease=lease,
            name="outbox sender",
        )
