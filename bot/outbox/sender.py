"""The one sender of outbox rows: leases, claims, backoff, attempt limits and recovery, for every
transport (Slack, webhooks) alike.

A round reads the due rows of its transport's kinds, parses each into its message, and serves
them in lanes (`bot.outbox.lanes`). Each row is claimed just before its attempt, by a
conditional UPDATE (its attempt count as seen) that also pushes its next attempt a lease into
the future: two processes never deliver one row at once, a lease taken for a whole batch cannot
run out while the row still waits its turn, and a row whose sender died is due again when its
lease runs out. The transport delivers the row and answers with an outcome
(`bot.outbox.transport`); the sender records it: sent, tried again after a backoff (or the wait
the service asked for), deferred without counting an attempt, or failed for good once the
transport's policy has no attempts left. A row attempted before may have been delivered without
the database hearing of it: `row.attempts` tells the transport to look before delivering again.

One sender runs per transport, each in a thread of its own (`sdrbot run`: Slack and webhooks;
`sdrbot serve`: webhooks alone). They stay apart because their rounds differ: Slack's waits
for its channels, while a webhook lane is never waited for, and one loop would make the alerts
wait for a hung receiver or give the channels up to threads nobody joins.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy.engine import Engine

from bot.outbox.lanes import Lanes, PooledLanes
from bot.outbox.report import Report
from bot.outbox.transport import Defer, Failed, Row, Sent, Transport, Unreadable
from bot.polling import drain_until
from storage.repositories import outbox

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)

M = TypeVar("M")
PutOff = tuple[str, datetime]  # the error that holds up a lane, and when its rows come back


class Sender(Generic[M]):
    def __init__(
        self,
        engine: Engine,
        transport: Transport[M],
        clock: Callable[[], datetime],
        *,
        lanes: Lanes | None = None,
        batch: int = 50,
        lease: timedelta = LEASE,
        name: str = "outbox sender",
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.clock = clock
        self.runner = lanes or PooledLanes()
        self.batch = batch
        self.lease = lease
        self.name = name
        self._stop = threading.Event()  # the running loop's: lanes start no row after it

    def drain_once(self) -> Report:
        """One round, waited for: the rows due now (up to `batch`, without those of lanes still
        busy) are sent, retried, deferred or failed; callable directly from tests."""
        report = self._start_round()
        self.runner.join()
        report.add(self.runner.finished())
        return report

    def poll(self) -> Report:
        """Start a round and return what finished by now (detached lanes: without waiting)."""
        report = self.runner.finished()
        report.add(self._start_round())
        report.add(self.runner.finished())
        return report

    def run(
        self, stop: threading.Event, idle: float = 1.0, wake: threading.Event | None = None
    ) -> None:
        """Deliver until `stop` is set; `sdrbot run` and `sdrbot serve` run this in a thread.

        Between rounds it rests `idle` seconds, or less when `wake` is set (a click or an API
        call that queued a row should not wait for the next poll).
        """
        self._stop = stop

        def drain() -> bool:
            report = self.poll()
            return report.sent + report.retried > 0

        drain_until(stop, drain, name=self.name, idle=idle, wake=self.runner.watch(wake))

    def _start_round(self) -> Report:
        if not self.runner.room():
            return Report()
        skip = [self.transport.lane_pattern(lane) for lane in self.runner.busy()]
        now = self.clock()
        rows = outbox.due(
            self.engine,
            kind_like=self.transport.kinds,
            now=now,
            limit=self.batch,
            skip_keys_like=[pattern for pattern in skip if pattern is not None],
            priority=self.transport.priority(now),
        )
        report, items = Report(), []
        for row in rows:
            try:
                items.append((row, self.transport.parse(row)))
            except Unreadable as exc:
                if self._claim(row):
                    self._fail(row, f"outbox row {row.id} ({row.kind})", str(exc))
                    report.failed += 1
        self.runner.start(items, self._lane_of, self._serve)
        return report

    def _lane_of(self, item: tuple[Row, M]) -> Hashable:
        return self.transport.lane(*item)

    def _serve(self, lane: Hashable, items: list[tuple[Row, M]]) -> Report:
        """One lane's rows, one at a time, in order."""
        report = Report()
        put_off: PutOff | None = None
        put_off_rows = 0
        for row, message in items:
            if self._stop.is_set():
                break  # the rest stays due and unclaimed, for the next start
            if self.transport.held(row, message):
                report.held += 1
            elif not self._claim(row):
                continue  # another process took it
            elif put_off is not None:
                error, at = put_off
                if self._retry(row, message, f"not tried: {error}", at, quiet=True):
                    report.deferred += 1
                else:
                    report.failed += 1
                put_off_rows += 1
            else:
                put_off = self._deliver(row, message, report)
        if put_off is not None and put_off_rows:
            log.warning(
                "%s, lane %s: %d more put off until %s as well",
                self.name,
                lane,
                put_off_rows,
                put_off[1].isoformat(timespec="seconds"),
            )
        return report

    def _deliver(self, row: Row, message: M, report: Report) -> PutOff | None:
        """One claimed row's attempt, recorded; when it holds up the rest of the lane, the
        error and the moment to try them all again."""
        outcome = self.transport.deliver(row, message, self.clock())
        if isinstance(outcome, Sent):
            self._sent(row, outcome)
            report.sent += 1
        elif isinstance(outcome, Failed):
            self._fail(row, self.transport.describe(row, message), outcome.error)
            report.failed += 1
        elif isinstance(outcome, Defer):
            at = self.clock() + timedelta(seconds=outcome.after)
            if self._retry(row, message, outcome.reason, at, counted=False):
                report.deferred += 1
            else:
                report.failed += 1
        else:
            wait = outcome.after
            if wait is None:
                wait = self.transport.policy.backoff(row.attempts + 1)
            at = self.clock() + timedelta(seconds=wait)
            if self._retry(row, message, outcome.error, at):
                report.retried += 1
            else:
                report.failed += 1
            if outcome.put_off_rest:
                return outcome.error, at
        return None

    def _claim(self, row: Row) -> bool:
        return outbox.claim(self.engine, row, now=self.clock(), lease=self.lease)

    def _sent(self, row: Row, sent: Sent) -> None:
        outbox.mark_sent(self.engine, row.id, now=self.clock(), result=sent.result, also=sent.also)

    def _retry(
        self,
        row: Row,
        message: M,
        error: str,
        at: datetime,
        *,
        counted: bool = True,
        quiet: bool = False,
    ) -> bool:
        """Schedule another attempt at `at` (`counted`: this one was an attempt); False when
        the row has used up its attempts and is failed instead."""
        attempts = row.attempts + 1 if counted else row.attempts
        what = self.transport.describe(row, message)
        if attempts >= self.transport.policy.max_attempts:
            self._fail(row, what, f"gave up after {attempts} attempts; last: {error}")
            return False
        if not quiet:  # the rows put off with another are logged once, for the lane
            wait = (at - self.clock()).total_seconds()
            log.warning("%s: %s; next try in %.0fs", what, error, wait)
        outbox.reschedule(self.engine, row.id, attempts=attempts, error=error, at=at)
        return True

    def _fail(self, row: Row, what: str, error: str) -> None:
        log.error("%s failed for good: %s", what, error)
        outbox.mark_failed(self.engine, row.id, error=error)
