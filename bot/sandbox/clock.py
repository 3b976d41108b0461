"""The sandbox's clock: the real time plus an offset the page can move forward a working day at
a time, so that SLA reminders, escalations and expiry, which wait for working hours and days,
can be seen in minutes.

The bot, the senders, the jobs, the ingest API, the demo stream and the stand-in's message
timestamps all read this one clock. The offset is kept beside the sandbox's database
(`sandbox.db.clock.json`): a restart goes on at the sandbox's time, and since data written at
the advanced time stays in the database, the clock never goes back.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.jobs.working_time import WorkingTime
from bot.schedule_settings import hour_minute
from bot.settings import Settings

log = logging.getLogger(__name__)


def _real() -> datetime:
    return datetime.now(UTC)


def clock_file(database: Path) -> Path:
    return database.with_name(database.name + ".clock.json")


class SandboxClock:
    def __init__(
        self, path: Path, settings: Settings, real: Callable[[], datetime] = _real
    ) -> None:
        self.path = path
        self.working = WorkingTime.of(settings)
        start, end = hour_minute(settings.sla_day_start), hour_minute(settings.sla_day_end)
        self.day_hours = (end[0] - start[0]) + (end[1] - start[1]) / 60
        self._real = real
        self._lock = threading.Lock()
        self.offset = self._load()

    def __call__(self) -> datetime:
        return self._real() + self.offset

    def timestamp(self) -> float:
        return self().timestamp()

    def advance_working_day(self) -> datetime:
        """Move on by one working day's working hours ([sla] day_start to day_end): from
        Wednesday 14:00 to Thursday 14:00, from Friday 20:00 to Monday 17:00. An MQL of the
        moment before is then one working day old, as the SLA counts."""
        with self._lock:
            now = self()
            later = self.working.after(now, self.day_hours)
            self.offset += later - now
            self._save()
            return self()

    def _load(self) -> timedelta:
        try:
            seconds = json.loads(self.path.read_text(encoding="utf-8"))["offset_seconds"]
            return timedelta(seconds=max(0.0, float(seconds)))
        except FileNotFoundError:
            return timedelta(0)
        except (ValueError, KeyError, TypeError) as exc:
            # a damaged file must not stop the sandbox; the real time is a safe start
            log.warning(
                "ignoring the sandbox clock file %s (%s): the clock is real", self.path, exc
            )
            return timedelta(0)

    def _save(self) -> None:
        body = {"offset_seconds": self.offset.total_seconds(), "saved_at": self().isoformat()}
        self.path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
