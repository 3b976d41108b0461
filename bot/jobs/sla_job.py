"""SLA reminders and escalations (SPEC §4): every few minutes, each MQL nobody decided gets a
reminder in its alert's thread once N working hours have passed since it became an MQL, and
an escalation to the managers' channel after 2N. A decision ends the MQL, so the job no longer
sees it; the outbox's key (lead, MQL moment, step) makes each step happen once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.jobs.job import Job, RunContext
from bot.jobs.working_time import WorkingTime
from bot.outbox.messages import Reminder
from bot.outbox.queue import queue
from bot.settings import Settings
from storage.repositories import jobs as runs
from storage.repositories import outbox
from storage.repositories import sla as repo

EVERY_MINUTES = 5
# its slots' run records are kept this long: 288 a day would otherwise pile up for ever, and
# a slot that old can no longer be run again by the scheduler anyway
KEEP_RUNS = timedelta(days=7)


def trigger(settings: Settings) -> BaseTrigger:
    return CronTrigger(minute=f"*/{EVERY_MINUTES}", timezone=ZoneInfo(settings.timezone))


def period(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    slot = local.replace(minute=local.minute - local.minute % EVERY_MINUTES, second=0)
    return slot.strftime("%Y-%m-%dT%H:%M")


def mentions(settings: Settings, owner: str | None) -> tuple[str, ...]:
    """Whom a reminder names: the owner; unclaimed, the SDRs of the assignment config."""
    if owner:
        return (owner,)
    return tuple(rep.user for rep in settings.reps if rep.user not in settings.out_of_office)


def late_mqls(ctx: RunContext) -> list[Reminder]:
    s, hours = ctx.settings, ctx.settings.sla_working_hours
    working = WorkingTime.of(s)
    # an MQL is N working hours old at `now` exactly when it started no later than N working
    # hours before `now` (tests/jobs/test_working_time.py checks the two walks agree): two
    # walks of the calendar for the run, not two for each of thousands of open MQLs
    overdue, escalated = working.before(ctx.now, hours), working.before(ctx.now, 2 * hours)
    out: list[Reminder] = []
    for lead_id, since, owner in repo.open_mqls_since_until(ctx.session, overdue):
        named = mentions(s, owner)
        out.append(Reminder(lead_id, since, hours, named, locale=s.locale))
        if since <= escalated:
            out.append(Reminder(lead_id, since, hours, named, True, s.manager_channel, s.locale))
    return out


def work(ctx: RunContext) -> str:
    late = late_mqls(ctx)
    # a late MQL stays late every five minutes until someone decides: only the steps not
    # queued before are new (the outbox's unique key would drop the others anyway, after
    # writing them out)
    known = outbox.queued_keys(ctx.session, [r.dedupe_key() for r in late])
    due = [r for r in late if r.dedupe_key() not in known]
    queue(ctx.session, due, now=ctx.now)
    runs.forget_runs(ctx.session, "sla", started_before=ctx.now - KEEP_RUNS)
    escalations = sum(r.escalate for r in due)
    reminders = len(due) - escalations
    return f"queued {_count(reminders, 'reminder')} and {_count(escalations, 'escalation')}"


def _count(n: int, noun: str) -> str:
    return f"{n} new {noun}" + ("" if n == 1 else "s")


SLA = Job(
    name="sla",
    title="SLA reminders and escalations of undecided MQLs",
    trigger=trigger,
    schedule=lambda s: f"every {EVERY_MINUTES} minutes ({s.sla_working_hours:g} working hours)",
    period=period,
    work=work,
    catch_up=timedelta(minutes=EVERY_MINUTES),  # a process taking over checks at once
)
