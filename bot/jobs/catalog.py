"""The scheduled jobs, in the order `sdrbot jobs` lists them."""

from __future__ import annotations

from bot.jobs.digest_job import DIGEST
from bot.jobs.expiry_job import EXPIRY
from bot.jobs.exploration_job import EXPLORATION
from bot.jobs.job import Job
from bot.jobs.recalibrate_job import RECALIBRATE
from bot.jobs.sla_job import SLA

JOBS: tuple[Job, ...] = (DIGEST, SLA, EXPIRY, RECALIBRATE, EXPLORATION)


def job_named(name: str) -> Job | None:
    return next((job for job in JOBS if job.name == name), None)
