"""Events: App Home shows the opening SDR's queue and their week (SPEC §4)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.blocks.queue import HOME_SECTION, home_view
from bot.slack.services import services
from bot.usecases.queue import open_mqls, week_numbers
from storage.db import session_scope

EVENTS = ("app_home_opened",)


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)


def on_home_opened(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    svc = services(context)
    user = event["user"]
    now = svc.clock()
    with session_scope(svc.engine) as s:
        mine, _ = open_mqls(s, owner=user, limit=HOME_SECTION)
        unclaimed, _ = open_mqls(s, unclaimed=True, limit=HOME_SECTION)
        week = week_numbers(s, user, now)
    client.views_publish(user_id=user, view=home_view(mine, unclaimed, week, now))
