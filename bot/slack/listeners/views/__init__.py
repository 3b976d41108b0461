"""The decision modals' submissions: store the decision, or tell the SDR who was first."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import replies
from bot.slack.blocks import read_promote, read_reason
from bot.slack.blocks.modals import PROMOTE_CALLBACK, REASON_CALLBACKS, lead_id_of
from bot.slack.services import Services, services
from bot.usecases.lifecycle.decisions import LeadNotFound, Result, decide, slack_actor
from bot.usecases.queries.leads import latest_alert

CALLBACKS = (PROMOTE_CALLBACK, *REASON_CALLBACKS.values())
_OUTCOME = {PROMOTE_CALLBACK: "promote", **{v: k for k, v in REASON_CALLBACKS.items()}}


def register(app: App) -> None:
    for callback_id in CALLBACKS:
        app.view(callback_id)(on_submit)


def on_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    svc = services(context)
    user = body["user"]["id"]
    if not svc.deciders.allows(user):
        ack(
            response_action="errors",
            errors={"notes": replies.not_allowed_plain(user, svc.settings.locale)},
        )
        return
    outcome = _OUTCOME[view["callback_id"]]
    lead_id = lead_id_of(view)
    if outcome == "promote":
        bant = read_promote(view)
        fields: dict[str, Any] = {
            "notes": bant.notes,
            "bant": {k: v for k, v in asdict(bant).items() if k != "notes" and v is not None},
        }
    else:
        reason, notes = read_reason(view)
        fields = {"reason": reason, "notes": notes}
    try:
        result = decide(
            svc.engine,
            lead_id=lead_id,
            outcome=outcome,
            actor=slack_actor(user),
            now=svc.clock(),
            **fields,
        )
    except LeadNotFound:
        ack(
            response_action="errors",
            errors={"notes": replies.unknown_lead(lead_id, svc.settings.locale)},
        )
        return
    if result.won:
        ack()
        svc.wake()
        return
    _tell_loser(ack, client, svc, user, result)


def _tell_loser(ack: Ack, client: WebClient, svc: Services, user: str, result: Result) -> None:
    """An ephemeral note in the alert's channel; without a known alert, in the modal itself."""
    alert = latest_alert(svc.engine, result.lead_id)
    if alert is None:
        ack(
            response_action="errors",
            errors={"notes": replies.too_late_plain(result, svc.settings.locale)},
        )
        return
    ack()
    client.chat_postEphemeral(
        channel=alert.channel,
        user=user,
        text=replies.too_late(result, svc.settings.locale),
        thread_ts=alert.ts,
    )
