"""Reading leads: lookup, lists by score, history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from storage.repositories.bulk import LEAD, SCORE
from storage.tables import Event, Lead, LeadScore, LifecycleTransition


def find_lead(*, session: Session, query: str) -> Lead | None:
    """A lead by e-mail, external id or internal id (in that order)."""
    text = query.strip()
    if not text:
        return None
    stmt = select(Lead).where(or_(col(Lead.email) == text.lower(), col(Lead.external_id) == text))
    lead = session.scalars(stmt).first()
    if lead is None and text.isdigit():
        lead = session.get(Lead, int(text))
    return lead


def search_leads(*, session: Session, query: str, limit: int = 10) -> list[Lead]:
    """Leads whose e-mail, name or company contains the query (case-insensitive)."""
    like = f"%{query.strip().lower()}%"
    full_name = func.lower(
        func.coalesce(LEAD.c.first_name, "") + " " + func.coalesce(LEAD.c.last_name, "")
    )
    stmt = (
        select(Lead)
        .where(
            or_(
                func.lower(LEAD.c.email).like(like),
                full_name.like(like),
                func.lower(LEAD.c.company).like(like),
            )
        )
        .order_by(LEAD.c.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def score_of(*, session: Session, lead_id: int) -> LeadScore | None:
    return session.get(LeadScore, lead_id)


def recent_events(*, session: Session, lead_id: int, limit: int = 10) -> list[Event]:
    stmt = (
        select(Event)
        .where(col(Event.lead_id) == lead_id)
        .order_by(col(Event.occurred_at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def transitions_of(*, session: Session, lead_id: int, limit: int = 20) -> list[LifecycleTransition]:
    stmt = (
        select(LifecycleTransition)
        .where(col(LifecycleTransition.lead_id) == lead_id)
        .order_by(col(LifecycleTransition.at).desc(), col(LifecycleTransition.id).desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def ranked(
    *, session: Session, status: str | None = None, limit: int | None = 20
) -> list[tuple[Lead, LeadScore | None]]:
    stmt = (
        select(Lead, LeadScore)
        .outerjoin(LeadScore, col(LeadScore.lead_id) == col(Lead.id))
        .order_by(func.coalesce(SCORE.c.score, -1e9).desc(), col(Lead.id))
    )
    if status:
        stmt = stmt.where(col(Lead.status) == status)
    if limit:
        stmt = stmt.limit(limit)
    return [(lead, sc) for lead, sc in session.execute(stmt)]


def iter_export_rows(*, session: Session, batch: int = 5000) -> Iterator[dict[str, Any]]:
    stmt = (
        select(
            LEAD,
            SCORE.c.score,
            SCORE.c.fit,
            SCORE.c.engagement,
            SCORE.c.fit_grade,
            SCORE.c.engagement_level,
            SCORE.c.qualifies,
        )
        .select_from(LEAD.outerjoin(SCORE, SCORE.c.lead_id == LEAD.c.id))
        .order_by(LEAD.c.id)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(stmt):
        yield dict(row._mapping)
