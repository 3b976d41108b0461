"""Routing an alert before it is first posted: its channel, and (optionally) its SDR.

Done once per alert, under the sender's lease, and remembered in the outbox row: a retried or
recovered alert goes to the same channel and keeps the same owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.routing import Routing, pick_rep
from storage.db import session_scope
from storage.repositories.decisions import claim_if_unowned
from storage.tables import Lead, OutboxMessage, SdrRep


@dataclass(frozen=True)
class Routed:
    channel: str
    assigned: str | None = None


def route_alert(engine: Engine, *, outbox_id: int, routing: Routing, now: datetime) -> Routed:
    with session_scope(engine) as s:
        row = s.get(OutboxMessage, outbox_id)
        if row is None:
            raise LookupError(f"outbox row {outbox_id} is gone")
        if row.payload.get("channel"):
            return Routed(str(row.payload["channel"]), row.payload.get("assigned"))
        lead = s.get(Lead, int(row.payload["lead_id"]))
        if lead is None:
            return Routed(routing.default_channel)
        channel = routing.channel_for(lead.model_dump())
        assigned = _assign(s, routing, lead, channel, now) if routing.assign else None
        # a new dict: SQLAlchemy does not see changes made inside a JSON value
        row.payload = {**row.payload, "channel": channel, "assigned": assigned}
        s.add(row)
        return Routed(channel, assigned)


def _assign(s: Session, routing: Routing, lead: Lead, channel: str, now: datetime) -> str | None:
    if lead.owner is not None or lead.id is None:
        return None
    users = [r.user for r in routing.reps]
    standing = {r.user_id: r for r in s.exec(select(SdrRep).where(col(SdrRep.user_id).in_(users)))}
    away = set(routing.out_of_office) | {u for u, r in standing.items() if r.out_of_office}
    rep = pick_rep(routing.reps, channel, {u: r.assigned for u, r in standing.items()}, away)
    if rep is None or not claim_if_unowned(
        session=s, lead_id=lead.id, owner=rep.user, status="mql", now=now
    ):
        return None
    _count(s, rep.user, now)
    return rep.user


def _count(s: Session, user: str, now: datetime) -> None:
    table = SdrRep.__table__  # type: ignore[attr-defined]
    done = s.execute(
        update(table)
        .where(table.c.user_id == user)
        .values(assigned=table.c.assigned + 1, updated_at=now)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        s.add(SdrRep(user_id=user, assigned=1, updated_at=now))


def set_out_of_office(engine: Engine, *, user_id: str, away: bool, now: datetime) -> None:
    with session_scope(engine) as s:
        rep = s.get(SdrRep, user_id)
        if rep is None:
            s.add(SdrRep(user_id=user_id, out_of_office=away, updated_at=now))
        else:
            rep.out_of_office = away
            rep.updated_at = now
            s.add(rep)
