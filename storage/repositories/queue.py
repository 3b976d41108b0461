"""What waits for the SDRs: open MQLs by score, and the decisions one of them took."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.tables import Decision, Lead, LeadScore


def open_mqls(
    session: Session, *, owner: str | None = None, unclaimed: bool = False, limit: int = 20
) -> tuple[list[tuple[Lead, LeadScore | None]], int]:
    """Open MQLs with their scores, highest first (of one owner, or only unclaimed ones), and
    how many there are in all."""
    where = [col(Lead.status) == "mql"]
    if owner is not None:
        where.append(col(Lead.owner) == owner)
    if unclaimed:
        where.append(col(Lead.owner).is_(None))
    total = session.exec(select(func.count()).select_from(Lead).where(*where)).one()
    stmt = (
        select(Lead, LeadScore)
        .outerjoin(LeadScore, col(LeadScore.lead_id) == col(Lead.id))
        .where(*where)
        .order_by(func.coalesce(col(LeadScore.score), -1e9).desc(), col(Lead.id))
        .limit(limit)
    )
    return [(lead, sc) for lead, sc in session.exec(stmt)], int(total)


def decisions_by(session: Session, actor: str, *, since: datetime) -> list[str]:
    """The outcomes of the decisions `actor` took since `since`."""
    stmt = select(Decision.decision).where(
        col(Decision.decided_by) == actor, col(Decision.decided_at) >= since
    )
    return list(session.exec(stmt))
