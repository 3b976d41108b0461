"""Routing an alert before it is first posted: its channel, and (optionally) its SDR.

Done once per alert, under the sender's lease, and remembered in the outbox row: a retried or
recovered alert goes to the same channel and keeps the same owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.routing import Routing, pick_rep
from storage.db import session_scope
from storage.repositories import routing as repo
from storage.repositories.decisions import claim_if_unowned
from storage.repositories.leads import get_lead
from storage.tables import Lead


@dataclass(frozen=True)
class Routed:
    channel: str
    assigned: str | None = None


def route_alert(engine: Engine, *, outbox_id: int, routing: Routing, now: datetime) -> Routed:
    with session_scope(engine) as s:
        row = repo.outbox_row(s, outbox_id)
        if row is None:
            raise LookupError(f"outbox row {outbox_id} is gone")
        if row.payload.get("channel"):
            return Routed(str(row.payload["channel"]), row.payload.get("assigned"))
        lead = get_lead(s, int(row.payload["lead_id"]))
        if lead is None:
            return Routed(routing.default_channel)
        channel = routing.channel_for(lead.model_dump())
        assigned = _assign(s, routing, lead, channel, now) if routing.assign else None
        repo.remember_route(s, row, channel=channel, assigned=assigned)
        return Routed(channel, assigned)


def _assign(s: Session, routing: Routing, lead: Lead, channel: str, now: datetime) -> str | None:
    if lead.owner is not None or lead.id is None:
        return None
    standing = repo.standing(s, [r.user for r in routing.reps])
    away = set(routing.out_of_office) | {u for u, r in standing.items() if r.out_of_office}
    rep = pick_rep(routing.reps, channel, {u: r.assigned for u, r in standing.items()}, away)
    if rep is None or not claim_if_unowned(
        session=s, lead_id=lead.id, owner=rep.user, status="mql", now=now
    ):
        return None
    repo.count_assignment(s, rep.user, now=now)
    return rep.user


def set_out_of_office(engine: Engine, *, user_id: str, away: bool, now: datetime) -> None:
    with session_scope(engine) as s:
        repo.set_away(s, user_id, away=away, now=now)
