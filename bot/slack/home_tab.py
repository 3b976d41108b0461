"""Publishing an SDR's App Home: when they open it, and again after a click made there (a claim,
a decision, a reassignment), so the lead they acted on leaves the list or moves within it.

A click on the Home tab has no channel to answer in: what became of it (someone was first, the
policy refuses) is shown on top of the republished tab instead of as an ephemeral message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient

from bot.jobs.sla_clock import Sla
from bot.slack.blocks.queue import HOME_SECTION, home_view
from bot.slack.services import Services
from bot.usecases.queries.queue import home

HOME_ORIGIN = "home"  # a modal opened from App Home: its private_metadata is "<lead id>:home"


def publish_home(client: WebClient, svc: Services, user: str, notice: str | None = None) -> None:
    now = svc.clock()
    shown = home(svc.engine, user, now=now, limit=HOME_SECTION, sla=Sla.of(svc.settings))
    view = home_view(shown, now, locale=svc.settings.locale, notice=notice)
    client.views_publish(user_id=user, view=view)


def clicked_on_home(body: Mapping[str, Any]) -> bool:
    """Whether a block action came from the App Home tab (not a message or a modal)."""
    return ((body.get("view") or {}).get("type")) == "home"


def opened_from_home(view: Mapping[str, Any]) -> bool:
    """Whether a submitted modal was opened by a click on App Home."""
    parts = str(view.get("private_metadata") or "").split(":")
    return len(parts) > 1 and parts[-1] == HOME_ORIGIN
