"""Calls of API batches that could not be stored (table ingest_rejected)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from storage.tables.handles import REJECTED


@dataclass(frozen=True)
class NewRejection:
    raw: str  # the call's JSON
    envelope: str | None  # the batch's context and sentAt, as JSON
    reason: str  # JSON list of {field, message}


def add(
    session: Session, rows: Sequence[NewRejection], *, key_name: str, now: datetime
) -> list[int]:
    """Keep the rows in the caller's transaction; their ids, in order."""
    if not rows:
        return []
    stmt = (
        insert(REJECTED)
        .values(
            [
                {
                    "received_at": now,
                    "key_name": key_name,
                    "raw": r.raw,
                    "envelope": r.envelope,
                    "reason": r.reason,
                }
                for r in rows
            ]
        )
        .returning(REJECTED.c.id)
    )
    return sorted(int(i) for i in session.scalars(stmt))


def listing(
    session: Session, *, ids: Sequence[int] = (), open_only: bool = True, limit: int = 1000
) -> list[Any]:
    """(id, received_at, key_name, raw, envelope, reason, replayed_at), oldest first: the given
    ids, or (without ids) those not replayed yet (every one with `open_only=False`)."""
    stmt = select(REJECTED).order_by(REJECTED.c.id).limit(limit)
    if ids:
        stmt = stmt.where(REJECTED.c.id.in_(list(ids)))
    elif open_only:
        stmt = stmt.where(REJECTED.c.replayed_at.is_(None))
    return list(session.execute(stmt))


def count_open(session: Session) -> tuple[int, datetime | None]:
    """How many are not replayed yet, and when the newest of them arrived."""
    row = session.execute(
        select(func.count(), func.max(REJECTED.c.received_at)).where(
            REJECTED.c.replayed_at.is_(None)
        )
    ).one()
    return int(row[0]), row[1]


def replayed(session: Session, row_id: int, *, now: datetime) -> None:
    session.execute(update(REJECTED).where(REJECTED.c.id == row_id).values(replayed_at=now))


def still_rejected(session: Session, row_id: int, reason: str) -> None:
    """A replay that failed again: its reason is the latest one."""
    session.execute(update(REJECTED).where(REJECTED.c.id == row_id).values(reason=reason))
