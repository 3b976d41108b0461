"""The one process that runs the scheduled jobs: whoever holds the `scheduler` lease.

Every process of `sdrbot run` tries to take it every RENEW_EVERY; the holder renews it for
TTL, so a holder that dies loses it at most TTL after its last renewal and another process
takes it over at its next try: within TTL + RENEW_EVERY, a minute at most.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.repositories import jobs as runs

log = logging.getLogger(__name__)

NAME = "scheduler"
RENEW_EVERY = timedelta(seconds=15)
TTL = timedelta(seconds=45)


def holder_id() -> str:
    """Names this process for `sdrbot jobs`: its host and pid, and a tag against pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Lease:
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        *,
        holder: str | None = None,
        ttl: timedelta = TTL,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.holder = holder or holder_id()
        self.ttl = ttl
        self.held = False

    def renew(self) -> bool:
        """Take or renew the lease; whether this process holds it now."""
        with session_scope(self.engine) as session:
            held = runs.take_lease(session, NAME, self.holder, now=self.clock(), ttl=self.ttl)
        if held != self.held:
            log.info(
                "this process (%s) %s the scheduled jobs",
                self.holder,
                "now runs" if held else "no longer runs",
            )
        self.held = held
        return held

    def release(self) -> None:
        """Let another process take over at once instead of after TTL (a clean stop)."""
        if self.held:
            with session_scope(self.engine) as session:
                runs.release_lease(session, NAME, self.holder)
            self.held = False
