"""`/lead`: for now the usage and a lookup by e-mail, external id or lead id (SPEC §4).

The answer goes back in the acknowledgement itself, which Slack shows only to the asker; no
response_url round trip. Search by name or company, the pick list and `/lead queue` come with
the rest of issue 3.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack import mrkdwn
from bot.slack.blocks import StatusChange, lead_card
from bot.slack.render import alert_view
from bot.slack.services import services
from storage.db import session_scope
from storage.repositories import leads as leads_repo

COMMANDS = ("/lead",)
USAGE = ("*/lead* looks a lead up: `/lead anna@example.com`, `/lead CRM-42` or `/lead 17` "
         "(e-mail, CRM id or lead number). The answer is only shown to you.")


def register(app: App) -> None:
    app.command("/lead")(on_lead)


def on_lead(ack: Ack, command: dict[str, Any], context: dict[str, Any]) -> None:
    query = (command.get("text") or "").strip()
    if not query or query.lower() == "help":
        ack(text=USAGE, response_type="ephemeral")
        return
    svc = services(context)
    with session_scope(svc.engine) as s:
        lead = leads_repo.find_lead(session=s, query=query)
        view = alert_view(s, lead.id) if lead is not None and lead.id is not None else None
        history = [] if lead is None else [
            StatusChange(t.at, t.from_status, t.to_status, t.cause)
            for t in leads_repo.transitions_of(session=s, lead_id=lead.id or 0)]
    if view is None:
        ack(text=f"No lead found for *{mrkdwn.clip(query, 200)}*. {USAGE}",
            response_type="ephemeral")
        return
    card = lead_card(view, history)
    ack(text=card["text"], blocks=card["blocks"], response_type="ephemeral")
