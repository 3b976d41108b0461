"""The sandbox's small workspace: its channels, its people, and the settings that make the
bot treat them as a real team (the SDRs and the marketing-ops user decide; an AE takes
handovers)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.routing import Rep
from bot.settings import Secret, Settings

ALERTS, HANDOVER, MARKETING, MANAGERS = "sdr-alerts", "ae-handover", "marketing", "sdr-managers"
CHANNELS = {
    ALERTS: "C0SBALERTS",
    HANDOVER: "C0SBHANDOV",
    MARKETING: "C0SBMARKET",
    MANAGERS: "C0SBMANAGE",
}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    role: str  # its words in the page's user switcher: sandbox.role.<role>
    decides: bool = True


PEOPLE = (
    Person("U0SBANNA01", "anna", "Anna Berger", "sdr"),
    Person("U0SBBEN001", "ben", "Ben Okafor", "sdr"),
    Person("U0SBCARLA1", "carla", "Carla Reyes", "sdr"),
    Person("U0SBMOPS01", "mo", "Mo Schulz", "marketing_ops"),
    Person("U0SBAE0001", "ada", "Ada Lindqvist", "account_executive", decides=False),
)
SWITCHER = tuple(p for p in PEOPLE if p.decides)


def sandbox_settings(
    base: Settings, *, api_url: str, token: str, signing_secret: str, database_url: str
) -> Settings:
    """The configured settings (language, model, reasons…) with the sandbox's Slack in place
    of the real one: never the real token, secret, channels or database."""
    return replace(
        base,
        database_url=database_url,
        slack_bot_token=Secret(token),
        slack_signing_secret=Secret(signing_secret),
        slack_app_token=Secret(""),
        slack_api_url=api_url,
        alert_channel=f"#{ALERTS}",
        handover_channel=f"#{HANDOVER}",
        digest_channel=f"#{MARKETING}",
        manager_channel=f"#{MANAGERS}",
        deciders=tuple(p.id for p in SWITCHER),
        decider_groups=(),
        routing_rules=(),
        assign=False,
        # not for assignment (off): the SDRs an unclaimed MQL's SLA reminder names
        reps=tuple(Rep(p.id) for p in SWITCHER if p.role == "sdr"),
        out_of_office=(),
    )
