"""The sandbox clock: a working day's working hours at a time, kept beside the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.sandbox.clock import SandboxClock, clock_file
from bot.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = replace(Settings(), timezone="Europe/Berlin")


def at(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN).astimezone(UTC)


def advanced(tmp: Path, moment: datetime, settings: Settings = SETTINGS) -> datetime:
    clock = SandboxClock(tmp / "sandbox.db.clock.json", settings, lambda: moment)
    return clock.advance_working_day()


def test_a_working_day_later_is_the_same_time_the_next_working_day(tmp_path: Path) -> None:
    assert advanced(tmp_path, at(2026, 12, 2, 14)) == at(2026, 12, 3, 14)  # Wednesday → Thursday
    (tmp_path / "sandbox.db.clock.json").unlink()
    assert advanced(tmp_path, at(2026, 12, 4, 14)) == at(2026, 12, 7, 14)  # Friday → Monday


def test_after_hours_and_holidays_count_no_working_time(tmp_path: Path) -> None:
    assert advanced(tmp_path, at(2026, 12, 4, 20)) == at(2026, 12, 7, 17)  # Friday night
    (tmp_path / "sandbox.db.clock.json").unlink()
    holidays = replace(SETTINGS, sla_holidays=(date(2026, 12, 3),))
    assert advanced(tmp_path, at(2026, 12, 2, 14), holidays) == at(2026, 12, 4, 14)


def test_the_offset_is_kept_beside_the_database_and_read_at_the_next_start(
    tmp_path: Path,
) -> None:
    path = clock_file(tmp_path / "sandbox.db")
    assert path.name == "sandbox.db.clock.json"
    real = at(2026, 12, 2, 14)
    SandboxClock(path, SETTINGS, lambda: real).advance_working_day()
    assert SandboxClock(path, SETTINGS, lambda: real)() == at(2026, 12, 3, 14)


def test_a_damaged_clock_file_starts_at_the_real_time(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db.clock.json"
    path.write_text("{not json")
    real = at(2026, 12, 2, 14)
    assert SandboxClock(path, SETTINGS, lambda: real)() == real
