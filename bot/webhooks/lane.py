"""One webhook's due deliveries, sent one at a time in the order they were queued.

A row waits while an older one of the same lead is pending for this webhook: a receiver sees a
lead's changes in the order they happened. Each row is claimed just before it is sent, so its
lease runs from its own attempt, not from the start of the batch.

When the receiver does not answer at all (a timeout, a refused connection) or asks for patience
(Retry-After), the rest of the batch is claimed and put off to the same moment, counted as an
attempt each: trying them now would fare no better, and each would cost a whole timeout, so a
hung receiver costs one timeout per backoff step rather than one per delivery, and its
deliveries still fail after about as long as one alone would.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine

from bot.webhooks.document import transition_document
from bot.webhooks.posting import MAX_ATTEMPTS, DeliveryError, backoff, post
from storage.db import session_scope
from storage.repositories import outbox
from storage.repositories import webhooks as repo
from storage.repositories.outbox import OutboxRow
from storage.tables import Lead, LeadScore, Webhook

log = logging.getLogger(__name__)


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    deferred: int = 0  # not tried: put off with the one before, whose receiver did not answer
    held: int = 0  # waiting for an earlier delivery of the same lead
    failed: int = 0

    def add(self, other: Tally) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.deferred += other.deferred
        self.held += other.held
        self.failed += other.failed

    @property
    def moved(self) -> int:
        """Rows whose state changed (held ones did not)."""
        return self.sent + self.retried + self.deferred + self.failed


@dataclass
class Lane:
    engine: Engine
    client: httpx.Client
    clock: Callable[[], datetime]
    lease: timedelta
    stop: threading.Event

    def serve(self, webhook_id: int, rows: list[OutboxRow]) -> Tally:
        tally = Tally()
        put_off: tuple[DeliveryError, datetime] | None = None
        for row in rows:
            if self.stop.is_set():
                break  # the rest stays due and unclaimed, for the next start
            with session_scope(self.engine) as s:
                waits = repo.older_pending(
                    s, row_id=row.id, lead_id=row.lead_id, webhook_id=webhook_id
                )
            if waits:
                tally.held += 1
            elif not outbox.claim(self.engine, row, now=self.clock(), lease=self.lease):
                continue  # another process took it
            elif put_off is not None:
                error, at = put_off
                if self._retry(row, webhook_id, f"not tried: {error}", at):
                    tally.deferred += 1
                else:
                    tally.failed += 1
            else:
                put_off = self._deliver(row, webhook_id, tally)
        if put_off is not None and tally.deferred:
            log.warning(
                "webhook #%s: %d more deliveries put off until %s as well",
                webhook_id,
                tally.deferred,
                put_off[1].isoformat(timespec="seconds"),
            )
        return tally

    def _deliver(
        self, row: OutboxRow, webhook_id: int, tally: Tally
    ) -> tuple[DeliveryError, datetime] | None:
        """Send one claimed row; on an error that holds up the rest, the error and the moment
        to try again."""
        with session_scope(self.engine) as s:
            hook = s.get(Webhook, webhook_id)
            target = None if hook is None or hook.removed_at else (hook.url, hook.secret)
            lead = s.get(Lead, row.lead_id) if row.lead_id is not None else None
            score = s.get(LeadScore, row.lead_id) if row.lead_id is not None else None
            document = transition_document(
                row.payload,
                lead_id=row.lead_id,
                lead=lead.model_dump() if lead else None,
                score=score.model_dump() if score else None,
            )
        if target is None:
            outbox.mark_failed(
                self.engine, row.id, error=f"webhook #{webhook_id} was removed before delivery"
            )
            tally.failed += 1
            return None
        url, secret = target
        started = time.monotonic()
        try:
            response = post(self.client, url, secret, document, now=self.clock())
        except DeliveryError as exc:
            wait = exc.retry_after if exc.retry_after is not None else backoff(row.attempts + 1)
            at = self.clock() + timedelta(seconds=wait)
            if self._retry(row, webhook_id, str(exc), at):
                log.warning(
                    "webhook #%s delivery %s: %s; next try in %.0fs",
                    webhook_id,
                    document["id"],
                    exc,
                    wait,
                )
                tally.retried += 1
            else:
                tally.failed += 1
            return (exc, at) if exc.holds_up_the_rest else None
        outbox.mark_sent(
            self.engine,
            row.id,
            now=self.clock(),
            result={
                "status": response.status_code,
                "id": document["id"],
                "ms": round((time.monotonic() - started) * 1000),
            },
        )
        tally.sent += 1
        return None

    def _retry(self, row: OutboxRow, webhook_id: int, error: str, at: datetime) -> bool:
        """Record a claimed row's failed attempt: due again at `at`, or, after the last
        attempt, failed (False)."""
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.error(
                "webhook #%s delivery %s failed for good: %s",
                webhook_id,
                row.payload.get("id"),
                error,
            )
            outbox.mark_failed(
                self.engine, row.id, error=f"gave up after {attempts} attempts; last: {error}"
            )
            return False
        outbox.reschedule(self.engine, row.id, attempts=attempts, error=error, at=at)
        return True
