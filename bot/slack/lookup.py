"""`/lead` answers: one lead's card, the matches to pick from, or a helpful miss."""

from __future__ import annotations

from typing import Any

from bot import mrkdwn
from bot.slack.blocks import LeadMatch, StatusChange, lead_card, pick_list
from bot.slack.render import view_of
from bot.usecases.queries.leads import LeadCard, Lookup, Match


def lookup_answer(found: Lookup, query: str) -> dict[str, Any]:
    """The card of the one lead the query names, a pick list, or a helpful miss."""
    if found.matches:
        return pick_list([match(m) for m in found.matches], query)
    if found.lead_id is None:
        return {
            "text": f"No lead matches *{mrkdwn.clip(query, 200)}*. Try an e-mail "
            "address, part of a name or company, or `/lead help`."
        }
    return card_answer(found.card, found.lead_id)


def card_answer(card: LeadCard | None, lead_id: int) -> dict[str, Any]:
    if card is None:
        return {"text": f"Lead #{lead_id} does not exist any more."}
    history = [StatusChange(t.at, t.from_status, t.to_status, t.cause) for t in card.history]
    return lead_card(view_of(card.facts), history)


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
    )
