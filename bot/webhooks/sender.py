"""The webhook sender: delivers the outbox's `webhook` rows, signed, with retries and backoff.

Each webhook is a lane of its own, served in parallel with the others: one receiver that is
slow or down holds up nobody else. Within a lane a lead's deliveries go out in the order of
its transitions; a delivery waits while an earlier one of the same lead is still to be sent.
A receiver gets each transition once unless it fails to answer 2xx in time (then it gets it
again, with the same `id`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from sqlalchemy.engine import Engine

from bot.polling import drain_until
from bot.webhooks import signing
from bot.webhooks.document import transition_document
from storage.db import session_scope
from storage.repositories import outbox
from storage.repositories import webhooks as repo
from storage.repositories.outbox import OutboxRow
from storage.tables import Lead, LeadScore, Webhook

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
TIMEOUT = 10.0  # seconds for the receiver to answer
MAX_ATTEMPTS = 15  # about six and a half hours of retries before a delivery is marked failed
BACKOFF_BASE = 10.0  # seconds; doubles per attempt
BACKOFF_MAX = 3600.0
USER_AGENT = "sdrbot-webhooks/1"


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    held: int = 0  # waiting for an earlier delivery of the same lead
    failed: int = 0

    def add(self, other: Tally) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.held += other.held
        self.failed += other.failed


class DeliveryError(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def make_client(timeout: float = TIMEOUT) -> httpx.Client:
    # a redirect is not followed: the signed document goes to the URL the operator gave
    return httpx.Client(timeout=timeout, follow_redirects=False,
                        headers={"User-Agent": USER_AGENT})


def post(client: httpx.Client, url: str, secret: str, document: dict[str, Any], *,
         now: datetime) -> httpx.Response:
    """POST the signed document; raises DeliveryError unless the receiver answers 2xx."""
    body = orjson.dumps(document)
    headers = {"Content-Type": "application/json", "X-Sdrbot-Event": str(document["type"]),
               "X-Sdrbot-Delivery": str(document["id"]),
               **signing.headers(secret, int(now.timestamp()), body)}
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:  # refused, timed out, bad TLS, unknown host
        raise DeliveryError(f"{type(exc).__name__} from {where(url)}: {exc}") from exc
    if not response.is_success:
        excerpt = response.text[:200].strip()
        raise DeliveryError(f"{where(url)} answered HTTP {response.status_code}"
                            + (f": {excerpt}" if excerpt else ""),
                            _retry_after(response, now))
    return response


def where(url: str) -> str:
    """The receiver's scheme and host: its path may carry a token (Zapier's does)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


class WebhookSender:
    def __init__(self, engine: Engine, clock: Callable[[], datetime], *,
                 client: httpx.Client | None = None, batch: int = 100, lease: timedelta = LEASE,
                 lanes: int = 4) -> None:
        """With `lanes` > 1 the webhooks are served in parallel, so the engine needs
        connections of its own per thread (not an in-memory SQLite)."""
        self.engine = engine
        self.clock = clock
        self.client = client or make_client()
        self.batch = batch
        self.lease = lease
        self.lanes = lanes

    def drain_once(self) -> Tally:
        """Deliver every row due now (up to `batch`); callable directly from tests."""
        rows = outbox.due(self.engine, kind_like=repo.KIND, now=self.clock(), limit=self.batch)
        lanes: dict[int, list[OutboxRow]] = {}
        for row in rows:
            lanes.setdefault(int(row.payload.get("webhook_id") or 0), []).append(row)
        tally = Tally()
        if self.lanes <= 1 or len(lanes) <= 1:
            for lane in lanes.values():
                tally.add(self._lane(lane))
            return tally
        with ThreadPoolExecutor(max_workers=min(self.lanes, len(lanes)),
                                thread_name_prefix="webhooks") as pool:
            for lane_tally in pool.map(self._lane, lanes.values()):
                tally.add(lane_tally)
        return tally

    def run(self, stop: threading.Event, idle: float = 1.0,
            wake: threading.Event | None = None) -> None:
        """Deliver until `stop` is set; `sdrbot run` and `sdrbot serve` run this in a thread."""
        def drain() -> bool:
            tally = self.drain_once()
            return tally.sent + tally.retried > 0

        drain_until(stop, drain, name="webhook sender", idle=idle, wake=wake)

    def _lane(self, rows: list[OutboxRow]) -> Tally:
        tally = Tally()
        for row in rows:
            webhook_id = int(row.payload.get("webhook_id") or 0)
            with session_scope(self.engine) as s:
                waits = repo.older_pending(s, row_id=row.id, lead_id=row.lead_id,
                                           webhook_id=webhook_id)
            if waits:
                tally.held += 1
                continue
            if outbox.claim(self.engine, row, now=self.clock(), lease=self.lease):
                self._deliver(row, webhook_id, tally)
        return tally

    def _deliver(self, row: OutboxRow, webhook_id: int, tally: Tally) -> None:
        with session_scope(self.engine) as s:
            hook = s.get(Webhook, webhook_id)
            target = None if hook is None or hook.removed_at else (hook.url, hook.secret)
            lead = s.get(Lead, row.lead_id) if row.lead_id is not None else None
            score = s.get(LeadScore, row.lead_id) if row.lead_id is not None else None
            document = transition_document(
                row.payload, lead_id=row.lead_id,
                lead=lead.model_dump() if lead else None,
                score=score.model_dump() if score else None)
        if target is None:
            outbox.mark_failed(self.engine, row.id,
                               error=f"webhook #{webhook_id} was removed before delivery")
            tally.failed += 1
            return
        url, secret = target
        started = time.monotonic()
        try:
            response = post(self.client, url, secret, document, now=self.clock())
        except DeliveryError as exc:
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.error("webhook #%s delivery %s failed for good: %s", webhook_id,
                          document["id"], exc)
                outbox.mark_failed(self.engine, row.id,
                                   error=f"gave up after {attempts} attempts; last: {exc}")
                tally.failed += 1
                return
            wait = exc.retry_after if exc.retry_after is not None else backoff(attempts)
            log.warning("webhook #%s delivery %s: %s; next try in %.0fs", webhook_id,
                        document["id"], exc, wait)
            outbox.reschedule(self.engine, row.id, attempts=attempts, error=str(exc),
                              at=self.clock() + timedelta(seconds=wait))
            tally.retried += 1
            return
        outbox.mark_sent(self.engine, row.id, now=self.clock(), result={
            "status": response.status_code, "id": document["id"],
            "ms": round((time.monotonic() - started) * 1000)})
        tally.sent += 1


def backoff(attempts: int) -> float:
    return float(min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def _retry_after(response: httpx.Response, now: datetime) -> float | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(BACKOFF_MAX, max(0.0, seconds))
