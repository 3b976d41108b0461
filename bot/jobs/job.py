"""What a scheduled job is: a name, when it fires, which period a run covers, and its work.

The work is a plain function of the session (one transaction with the run's record), the
moment and the settings, so tests call it with a fixed clock; whatever it sends it queues in
the outbox in that transaction, and the senders deliver it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.settings import Settings


@dataclass(frozen=True)
class RunContext:
    session: Session
    now: datetime  # aware, UTC
    settings: Settings
    period: str
    forced: bool  # run again for a period that ran before (`--force`)
    engine: Engine | None = None  # for a job of its own transactions (`own_transactions`)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)


@dataclass(frozen=True)
class Job:
    name: str
    title: str  # what it does, for `sdrbot jobs`
    trigger: Callable[[Settings], BaseTrigger]  # in the settings' timezone
    schedule: Callable[[Settings], str]  # the trigger in words
    period: Callable[[datetime, ZoneInfo], str]  # the period a run at this moment covers
    work: Callable[[RunContext], str]  # returns a one-line summary of what it did
    # a run missed while no process ran (or none held the lease) is made up for this long after
    catch_up: timedelta = timedelta(0)
    # work too long for one transaction (a rescore): the run is recorded first, the work opens
    # its own transactions through `ctx.engine`, and a run left `running` by a process that
    # died is taken again after `stale_after`
    own_transactions: bool = False
    stale_after: timedelta = timedelta(hours=2)
