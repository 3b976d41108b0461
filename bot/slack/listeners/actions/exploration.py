"""The exploration alert's buttons: an SDR's "would promote / not ready now / would
disqualify" on a lead under the MQL line, stored as a label at once (one click wins)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import mrkdwn
from bot.slack.blocks.exploration import ACTIONS, answer_label, answer_of
from bot.slack.listeners.actions.answers import decider_or_told, whisper
from bot.slack.services import services
from bot.usecases.learning.exploration import answer
from bot.usecases.lifecycle.decisions import slack_actor, user_of
from bot.words import say


def register(app: App) -> None:
    for action_id in ACTIONS:
        app.action(action_id)(on_answer)


def on_answer(
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
    result = answer(
        svc.engine,
        sample_id=int(action["value"]),
        answer=answer_of(action["action_id"]),
        actor=slack_actor(user),
        now=svc.clock(),
        locale=locale,
    )
    if result.done:
        svc.wake()
    elif result.problem == "answered":
        who = mrkdwn.mention(user_of(result.by or ""))
        label = answer_label(locale, result.answer or "")
        whisper(client, body, say(locale, "exploration.already", who=who, label=label))
    else:
        whisper(client, body, say(locale, f"exploration.{result.problem or 'gone'}"))
