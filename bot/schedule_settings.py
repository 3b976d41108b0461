"""The scheduled work's part of the settings: the team's timezone and the digest's day and time,
checked so that a typo fails at start with the fix, not at the first run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleSettingsError(ValueError):
    pass


def schedule_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "general.timezone" in config:
        out["timezone"] = timezone_name("general.timezone", config["general.timezone"])
    if "digest.day" in config:
        out["digest_day"] = day("digest.day", config["digest.day"])
    if "digest.time" in config:
        out["digest_time"] = clock_time("digest.time", config["digest.time"])
    if "expiry.time" in config:
        out["expiry_time"] = clock_time("expiry.time", config["expiry.time"])
    return out


def timezone_name(key: str, value: Any) -> str:
    if isinstance(value, str) and value.strip():
        try:
            ZoneInfo(value.strip())
            return value.strip()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ScheduleSettingsError(
        f'{key} must be an IANA time zone such as "Europe/Berlin" or "UTC", not {value!r}'
    )


def day(key: str, value: Any) -> str:
    if isinstance(value, str) and value.strip().lower()[:3] in DAYS:
        return value.strip().lower()[:3]
    raise ScheduleSettingsError(f"{key} must be one of {', '.join(DAYS)}, not {value!r}")


def clock_time(key: str, value: Any) -> str:
    if isinstance(value, str) and (m := _TIME.match(value.strip())):
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise ScheduleSettingsError(f'{key} must be a time of day as "HH:MM", not {value!r}')


def hour_minute(value: str) -> tuple[int, int]:
    hours, minutes = value.split(":")
    return int(hours), int(minutes)
