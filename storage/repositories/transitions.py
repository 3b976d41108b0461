"""The audit trail of lifecycle changes: transitions, the score snapshots beside them and the
leads' new status, written set-at-a-time (one rescore records thousands of changes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from storage.fastwrite import insert_many, update_many
from storage.tables.handles import LEAD, SNAPSHOT, TRANSITION


def write(
    session: Session,
    transitions: list[dict[str, Any]],
    snapshots: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
) -> None:
    """Insert lifecycle_transition and score_snapshot rows, and update the leads' `status`,
    `status_since` and `updated_at` (`statuses` are keyed by the lead's `id`)."""
    insert_many(session, TRANSITION, transitions)
    insert_many(session, SNAPSHOT, snapshots)
    update_many(session, LEAD, "id", statuses)


def latest_at(session: Session, lead_id: int) -> datetime | None:
    """When the lead's latest transition happened; None for a lead that never moved."""
    return session.scalar(select(func.max(TRANSITION.c.at)).where(TRANSITION.c.lead_id == lead_id))


def latest(session: Session, lead_id: int) -> Any | None:
    """The lead's latest transition (from_status, to_status, cause, at), or None."""
    return session.execute(
        select(
            TRANSITION.c.from_status, TRANSITION.c.to_status, TRANSITION.c.cause, TRANSITION.c.at
        )
        .where(TRANSITION.c.lead_id == lead_id)
        .order_by(TRANSITION.c.at.desc(), TRANSITION.c.id.desc())
        .limit(1)
    ).first()
