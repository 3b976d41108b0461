"""`/lead`: look a lead up, list the open MQLs, or explain the usage (SPEC §4).

The answer goes back in the acknowledgement itself, which Slack shows only to the asker; no
response_url round trip, and nothing is posted to the channel.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.jobs.sla_clock import Sla
from bot.slack.blocks.queue import queue_message
from bot.slack.lookup import lookup_answer
from bot.slack.services import Services, services
from bot.texts import render
from bot.usecases.lifecycle.assignment import set_out_of_office
from bot.usecases.queries.leads import look_up
from bot.usecases.queries.queue import queue
from bot.words import say

COMMANDS = ("/lead",)
OOO = {"on": True, "off": False}


def register(app: App) -> None:
    app.command("/lead")(on_lead)


def on_lead(ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    query = (command.get("text") or "").strip()
    svc = services(context)
    if not query or query.lower() == "help":
        ack(text=render("lead_help.mrkdwn", svc.settings.locale), response_type="ephemeral")
        return
    words = query.lower().split()
    if words[0] == "ooo":
        ack(text=_out_of_office(svc, command["user_id"], words[1:]), response_type="ephemeral")
        return
    locale, now, sla = svc.settings.locale, svc.clock(), Sla.of(svc.settings)
    if query.lower() == "queue":
        items, total = queue(svc.engine, now=now, sla=sla)
        answer = queue_message(items, total, now, locale=locale)
    else:
        answer = lookup_answer(
            look_up(svc.engine, query), query, locale=locale, client=client, sla=sla, now=now
        )
    ack(response_type="ephemeral", **answer)


def _out_of_office(svc: Services, user_id: str, args: list[str]) -> str:
    locale = svc.settings.locale
    if len(args) != 1 or args[0] not in OOO:
        return say(locale, "command.ooo_usage")
    away = OOO[args[0]]
    set_out_of_office(svc.engine, user_id=user_id, away=away, now=svc.clock())
    # with assignment off nobody is given new MQLs, so "they go to the others" would be untrue
    unassigned = "" if svc.settings.assign else "_unassigned"
    return say(locale, f"command.ooo_{'on' if away else 'off'}{unassigned}")
