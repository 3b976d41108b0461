"""Injected failures and Slack-like rate limits, queued per method by the test."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    times: int = 1


@dataclass
class RateLimit:
    """A token bucket per key (the channel): `burst` calls at once, `per_second` sustained."""

    per_second: float
    burst: int
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # key -> tokens, t

    def take(self, key: str, now: float) -> float:
        """0 when allowed, else the seconds until the next call for `key` would be."""
        tokens, last = self.buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
        if tokens >= 1:
            self.buckets[key] = (tokens - 1, now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1 - tokens) / self.per_second


def default_error(status: int) -> str:
    return {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}.get(
        status, "fatal_error"
    )


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, list[Fault]] = {}
        self._limits: dict[str, RateLimit] = {}

    def add(self, method: str, fault: Fault) -> None:
        with self._lock:
            self._queues.setdefault(method, []).append(fault)

    def take(self, method: str) -> Fault | None:
        """The fault due for this call of `method`, counting it down; "*" matches any method."""
        with self._lock:
            for key in (method, "*"):
                queue = self._queues.get(key)
                if queue:
                    fault = queue[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.pop(0)
                    return fault
        return None

    def limit(self, method: str, limit: RateLimit | None) -> None:
        with self._lock:
            if limit is None:
                self._limits.pop(method, None)
            else:
                self._limits[method] = limit

    def has_limit(self, method: str) -> bool:
        with self._lock:
            return method in self._limits

    def wait_needed(self, method: str, key: str, now: float) -> float:
        with self._lock:
            limit = self._limits.get(method)
            return limit.take(key, now) if limit else 0.0

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
            self._limits.clear()
