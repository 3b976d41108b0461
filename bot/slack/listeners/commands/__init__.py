"""`/lead`: look a lead up, list the open MQLs, or explain the usage (SPEC §4).

The answer goes back in the acknowledgement itself, which Slack shows only to the asker; no
response_url round trip, and nothing is posted to the channel.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack.blocks.queue import queue_message
from bot.slack.lookup import lookup_answer
from bot.slack.services import Services, services
from bot.texts import render
from bot.usecases.lifecycle.assignment import set_out_of_office
from bot.usecases.queries.leads import look_up
from bot.usecases.queries.queue import queue

COMMANDS = ("/lead",)
OOO = {"on": True, "off": False}


def register(app: App) -> None:
    app.command("/lead")(on_lead)


def on_lead(ack: Ack, command: dict[str, Any], context: dict[str, Any]) -> None:
    query = (command.get("text") or "").strip()
    svc = services(context)
    if not query or query.lower() == "help":
        ack(text=render("lead_help.mrkdwn", svc.settings.locale), response_type="ephemeral")
        return
    words = query.lower().split()
    if words[0] == "ooo":
        ack(text=_out_of_office(svc, command["user_id"], words[1:]), response_type="ephemeral")
        return
    if query.lower() == "queue":
        items, total = queue(svc.engine)
        answer = queue_message(items, total, svc.clock())
    else:
        answer = lookup_answer(look_up(svc.engine, query), query)
    ack(response_type="ephemeral", **answer)


def _out_of_office(svc: Services, user_id: str, args: list[str]) -> str:
    if len(args) != 1 or args[0] not in OOO:
        return "Use `/lead ooo on` when you are away and `/lead ooo off` when you are back."
    away = OOO[args[0]]
    set_out_of_office(svc.engine, user_id=user_id, away=away, now=svc.clock())
    if away:
        return (
            "You are out of office: new MQLs are assigned to the others. Your claimed "
            "leads stay yours. `/lead ooo off` when you are back."
        )
    return "Welcome back: new MQLs are assigned to you again."
