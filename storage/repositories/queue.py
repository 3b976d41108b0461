"""What waits for the SDRs: open MQLs in priority order, and the decisions one of them took."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storage.tables import Decision, Lead, LeadScore


def priority(
    overdue_before: datetime | None, *, since: Any, fast_track: Any, score: Any
) -> list[Any]:
    """The order of anything an SDR must act on: hand-raisers first, then the MQLs past their
    SLA (those that became one at or before `overdue_before`), then the higher score."""
    order: list[Any] = [case((fast_track.is_not(None), 0), else_=1)]
    if overdue_before is not None:
        order.append(case((since <= overdue_before, 0), else_=1))
    order.append(func.coalesce(score, -1e9).desc())
    return order


def open_mqls(
    session: Session,
    *,
    owner: str | None = None,
    unclaimed: bool = False,
    limit: int = 20,
    overdue_before: datetime | None = None,
) -> tuple[list[tuple[Lead, LeadScore | None]], int]:
    """Open MQLs with their scores in priority order (of one owner, or only unclaimed ones),
    and how many there are in all."""
    where = [col(Lead.status) == "mql"]
    if owner is not None:
        where.append(col(Lead.owner) == owner)
    if unclaimed:
        where.append(col(Lead.owner).is_(None))
    total = session.exec(select(func.count()).select_from(Lead).where(*where)).one()
    order = priority(
        overdue_before,
        since=col(Lead.status_since),
        fast_track=col(LeadScore.fast_track),
        score=col(LeadScore.score),
    )
    stmt = (
        select(Lead, LeadScore)
        .outerjoin(LeadScore, col(LeadScore.lead_id) == col(Lead.id))
        .where(*where)
        .order_by(*order, col(Lead.id))
        .limit(limit)
    )
    return [(lead, sc) for lead, sc in session.exec(stmt)], int(total)


def decisions_by(session: Session, actor: str, *, since: datetime) -> list[str]:
    """The outcomes of the decisions `actor` took since `since`."""
    stmt = select(Decision.decision).where(
        col(Decision.decided_by) == actor, col(Decision.decided_at) >= since
    )
    return list(session.exec(stmt))
