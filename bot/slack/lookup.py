"""`/lead` answers from the database: one lead's card, or the matches to pick from."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot import mrkdwn
from bot.slack.blocks import LeadMatch, StatusChange, lead_card, pick_list
from bot.slack.render import alert_view
from storage.repositories import leads as leads_repo

MAX_MATCHES = 10


def lookup(session: Session, query: str) -> dict[str, Any]:
    """The card of the one lead the query names, a pick list, or a helpful miss."""
    lead = leads_repo.find_lead(session=session, query=query)
    if lead is None:
        found = leads_repo.search_leads(session=session, query=query, limit=MAX_MATCHES + 1)
        if not found:
            return {
                "text": f"No lead matches *{mrkdwn.clip(query, 200)}*. Try an e-mail "
                "address, part of a name or company, or `/lead help`."
            }
        if len(found) > 1:
            return pick_list([match(session, f) for f in found], query)
        lead = found[0]
    return card(session, lead.id or 0)


def card(session: Session, lead_id: int) -> dict[str, Any]:
    view = alert_view(session, lead_id)
    if view is None:
        return {"text": f"Lead #{lead_id} does not exist any more."}
    history = [
        StatusChange(t.at, t.from_status, t.to_status, t.cause)
        for t in leads_repo.transitions_of(session=session, lead_id=lead_id)
    ]
    return lead_card(view, history)


def match(session: Session, lead: Any) -> LeadMatch:
    score = leads_repo.score_of(session=session, lead_id=lead.id)
    return LeadMatch(
        lead.id,
        lead.name,
        lead.email or "",
        lead.company,
        score.score if score else 0,
        f"{score.fit_grade}{score.engagement_level}" if score else "–",
        lead.status,
    )
