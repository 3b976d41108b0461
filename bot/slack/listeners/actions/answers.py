"""The ephemeral answer to a click, where it was clicked."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient


def whisper(client: WebClient, body: dict[str, Any], text: str) -> None:
    """An ephemeral answer to the clicking user, in the channel (and thread) of the click."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    client.chat_postEphemeral(channel=str(channel), user=body["user"]["id"], text=text)
