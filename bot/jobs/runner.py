"""Run a job once for its period: the run's record and the job's work in one transaction.

Whoever inserts the (job, period) row runs the work; a second process, a restart or a manual
run finds the row and does nothing. A run that fails rolls its work back and leaves a `failed`
record with the error, which the next attempt may run again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.jobs.job import Job, RunContext
from bot.settings import Settings
from storage.db import session_scope
from storage.repositories import jobs as runs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    job: str
    period: str
    ran: bool  # False: the period ran before (or runs elsewhere right now)
    summary: str = ""


def run_job(
    engine: Engine,
    job: Job,
    *,
    now: datetime,
    settings: Settings,
    holder: str,
    period: str | None = None,
    force: bool = False,
) -> RunResult:
    """Run `job` for `period` (default: the one `now` falls in) unless it ran already."""
    period = period or job.period(now, ZoneInfo(settings.timezone))
    try:
        with session_scope(engine) as session:
            claimed = runs.claim_run(
                session,
                job.name,
                period,
                holder,
                now=now,
                again=force,
                stale_before=now - job.stale_after if job.own_transactions else None,
            )
            if not claimed:
                return RunResult(job.name, period, ran=False)
            if not job.own_transactions:
                summary = job.work(RunContext(session, now, settings, period, force, engine))
                runs.finish_run(session, job.name, period, now=now, status="done", summary=summary)
        if job.own_transactions:
            with session_scope(engine) as session:
                summary = job.work(RunContext(session, now, settings, period, force, engine))
                runs.finish_run(session, job.name, period, now=now, status="done", summary=summary)
    except Exception as exc:
        with session_scope(engine) as session:
            runs.record_failure(
                session, job.name, period, holder, now=now, summary=f"{type(exc).__name__}: {exc}"
            )
        raise
    log.info("job %s ran for %s: %s", job.name, period, summary)
    return RunResult(job.name, period, ran=True, summary=summary)


def missed_fire(job: Job, settings: Settings, now: datetime) -> datetime | None:
    """The latest moment within the job's catch-up window at which it should have fired."""
    if job.catch_up <= timedelta(0):
        return None
    trigger = job.trigger(settings)
    tz = ZoneInfo(settings.timezone)
    moment = trigger.get_next_fire_time(None, (now - job.catch_up).astimezone(tz))
    latest = None
    while moment is not None and moment <= now:
        latest = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return latest
