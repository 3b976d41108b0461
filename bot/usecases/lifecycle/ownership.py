"""Who owns an MQL: what a decision on someone else's lead needs (the team's policy), the
decider taking the lead over, a reassignment, and notes kept as a comment when someone else
decided first. Each change of owner is told in the alert's thread."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.outbox.messages import AlertUpdate, Message, Note, ThreadNote, micros
from bot.outbox.queue import queue
from bot.usecases.lifecycle.errors import LeadNotFound
from scoring.lifecycle import Status
from storage.db import session_scope
from storage.repositories import decisions as repo

ALLOW, CONFIRM, REFUSE = "allow", "confirm", "refuse"


def blocked(owner: str | None, user: str, policy: str, confirmed: bool) -> str | None:
    """Why `user` may not decide a lead `owner` owns: REFUSE (the policy lets only the owner),
    CONFIRM (not confirmed in the modal yet); None: they may."""
    if not owner or owner == user or policy == ALLOW:
        return None
    if policy == REFUSE:
        return REFUSE
    return None if confirmed else CONFIRM


def take(
    session: Session, lead_id: int, user: str, previous: str | None, now: datetime
) -> list[Message]:
    """The decider becomes the owner; a previous owner is told in the thread."""
    if previous == user:
        return []
    repo.set_owner(session=session, lead_id=lead_id, owner=user, expected=previous, now=now)
    if previous is None:
        return []
    key = f"took_over:{lead_id}:{micros(now)}"
    note = Note(outcome="took_over", by=user, at=now.isoformat(), owner=user, previous=previous)
    return [ThreadNote(lead_id, key, note)]


@dataclass(frozen=True)
class Reassigned:
    done: bool
    status: str
    owner: str | None  # the owner afterwards
    problem: str | None = None  # "not_open" | "not_allowed" | "same"


def reassign(
    engine: Engine,
    *,
    lead_id: int,
    by: str,
    to: str,
    now: datetime,
    reassigners: Collection[str],
) -> Reassigned:
    """Give an open MQL to `to`; allowed to its owner, the reassigners, and anyone (a decider)
    when it has no owner. The alert shows the new owner, its thread says who gave it to whom."""
    with session_scope(engine) as s:
        lead = repo.lead_by_id(session=s, lead_id=lead_id)
        if lead is None:
            raise LeadNotFound(f"there is no lead #{lead_id}")
        previous = lead.owner
        if lead.status != Status.MQL:
            return Reassigned(False, lead.status, previous, "not_open")
        if previous and by != previous and by not in reassigners:
            return Reassigned(False, lead.status, previous, "not_allowed")
        if previous == to:
            return Reassigned(False, lead.status, previous, "same")
        if not repo.set_owner(session=s, lead_id=lead_id, owner=to, expected=previous, now=now):
            return Reassigned(False, lead.status, previous, "not_allowed")
        key = f"reassigned:{lead_id}:{micros(now)}"
        note = Note(outcome="reassigned", by=by, at=now.isoformat(), owner=to, previous=previous)
        queue(s, [AlertUpdate(lead_id, key), ThreadNote(lead_id, key, note)], now=now)
        return Reassigned(True, lead.status, to)


def comment(engine: Engine, *, lead_id: int, by: str, text: str, now: datetime) -> None:
    """Notes typed for a decision someone else made first, kept in the alert's thread."""
    with session_scope(engine) as s:
        key = f"comment:{lead_id}:{by}:{micros(now)}"
        note = Note(outcome="comment", by=by, at=now.isoformat(), notes=text)
        queue(s, [ThreadNote(lead_id, key, note)], now=now)
