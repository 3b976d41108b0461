"""What recalibration reads: each decided lead's latest decision with the breakdown it was
made on, the leads' fields and their events up to a moment, and the scored leads as they
stand now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.tables import Decision, Lead, LeadScore


@dataclass(frozen=True)
class DecisionRow:
    lead_id: int
    decision: str
    at: datetime
    model_version: int | None
    breakdown: list[dict[str, Any]]
    id: int | None = None


def latest_decisions(session: Session) -> dict[int, DecisionRow]:
    rows = session.exec(
        select(Decision).order_by(col(Decision.lead_id), col(Decision.decided_at), col(Decision.id))
    )
    return {
        d.lead_id: DecisionRow(
            d.lead_id, d.decision, d.decided_at, d.model_version, list(d.breakdown or []), d.id
        )
        for d in rows
    }


@dataclass(frozen=True)
class ScoredLead:
    lead: Lead
    breakdown: list[dict[str, Any]]


def scored_leads(session: Session, *, limit: int) -> list[ScoredLead]:
    """The newest `limit` scored leads with their current breakdown."""
    stmt = (
        select(Lead, LeadScore.breakdown)
        .join(LeadScore, col(LeadScore.lead_id) == col(Lead.id))
        .order_by(col(Lead.id).desc())
        .limit(limit)
    )
    return [ScoredLead(lead, list(breakdown or [])) for lead, breakdown in session.exec(stmt)]
