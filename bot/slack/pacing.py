"""The pace of the Slack transport's lanes: Slack limits posts per channel, and a lane is one.

A token bucket per channel (kept as its "theoretical arrival time", GCRA): a channel that has
been quiet takes up to `burst` posts at once, then one every `interval` seconds, Slack's posting
rate of about one message a second with short bursts above it. A lone alert therefore never
waits, and three MQLs in the same second reach the SDR together.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MARGIN = 1.05  # requests arrive with jitter; a hair slower than the limit meets fewer 429s
BURST = 3  # posts a quiet channel takes at once (`[outbox] burst`)


@dataclass
class Pacer:
    """About one message per `interval` per channel after a burst of `burst`, without 429s."""

    interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    burst: int = 1
    # per channel: when the bucket is empty again if no post comes (the theoretical arrival time)
    tat: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def _step(self) -> float:
        return self.interval * MARGIN

    def wait(self, channel: str) -> None:
        with self.lock:  # lanes run in threads; each channel's slot is booked under the lock
            now = self.monotonic()
            tat = max(now, self.tat.get(channel, float("-inf")))
            # a post may go `burst - 1` steps ahead of the steady pace
            due = max(now, tat - self._step * (self.burst - 1))
            self.tat[channel] = tat + self._step
        if due > now:
            self.sleep(due - now)

    def posted(self, channel: str) -> None:
        """Count the pace from Slack's answer: a post that waited out a 429 inside the client
        went out later than its booked slot, and the next must keep its distance."""
        with self.lock:
            at_least = self.monotonic() + self._step  # as if the bucket were filled from now
            self.tat[channel] = max(self.tat.get(channel, float("-inf")), at_least)
