"""The scheduled work's settings: read from the TOML file, and every mistake named with its fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "sdrbot.toml"
    path.write_text(text, encoding="utf-8")
    return Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(path)})


def test_the_schedule_and_the_working_calendar(tmp_path: Path) -> None:
    s = _load(
        tmp_path,
        '[general]\ntimezone = "America/New_York"\n[digest]\nday = "Friday"\ntime = "9:05"\n'
        '[expiry]\ntime = "02:30"\n[sla]\nworking_hours = 2\nworking_days = ["mon", "tue"]\n'
        'day_start = "08:00"\nday_end = "16:30"\nholidays = ["2026-12-24", 2026-12-25]\n'
        'manager_channel = "C0MANAGER1"\n',
    )
    assert (s.timezone, s.digest_day, s.digest_time, s.expiry_time) == (
        "America/New_York",
        "fri",
        "09:05",
        "02:30",
    )
    assert s.sla_working_days == ("mon", "tue") and (s.sla_day_start, s.sla_day_end) == (
        "08:00",
        "16:30",
    )
    assert s.sla_holidays == (date(2026, 12, 24), date(2026, 12, 25))
    assert s.manager_channel == "C0MANAGER1" and s.sla_working_hours == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[digest]\nday = "someday"\n', "digest.day must be one of mon, tue"),
        ('[expiry]\ntime = "25:00"\n', 'expiry.time must be a time of day as "HH:MM"'),
        ("[sla]\nworking_days = []\n", "sla.working_days must be a list of days such as"),
        ('[sla]\nday_start = "18:00"\n', "sla.day_start must be before sla.day_end"),
        ('[sla]\nholidays = ["24.12.2026"]\n', "sla.holidays must be a list of dates"),
        ('[sla]\nmanager_channel = ""\n', "sla.manager_channel must be a channel name or id"),
        ('[general]\ntimezone = "Mars/Olympus"\n', "general.timezone must be an IANA time zone"),
        ("[digest]\nhour = 8\n", "unknown key digest.hour; [digest] takes day, time"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _load(tmp_path, text)
