"""The decision modals' submissions: checked against the team's gate, reasons and ownership
policy (errors shown in the modal), then stored; or, when someone else decided first, the SDR
is told who, and notes they typed are kept in the alert's thread as a comment."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import replies
from bot.slack.blocks import read_promote, read_reason
from bot.slack.blocks.modals import (
    PROMOTE_CALLBACK,
    REASON_CALLBACKS,
    TAKE_OVER,
    asks_take_over,
    lead_id_of,
    took_over,
)
from bot.slack.checks import promote_errors, reason_errors
from bot.slack.home_tab import opened_from_home, publish_home
from bot.slack.services import Services, services
from bot.usecases.lifecycle.decisions import LeadNotFound, Result, decide, slack_actor
from bot.usecases.lifecycle.ownership import REFUSE, comment
from bot.usecases.queries.leads import latest_alert
from bot.words import say
from scoring.qualification import QUESTIONS, answer

CALLBACKS = (PROMOTE_CALLBACK, *REASON_CALLBACKS.values())
_OUTCOME = {PROMOTE_CALLBACK: "promote", **{v: k for k, v in REASON_CALLBACKS.items()}}


def _fields(svc: Services, outcome: str, view: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(the decision's fields, what the SDR typed), or raises _Invalid with the modal's errors."""
    locale, settings = svc.settings.locale, svc.settings
    if outcome == "promote":
        form = read_promote(view)
        errors = promote_errors(form, settings.triage.gate, locale)
        if errors:
            raise _Invalid(errors)
        # stored as the answers the modal offers: a forged value is "not known yet"
        bant: dict[str, Any] = {q: answer(form.answers, q) for q in QUESTIONS}
        if form.pain_points:
            bant["pain_points"] = form.pain_points
        if form.ae_slack_id:
            bant["ae_slack_id"] = form.ae_slack_id
        typed = [
            f"{say(locale, 'bant.pain_points.label')}: {form.pain_points}"
            if form.pain_points
            else "",
            form.notes or "",
        ]
        return {"notes": form.notes, "bant": bant}, "\n".join(t for t in typed if t)
    reason, notes = read_reason(view)
    reasons = settings.recycle_reasons if outcome == "recycle" else settings.disqualify_reasons
    errors = reason_errors(reason, reasons, locale)
    if errors:
        raise _Invalid(errors)
    return {"reason": reason, "notes": notes}, notes or ""


class _Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


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
    try:
        fields, typed = _fields(svc, outcome, view)
        result = decide(
            svc.engine,
            lead_id=lead_id,
            outcome=outcome,
            actor=slack_actor(user),
            now=svc.clock(),
            ownership=svc.settings.triage.ownership,
            confirmed=took_over(view),
            **fields,
        )
    except _Invalid as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except LeadNotFound:
        ack(
            response_action="errors",
            errors={"notes": replies.unknown_lead(lead_id, svc.settings.locale)},
        )
        return
    if result.won:
        ack()
        svc.wake()
        if opened_from_home(view):  # the decided lead leaves the tab's lists
            publish_home(client, svc, user)
        return
    if result.blocked:
        ack(response_action="errors", errors=_blocked(svc.settings.locale, result, view))
        return
    _tell_loser(ack, client, svc, user, result, typed, home=opened_from_home(view))


def _blocked(locale: str, result: Result, view: dict[str, Any]) -> dict[str, str]:
    if result.blocked == REFUSE:
        return {"notes": say(locale, "ownership.refused.plain")}
    if asks_take_over(view):
        return {TAKE_OVER: say(locale, "modals.take_over.missing")}
    # the lead was claimed while the modal was open: it has no box to tick
    return {"notes": say(locale, "modals.take_over.moved")}


def _tell_loser(
    ack: Ack,
    client: WebClient,
    svc: Services,
    user: str,
    result: Result,
    typed: str,
    *,
    home: bool,
) -> None:
    """An ephemeral note in the alert's thread (on App Home, `home`: on top of the tab), and
    what they typed kept there as a comment; without a known alert, the modal stays open with
    the news (and their text in it)."""
    alert = latest_alert(svc.engine, result.lead_id)
    if alert is None:
        ack(
            response_action="errors",
            errors={"notes": replies.too_late_plain(result, svc.settings.locale)},
        )
        return
    ack()
    text = replies.too_late(result, svc.settings.locale)
    if typed:
        comment(svc.engine, lead_id=result.lead_id, by=user, text=typed, now=svc.clock())
        svc.wake()
        text += "\n" + say(svc.settings.locale, "ownership.lost_notes.told")
    if home:
        publish_home(client, svc, user, notice=text)
        return
    client.chat_postEphemeral(channel=alert.channel, user=user, text=text, thread_ts=alert.ts)
