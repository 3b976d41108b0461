"""Slack's requests to the bot as Slack signs them: v0 HMAC-SHA256 over `v0:{ts}:{body}`."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.slack.conftest import ALERTS

SECRET = "test-signing-secret"
TEAM = {"id": "T0FAKE0001", "domain": "fake"}


def headers(
    body: str,
    *,
    secret: str = SECRET,
    ts: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": f"v0={digest.hexdigest()}",
        "content-type": content_type,
    }


def _payload(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(
    action_id: str,
    lead_id: int,
    user: str,
    *,
    trigger_id: str = "1.2.abc",
    message_ts: str = "1.000001",
    channel: str = ALERTS,
    response_url: str | None = None,
) -> str:
    extra = {"response_url": response_url} if response_url else {}
    return _payload(
        {
            **extra,
            "type": "block_actions",
            "team": TEAM,
            "api_app_id": "A0SDRBOT01",
            "token": "legacy",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "channel": {"id": channel, "name": "sdr-alerts"},
            "trigger_id": trigger_id,
            "message": {"ts": message_ts, "type": "message"},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "lead_actions",
                    "value": str(lead_id),
                    "action_ts": "1.2",
                }
            ],
        }
    )


def home_action(
    action_id: str, lead_id: int, user: str, view: dict[str, Any], *, trigger_id: str
) -> str:
    """A button pressed on the App Home tab `view` (as published): Slack sends the view and
    no channel."""
    return _payload(
        {
            "type": "block_actions",
            "team": TEAM,
            "api_app_id": "A0SDRBOT01",
            "token": "legacy",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
            "container": {"type": "view", "view_id": view["id"]},
            "view": view,
            "trigger_id": trigger_id,
            "actions": [
                {
                    "type": "button",
                    "action_id": f"{action_id}:{lead_id}",
                    "block_id": f"home_lead_{lead_id}",
                    "value": str(lead_id),
                    "action_ts": "1.2",
                }
            ],
        }
    )


def _selected(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def view_submission(
    callback_id: str,
    lead_id: int,
    user: str,
    values: dict[str, str | None],
    *,
    metadata: str | None = None,
    texts: tuple[str, ...] = ("notes", "pain_points"),
) -> str:
    """A submitted modal; `texts` are its text inputs, `metadata` its private_metadata (the
    lead id unless given)."""
    state: dict[str, Any] = {}
    for name, value in values.items():
        if name in texts:
            state[name] = {name: {"type": "plain_text_input", "value": value}}
        elif name == "take_over":  # the take-over checkbox: ticked unless the value is None
            ticked = [{"value": "take_over"}] if value else []
            state[name] = {name: {"type": "checkboxes", "selected_options": ticked}}
        elif name == "ae":
            state[name] = {name: {"type": "users_select", "selected_user": value}}
        else:
            state[name] = {name: _selected(str(value))}
    return _payload(
        {
            "type": "view_submission",
            "team": TEAM,
            "api_app_id": "A0SDRBOT01",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
            "trigger_id": "1.3.def",
            "view": {
                "id": "V0MODAL001",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": str(lead_id) if metadata is None else metadata,
                "state": {"values": state},
                "hash": "1.abc",
                "team_id": TEAM["id"],
            },
        }
    )


def command(text: str, user: str) -> str:
    return urlencode(
        {
            "command": "/lead",
            "text": text,
            "user_id": user,
            "team_id": TEAM["id"],
            "channel_id": ALERTS,
            "trigger_id": "1.4.ghi",
            "token": "legacy",
            "response_url": "https://hooks.invalid/commands/1",
        }
    )


def event(kind: str, user: str, event_id: str = "Ev0001", **fields: Any) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM["id"],
            "api_app_id": "A0SDRBOT01",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {"type": kind, "user": user, **fields},
        }
    )
