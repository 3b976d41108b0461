"""The answer to a click, where it was clicked."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack import replies
from bot.slack.home_tab import clicked_on_home, publish_home
from bot.slack.services import Services


def whisper(
    client: WebClient, body: dict[str, Any], text: str, svc: Services | None = None
) -> None:
    """An ephemeral answer to the clicking user, in the channel (and thread) of the click; a
    click on App Home (given `svc`) gets its tab republished with the answer on top."""
    user = body["user"]["id"]
    if svc is not None and clicked_on_home(body):
        publish_home(client, svc, user, notice=text)
        return
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    client.chat_postEphemeral(channel=str(channel), user=user, text=text)


def decider_or_told(svc: Services, client: WebClient, body: dict[str, Any]) -> bool:
    """Whether the clicking user may decide leads; someone who may not is told who may."""
    user = body["user"]["id"]
    if svc.deciders.allows(user):
        return True
    whisper(client, body, replies.not_allowed(user, svc.settings.locale), svc)
    return False
