"""Decisions and claims on MQLs: the conditional writes that let exactly one click win."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, update
from sqlmodel import Session, col, select

from storage.tables import Decision, Lead, SlackAlert

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
