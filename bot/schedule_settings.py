"""The scheduled work's part of the settings: the team's timezone and the digest's day and time,
checked so that a typo fails at start with the fix, not at the first run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
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
    out.update(_sla(config))
    if "expiry.time" in config:
        out["expiry_time"] = clock_time("expiry.time", config["expiry.time"])
    return out


def _sla(config: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "sla.working_days" in config:
        days = config["sla.working_days"]
        if not isinstance(days, list) or not days:
            raise ScheduleSettingsError(
                f'sla.working_days must be a list of days such as ["mon", "tue"], not {days!r}'
            )
        out["sla_working_days"] = tuple(
            day(f"sla.working_days[{i}]", d) for i, d in enumerate(days)
        )
    for key in ("day_start", "day_end"):
        if f"sla.{key}" in config:
            out[f"sla_{key}"] = clock_time(f"sla.{key}", config[f"sla.{key}"])
    if out.get("sla_day_start", "09:00") >= out.get("sla_day_end", "17:00"):
        raise ScheduleSettingsError("sla.day_start must be before sla.day_end")
    if "sla.holidays" in config:
        out["sla_holidays"] = holidays(config["sla.holidays"])
    if "sla.manager_channel" in config:
        value = config["sla.manager_channel"]
        if not isinstance(value, str) or not value.strip():
            raise ScheduleSettingsError(
                f"sla.manager_channel must be a channel name or id, not {value!r}"
            )
        out["manager_channel"] = value.strip()
    return out


def holidays(value: Any) -> tuple[date, ...]:
    if isinstance(value, list):
        try:
            return tuple(v if isinstance(v, date) else date.fromisoformat(str(v)) for v in value)
        except ValueError:
            pass
    raise ScheduleSettingsError(
        f'sla.holidays must be a list of dates such as ["2026-12-24", 2026-12-25], not {value!r}'
    )


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
