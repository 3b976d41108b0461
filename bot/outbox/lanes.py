"""How a round's rows are served in lanes: all lanes at once and waited for (Slack's channels),
or each lane in a thread of its own that no round waits for (webhooks).

A lane's rows go out one at a time, in order; lanes progress independently, so one lane's wait
(a 429, the pacing of a channel, a receiver that does not answer) holds up no other.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Collection, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from sqlalchemy.engine import Engine

from bot.outbox.report import Report

log = logging.getLogger(__name__)

I = TypeVar("I")  # noqa: E741 - an item of a lane, as the sender has it
Serve = Callable[[Hashable, list[I]], Report]


class Lanes(Protocol):
    def room(self) -> bool:
        """Whether a round may start a lane now (else its rows are not even read)."""
        ...

    def busy(self) -> Collection[Hashable]:
        """The lanes still at work from an earlier round: their rows stay out of this one."""
        ...

    def start(self, items: list[I], lane_of: Callable[[I], Hashable], serve: Serve[I]) -> None: ...

    def join(self) -> None:
        """Wait for the lanes started so far."""
        ...

    def finished(self) -> Report:
        """What the lanes finished since the last call."""
        ...

    def watch(self, wake: threading.Event | None) -> threading.Event | None:
        """The event the loop rests on between rounds, given the caller's (may be None)."""
        ...


def one_connection(engine: Engine) -> bool:
    """An in-memory SQLite: its one connection cannot be shared by lanes in threads."""
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


def group(items: list[I], lane_of: Callable[[I], Hashable]) -> dict[Hashable, list[I]]:
    lanes: dict[Hashable, list[I]] = {}
    for item in items:
        lanes.setdefault(lane_of(item), []).append(item)
    return lanes


class PooledLanes:
    """Every lane of a round is served, `workers` at a time, and the round waits for them.

    With one worker the round is one lane in the caller's thread, in the order of the rows (no
    lane is even looked up). An error in a lane ends the round: the loop logs it, and the rows
    not sent are due again (or after their lease).
    """

    def __init__(self, workers: int = 1, name: str = "outbox") -> None:
        self.workers = workers
        self.name = name
        self._done = Report()

    def room(self) -> bool:
        return True

    def busy(self) -> Collection[Hashable]:
        return ()

    def start(self, items: list[I], lane_of: Callable[[I], Hashable], serve: Serve[I]) -> None:
        if self.workers <= 1:
            self._done.add(serve(None, items))
            return
        lanes = group(items, lane_of)
        with ThreadPoolExecutor(
            max_workers=min(self.workers, max(1, len(lanes))), thread_name_prefix=self.name
        ) as pool:
            for report in pool.map(serve, lanes.keys(), lanes.values()):
                self._done.add(report)

    def join(self) -> None:
        pass  # `start` waited

    def finished(self) -> Report:
        done, self._done = self._done, Report()
        return done

    def watch(self, wake: threading.Event | None) -> threading.Event | None:
        return wake


class DetachedLanes:
    """Each lane in a daemon thread of its own, at most `limit` at once; no round waits for one.

    A lane still busy is left out of the next rounds, and the others start meanwhile: a
    receiver that is slow, down or hung delays only its own rows. The threads are bounded
    because each holds a database connection while it records and an HTTP connection while it
    sends, and both pools are small. They are not a ThreadPoolExecutor's, whose workers the
    interpreter joins at exit: a stop must not wait for a hung request (its row keeps its lease,
    runs out of it and is sent again later). With `limit` 1 the lanes are served one after the
    other in the caller's thread, as an in-memory SQLite (one connection, not to be shared
    between threads) needs.
    """

    def __init__(self, limit: int = 4, name: str = "lane") -> None:
        self.limit = limit
        self.name = name
        self._busy: dict[Hashable, threading.Thread] = {}
        self._done: queue.SimpleQueue[Report] = queue.SimpleQueue()
        self._wake: threading.Event | None = None

    def room(self) -> bool:
        return len(self.busy()) < max(1, self.limit)

    def busy(self) -> Collection[Hashable]:
        self._busy = {lane: t for lane, t in self._busy.items() if t.is_alive()}
        return set(self._busy)

    def start(self, items: list[I], lane_of: Callable[[I], Hashable], serve: Serve[I]) -> None:
        lanes = {k: v for k, v in group(items, lane_of).items() if k not in self._busy}
        if self.limit <= 1:
            for lane, rows in lanes.items():
                self._serve(serve, lane, rows)
            return
        free = self.limit - len(self._busy)
        for lane, rows in list(lanes.items())[:free]:  # the others start in a later round
            thread = threading.Thread(
                target=self._serve,
                args=(serve, lane, rows),
                daemon=True,
                name=f"{self.name}-{lane}",
            )
            self._busy[lane] = thread
            thread.start()

    def _serve(self, serve: Serve[I], lane: Hashable, rows: list[I]) -> None:
        try:
            report = serve(lane, rows)
        except Exception:  # a database hiccup: the rows are still due (or leased) and retried
            log.exception("%s %s: delivering failed; trying again later", self.name, lane)
            return
        self._done.put(report)
        if report.moved and self._wake is not None:
            self._wake.set()  # a finished lane may leave rows of its own due at once

    def join(self) -> None:
        for thread in list(self._busy.values()):
            thread.join()

    def finished(self) -> Report:
        report = Report()
        while not self._done.empty():
            report.add(self._done.get())
        return report

    def watch(self, wake: threading.Event | None) -> threading.Event | None:
        # a lane that finished wakes the loop, so it needs an event even when the caller has none
        self._wake = wake or threading.Event()
        return self._wake
