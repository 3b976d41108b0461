"""The exploration sample as a scheduled job: every day at `[learning] exploration_time`, a
seeded random share of the leads just under the MQL line shown to the SDRs (off while
`exploration_share` is 0). The run is recorded per day, so a day is never sampled twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.jobs.job import Job, RunContext
from bot.schedule_settings import hour_minute
from bot.settings import Settings
from bot.usecases.learning.exploration import explore

NAME = "exploration"


def trigger(settings: Settings) -> BaseTrigger:
    hour, minute = hour_minute(settings.learning.exploration_time)
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(settings.timezone))


def period(moment: datetime, tz: ZoneInfo) -> str:
    """The day in the team's timezone: one sample per day."""
    return moment.astimezone(tz).date().isoformat()


def work(ctx: RunContext) -> str:
    return explore(ctx.session, ctx.settings, now=ctx.now, period=ctx.period).summary()


def _schedule(settings: Settings) -> str:
    if settings.learning.exploration_share <= 0:
        return f"daily {settings.learning.exploration_time} (off: exploration_share = 0)"
    return f"daily {settings.learning.exploration_time}"


EXPLORATION = Job(
    name=NAME,
    title="Exploration sample of leads just under the MQL line",
    trigger=trigger,
    schedule=_schedule,
    period=period,
    work=work,
)
