"""The proposal's buttons: Approve makes the new model version (every lead rescored), Reject
opens a modal for the reason. Only marketing ops (`[learning] approvers`, `approver_groups`)
may press them; anyone else is told, in an ephemeral, who may."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.blocks.proposal import (
    ACTION_APPROVE,
    ACTION_REJECT,
    REASON,
    REJECT_CALLBACK,
    read_reason,
    reject_modal,
)
from bot.slack.services import Services, services
from bot.usecases.learning.proposals import ProposalRefused, approve, pending_or_why, reject
from bot.usecases.lifecycle.decisions import slack_actor
from bot.words import say

log = logging.getLogger(__name__)
ACTIONS = (ACTION_APPROVE, ACTION_REJECT)
CALLBACKS = (REJECT_CALLBACK,)


def register(app: App) -> None:
    app.action(ACTION_APPROVE)(on_approve)
    app.action(ACTION_REJECT)(on_reject)
    app.view(REJECT_CALLBACK)(on_reject_submit)


def _whisper(client: WebClient, body: dict[str, Any], text: str) -> None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    client.chat_postEphemeral(channel=str(channel), user=body["user"]["id"], text=text)


def who_may(svc: Services) -> str | None:
    """Who may decide proposals, as mentions; None when nobody is configured."""
    learning = svc.settings.learning
    names = [f"<@{u}>" for u in learning.approvers] + [
        f"<!subteam^{g}>" for g in learning.approver_groups
    ]
    return ", ".join(names) or None


def _refusal(svc: Services, user: str) -> str | None:
    """Why this user may not decide proposals; None: they may."""
    approvers = svc.approvers
    if approvers is not None and approvers.allows(user):
        return None
    locale = svc.settings.locale
    names = who_may(svc)
    if names is None:
        return say(locale, "proposal.nobody")
    return say(locale, "proposal.not_allowed", who=names)


def on_approve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    svc = services(context)
    user = body["user"]["id"]
    refusal = _refusal(svc, user)
    if refusal is not None:
        _whisper(client, body, refusal)
        return
    try:
        approve(
            svc.engine, svc.settings, int(action["value"]), by=slack_actor(user), now=svc.clock()
        )
    except ProposalRefused as exc:
        _whisper(client, body, say(svc.settings.locale, "proposal.refused", why=str(exc)))
        return
    svc.wake()


def on_reject(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    svc = services(context)
    refusal = _refusal(svc, body["user"]["id"])
    if refusal is not None:
        _whisper(client, body, refusal)
        return
    proposal_id = int(action["value"])
    why = pending_or_why(svc.engine, proposal_id)
    if why is not None:
        _whisper(client, body, say(svc.settings.locale, "proposal.refused", why=why))
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=reject_modal(svc.settings.locale, proposal_id)
    )


def on_reject_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    svc = services(context)
    user = body["user"]["id"]
    refusal = _refusal(svc, user)
    if refusal is not None:
        ack(response_action="errors", errors={REASON: refusal})
        return
    proposal_id, reason = read_reason(view)
    try:
        reject(
            svc.engine,
            svc.settings,
            proposal_id,
            by=slack_actor(user),
            reason=reason,
            now=svc.clock(),
        )
    except ProposalRefused as exc:
        ack(response_action="errors", errors={REASON: str(exc)})
        return
    ack()
    svc.wake()
