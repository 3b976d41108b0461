"""The loop of a background sender (Slack's outbox, webhooks): drain, and rest when idle."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def drain_until(
    stop: threading.Event,
    drain: Callable[[], bool],
    *,
    name: str,
    idle: float = 1.0,
    wake: threading.Event | None = None,
) -> None:
    """Call `drain` (True: it did some work) until `stop` is set.

    After a round without work it waits `idle` seconds, or less when `wake` is set (a click or
    an API call that queued something should not wait for the next poll).
    """
    while not stop.is_set():
        try:
            busy = drain()
        except Exception:  # a database hiccup must not end the sender for good
            log.exception("%s: drain failed; trying again", name)
            busy = False
        if not busy:
            (wake or stop).wait(idle)
            if wake is not None:
                wake.clear()
