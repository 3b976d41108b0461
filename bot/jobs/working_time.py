"""Working hours (SPEC §4, SLA): the moment N working hours after another, in the team's
timezone, counting only working days between day start and day end, holidays left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.schedule_settings import DAYS, hour_minute
from bot.settings import Settings

HORIZON_DAYS = 400  # a calendar with no working day at all ends the search here


@dataclass(frozen=True)
class WorkingTime:
    tz: ZoneInfo
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time
    holidays: frozenset[date]

    @classmethod
    def of(cls, settings: Settings) -> WorkingTime:
        return cls(
            ZoneInfo(settings.timezone),
            frozenset(DAYS.index(d) for d in settings.sla_working_days),
            time(*hour_minute(settings.sla_day_start)),
            time(*hour_minute(settings.sla_day_end)),
            frozenset(settings.sla_holidays),
        )

    def after(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `moment` (UTC)."""
        left = timedelta(hours=hours)
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(HORIZON_DAYS):
            if day.weekday() in self.days and day not in self.holidays:
                opens = datetime.combine(day, self.start, tzinfo=self.tz)
                closes = datetime.combine(day, self.end, tzinfo=self.tz)
                begin = max(opens, local)
                if begin < closes:
                    if begin + left <= closes:
                        return (begin + left).astimezone(UTC)
                    left -= closes - begin
            day += timedelta(days=1)
        raise ValueError("the SLA calendar has no working hours: check [sla] working_days")

    def before(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` working hours before `moment` (UTC): the MQLs that started
        earlier are past `hours` by `moment`."""
        left = timedelta(hours=hours)
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(HORIZON_DAYS):
            if day.weekday() in self.days and day not in self.holidays:
                opens = datetime.combine(day, self.start, tzinfo=self.tz)
                closes = datetime.combine(day, self.end, tzinfo=self.tz)
                end = min(closes, local)
                if end > opens:
                    if end - left >= opens:
                        return (end - left).astimezone(UTC)
                    left -= end - opens
            day -= timedelta(days=1)
        raise ValueError("the SLA calendar has no working hours: check [sla] working_days")
