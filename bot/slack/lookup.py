"""`/lead` answers: one lead's card, the matches to pick from, or a helpful miss.

An open MQL's card carries the decision buttons, a link to its alert (a permalink asked of
Slack) and its SLA state, so a lead found by search can be acted on where it was found.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import mrkdwn
from bot.jobs.sla_clock import Sla
from bot.slack.blocks import LeadMatch, StatusChange, lead_card, pick_list
from bot.slack.render import view_of
from bot.usecases.queries.leads import LeadCard, Lookup, Match
from bot.words import say
from storage.tables import SlackAlert


def lookup_answer(
    found: Lookup,
    query: str,
    *,
    locale: str = "en",
    client: WebClient | None = None,
    sla: Sla | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The card of the one lead the query names, a pick list, or a helpful miss."""
    if found.matches:
        return pick_list([match(m) for m in found.matches], query, total=found.total, locale=locale)
    if found.lead_id is None:
        return {"text": say(locale, "card.pick.none", query=mrkdwn.clip(query, 200))}
    return card_answer(found.card, found.lead_id, locale=locale, client=client, sla=sla, now=now)


def card_answer(
    card: LeadCard | None,
    lead_id: int,
    *,
    locale: str = "en",
    client: WebClient | None = None,
    sla: Sla | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    if card is None:
        return {"text": say(locale, "command.gone", id=lead_id)}
    history = [
        StatusChange(t.at, t.from_status, t.to_status, t.cause, t.actor) for t in card.history
    ]
    view = view_of(card.facts, locale)
    if view.mql_since is not None and sla is not None and now is not None:
        view = replace(view, sla=sla.state(view.mql_since, now))
    if view.status == "mql" and client is not None:
        view = replace(view, alert_link=permalink(client, card.alert))
    return lead_card(view, history, locale=locale)


def permalink(client: WebClient, alert: SlackAlert | None) -> str | None:
    """The alert's permalink, or None when there is none or Slack would not say."""
    if alert is None:
        return None
    try:
        found = client.chat_getPermalink(channel=alert.channel, message_ts=alert.ts)
    except SlackApiError:  # the card is worth more than its link
        return None
    return str(found.get("permalink") or "") or None


def match(found: Match) -> LeadMatch:
    lead, score = found.lead, found.score
    return LeadMatch(
        lead.id or 0,
        lead.name,
        lead.email or "",
        lead.company,
        score.score if score else 0,
        f"{score.fit_grade}{score.engagement_level}" if score else "–",
        lead.status,
        open_mql=lead.status == "mql",
    )
