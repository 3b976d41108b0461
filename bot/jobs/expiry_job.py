"""The daily decay and expiry of stale MQLs (seed 000, Fehler 3: "einmal MQL = immer MQL").

It is the rescore use case: every score whose decay is due is brought to now, and settle moves
an MQL nobody decided that has been well below the bar long enough (`[expiry] margin` and
`grace_days`, scoring/expiry.py; a fast-track hold still running keeps it) back to nurturing
with cause `expired`, through the recorder, which updates its alert and notes it in its thread.
Its chunks are transactions of their own, so the run is recorded first (`own_transactions`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.expiry_settings import expiry_of
from bot.jobs.job import Job, RunContext
from bot.schedule_settings import hour_minute
from bot.settings import Settings
from bot.usecases.lifecycle.rescore import rescore_all


def trigger(settings: Settings) -> BaseTrigger:
    hour, minute = hour_minute(settings.expiry_time)
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(settings.timezone))


def period(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).date().isoformat()


def work(ctx: RunContext) -> str:
    assert ctx.engine is not None  # own_transactions: the runner passes it
    done = rescore_all(
        ctx.engine,
        now=ctx.now,
        actor="job:expiry",
        expiry=expiry_of(ctx.settings),
        locale=ctx.settings.locale,
    )
    moved = ", ".join(f"{k} {v}" for k, v in sorted(done.transitions.items())) or "none"
    return f"{done.scored} scores brought to now; transitions: {moved}"


EXPIRY = Job(
    name="expiry",
    title="Daily decay; stale MQLs back to nurturing",
    trigger=trigger,
    schedule=lambda s: f"daily, {s.expiry_time}",
    period=period,
    work=work,
    catch_up=timedelta(hours=12),
    own_transactions=True,
)
