"""ISO weeks in the team's timezone: the digest reports the week before the one it runs in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_LABEL = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class WeekError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Week:
    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def start(self, tz: ZoneInfo) -> datetime:
        """Monday 00:00 in the team's timezone, as a UTC moment."""
        return datetime.combine(self.monday, time(0), tzinfo=tz).astimezone(UTC)

    def end(self, tz: ZoneInfo) -> datetime:
        return self.shifted(1).start(tz)

    def shifted(self, weeks: int) -> Week:
        return week_of_day(self.monday + timedelta(weeks=weeks))


def week_of_day(day: date) -> Week:
    year, week, _ = day.isocalendar()
    return Week(year, week)


def week_before(moment: datetime, tz: ZoneInfo) -> Week:
    """The full week before the one `moment` falls in, in the team's timezone."""
    return week_of_day(moment.astimezone(tz).date()).shifted(-1)


def parse_week(text: str) -> Week:
    match = _LABEL.match(text.strip())
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, number, 1)
            return Week(year, number)
        except ValueError:
            pass
    raise WeekError(
        f"{text!r} is not an ISO week; write it as YEAR-Wnn, e.g. 2026-W48 (weeks 01 to 52 or 53)"
    )
