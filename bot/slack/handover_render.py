"""From stored rows to the handover's view model (no Slack calls, no writes): the lead as it
is now, the promote decision with its BANT answers, the earlier decisions, the AE's answer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.slack import render
from bot.slack.blocks.handover_view import EarlierDecision, HandoverView, ReplyView
from bot.triage_settings import Triage, crm_link
from bot.usecases.lifecycle.decisions import user_of
from scoring.qualification import QUESTIONS, answer
from storage.repositories import handover_replies as replies_repo
from storage.repositories import leads as leads_repo

HISTORY = 200  # events condensed into the handover's history


def handover_view(
    session: Session, decision_id: int, triage: Triage, now: datetime, locale: str = "en"
) -> HandoverView | None:
    """None when the decision or its lead is gone; the lead's reasons are in `locale`."""
    decision = replies_repo.decision(session, decision_id)
    if decision is None:
        return None
    lead_id = decision.lead_id
    alert = render.alert_view(session, lead_id, locale)
    lead = leads_repo.get_lead(session, lead_id)
    if alert is None or lead is None:
        return None
    bant = decision.bant or {}
    events = leads_repo.recent_events(session=session, lead_id=lead_id, limit=HISTORY)
    attributes = lead.attributes or {}
    earlier = replies_repo.decisions_before(session, lead_id, decision_id, 5)
    reply = replies_repo.reply_to(session, decision_id)
    return HandoverView(
        lead=alert,
        decision_id=decision_id,
        qualifier=user_of(decision.decided_by),
        now=now,
        ae=bant.get("ae_slack_id") or None,
        bant={q: answer(bant, q) for q in QUESTIONS},
        pain_points=bant.get("pain_points") or None,
        notes=decision.notes,
        company_size=lead.company_size,
        country=lead.country,
        source=lead.source,
        crm_id=lead.external_id,
        crm_url=crm_link(
            triage.crm_url, crm_id=lead.external_id, lead_id=lead_id, email=lead.email
        ),
        attributes=[
            (name, str(attributes[name]))
            for name in triage.attributes
            if attributes.get(name) not in (None, "")
        ],
        earlier=[
            EarlierDecision(d.decision, user_of(d.decided_by), d.decided_at, d.reason, d.notes)
            for d in earlier
        ],
        events=[(e.occurred_at, e.type, render.event_detail(e)) for e in events],
        reply=(
            ReplyView(reply.outcome, user_of(reply.replied_by), reply.replied_at, reply.reason)
            if reply
            else None
        ),
    )
