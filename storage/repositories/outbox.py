"""The outbox's life cycle, for the one sender (bot/outbox/sender.py) and its transports: due,
claim, sent, retry, fail, and the few lookups the transports make of the outbox.

A row is claimed by a conditional UPDATE on its attempt count as seen, which also pushes its
next attempt a lease into the future: two senders never deliver one row at once, and a row
whose sender died becomes due again when the lease runs out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope
from storage.fastwrite import driver_rows, insert_ignoring_duplicates
from storage.repositories.queue import priority as queue_order
from storage.tables.handles import LEAD, OUTBOX, SCORE


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    lead_id: int | None
    payload: Mapping[str, Any]
    attempts: int  # before this attempt: > 0 means it may have been delivered already
    result: Mapping[str, Any]
    dedupe_key: str  # names the cause; a typed message reads part of itself from it


@dataclass(frozen=True)
class Priority:
    """Due rows in the order of their leads' urgency, not oldest first: hand-raisers, then
    MQLs past their SLA (became one at or before `overdue_before`), then the higher score;
    a lead's own rows keep their order."""

    overdue_before: datetime | None = None


def due(
    engine: Engine,
    *,
    kind_like: str,
    now: datetime,
    limit: int,
    skip_keys_like: Collection[str] = (),
    priority: Priority | None = None,
) -> list[OutboxRow]:
    """Pending rows of the kinds matching `kind_like` (SQL LIKE) whose time has come, oldest
    first (or by `priority`); without those whose dedupe key matches one of `skip_keys_like`
    (a sender's busy lanes, whose rows must not fill the batch of the others)."""
    stmt = (
        select(
            OUTBOX.c.id,
            OUTBOX.c.kind,
            OUTBOX.c.lead_id,
            OUTBOX.c.payload,
            OUTBOX.c.attempts,
            OUTBOX.c.result,
            OUTBOX.c.dedupe_key,
        )
        .where(
            OUTBOX.c.status == "pending",
            OUTBOX.c.next_attempt_at <= now,
            OUTBOX.c.kind.like(kind_like),
        )
        .limit(limit)
    )
    if priority is None:
        stmt = stmt.order_by(OUTBOX.c.id)
    else:
        order = queue_order(
            priority.overdue_before,
            since=LEAD.c.status_since,
            fast_track=SCORE.c.fast_track,
            score=SCORE.c.score,
        )
        stmt = (
            stmt.outerjoin(LEAD, LEAD.c.id == OUTBOX.c.lead_id)
            .outerjoin(SCORE, SCORE.c.lead_id == OUTBOX.c.lead_id)
            .order_by(*order, OUTBOX.c.id)
        )
    for pattern in skip_keys_like:
        stmt = stmt.where(or_(OUTBOX.c.dedupe_key.is_(None), OUTBOX.c.dedupe_key.not_like(pattern)))
    with session_scope(engine) as s:
        return [
            OutboxRow(
                r.id, r.kind, r.lead_id, r.payload or {}, r.attempts, r.result or {}, r.dedupe_key
            )
            for r in s.execute(stmt)
        ]


def claim(engine: Engine, row: OutboxRow, *, now: datetime, lease: timedelta) -> bool:
    """Take the row for one attempt; False when another sender took it first."""
    stmt = (
        update(OUTBOX)
        .where(
            OUTBOX.c.id == row.id, OUTBOX.c.status == "pending", OUTBOX.c.attempts == row.attempts
        )
        .values(attempts=row.attempts + 1, next_attempt_at=now + lease)
    )
    with session_scope(engine) as s:
        return bool(s.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]


def mark_sent(
    engine: Engine, row_id: int, *, now: datetime, result: Mapping[str, Any], also: Any = None
) -> None:
    """Record the delivery; `also` (an ORM object) is stored in the same transaction."""
    with session_scope(engine) as s:
        if also is not None:
            s.add(also)
        s.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == row_id)
            .values(status="sent", sent_at=now, result=dict(result), last_error=None)
        )


def reschedule(engine: Engine, row_id: int, *, attempts: int, error: str, at: datetime) -> None:
    with session_scope(engine) as s:
        s.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == row_id)
            .values(attempts=attempts, last_error=error[:1000], next_attempt_at=at)
        )


def mark_failed(engine: Engine, row_id: int, *, error: str) -> None:
    with session_scope(engine) as s:
        s.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == row_id)
            .values(status="failed", last_error=error[:1000])
        )


def has_pending(session: Session, *, kind: str, lead_id: int) -> bool:
    """Whether a row of this kind for this lead still waits to be sent."""
    stmt = (
        select(func.count())
        .select_from(OUTBOX)
        .where(OUTBOX.c.kind == kind, OUTBOX.c.lead_id == lead_id, OUTBOX.c.status == "pending")
    )
    return bool(session.scalar(stmt))


def channel_answered(engine: Engine, requested: str, *, lookback: int) -> str | None:
    """The channel id Slack answered for a post to `requested` (a channel name), as recorded
    in the result of one of the newest `lookback` sent rows; None when none of them has it."""
    stmt = (
        select(OUTBOX.c.result)
        .where(OUTBOX.c.status == "sent")
        .order_by(OUTBOX.c.id.desc())
        .limit(lookback)
    )
    with session_scope(engine) as s:
        for (result,) in s.execute(stmt):
            if (result or {}).get("requested") == requested and result.get("channel"):
                return str(result["channel"])
    return None


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest: datetime | None  # when the oldest pending row was queued


def backlog(engine: Engine, *, kind_like: str) -> Backlog:
    """How many rows of these kinds wait to be sent, and since when."""
    with session_scope(engine) as s:
        count, oldest = s.execute(
            select(func.count(), func.min(OUTBOX.c.created_at)).where(
                OUTBOX.c.status == "pending", OUTBOX.c.kind.like(kind_like)
            )
        ).one()
    return Backlog(int(count), oldest)


def new_row(
    kind: str, lead_id: int | None, dedupe_key: str, payload: Mapping[str, Any], *, now: datetime
) -> dict[str, Any]:
    """An outbox row, pending and due now."""
    return {
        "kind": kind,
        "lead_id": lead_id,
        "dedupe_key": dedupe_key,
        "payload": dict(payload),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "result": {},
    }


def queued_keys(session: Session, keys: list[str]) -> set[str]:
    """Those of `keys` some outbox row holds already, in whatever state."""
    if not keys:
        return set()
    return {
        row[0]
        for row in driver_rows(
            session, f"SELECT dedupe_key FROM {OUTBOX.name}", "dedupe_key", keys, "text"
        )
    }


def insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows in the session's transaction; a row whose dedupe key exists is skipped."""
    insert_ignoring_duplicates(session, OUTBOX, rows, "dedupe_key")
