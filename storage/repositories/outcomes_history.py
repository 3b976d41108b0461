"""What calibration from the database reads: the leads with an outcome (SDR decisions, the
account executives' answers to handovers and CRM outcomes), the leads' fields, and their events
up to a moment per lead."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.tables import Decision, Event, HandoverReply, Lead

CRM_OUTCOMES = ("crm_won", "crm_opportunity", "crm_lost")


@dataclass(frozen=True)
class Outcome:
    lead_id: int
    kind: str  # "promote" | "recycle" | "disqualify" | "crm_won" | "crm_opportunity" | "crm_lost"
    at: datetime
    decision_id: int | None = None  # of a decision


def latest_decisions(session: Session) -> dict[int, Outcome]:
    """Each decided lead's latest decision."""
    rows = session.exec(
        select(Decision.lead_id, Decision.decision, Decision.decided_at, Decision.id).order_by(
            col(Decision.lead_id), col(Decision.decided_at), col(Decision.id)
        )
    )
    return {lead: Outcome(lead, kind, at, id_) for lead, kind, at, id_ in rows}


def handover_answers(session: Session) -> dict[int, str]:
    """The AE's answer ("accepted" | "sent_back") per answered decision id."""
    rows = session.exec(select(HandoverReply.decision_id, HandoverReply.outcome))
    return dict(rows.all())


def latest_crm_outcomes(session: Session) -> dict[int, Outcome]:
    """Each lead's latest CRM outcome, stored as a `crm_*` event."""
    rows = session.exec(
        select(Event.lead_id, Event.type, Event.occurred_at)
        .where(col(Event.type).in_(CRM_OUTCOMES))
        .order_by(col(Event.lead_id), col(Event.occurred_at), col(Event.id))
    )
    return {lead: Outcome(lead, kind, at) for lead, kind, at in rows}


def leads(session: Session, ids: Iterable[int]) -> dict[int, Lead]:
    wanted = sorted(set(ids))
    found: dict[int, Lead] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        for lead in session.exec(select(Lead).where(col(Lead.id).in_(chunk))):
            assert lead.id is not None
            found[lead.id] = lead
    return found


def events_until(
    session: Session, until: Mapping[int, datetime]
) -> dict[int, list[tuple[str, datetime, dict[str, Any]]]]:
    """Each lead's events at or before its moment, oldest first; none after it is read."""
    out: dict[int, list[tuple[str, datetime, dict[str, Any]]]] = {lead: [] for lead in until}
    wanted = sorted(until)
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        rows = session.exec(
            select(Event.lead_id, Event.type, Event.occurred_at, Event.properties)
            .where(col(Event.lead_id).in_(chunk))
            .order_by(col(Event.lead_id), col(Event.occurred_at))
        )
        for lead, kind, at, props in rows:
            if at <= until[lead]:
                out[lead].append((kind, at, dict(props or {})))
    return out
