"""The weekly recalibration as a scheduled job: on the configured day and time (Monday 07:00 by
default, before the digest), a proposal from the week's decisions, posted for approval.

Too few decisions is no failure: the run says what is missing and proposes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.digest.weeks import week_before
from bot.jobs.job import Job, RunContext
from bot.schedule_settings import hour_minute
from bot.settings import Settings

NAME = "recalibrate"


def trigger(settings: Settings) -> BaseTrigger:
    hour, minute = hour_minute(settings.learning.time)
    return CronTrigger(
        day_of_week=settings.learning.day,
        hour=hour,
        minute=minute,
        timezone=ZoneInfo(settings.timezone),
    )


def period(moment: datetime, tz: ZoneInfo) -> str:
    return week_before(moment, tz).label


def work(ctx: RunContext) -> str:
    # scikit-learn loads in seconds: the scheduler's process imports it only when this runs
    from bot.usecases.learning.recalibrate import NotEnough, recalibrate_in

    try:
        done = recalibrate_in(ctx.session, ctx.settings, now=ctx.now, actor="job:recalibrate")
    except NotEnough as exc:
        return f"nothing proposed: {exc}"
    return f"proposal #{done.proposal_id} posted: {done.headline}"


RECALIBRATE = Job(
    name=NAME,
    title="Weekly recalibration proposal from the SDRs' decisions",
    trigger=trigger,
    schedule=lambda s: f"weekly, {s.learning.day.capitalize()} {s.learning.time}",
    period=period,
    work=work,
    catch_up=timedelta(days=1),
)
