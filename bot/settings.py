"""One typed settings object: secrets from the environment / `.env`, behaviour from TOML.

The TOML file (`SDRBOT_CONFIG`, default `./sdrbot.toml`; see `sdrbot.example.toml`) holds what
an operator tunes: channels, who may decide, the reason lists, SLA, timezone, locale. The
essential channels can also come from `SDRBOT_*_CHANNEL`, which win over the file, so a
container can run without one.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

from bot.expiry_settings import expiry_settings
from bot.ingest.event_map import EventMap, EventMapError
from bot.learning_settings import KEYS as LEARNING_KEYS
from bot.learning_settings import LearningSettings, learning_settings
from bot.locales import LOCALES
from bot.routing import (
    Rep,
    Routing,
    RoutingError,
    Rule,
    reps_from_config,
    rules_from_config,
)
from bot.schedule_settings import ScheduleSettingsError, schedule_settings
from bot.settings_values import (
    SettingsError,
    ingest_settings,
    number,
    outbox_settings,
    text,
    texts,
)
from bot.triage_settings import SECTIONS as TRIAGE_SECTIONS
from bot.triage_settings import Triage, triage_settings
from storage.db import DEFAULT_DATABASE_URL

DEFAULT_CONFIG = Path("sdrbot.toml")
RECYCLE_REASONS = (
    "Bad timing",
    "No budget yet",
    "Not the decision maker",
    "No reply",
    "Needs more nurturing",
)
DISQUALIFY_REASONS = (
    "Wrong ICP",
    "Competitor",
    "Student",
    "Spam",
    "Duplicate",
    "Existing customer",
)
_SECTIONS: dict[str, set[str]] = {
    "slack": {"alert_channel", "handover_channel", "digest_channel"},
    "roles": {"deciders", "decider_groups"},
    "decisions": {"recycle_reasons", "disqualify_reasons"},
    "sla": {"working_hours", "working_days", "day_start", "day_end", "holidays", "manager_channel"},
    "general": {"timezone", "locale"},
    "digest": {"day", "time"},
    "expiry": {"time", "margin", "grace_days"},
    "outbox": {"lease_seconds", "pace_seconds", "burst"},
    "routing": {"rules"},
    "assignment": {"enabled", "reps", "out_of_office"},
    "ingest": {"event_map", "unknown_events", "batch", "max_batch_mb"},
    **TRIAGE_SECTIONS,
    "learning": LEARNING_KEYS,
}


@dataclass(frozen=True)
class Secret:
    """A token or signing secret: usable through `.value`, never shown by repr() or str()."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('********')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: Secret = Secret("")
    slack_signing_secret: Secret = Secret("")
    slack_app_token: Secret = Secret("")
    slack_api_url: str | None = None  # a fake Slack or an enterprise proxy
    alert_channel: str = "#sdr-alerts"
    handover_channel: str = "#ae-handover"
    digest_channel: str = "#marketing"
    deciders: tuple[str, ...] = ()  # Slack user ids; with no deciders and groups, anyone
    decider_groups: tuple[str, ...] = ()  # Slack user group ids
    recycle_reasons: tuple[str, ...] = RECYCLE_REASONS
    disqualify_reasons: tuple[str, ...] = DISQUALIFY_REASONS
    sla_working_hours: float = 4.0  # remind after this many working hours, escalate after 2×
    sla_working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    sla_day_start: str = "09:00"  # working hours, in `timezone`
    sla_day_end: str = "17:00"
    sla_holidays: tuple[date, ...] = ()
    manager_channel: str = "#sdr-managers"  # where an MQL left past 2× the SLA escalates
    outbox_lease_seconds: float = 60.0  # a sender that died holds its row this long
    outbox_pace_seconds: float = 1.0  # between two posts to one channel (Slack: ~1/s)
    outbox_burst: int = 3  # posts a quiet channel takes at once before the pace sets in
    timezone: str = "UTC"  # the team's: working hours, the digest's week and schedule
    digest_day: str = "mon"  # the weekly digest's day (mon … sun) and time, in `timezone`
    digest_time: str = "08:00"
    expiry_time: str = "03:00"  # the daily decay and expiry of stale MQLs, in `timezone`
    expiry_margin: float = 5.0  # points under the bar before an MQL expires (bot/expiry_settings)
    expiry_grace_days: float = 1.0  # ...for this long in a row
    locale: str = "en"
    routing_rules: tuple[Rule, ...] = ()  # first match wins; else alert_channel
    assign: bool = False  # assign each new MQL to a rep by weighted round robin
    reps: tuple[Rep, ...] = ()
    out_of_office: tuple[str, ...] = ()  # Slack user ids skipped by the round robin
    event_map: EventMap = field(default_factory=EventMap)  # API event names -> our types
    # "partial": a batch's valid calls are stored, its invalid ones kept as rejected calls;
    # "atomic": one invalid call refuses the whole batch
    ingest_batch: str = "partial"
    ingest_max_batch: int = 4 * 1024 * 1024  # bytes of a batch, after decompression
    triage: Triage = field(default_factory=Triage)  # BANT gate, ownership, handover
    learning: LearningSettings = field(default_factory=LearningSettings)
    config_path: Path | None = None  # the file read, if any

    @classmethod
    def load(
        cls, env_file: Path | None = Path(".env"), environ: Mapping[str, str] | None = None
    ) -> Settings:
        if env_file is not None and env_file.exists():
            load_dotenv(env_file, override=False)
        env = os.environ if environ is None else environ
        explicit = env.get("SDRBOT_CONFIG")
        path = Path(explicit) if explicit else DEFAULT_CONFIG
        if explicit and not path.exists():
            raise SettingsError(
                f"SDRBOT_CONFIG names {path}, which does not exist; copy "
                "sdrbot.example.toml there or unset SDRBOT_CONFIG"
            )
        config = read_config(path) if path.exists() else {}
        try:
            behaviour = _behaviour(config, env)
        except RoutingError as exc:
            raise SettingsError(f"{path}: {exc}") from exc
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            slack_bot_token=Secret(env.get("SLACK_BOT_TOKEN", "")),
            slack_signing_secret=Secret(env.get("SLACK_SIGNING_SECRET", "")),
            slack_app_token=Secret(env.get("SLACK_APP_TOKEN", "")),
            slack_api_url=env.get("SLACK_API_URL") or None,
            config_path=path if path.exists() else None,
            **behaviour,
        )

    def routing(self) -> Routing:
        return Routing(
            self.alert_channel,
            self.routing_rules,
            self.assign,
            self.reps,
            frozenset(self.out_of_office),
        )


def read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    for section, value in data.items():
        if section not in _SECTIONS:
            raise SettingsError(
                f"{path}: unknown section [{section}]; the sections are "
                f"{', '.join(sorted(_SECTIONS))}"
            )
        if not isinstance(value, dict):
            raise SettingsError(f"{path}: [{section}] must be a table")
        unknown = set(value) - _SECTIONS[section]
        if unknown:
            raise SettingsError(
                f"{path}: unknown key {section}.{sorted(unknown)[0]}; [{section}] "
                f"takes {', '.join(sorted(_SECTIONS[section]))}"
            )
    return {f"{s}.{k}": v for s, table in data.items() for k, v in table.items()}


def _behaviour(config: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("alert", "handover", "digest"):
        value = env.get(f"SDRBOT_{name.upper()}_CHANNEL") or config.get(f"slack.{name}_channel")
        if value is not None:
            out[f"{name}_channel"] = text(f"slack.{name}_channel", value)
    for key, attr in (
        ("roles.deciders", "deciders"),
        ("roles.decider_groups", "decider_groups"),
        ("decisions.recycle_reasons", "recycle_reasons"),
        ("decisions.disqualify_reasons", "disqualify_reasons"),
    ):
        if key in config:
            out[attr] = texts(key, config[key])
    for key, attr, zero_ok in (
        ("sla.working_hours", "sla_working_hours", False),
        ("outbox.lease_seconds", "outbox_lease_seconds", False),
        ("outbox.pace_seconds", "outbox_pace_seconds", True),
    ):
        if key in config:
            out[attr] = number(key, config[key], zero_ok)
    if "routing.rules" in config:
        out["routing_rules"] = rules_from_config(config["routing.rules"])
    if "assignment.reps" in config:
        out["reps"] = reps_from_config(config["assignment.reps"])
    if "assignment.out_of_office" in config:
        out["out_of_office"] = texts("assignment.out_of_office", config["assignment.out_of_office"])
    if "assignment.enabled" in config:
        if not isinstance(config["assignment.enabled"], bool):
            raise SettingsError("assignment.enabled must be true or false")
        out["assign"] = config["assignment.enabled"]
        if out["assign"] and not out.get("reps"):
            raise SettingsError("assignment.enabled = true needs at least one [[assignment.reps]]")
    if "ingest.event_map" in config or "ingest.unknown_events" in config:
        try:
            out["event_map"] = EventMap.from_config(
                config.get("ingest.event_map"), config.get("ingest.unknown_events")
            )
        except EventMapError as exc:
            raise SettingsError(str(exc)) from exc
    out.update(ingest_settings(config))
    out.update(triage_settings(config))
    out["learning"] = learning_settings(config)
    out.update(expiry_settings(config))
    out.update(outbox_settings(config))
    for key in ("timezone", "locale"):
        if f"general.{key}" in config:
            out[key] = text(f"general.{key}", config[f"general.{key}"])
    try:
        out.update(schedule_settings(config))
    except ScheduleSettingsError as exc:
        raise SettingsError(str(exc)) from exc
    if out.get("locale", "en") not in LOCALES:
        raise SettingsError(
            f"general.locale must be one of {', '.join(LOCALES)}, not {out['locale']!r}"
        )
    return out
