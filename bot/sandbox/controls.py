"""The page's two controls of time: "advance one working day" (the sandbox clock moves on, and
the SLA and expiry jobs run at the new time) and "post the digest now" (the digest job runs
into the marketing channel). Both run the real jobs through the jobs' runner, so what they
queue is what the scheduler would queue; the sandbox's own senders deliver it to the stand-in.

The sandbox runs no scheduler: its time jumps, and a scheduler fires on the real one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.digest.numbers import funnel
from bot.digest.weeks import Week, week_of_day
from bot.jobs.digest_job import DIGEST
from bot.jobs.expiry_job import EXPIRY
from bot.jobs.job import Job
from bot.jobs.runner import run_job
from bot.jobs.sla_job import SLA
from bot.sandbox.clock import SandboxClock
from bot.settings import Settings
from storage.db import session_scope

log = logging.getLogger(__name__)
HOLDER = "sandbox"


@dataclass(frozen=True)
class Advanced:
    now: str  # the sandbox's new time, ISO 8601
    summaries: tuple[str, ...]  # what the SLA and expiry jobs did


class TimeControls:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: SandboxClock,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.wake = wake  # the senders: what a job queued goes out at once
        self._one_at_a_time = threading.Lock()

    def advance(self) -> Advanced:
        with self._one_at_a_time:
            self.clock.advance_working_day()
            summaries = tuple(self._run(job) for job in (SLA, EXPIRY))
        self.wake()
        return Advanced(self.clock().isoformat(), summaries)

    def post_digest(self) -> str:
        """The digest of the sandbox's current week so far, or of the week before while this one
        has no MQL yet (a clock just moved past a weekend): the week that has something to show."""
        with self._one_at_a_time:
            week = self._week()
            self._run(DIGEST, week.label)
        self.wake()
        return week.label

    def _week(self) -> Week:
        tz = ZoneInfo(self.settings.timezone)
        this = week_of_day(self.clock().astimezone(tz).date())
        with session_scope(self.engine) as session:
            if funnel(session, this, tz).mqls == 0 and funnel(session, this.shifted(-1), tz).mqls:
                return this.shifted(-1)
        return this

    def _run(self, job: Job, period: str | None = None) -> str:
        # forced: the page's press always runs, even twice in one period
        result = run_job(
            self.engine,
            job,
            now=self.clock(),
            settings=self.settings,
            holder=HOLDER,
            period=period,
            force=True,
        )
        return result.summary
