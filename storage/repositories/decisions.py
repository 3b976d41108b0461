"""Decisions and claims on MQLs: the conditional writes that let exactly one click win, and
the decision rows with the score they were made on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, update
from sqlmodel import Session, col, select

from storage.tables import Decision, Lead, LeadScore, SlackAlert

LEAD: Table = Lead.__table__  # type: ignore[attr-defined]


def move_if_status(
    *, session: Session, lead_id: int, expected: str, to: str, now: datetime
) -> bool:
    """Move the lead from `expected` to `to`; False when it was not in `expected` (or is gone).

    One UPDATE with the old status in its WHERE clause: the database serialises concurrent
    clicks on the row, so of two SDRs deciding at once exactly one sees a changed row.
    """
    stmt = (
        update(LEAD)
        .where(LEAD.c.id == lead_id, LEAD.c.status == expected)
        .values(status=to, status_since=now, updated_at=now)
    )
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def claim_if_unowned(
    *, session: Session, lead_id: int, owner: str, status: str, now: datetime
) -> bool:
    """Give the lead to `owner` if it is in `status` and nobody owns it yet."""
    stmt = (
        update(LEAD)
        .where(LEAD.c.id == lead_id, LEAD.c.status == status, LEAD.c.owner.is_(None))
        .values(owner=owner, updated_at=now)
    )
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def add_decision(
    *,
    session: Session,
    lead_id: int,
    outcome: str,
    actor: str,
    now: datetime,
    reason: str | None,
    notes: str | None,
    bant: Mapping[str, Any] | None,
) -> tuple[Decision, LeadScore | None]:
    """Store the decision with the score it was made on (the training example recalibration
    learns from); returns it, with its id, and that score (None for a lead never scored)."""
    score = session.get(LeadScore, lead_id)
    row = Decision(
        lead_id=lead_id,
        decision=outcome,
        reason=reason,
        notes=notes,
        bant=dict(bant or {}),
        decided_by=actor,
        decided_at=now,
        model_version=score.model_version if score else None,
        score=score.score if score else None,
        breakdown=list(score.breakdown) if score else [],
    )
    session.add(row)
    session.flush()
    return row, score


def lead_by_id(*, session: Session, lead_id: int) -> Lead | None:
    return session.get(Lead, lead_id)


def latest_decision(*, session: Session, lead_id: int) -> Decision | None:
    stmt = (
        select(Decision)
        .where(col(Decision.lead_id) == lead_id)
        .order_by(col(Decision.decided_at).desc(), col(Decision.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def latest_alert(*, session: Session, lead_id: int) -> SlackAlert | None:
    stmt = (
        select(SlackAlert)
        .where(col(SlackAlert.lead_id) == lead_id)
        .order_by(col(SlackAlert.posted_at).desc(), col(SlackAlert.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def set_owner(
    *, session: Session, lead_id: int, owner: str, expected: str | None, now: datetime
) -> bool:
    """Give the lead to `owner` if its owner is still `expected` (None: nobody)."""
    current = LEAD.c.owner.is_(None) if expected is None else LEAD.c.owner == expected
    stmt = update(LEAD).where(LEAD.c.id == lead_id, current).values(owner=owner, updated_at=now)
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def alert_before(*, session: Session, alert: SlackAlert) -> SlackAlert | None:
    """The lead's alert before `alert`: a re-MQL's earlier round."""
    stmt = (
        select(SlackAlert)
        .where(
            col(SlackAlert.lead_id) == alert.lead_id,
            col(SlackAlert.id) != alert.id,
            col(SlackAlert.posted_at) <= alert.posted_at,
        )
        .order_by(col(SlackAlert.posted_at).desc(), col(SlackAlert.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def add_past_decision(
    *,
    session: Session,
    lead_id: int,
    outcome: str,
    actor: str,
    at: datetime,
    reason: str | None,
    notes: str | None,
    score: Mapping[str, Any] | None,
) -> Decision:
    """Store an imported decision with the score it was made on, as computed for its moment
    (`score`: model_version, score, breakdown), not the lead's current one."""
    row = Decision(
        lead_id=lead_id,
        decision=outcome,
        reason=reason,
        notes=notes,
        bant={},
        decided_by=actor,
        decided_at=at,
        model_version=score["model_version"] if score else None,
        score=score["score"] if score else None,
        breakdown=list(score["breakdown"]) if score else [],
    )
    session.add(row)
    session.flush()
    return row


def has_decision(*, session: Session, lead_id: int, outcome: str, at: datetime) -> bool:
    """Whether this very decision (lead, outcome, moment) is stored: an import run twice."""
    stmt = select(Decision.id).where(
        col(Decision.lead_id) == lead_id,
        col(Decision.decision) == outcome,
        col(Decision.decided_at) == at,
    )
    return session.exec(stmt).first() is not None
