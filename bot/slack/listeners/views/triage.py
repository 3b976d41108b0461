"""A reassignment's and an AE's send-back's submissions."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import mrkdwn
from bot.slack import replies
from bot.slack.blocks.modals import lead_id_of
from bot.slack.blocks.reply_modals import (
    OWNER,
    REASON,
    REASSIGN_CALLBACK,
    SEND_BACK_CALLBACK,
    read_reassign,
    read_send_back,
)
from bot.slack.home_tab import opened_from_home, publish_home
from bot.slack.services import services
from bot.usecases.lifecycle.decisions import LeadNotFound
from bot.usecases.lifecycle.handover_replies import SENT_BACK, answer
from bot.usecases.lifecycle.ownership import reassign
from bot.words import say

CALLBACKS = (REASSIGN_CALLBACK, SEND_BACK_CALLBACK)


def on_reassign(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    svc = services(context)
    user, locale = body["user"]["id"], svc.settings.locale
    if not svc.deciders.allows(user):
        ack(
            response_action="errors",
            errors={OWNER: replies.not_allowed_plain(user, svc.settings.locale)},
        )
        return
    to = read_reassign(view)
    if not to:
        ack(response_action="errors", errors={OWNER: say(locale, "ownership.reassign.label")})
        return
    lead_id = lead_id_of(view)
    try:
        done = reassign(
            svc.engine,
            lead_id=lead_id,
            by=user,
            to=to,
            now=svc.clock(),
            reassigners=svc.settings.triage.reassigners,
        )
    except LeadNotFound:
        ack(
            response_action="errors",
            errors={OWNER: replies.unknown_lead(lead_id, svc.settings.locale)},
        )
        return
    if done.done:
        ack()
        svc.wake()
        if opened_from_home(view):
            publish_home(client, svc, user)
        return
    problem = {
        "not_open": say(
            locale, "ownership.reassign.not_open", status=say(locale, f"status.{done.status}")
        ),
        "not_allowed": say(locale, "ownership.reassign.not_allowed_plain"),
        "same": say(locale, "ownership.reassign.same", owner=done.owner),
    }[done.problem or "not_allowed"]
    ack(response_action="errors", errors={OWNER: problem})


def on_send_back(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    svc = services(context)
    user, locale = body["user"]["id"], svc.settings.locale
    if svc.aes is not None and not svc.aes.allows(user):
        ack(response_action="errors", errors={REASON: say(locale, "handover.reply.not_allowed")})
        return
    decision_id, reason = read_send_back(view)
    if not reason:
        ack(response_action="errors", errors={REASON: say(locale, "handover.send_back.missing")})
        return
    result = answer(
        svc.engine,
        decision_id=decision_id,
        ae=user,
        outcome=SENT_BACK,
        reason=reason,
        now=svc.clock(),
    )
    if result.done:
        ack()
        svc.wake()
        return
    problem = reply_problem(locale, result.problem, result.by or "", plain=True)
    ack(response_action="errors", errors={REASON: problem})


def reply_problem(locale: str, problem: str | None, by: str, *, plain: bool = False) -> str:
    """Why an AE's answer changed nothing (`plain`: for a modal, which shows no mentions)."""
    if problem == "own":
        return say(locale, "handover.reply.own")
    if problem == "answered":
        return say(locale, "handover.reply.answered", ae=by if plain else mrkdwn.mention(by))
    return say(locale, "handover.reply.not_sql")
