"""Sending the recalibration kinds to Slack: the proposal (its channel and ts kept on the
proposal, so it is updated in place), its update and thread notes (they wait until it is
posted), and the one summary of a model change's many new MQLs."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.outbox.learning_messages import (
    MqlSummary,
    ProposalMessage,
    ProposalNote,
    ProposalPost,
    ProposalUpdate,
)
from bot.outbox.transport import Defer, Failed, Outcome, Sent
from bot.slack.blocks.proposal import ProposalView, note_text, proposal_message, summary_text
from bot.slack.channels import ChannelIds
from bot.slack.kept_post import post_and_keep
from storage.db import session_scope
from storage.repositories import leads as leads_repo
from storage.repositories import proposals as repo
from storage.tables import ModelProposal

WAIT_FOR_POST = 5.0  # seconds


def _view(row: ModelProposal) -> ProposalView:
    assert row.id is not None
    return ProposalView(
        row.id, row.status, row.evidence, row.decided_by, row.reason, row.approved_version
    )


def deliver(
    engine: Engine, client: WebClient, channel_ids: ChannelIds, message: ProposalMessage
) -> Outcome:
    if isinstance(message, MqlSummary):
        return _summary(engine, client, message)
    with session_scope(engine) as session:
        row = repo.get(session, message.proposal_id)
        if row is None:
            return Failed(f"proposal #{message.proposal_id} no longer exists")
        session.expunge(row)
    body = proposal_message(_view(row), message.locale)
    if isinstance(message, ProposalPost):
        keep = (repo.set_posted, message.proposal_id)
        return post_and_keep(engine, client, channel_ids, message.channel, body, keep)
    if row.slack_channel is None or row.slack_ts is None:
        with session_scope(engine) as session:
            waiting = repo.post_waiting(session, message.proposal_id)
        if waiting:
            return Defer("the proposal is not in Slack yet", WAIT_FOR_POST)
        return Sent({"skipped": "the proposal was never posted"})
    if isinstance(message, ProposalUpdate):
        client.chat_update(channel=row.slack_channel, ts=row.slack_ts, **body)
        return Sent({"channel": row.slack_channel, "ts": row.slack_ts})
    assert isinstance(message, ProposalNote)
    text = note_text(message.locale, message.status, message.facts)
    answer = client.chat_postMessage(channel=row.slack_channel, thread_ts=row.slack_ts, text=text)
    return Sent({"channel": answer["channel"], "ts": answer["ts"], "thread_ts": row.slack_ts})


def _summary(engine: Engine, client: WebClient, message: MqlSummary) -> Outcome:
    names = []
    with session_scope(engine) as session:
        for lead_id in message.lead_ids:
            lead = leads_repo.get_lead(session, lead_id)
            if lead is None:
                continue
            name = " ".join(p for p in (lead.first_name, lead.last_name) if p) or lead.email or ""
            names.append(f"{name} ({lead.company})" if lead.company else name)
    text = summary_text(message.locale, message.count, names)
    answer = client.chat_postMessage(channel=message.channel, text=text, unfurl_links=False)
    return Sent({"requested": message.channel, "channel": answer["channel"], "ts": answer["ts"]})
