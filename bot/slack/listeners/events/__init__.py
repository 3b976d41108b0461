"""Events: App Home. For now a short explanation; the SDR's own queue comes later (issue 3)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

EVENTS = ("app_home_opened",)
HOME_TEXT = ("*sdrbot* posts MQL alerts with the reasons for their score. Claim an alert, then "
             "promote, recycle or disqualify it from its buttons; `/lead <e-mail>` looks a "
             "lead up.")


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)


def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
    if event.get("tab", "home") != "home":
        return
    client.views_publish(user_id=event["user"], view={
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": HOME_TEXT}}]})
