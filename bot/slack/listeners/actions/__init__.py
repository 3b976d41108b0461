"""The alert's buttons: Claim decides at once; Promote, Recycle and Disqualify open a modal."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import replies
from bot.slack.blocks import promote_modal, reason_modal
from bot.slack.blocks.alert import ACTION_CLAIM, ACTION_DISQUALIFY, ACTION_PROMOTE, ACTION_RECYCLE
from bot.slack.blocks.lead_card import PICK_ACTION_PREFIX
from bot.slack.listeners.actions import proposal
from bot.slack.lookup import card_answer
from bot.slack.services import Services, services
from bot.usecases.lifecycle.decisions import LeadNotFound, Result, claim
from bot.usecases.queries.leads import lead_card, lead_to_decide

log = logging.getLogger(__name__)
ACTIONS = (ACTION_CLAIM, ACTION_PROMOTE, ACTION_RECYCLE, ACTION_DISQUALIFY)
# the Show buttons of a /lead pick list: one action id per lead
PICK_ACTION = re.compile(rf"^{PICK_ACTION_PREFIX}\d+$")


def register(app: App) -> None:
    app.action(PICK_ACTION)(on_pick)
    app.action(ACTION_CLAIM)(on_claim)
    app.action(ACTION_PROMOTE)(on_open_modal)
    app.action(ACTION_RECYCLE)(on_open_modal)
    app.action(ACTION_DISQUALIFY)(on_open_modal)
    proposal.register(app)  # marketing ops' buttons on a model proposal, and its reject modal


def _whisper(client: WebClient, body: dict[str, Any], text: str) -> None:
    """An ephemeral answer to the clicking user, where they clicked."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    client.chat_postEphemeral(channel=str(channel), user=body["user"]["id"], text=text)


def _allowed(svc: Services, client: WebClient, body: dict[str, Any]) -> bool:
    user = body["user"]["id"]
    if svc.deciders.allows(user):
        return True
    _whisper(client, body, replies.not_allowed(user))
    return False


def on_pick(ack: Ack, action: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    """A Show button of a pick list: the list (ephemeral) becomes the lead's card."""
    ack()
    lead_id = int(action["value"])
    answer = card_answer(lead_card(services(context).engine, lead_id), lead_id)
    respond(replace_original=True, response_type="ephemeral", **answer)


def on_claim(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    svc = services(context)
    if not _allowed(svc, client, body):
        return
    try:
        result = claim(
            svc.engine, lead_id=int(action["value"]), user_id=body["user"]["id"], now=svc.clock()
        )
    except LeadNotFound:
        _whisper(client, body, replies.unknown_lead(action["value"]))
        return
    if result.won:
        svc.wake()
    else:
        _whisper(client, body, replies.too_late(result))


def on_open_modal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    svc = services(context)
    if not _allowed(svc, client, body):
        return
    lead_id = int(action["value"])
    lead = lead_to_decide(svc.engine, lead_id)
    if lead is None:
        _whisper(client, body, replies.unknown_lead(lead_id))
        return
    if isinstance(lead, Result):  # decided already: say who was first
        _whisper(client, body, replies.too_late(lead))
        return
    kind = action["action_id"].removeprefix("lead_")
    settings = svc.settings
    view = (
        promote_modal(lead_id, lead.name)
        if kind == "promote"
        else reason_modal(
            kind,
            lead_id,
            lead.name,
            settings.recycle_reasons if kind == "recycle" else settings.disqualify_reasons,
        )
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)
