"""The alert's buttons, also on the /lead card and App Home: Claim decides at once; Promote,
Recycle and Disqualify open a modal (with a take-over confirmation on someone else's lead);
Reassign, and a handover's Accept and Send back, are in triage.py. A click on App Home is
answered on the tab, which is published again after it."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import mrkdwn
from bot.jobs.sla_clock import Sla
from bot.slack import replies
from bot.slack.blocks import promote_modal, reason_modal
from bot.slack.blocks.alert import (
    ACTION_CLAIM,
    ACTION_DISQUALIFY,
    ACTION_PROMOTE,
    ACTION_REASSIGN,
    ACTION_RECYCLE,
    any_lead,
    base_action,
)
from bot.slack.blocks.handover import ACTION_ACCEPT, ACTION_SEND_BACK
from bot.slack.blocks.lead_card import PICK_ACTION_PREFIX
from bot.slack.home_tab import HOME_ORIGIN, clicked_on_home, publish_home
from bot.slack.listeners.actions import exploration, proposal, triage
from bot.slack.listeners.actions.answers import decider_or_told, whisper
from bot.slack.lookup import card_answer
from bot.slack.services import services
from bot.usecases.lifecycle.decisions import LeadNotFound, Result, claim
from bot.usecases.lifecycle.ownership import REFUSE, blocked
from bot.usecases.queries.leads import lead_card, lead_to_decide
from bot.words import say

log = logging.getLogger(__name__)
ACTIONS = (
    ACTION_CLAIM,
    ACTION_PROMOTE,
    ACTION_RECYCLE,
    ACTION_DISQUALIFY,
    ACTION_REASSIGN,
    ACTION_ACCEPT,
    ACTION_SEND_BACK,
)
# the Show buttons of a /lead pick list: one action id per lead
PICK_ACTION = re.compile(rf"^{PICK_ACTION_PREFIX}\d+$")


def register(app: App) -> None:
    app.action(PICK_ACTION)(on_pick)
    # the alert's and the card's ids, and App Home's per-lead ones (`lead_promote:42`)
    app.action(any_lead(ACTION_CLAIM))(on_claim)
    app.action(any_lead(ACTION_PROMOTE))(on_open_modal)
    app.action(any_lead(ACTION_RECYCLE))(on_open_modal)
    app.action(any_lead(ACTION_DISQUALIFY))(on_open_modal)
    app.action(any_lead(ACTION_REASSIGN))(triage.on_reassign)
    app.action(ACTION_ACCEPT)(triage.on_accept)
    app.action(ACTION_SEND_BACK)(triage.on_send_back)
    proposal.register(app)  # marketing ops' buttons on a model proposal, and its reject modal
    exploration.register(app)  # the answers to an exploration alert of a lead under the line


def on_pick(
    ack: Ack,
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
) -> None:
    """A Show button of a pick list: the list (ephemeral) becomes the lead's card."""
    ack()
    svc = services(context)
    lead_id = int(action["value"])
    answer = card_answer(
        lead_card(svc.engine, lead_id),
        lead_id,
        locale=svc.settings.locale,
        client=client,
        sla=Sla.of(svc.settings),
        now=svc.clock(),
    )
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
    if not decider_or_told(svc, client, body):
        return
    try:
        result = claim(
            svc.engine, lead_id=int(action["value"]), user_id=body["user"]["id"], now=svc.clock()
        )
    except LeadNotFound:
        whisper(client, body, replies.unknown_lead(action["value"], svc.settings.locale), svc)
        return
    if not result.won:
        # a claim that reaches us after the same SDR's own decision or claim tells them nothing
        if not replies.got_there_first(result, body["user"]["id"]):
            whisper(client, body, replies.too_late(result, svc.settings.locale), svc)
        return
    svc.wake()
    if clicked_on_home(body):  # the lead moves to "Claimed by you"
        publish_home(client, svc, body["user"]["id"])


def on_open_modal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    svc = services(context)
    if not decider_or_told(svc, client, body):
        return
    lead_id = int(action["value"])
    lead = lead_to_decide(svc.engine, lead_id)
    if lead is None:
        whisper(client, body, replies.unknown_lead(lead_id, svc.settings.locale), svc)
        return
    if isinstance(lead, Result):  # decided already: say who was first
        whisper(client, body, replies.too_late(lead, svc.settings.locale), svc)
        return
    kind = base_action(action["action_id"]).removeprefix("lead_")
    settings, user = svc.settings, body["user"]["id"]
    locale, policy = settings.locale, settings.triage.ownership
    # the policy asks first (refuse) or in the modal (confirm); the submission checks again
    if blocked(lead.owner, user, policy, False) == REFUSE:
        named = mrkdwn.mention(lead.owner)
        whisper(client, body, say(locale, "ownership.refused.ephemeral", owner=named), svc)
        return
    owner = lead.owner if blocked(lead.owner, user, policy, False) else None
    origin = HOME_ORIGIN if clicked_on_home(body) else None  # publish the tab after it
    view = (
        promote_modal(lead_id, lead.name, locale=locale, owner=owner, origin=origin)
        if kind == "promote"
        else reason_modal(
            kind,
            lead_id,
            lead.name,
            settings.recycle_reasons if kind == "recycle" else settings.disqualify_reasons,
            locale=locale,
            owner=owner,
            origin=origin,
        )
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)
