"""An account executive's answers to handovers, the decisions a handover shows as earlier ones,
and where a handover landed in Slack (to show its answer in place)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import Session, col

from storage.tables import Decision, HandoverReply, LeadScore, OutboxMessage

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


def reply_to(session: Session, decision_id: int) -> HandoverReply | None:
    stmt = select(HandoverReply).where(col(HandoverReply.decision_id) == decision_id)
    return session.execute(stmt).scalars().first()


def add_reply(
    session: Session,
    *,
    decision: Decision,
    outcome: str,
    reason: str | None,
    actor: str,
    now: datetime,
) -> HandoverReply:
    """Store the answer with the score the lead has now (a label, like a decision)."""
    score = session.get(LeadScore, decision.lead_id)
    row = HandoverReply(
        decision_id=decision.id or 0,
        lead_id=decision.lead_id,
        outcome=outcome,
        reason=reason,
        replied_by=actor,
        replied_at=now,
        model_version=score.model_version if score else None,
        score=score.score if score else None,
        breakdown=list(score.breakdown) if score else [],
    )
    session.add(row)
    session.flush()
    return row


def decision(session: Session, decision_id: int) -> Decision | None:
    return session.get(Decision, decision_id)


def decisions_before(
    session: Session, lead_id: int, decision_id: int, limit: int
) -> list[Decision]:
    """The lead's decisions before this one, newest first."""
    stmt = (
        select(Decision)
        .where(col(Decision.lead_id) == lead_id, col(Decision.id) != decision_id)
        .order_by(col(Decision.decided_at).desc(), col(Decision.id).desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def handover_posts(session: Session, lead_id: int, decision_id: int) -> list[dict[str, Any]]:
    """Where the handovers of a decision were posted: the channel's and a DM's {channel, ts}."""
    stmt = select(OUTBOX.c.payload, OUTBOX.c.result).where(
        OUTBOX.c.kind == "slack.handover", OUTBOX.c.lead_id == lead_id, OUTBOX.c.status == "sent"
    )
    return [
        dict(result)
        for payload, result in session.execute(stmt)
        if (payload or {}).get("decision_id") == decision_id and (result or {}).get("ts")
    ]
