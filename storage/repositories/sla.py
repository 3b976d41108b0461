"""What the SLA job and its deliveries ask: the open MQLs old enough to be late, and whether a
lead is still the same undecided MQL when its reminder goes out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.tables.handles import LEAD


def open_mqls_since_before(session: Session, cutoff: datetime) -> list[Any]:
    """(id, status_since, owner) of every MQL that became one before `cutoff`."""
    return list(
        session.execute(
            select(LEAD.c.id, LEAD.c.status_since, LEAD.c.owner)
            .where(LEAD.c.status == "mql", LEAD.c.status_since < cutoff)
            .order_by(LEAD.c.status_since)
        ).all()
    )


def open_mqls_since_until(session: Session, cutoff: datetime) -> list[Any]:
    """(id, status_since, owner) of every MQL that became one at or before `cutoff`, oldest
    first."""
    return list(
        session.execute(
            select(LEAD.c.id, LEAD.c.status_since, LEAD.c.owner)
            .where(LEAD.c.status == "mql", LEAD.c.status_since <= cutoff)
            .order_by(LEAD.c.status_since)
        ).all()
    )


def still_open(session: Session, lead_id: int, mql_at: datetime) -> Any:
    """(name fields, owner) of the lead if it is still the MQL it became at `mql_at`."""
    return session.execute(
        select(
            LEAD.c.first_name, LEAD.c.last_name, LEAD.c.email, LEAD.c.company, LEAD.c.owner
        ).where(LEAD.c.id == lead_id, LEAD.c.status == "mql", LEAD.c.status_since == mql_at)
    ).first()
