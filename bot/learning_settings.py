"""The `[learning]` part of the settings: where recalibration proposals go, who may approve
them, how decisions count, and when the weekly recalibration runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.schedule_settings import ScheduleSettingsError, clock_time, day
from bot.settings_values import SettingsError, number, text, texts
from scoring.calibrate.recal_types import RecalOptions

KEYS = {
    "channel",
    "approvers",
    "approver_groups",
    "recycle_weight",
    "sent_back_weight",
    "target_rate",
    "min_decisions",
    "min_each",
    "step",
    "max_new_rules",
    "day",
    "time",
    "flood_limit",
    "exploration_share",
    "exploration_band",
    "exploration_time",
}


@dataclass(frozen=True)
class LearningSettings:
    channel: str | None = None  # marketing ops; None: the digest's channel
    approvers: tuple[str, ...] = ()  # Slack user ids; with none and no groups, nobody in Slack
    approver_groups: tuple[str, ...] = ()  # Slack user group ids
    recycle_weight: float = 0.5  # a recycle is a "no" worth this much of a disqualify; 0: ignored
    sent_back_weight: float = 1.0  # an AE's send-back: a "no" over the SDR's promote; 0: ignored
    target_rate: float = 0.30  # the promote rate wanted among MQLs
    min_decisions: int = 30
    min_each: int = 10  # promoted, and not promoted
    step: float = 0.5  # the least share of the way to the fitted points taken per run
    max_new_rules: int = 5
    day: str = "mon"  # the weekly recalibration, in the team's timezone
    time: str = "07:00"
    flood_limit: int = 20  # more new MQLs than this from one model change: one summary
    # the exploration sample (docs/learning.md): this share of the leads scoring within
    # `exploration_band` points under the MQL line, shown daily at `exploration_time`; 0: off
    exploration_share: float = 0.0
    exploration_band: float = 10.0
    exploration_time: str = "10:00"

    def options(self) -> RecalOptions:
        return RecalOptions(
            target_rate=self.target_rate,
            step=self.step,
            min_decisions=self.min_decisions,
            min_each=self.min_each,
            max_new_rules=self.max_new_rules,
        )


def learning_settings(config: Mapping[str, Any]) -> LearningSettings:
    values: dict[str, Any] = {}
    got = {
        key.removeprefix("learning."): v for key, v in config.items() if key.startswith("learning.")
    }
    if "channel" in got:
        values["channel"] = text("learning.channel", got["channel"])
    for key in ("approvers", "approver_groups"):
        if key in got:
            values[key] = texts(f"learning.{key}", got[key])
    for key in ("recycle_weight", "target_rate", "step", "exploration_share"):
        if key in got:
            zero_ok = key in ("recycle_weight", "exploration_share")
            values[key] = _share(f"learning.{key}", got[key], zero_ok=zero_ok)
    for key in ("exploration_band", "sent_back_weight"):
        if key in got:
            values[key] = number(f"learning.{key}", got[key], key == "sent_back_weight")
    for key in ("min_decisions", "min_each", "max_new_rules", "flood_limit"):
        if key in got:
            values[key] = _whole(f"learning.{key}", got[key], zero_ok=key == "max_new_rules")
    try:
        if "day" in got:
            values["day"] = day("learning.day", got["day"])
        for key in ("time", "exploration_time"):
            if key in got:
                values[key] = clock_time(f"learning.{key}", got[key])
    except ScheduleSettingsError as exc:
        raise SettingsError(str(exc)) from exc
    return LearningSettings(**values)


def _share(key: str, value: Any, *, zero_ok: bool) -> float:
    share = number(key, value, zero_ok)
    if share > 1:
        raise SettingsError(f"{key} must be a share between 0 and 1 (0.3 for 30 %), not {value!r}")
    return share


def _whole(key: str, value: Any, *, zero_ok: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero_ok else 1):
        least = "0" if zero_ok else "1"
        raise SettingsError(f"{key} must be a whole number, {least} or more, not {value!r}")
    return value
