"""What waits for the SDRs: open MQLs by score, and one SDR's decisions of the week."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.usecases.lifecycle.decisions import slack_actor
from storage.tables import Decision, Lead, LeadScore

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class QueueItem:
    lead_id: int
    name: str
    company: str | None
    score: float
    grade: str
    owner: str | None  # Slack user id
    since: datetime  # became an MQL


def open_mqls(
    session: Session, *, owner: str | None = None, unclaimed: bool = False, limit: int = 20
) -> tuple[list[QueueItem], int]:
    """Open MQLs, highest score first (of one owner, or only unclaimed ones), and their count."""
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
    items = [
        QueueItem(
            lead.id or 0,
            lead.name,
            lead.company,
            sc.score if sc else 0,
            f"{sc.fit_grade}{sc.engagement_level}" if sc else "–",
            lead.owner,
            lead.status_since,
        )
        for lead, sc in session.exec(stmt)
    ]
    return items, int(total)


def week_numbers(session: Session, user_id: str, now: datetime) -> dict[str, int]:
    """How many leads this SDR promoted, recycled and disqualified in the last 7 days."""
    stmt = select(Decision.decision).where(
        col(Decision.decided_by) == slack_actor(user_id), col(Decision.decided_at) >= now - WEEK
    )
    return dict(Counter(session.exec(stmt)))
