"""Sending the exploration kinds to Slack: the alert of a lead under the MQL line (its channel
and ts kept on the sample, so it is updated in place) and its update once answered."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.outbox.learning_messages import ExplorationMessage, ExplorationPost
from bot.outbox.transport import Failed, Outcome, Sent
from bot.slack.blocks.exploration import ExplorationView, exploration_message
from bot.slack.channels import ChannelIds
from bot.slack.kept_post import post_and_keep
from bot.slack.render import alert_view
from storage.db import session_scope
from storage.repositories import exploration as repo


def deliver(
    engine: Engine, client: WebClient, channel_ids: ChannelIds, message: ExplorationMessage
) -> Outcome:
    with session_scope(engine) as session:
        row = repo.get(session, message.sample_id)
        lead = alert_view(session, message.lead_id, message.locale)
        if row is None or lead is None:
            return Failed(f"exploration sample #{message.sample_id} or its lead no longer exists")
        view = ExplorationView(
            message.sample_id,
            lead,
            row.score,
            row.line,
            row.share,
            row.band,
            row.answer,
            row.answered_by,
            row.answered_at,
        )
        posted = (row.slack_channel, row.slack_ts)
    body = exploration_message(view, message.locale)
    if isinstance(message, ExplorationPost):
        keep = (repo.set_posted, message.sample_id)
        return post_and_keep(engine, client, channel_ids, message.channel, body, keep)
    where, when = posted
    if where is None or when is None:
        # its buttons were never in Slack: nothing shows it to update
        return Sent({"skipped": "the exploration alert was never posted"})
    client.chat_update(channel=where, ts=when, **body)
    return Sent({"channel": where, "ts": when})
