"""The buttons around a decision: Reassign on the alert, Accept and Send back on a handover."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import replies
from bot.slack.blocks.reply_modals import reassign_modal, send_back_modal
from bot.slack.home_tab import HOME_ORIGIN, clicked_on_home
from bot.slack.listeners.actions.answers import decider_or_told, whisper
from bot.slack.listeners.views.triage import reply_problem
from bot.slack.services import services
from bot.usecases.lifecycle.decisions import Result
from bot.usecases.lifecycle.handover_replies import ACCEPTED, answer, handover_of
from bot.usecases.queries.leads import lead_to_decide
from bot.words import say


def on_reassign(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    svc = services(context)
    user, locale = body["user"]["id"], svc.settings.locale
    if not decider_or_told(svc, client, body):
        return
    lead_id = int(action["value"])
    lead = lead_to_decide(svc.engine, lead_id)
    if lead is None:
        whisper(client, body, replies.unknown_lead(lead_id, svc.settings.locale), svc)
        return
    if isinstance(lead, Result):
        whisper(client, body, replies.too_late(lead, svc.settings.locale), svc)
        return
    reassigners = svc.settings.triage.reassigners
    if lead.owner and user != lead.owner and user not in reassigners:
        whisper(client, body, say(locale, "ownership.reassign.not_allowed"), svc)
        return
    origin = HOME_ORIGIN if clicked_on_home(body) else None
    view = reassign_modal(lead_id, lead.name, locale=locale, owner=lead.owner, origin=origin)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _may_answer(client: WebClient, body: dict[str, Any], context: dict[str, Any]) -> bool:
    svc = services(context)
    user = body["user"]["id"]
    if svc.aes is None or svc.aes.allows(user):
        return True
    whisper(client, body, say(svc.settings.locale, "handover.reply.not_allowed"))
    return False


def on_accept(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    if not _may_answer(client, body, context):
        return
    svc = services(context)
    result = answer(
        svc.engine,
        decision_id=int(action["value"]),
        ae=body["user"]["id"],
        outcome=ACCEPTED,
        reason=None,
        now=svc.clock(),
    )
    if result.done:
        svc.wake()
    else:
        whisper(client, body, reply_problem(svc.settings.locale, result.problem, result.by or ""))


def on_send_back(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    if not _may_answer(client, body, context):
        return
    svc = services(context)
    decision_id = int(action["value"])
    found = handover_of(svc.engine, decision_id)
    if found is None:
        whisper(client, body, reply_problem(svc.settings.locale, "gone", ""))
        return
    lead_id, sdr, name = found
    if sdr == body["user"]["id"]:
        whisper(client, body, reply_problem(svc.settings.locale, "own", ""))
        return
    view = send_back_modal(decision_id, lead_id, name, sdr, locale=svc.settings.locale)
    client.views_open(trigger_id=body["trigger_id"], view=view)


__all__ = ["on_accept", "on_reassign", "on_send_back"]
