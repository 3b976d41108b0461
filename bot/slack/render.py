"""From stored rows to the Slack builders' view models (no Slack calls, no writes).

Messages are rendered when they are sent, not when they are queued, so an alert posted late or
updated twice shows the lead as it is now: its current score, owner and decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.slack.blocks import AlertView, DecisionView, reasons_from_breakdown
from bot.slack.blocks.views import ExpiredView
from bot.usecases.lifecycle.decisions import user_of
from bot.usecases.queries.leads import LeadFacts, lead_facts
from scoring.lifecycle import DECISION_TARGET, Decision
from storage.tables import Decision as DecisionRow
from storage.tables import Event

_DETAIL_KEYS = ("url", "asset", "asset_type", "form", "webinar")


def event_detail(event: Event) -> str:
    props = event.properties or {}
    return next((str(props[k]) for k in _DETAIL_KEYS if props.get(k)), "")


def decision_view(note: Mapping[str, Any]) -> DecisionView:
    """A queued thread note (see bot.usecases.lifecycle.decisions) as the builders' view."""
    return DecisionView(
        outcome=str(note["outcome"]),
        decided_by=str(note["by"]),
        decided_at=datetime.fromisoformat(str(note["at"])),
        reason=note.get("reason"),
        notes=note.get("notes"),
    )


def alert_view(session: Session, lead_id: int, locale: str = "en") -> AlertView | None:
    """The alert of a lead as it stands; None when the lead is gone."""
    facts = lead_facts(session, lead_id)
    return None if facts is None else view_of(facts, locale)


def _decision(row: DecisionRow) -> DecisionView:
    return DecisionView(
        row.decision, user_of(row.decided_by), row.decided_at, row.reason, row.notes
    )


def view_of(facts: LeadFacts, locale: str = "en") -> AlertView:
    """The builders' view of a lead's facts (its alert, the head of its card)."""
    lead, score, events, history = facts.lead, facts.score, facts.events, facts.transitions
    lead_id = lead.id or 0
    to_mql = next((t for t in history if t.to_status == "mql"), None)
    decision = None
    expired = None
    last = facts.decision
    if last is not None and str(DECISION_TARGET[Decision(last.decision)]) == lead.status:
        decision = _decision(last)
    if decision is None and lead.status != "mql":
        # no SDR decided (it expired, or a CRM moved it): say what did, and drop the buttons
        moved = next((t for t in history if t.from_status == "mql"), None)
        if moved is not None:
            by = "" if moved.actor == "system" else moved.actor
            decision = DecisionView(moved.cause, by, moved.at)
            if moved.cause == "expired":
                expired = ExpiredView.of(moved.at, moved.details or {})
    re_mql = bool(to_mql and to_mql.cause.startswith("re_mql"))
    labels = facts.model.rule_labels(locale) if facts.model else None
    return AlertView(
        lead_id=lead_id,
        name=lead.name,
        email=lead.email or "",
        title=lead.title,
        company=lead.company,
        score=score.score if score else 0,
        fit=score.fit if score else 0,
        engagement=score.engagement if score else 0,
        fit_grade=score.fit_grade if score else "D",
        engagement_level=score.engagement_level if score else 4,
        reasons=reasons_from_breakdown(score.breakdown, locale, labels) if score else (),
        timeline=[(e.occurred_at, e.type, event_detail(e)) for e in events],
        fast_track=score.fast_track if score else None,
        re_mql=re_mql,
        owner_slack_id=lead.owner,
        status=lead.status,
        decision=decision,
        hand_raise_at=facts.hand_raise_at,
        earlier=_decision(facts.earlier) if re_mql and facts.earlier else None,
        mql_since=lead.status_since if lead.status == "mql" else None,
        expired=expired,
    )
