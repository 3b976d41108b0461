"""The stale-MQL expiry's part of the settings (`[expiry]`): how far under its bars an MQL must
fall, and for how long, before the daily job moves it back to nurturing (scoring/expiry.py).
The job's time of day, `[expiry] time`, is read with the other schedules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from bot.settings_values import number
from scoring.expiry import Expiry

DAY = 86400.0


def expiry_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "expiry.margin" in config:
        out["expiry_margin"] = number("expiry.margin", config["expiry.margin"], True)
    if "expiry.grace_days" in config:
        out["expiry_grace_days"] = number("expiry.grace_days", config["expiry.grace_days"], True)
    return out


class HasExpiry(Protocol):
    @property
    def expiry_margin(self) -> float: ...
    @property
    def expiry_grace_days(self) -> float: ...


def expiry_of(settings: HasExpiry) -> Expiry:
    """The expiry rule the settings ask for."""
    return Expiry(margin=settings.expiry_margin, grace_seconds=settings.expiry_grace_days * DAY)
