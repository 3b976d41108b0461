"""The pace of the Slack transport's lanes: Slack limits posts per channel, and a lane is one.

A token bucket per channel would replace `Pacer` here, behind the same `wait` and `posted`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MARGIN = 1.05  # requests arrive with jitter; a hair slower than the limit meets fewer 429s


@dataclass
class Pacer:
    """About one message per second per channel, Slack's posting limit, without 429s first."""

    interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    last: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, channel: str) -> None:
        with self.lock:  # lanes run in threads; each channel's slot is booked under the lock
            now = self.monotonic()
            due = max(now, self.last.get(channel, float("-inf")) + self.interval * MARGIN)
            self.last[channel] = due
        if due > now:
            self.sleep(due - now)

    def posted(self, channel: str) -> None:
        """Count the interval from Slack's answer: a post that waited out a 429 inside the
        client went out later than its booked slot, and the next must keep its distance."""
        with self.lock:
            self.last[channel] = max(self.last.get(channel, float("-inf")), self.monotonic())
