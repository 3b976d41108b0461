"""What `sdrbot jobs` shows: each job's schedule, last run and next run, and the lease."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.jobs import lease as scheduler_lease
from bot.jobs.job import Job
from bot.settings import Settings
from storage.db import session_scope
from storage.repositories import jobs as runs
from storage.repositories.jobs import LeaseRow, RunRow


@dataclass(frozen=True)
class JobStatus:
    job: Job
    schedule: str
    last: RunRow | None
    next_run: datetime | None


@dataclass(frozen=True)
class JobsStatus:
    jobs: tuple[JobStatus, ...]
    lease: LeaseRow | None
    lease_live: bool  # False: nobody holds it (expired or never taken)


def jobs_status(
    engine: Engine, settings: Settings, jobs: Sequence[Job], *, now: datetime
) -> JobsStatus:
    tz = ZoneInfo(settings.timezone)
    with session_scope(engine) as session:
        last = runs.last_runs(session)
        held = runs.lease(session, scheduler_lease.NAME)
    rows = tuple(
        JobStatus(
            job,
            job.schedule(settings),
            last.get(job.name),
            job.trigger(settings).get_next_fire_time(None, now.astimezone(tz)),
        )
        for job in jobs
    )
    return JobsStatus(rows, held, held is not None and held.expires_at > now)
