"""The webhook sender: delivers the outbox's `webhook` rows, signed, with retries and backoff.

Each webhook is a lane of its own (lane.py), and the lanes progress independently: a round
starts a lane, in a thread, for each webhook with due deliveries whose lane is free, and does
not wait for it. A webhook whose lane is still busy is left out of the round (its rows are not
even read, so they neither crowd the batch nor get claimed twice): a receiver that is slow,
down or hung delays only its own deliveries. Within a lane a lead's deliveries go out in the
order of its transitions. A receiver gets each transition once unless it fails to answer 2xx
in time (then it gets it again, with the same `id`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine

from bot.polling import drain_until
from bot.webhooks.lane import Lane, Tally
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
from storage.repositories import outbox
from storage.repositories import webhooks as repo
from storage.repositories.outbox import OutboxRow

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

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)


class WebhookSender:
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

        The threads are bounded because each lane holds a database connection while it records
        and an HTTP connection while it sends, and both pools are small; the bound costs
        little, since a hung receiver keeps its lane for one timeout per backoff step, not one
        per delivery. They are daemon threads of their own, not a ThreadPoolExecutor's, whose
        workers the interpreter joins at exit: a stop must not wait for a hung request. An
        abandoned request's row keeps its lease, runs out of it and is sent again later with
        the same `id`, which the receiver can drop.
        """
        self.engine = engine
        self.clock = clock
        self.client = client or make_client()
        self.batch = batch
        self.lease = lease
        self.lanes = lanes
        self._stop = threading.Event()  # the running loop's: lanes start no row after it
        self._wake: threading.Event | None = None
        self._busy: dict[int, threading.Thread] = {}  # by webhook id
        self._done: queue.SimpleQueue[Tally] = queue.SimpleQueue()

    def drain_once(self) -> Tally:
        """One round, waited for: the free webhooks' rows due now (up to `batch`) are sent or
        put off; callable directly from tests."""
        self._start_lanes()
        for thread in list(self._busy.values()):
            thread.join()
        return self._finished()

    def poll(self) -> Tally:
        """Start lanes for the free webhooks with due rows and return at once, with what the
        lanes finished since the last poll."""
        finished = self._finished()
        self._start_lanes()
        return finished

    def run(
        self, stop: threading.Event, idle: float = 1.0, wake: threading.Event | None = None
    ) -> None:
        """Deliver until `stop` is set; `sdrbot run` and `sdrbot serve` run this in a thread.
        It returns at once at stop, leaving any request in flight to its lane's thread."""
        self._stop = stop
        self._wake = wake = wake or threading.Event()  # a lane that finished wakes the loop

        def drain() -> bool:
            finished = self.poll()
            return finished.sent + finished.retried > 0

        drain_until(stop, drain, name="webhook sender", idle=idle, wake=wake)

    def _start_lanes(self) -> None:
        self._busy = {hook: t for hook, t in self._busy.items() if t.is_alive()}
        free = self.lanes - len(self._busy)
        if free <= 0:
            return
        rows = outbox.due(
            self.engine,
            kind_like=repo.KIND,
            now=self.clock(),
            limit=self.batch,
            skip_keys_like=[repo.dedupe_prefix(hook) + "%" for hook in self._busy],
        )
        lanes: dict[int, list[OutboxRow]] = {}
        for row in rows:
            lanes.setdefault(int(row.payload.get("webhook_id") or 0), []).append(row)
        if self.lanes <= 1:
            for hook, lane in lanes.items():
                self._serve(hook, lane)
            return
        for hook, lane in list(lanes.items())[:free]:  # the others start in a later round
            thread = threading.Thread(
                target=self._serve, args=(hook, lane), daemon=True, name=f"webhook-{hook}"
            )
            self._busy[hook] = thread
            thread.start()

    def _serve(self, webhook_id: int, rows: list[OutboxRow]) -> None:
        lane = Lane(self.engine, self.client, self.clock, self.lease, self._stop)
        try:
            tally = lane.serve(webhook_id, rows)
        except Exception:  # a database hiccup: the rows are still due (or leased) and retried
            log.exception("webhook #%s: delivering failed; trying again later", webhook_id)
            return
        self._done.put(tally)
        if tally.moved and self._wake is not None:
            self._wake.set()

    def _finished(self) -> Tally:
        tally = Tally()
        while not self._done.empty():
            tally.add(self._done.get())
        return tally
