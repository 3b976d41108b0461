"""The weekly digest as a scheduled job: on the configured day and time, the week before."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.digest.post import queue_digest
from bot.digest.weeks import parse_week, week_before
from bot.jobs.job import Job, RunContext
from bot.schedule_settings import hour_minute
from bot.settings import Settings
from storage.repositories import jobs as runs

NAME = "digest"


def trigger(settings: Settings) -> BaseTrigger:
    hour, minute = hour_minute(settings.digest_time)
    return CronTrigger(
        day_of_week=settings.digest_day,
        hour=hour,
        minute=minute,
        timezone=ZoneInfo(settings.timezone),
    )


def period(moment: datetime, tz: ZoneInfo) -> str:
    return week_before(moment, tz).label


def work(ctx: RunContext) -> str:
    row = runs.run_of(ctx.session, NAME, ctx.period)
    numbers = queue_digest(
        ctx.session,
        parse_week(ctx.period),
        ctx.settings,
        now=ctx.now,
        run=row.runs if row is not None else 1,
    )
    f = numbers.funnel
    return (
        f"queued the digest of {ctx.period} to {ctx.settings.digest_channel}: "
        f"{f.mqls} MQLs, verdict {f.verdict}"
    )


DIGEST = Job(
    name=NAME,
    title="Weekly funnel digest to the marketing channel",
    trigger=trigger,
    schedule=lambda s: f"weekly, {s.digest_day.capitalize()} {s.digest_time}",
    period=period,
    work=work,
    catch_up=timedelta(days=1),  # a Monday morning restart still posts the week's digest
)
