"""What Slack sends an app when a person acts, built for the sandbox's page: the payloads of
block_actions, view_submission and view_closed, the slash command's form, the
app_home_opened and message events, each signed with the app's signing secret as Slack signs it (v0,
HMAC-SHA256 over `v0:<timestamp>:<body>`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from bot.sandbox.slackapi.workspace import APP_ID, BOT_USER_ID, TEAM_ID

TEAM = {"id": TEAM_ID, "domain": "sandbox"}
FORM = "application/x-www-form-urlencoded"


def signed_headers(body: str, secret: str, content_type: str = FORM) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


def user_of(user_id: str, name: str) -> dict[str, str]:
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def _payload(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_actions(
    *,
    user: dict[str, str],
    action: dict[str, Any],
    trigger_id: str,
    response_url: str | None,
    channel: dict[str, str] | None = None,
    message: dict[str, Any] | None = None,
    ephemeral_ts: str | None = None,
    view: dict[str, Any] | None = None,
) -> str:
    body: dict[str, Any] = {
        "type": "block_actions",
        "team": TEAM,
        "user": user,
        "api_app_id": APP_ID,
        "token": "",
        "trigger_id": trigger_id,
        "is_enterprise_install": False,
        "enterprise": None,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
        "state": {"values": {}},
    }
    if view is not None:
        body["container"] = {"type": "view", "view_id": view["id"]}
        body["view"] = view
    elif channel is not None:
        ts = ephemeral_ts or (message or {}).get("ts", "")
        body["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel["id"],
            "is_ephemeral": ephemeral_ts is not None,
        }
        body["channel"] = channel
        if message is not None and ephemeral_ts is None:
            body["message"] = message
    if response_url:
        body["response_url"] = response_url
    return _payload(body)


def view_submission(*, user: dict[str, str], view: dict[str, Any], trigger_id: str) -> str:
    return _payload(
        {
            "type": "view_submission",
            "team": TEAM,
            "user": user,
            "api_app_id": APP_ID,
            "token": "",
            "trigger_id": trigger_id,
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
        }
    )


def view_closed(*, user: dict[str, str], view: dict[str, Any]) -> str:
    return _payload(
        {
            "type": "view_closed",
            "team": TEAM,
            "user": user,
            "api_app_id": APP_ID,
            "token": "",
            "view": view,
            "is_cleared": False,
            "is_enterprise_install": False,
        }
    )


def slash_command(
    *,
    user: dict[str, str],
    channel: dict[str, str],
    command: str,
    text: str,
    trigger_id: str,
    response_url: str,
) -> str:
    return urlencode(
        {
            "token": "",
            "team_id": TEAM_ID,
            "team_domain": TEAM["domain"],
            "channel_id": channel["id"],
            "channel_name": channel["name"],
            "user_id": user["id"],
            "user_name": user["name"],
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def _event_callback(event: dict[str, Any]) -> str:
    """The Events API's envelope around one event, as Slack posts it to the request URL."""
    return json.dumps(
        {
            "token": "",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{time.time_ns():X}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


def home_opened(*, user_id: str, channel_id: str, view: dict[str, Any] | None) -> str:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    if view is not None:
        event["view"] = view
    return _event_callback(event)


def message_event(
    *, user_id: str, channel_id: str, message: dict[str, Any], parent_user: str | None = None
) -> str:
    """A person's message in a channel or, with `thread_ts`, in a thread (event `message`,
    as subscribed with message.channels)."""
    event: dict[str, Any] = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "user": user_id,
        "text": message.get("text", ""),
        "team": TEAM_ID,
        "ts": message["ts"],
        "channel": channel_id,
        "event_ts": message["ts"],
        "channel_type": "channel",
    }
    if message.get("thread_ts"):
        event["thread_ts"] = message["thread_ts"]
        event["parent_user_id"] = parent_user or BOT_USER_ID
    return _event_callback(event)
