"""A job for the tests of the machinery: it counts its runs in a list and can be made to fail."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.jobs.job import Job, RunContext
from bot.settings import Settings


def counting_job(calls: list[str], fail: list[bool] | None = None) -> Job:
    def work(ctx: RunContext) -> str:
        if fail and fail[0]:
            raise RuntimeError("the database said no")
        calls.append(ctx.period)
        return f"run {len(calls)}"

    def period(moment: datetime, tz: ZoneInfo) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d")

    return Job(
        name="count",
        title="Counts its runs",
        trigger=lambda s: CronTrigger(hour=6, minute=0, timezone=ZoneInfo(s.timezone)),
        schedule=lambda s: "daily at 06:00",
        period=period,
        work=work,
    )


SETTINGS = Settings(timezone="Europe/Berlin")
