"""APScheduler inside `sdrbot run` (and `sdrbot serve --jobs`): every process keeps trying the
lease, and only its holder runs the jobs; each run goes through the runner's record, so even
two holders (a clock jump, a paused process) would not run a period twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from bot.jobs.job import Job
from bot.jobs.lease import RENEW_EVERY, Lease
from bot.jobs.runner import missed_fire, run_job
from bot.settings import Settings

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 15 * 60  # a run delayed longer (a suspended laptop) waits for the next


class JobScheduler:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Callable[[], datetime],
        jobs: Sequence[Job],
        *,
        lease: Lease | None = None,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.jobs = tuple(jobs)
        self.lease = lease or Lease(engine, clock)
        self.on_queued = on_queued  # wakes the senders for what a job queued
        self.scheduler = BackgroundScheduler(
            timezone=ZoneInfo(settings.timezone),
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )

    def start(self) -> None:
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=RENEW_EVERY.total_seconds()),
            id="lease",
            next_run_time=datetime.now(ZoneInfo(self.settings.timezone)),
        )
        for job in self.jobs:
            self.scheduler.add_job(
                self.fire, job.trigger(self.settings), args=[job], id=job.name, name=job.title
            )
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)
        try:
            self.lease.release()
        except Exception:  # the database may be gone at shutdown: the lease then runs out
            log.warning("could not release the scheduler's lease", exc_info=True)

    def tick(self) -> None:
        self._renew()

    def fire(self, job: Job) -> None:
        if self._renew():
            self.run(job, None)

    def _renew(self) -> bool:
        """Renew the lease; on taking it over, make up for runs missed while nobody held it."""
        had = self.lease.held
        try:
            held = self.lease.renew()
        except Exception:
            log.exception("could not renew the scheduler's lease")
            self.lease.held = False
            return False
        if held and not had:
            now = self.clock()
            for job in self.jobs:
                if (moment := missed_fire(job, self.settings, now)) is not None:
                    self.run(job, job.period(moment, ZoneInfo(self.settings.timezone)))
        return held

    def run(self, job: Job, period: str | None) -> None:
        try:
            result = run_job(
                self.engine,
                job,
                now=self.clock(),
                settings=self.settings,
                holder=self.lease.holder,
                period=period,
            )
        except Exception:  # recorded as failed; the scheduler keeps running the others
            log.exception("scheduled job %s failed", job.name)
            return
        if result.ran:
            self.on_queued()

    def next_runs(self) -> dict[str, datetime | None]:
        return {job.name: self.scheduler.get_job(job.name).next_run_time for job in self.jobs}


@contextmanager
def running_jobs(
    engine: Engine,
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    on_queued: Callable[[], None] = lambda: None,
    jobs: Sequence[Job] | None = None,
) -> Iterator[JobScheduler]:
    """The scheduler for the lifetime of a server: started, then stopped and its lease given up."""
    from bot.jobs.catalog import JOBS

    scheduler = JobScheduler(
        engine, settings, clock, JOBS if jobs is None else jobs, on_queued=on_queued
    )
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.stop()
