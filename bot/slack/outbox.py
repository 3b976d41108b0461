"""The outbox sender: delivers what the use cases queued, at Slack's pace, surviving restarts.

A row is claimed by a conditional UPDATE (its attempt count as seen) that also pushes its next
attempt a lease into the future: two processes never send the same row at once, and a row
whose sender died becomes due again when the lease runs out. Errors back off exponentially; a
429 that outlasts the client's own retries waits for Slack's Retry-After.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from sqlalchemy.engine import Engine

from bot.polling import drain_until
from bot.routing import Routing
from bot.slack.blocks.limits import BlockKitLimitError
from bot.slack.channels import ChannelIds
from bot.slack.delivery import Defer, Delivered, Delivery, Pacer, Permanent, Row
from storage.repositories import outbox

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12
BACKOFF_BASE = 2.0  # seconds; doubles per attempt
BACKOFF_MAX = 900.0
DEFER_DELAY = timedelta(seconds=5)
# Slack's answers that mean this message will never be accepted as it is
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "invalid_metadata_format",
        "message_not_found",
        "cant_update_message",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
    }
)


def make_client(token: str, base_url: str | None = None, **kwargs: Any) -> WebClient:
    """The Web API client the bot uses: 429s are retried after Retry-After, nothing else is.

    Connection errors and 5xx are not retried here: Slack may have posted the message before
    failing, and only the outbox (which checks for the message first) may post it again.
    """
    kwargs.setdefault("timeout", 10)
    client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL, **kwargs)
    client.retry_handlers = [RateLimitErrorRetryHandler(max_retry_count=2)]
    return client


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    deferred: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retried + self.deferred + self.failed

    def add(self, other: Report) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.deferred += other.deferred
        self.failed += other.failed

    def add_retry(self, retrying: bool) -> None:
        if retrying:
            self.retried += 1
        else:
            self.failed += 1


class OutboxSender:
    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        *,
        alert_channel: str,
        handover_channel: str,
        pace: float = 1.0,
        batch: int = 50,
        pacer: Pacer | None = None,
        lease: timedelta = LEASE,
        routing: Routing | None = None,
        workers: int = 1,
    ) -> None:
        """`routing` picks each alert's channel (default: all to `alert_channel`).

        With `workers` > 1 the channels are served in parallel, each in order: Slack's limit
        is per channel, so one channel's wait (a 429, the pacing) need not hold up the
        others. Parallel lanes need connections of their own: not an in-memory SQLite.
        """
        self.engine = engine
        self.lease = lease
        self.workers = workers
        self.clock = clock
        self.batch = batch
        self.delivery = Delivery(
            engine,
            client,
            routing or Routing(alert_channel),
            handover_channel,
            pacer or Pacer(pace),
            ChannelIds(engine),
        )

    def drain_once(self) -> Report:
        """Send every row due now (up to `batch`); callable directly from tests."""
        rows = self._due(self.clock())
        if self.workers <= 1:
            return self._drain(rows)
        lanes: dict[str, list[Row]] = {}
        for row in rows:
            lanes.setdefault(self.delivery.lane(row), []).append(row)
        report = Report()
        with ThreadPoolExecutor(
            max_workers=min(self.workers, max(1, len(lanes))), thread_name_prefix="outbox"
        ) as pool:
            for lane_report in pool.map(self._drain, lanes.values()):
                report.add(lane_report)
        return report

    def _drain(self, rows: list[Row]) -> Report:
        # each row is claimed just before it is sent: a lease taken for a whole queue could
        # run out while the row still waits its turn, and another process would send it too
        report = Report()
        for row in rows:
            if self._claim(row):
                self._deliver(row, report)
        return report

    def run(
        self, stop: threading.Event, idle: float = 1.0, wake: threading.Event | None = None
    ) -> None:
        """Drain until `stop` is set; the bot runs this in a background thread.

        Between rounds it waits `idle` seconds, or less when `wake` is set (a click that
        queued an alert update should not wait for the next poll).
        """

        def drain() -> bool:
            report = self.drain_once()
            return report.sent + report.retried > 0

        drain_until(stop, drain, name="outbox sender", idle=idle, wake=wake)

    def _due(self, now: datetime) -> list[Row]:
        return outbox.due(self.engine, kind_like="slack.%", now=now, limit=self.batch)

    def _claim(self, row: Row) -> bool:
        return outbox.claim(self.engine, row, now=self.clock(), lease=self.lease)

    def _deliver(self, row: Row, report: Report) -> None:
        try:
            done = self.delivery.send(row, self.clock())
        except Defer as exc:
            self._retry(row, str(exc), DEFER_DELAY.total_seconds(), undo_attempt=True)
            report.deferred += 1
        except (Permanent, BlockKitLimitError) as exc:
            self._fail(row, str(exc))
            report.failed += 1
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in PERMANENT_ERRORS:
                self._fail(row, f"Slack refused it: {error}")
                report.failed += 1
                return
            wait = _retry_after(exc) or _backoff(row.attempts + 1)
            report.add_retry(self._retry(row, f"Slack answered {error}", wait))
        except (SlackClientError, OSError) as exc:  # timeouts, refused connections, DNS
            report.add_retry(
                self._retry(row, f"{type(exc).__name__}: {exc}", _backoff(row.attempts + 1))
            )
        else:
            self._sent(row, done)
            report.sent += 1

    def _sent(self, row: Row, done: Delivered) -> None:
        outbox.mark_sent(self.engine, row.id, now=self.clock(), result=done.result, also=done.alert)

    def _retry(self, row: Row, error: str, seconds: float, *, undo_attempt: bool = False) -> bool:
        """Schedule another attempt; False when the row has used up its attempts."""
        attempts = row.attempts if undo_attempt else row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            self._fail(row, f"gave up after {attempts} attempts; last: {error}")
            return False
        log.warning("outbox row %s (%s): %s; next try in %.0fs", row.id, row.kind, error, seconds)
        outbox.reschedule(
            self.engine,
            row.id,
            attempts=attempts,
            error=error,
            at=self.clock() + timedelta(seconds=seconds),
        )
        return True

    def _fail(self, row: Row, error: str) -> None:
        log.error("outbox row %s (%s) failed for good: %s", row.id, row.kind, error)
        outbox.mark_failed(self.engine, row.id, error=error)


def _backoff(attempts: int) -> float:
    return float(min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def _retry_after(exc: SlackApiError) -> float | None:
    if exc.response.status_code != 429:
        return None
    headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
    try:
        return float(headers.get("retry-after", 1))
    except (TypeError, ValueError):
        return 1.0
