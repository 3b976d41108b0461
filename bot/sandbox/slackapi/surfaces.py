"""views.*: modals and App Home tabs, with Slack's trigger and hash rules."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bot.sandbox.slackapi import blockkit
from bot.sandbox.slackapi.api import Context, Handler, SlackError, json_arg
from bot.sandbox.slackapi.workspace import APP_ID, BOT_ID, TEAM_ID, Workspace

TRIGGER_ID = re.compile(r"^\d+\.\d+\.[0-9a-f]+$")


def _claim_trigger(ws: Workspace, args: dict[str, Any]) -> None:
    trigger = args.get("trigger_id") or args.get("interactivity_pointer")
    if not trigger:
        raise SlackError("invalid_arguments", ["[ERROR] missing required field: trigger_id"])
    if not TRIGGER_ID.match(str(trigger)):
        raise SlackError("invalid_trigger_id")
    if trigger in ws.used_trigger_ids:
        raise SlackError("exchanged_trigger_id")
    ws.used_trigger_ids.add(str(trigger))


def _checked_view(args: dict[str, Any], kind: str) -> dict[str, Any]:
    view = json_arg(args, "view", "invalid_arguments")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", ["[ERROR] view must be an object"])
    if view.get("type") != kind:
        raise SlackError("invalid_arguments", [f"[ERROR] view type must be {kind}"])
    errors = blockkit.check_view(view)
    if errors:
        raise SlackError("invalid_arguments", errors)
    if len(json.dumps(view)) > 250_000:
        raise SlackError("view_too_large")
    return view


def _store_view(
    ws: Workspace,
    view: dict[str, Any],
    view_id: str | None = None,
    root_id: str | None = None,
    previous: str | None = None,
) -> dict[str, Any]:
    external_id = view.get("external_id")
    if external_id and any(
        v.get("external_id") == external_id and v["id"] != view_id for v in ws.views.values()
    ):
        raise SlackError("duplicate_external_id")
    view_id = view_id or ws.new_id("V")
    stored = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": view["type"],
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": external_id or "",
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{ws.new_id('h')}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_id or view_id,
        "previous_view_id": previous,
        "app_id": APP_ID,
        "bot_id": BOT_ID,
    }
    for key in ("title", "submit", "close"):
        if key in view:
            stored[key] = view[key]
    ws.views[view_id] = stored
    return stored


def views_open(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    view = _checked_view(args, "modal")
    _claim_trigger(ws, args)
    return {"view": _store_view(ws, view)}


def views_push(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    view = _checked_view(args, "modal")
    _claim_trigger(ws, args)
    return {"view": _store_view(ws, view)}


def views_update(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    current = ws.views.get(str(args.get("view_id") or ""))
    if current is None and args.get("external_id"):
        current = next(
            (v for v in ws.views.values() if v["external_id"] == args["external_id"]), None
        )
    if current is None:
        raise SlackError("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view = _checked_view(args, current["type"])
    return {
        "view": _store_view(
            ws, view, current["id"], current["root_view_id"], current["previous_view_id"]
        )
    }


def views_publish(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    user_id = str(args["user_id"])
    if user_id not in ws.users:
        raise SlackError("invalid_arguments", ["[ERROR] user_id names no user"])
    current = ws.home_views.get(user_id)
    if current and args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view = _checked_view(args, "home")
    stored = _store_view(ws, view, current["id"] if current else None)
    ws.home_views[user_id] = stored
    return {"view": stored}


HANDLERS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
