"""Where an open MQL stands against its SLA (SPEC §4): on time, overdue after N working hours,
escalated after 2N. The queue, App Home, the /lead card and the outbox's backlog order ask
it; the SLA job (sla_job.py) sends the reminders on the same calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.jobs.working_time import WorkingTime
from bot.settings import Settings

OVERDUE = "overdue"
ESCALATED = "escalated"


@dataclass(frozen=True)
class Sla:
    working: WorkingTime
    hours: float  # N: overdue after N working hours, escalated after 2N

    @classmethod
    def of(cls, settings: Settings) -> Sla:
        return cls(WorkingTime.of(settings), settings.sla_working_hours)

    def state(self, since: datetime, now: datetime) -> str | None:
        """ "escalated", "overdue", or None while the MQL is on time."""
        if now >= self.working.after(since, 2 * self.hours):
            return ESCALATED
        if now >= self.working.after(since, self.hours):
            return OVERDUE
        return None

    def overdue_before(self, now: datetime) -> datetime:
        """MQLs that started before this moment are overdue at `now`."""
        return self.working.before(now, self.hours)
