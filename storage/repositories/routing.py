"""Routing alerts to SDRs: the reps' standing (table sdr_rep), and the route an alert's outbox
row remembers once it was chosen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.tables import OutboxMessage, SdrRep
from storage.tables.handles import REP


def outbox_row(session: Session, outbox_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, outbox_id)


def remember_route(
    session: Session, row: OutboxMessage, *, channel: str, assigned: str | None
) -> None:
    """Keep the alert's channel and SDR in its outbox row, for its retries and recovery."""
    # a new dict: SQLAlchemy does not see changes made inside a JSON value
    row.payload = {**row.payload, "channel": channel, "assigned": assigned}
    session.add(row)


def standing(session: Session, users: Iterable[str]) -> dict[str, SdrRep]:
    """The stored standing of these reps, by Slack user id (a rep never assigned has none)."""
    stmt = select(SdrRep).where(col(SdrRep.user_id).in_(list(users)))
    return {r.user_id: r for r in session.exec(stmt)}


def count_assignment(session: Session, user: str, *, now: datetime) -> None:
    """One more lead for this rep."""
    done = session.execute(
        update(REP).where(REP.c.user_id == user).values(assigned=REP.c.assigned + 1, updated_at=now)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.add(SdrRep(user_id=user, assigned=1, updated_at=now))


def set_away(session: Session, user_id: str, *, away: bool, now: datetime) -> None:
    rep = session.get(SdrRep, user_id)
    if rep is None:
        session.add(SdrRep(user_id=user_id, out_of_office=away, updated_at=now))
    else:
        rep.out_of_office = away
        rep.updated_at = now
        session.add(rep)
