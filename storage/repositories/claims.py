"""Claims on MQLs, and what the time to first action is computed from (App Home's for one SDR,
the weekly digest's for the team): the claims and decisions, when the leads acted on became
MQLs, and when those leads' alerts went out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import union
from sqlmodel import Session, col, select

from storage.tables import Decision, LeadClaim, LifecycleTransition, SlackAlert


def add_claim(*, session: Session, lead_id: int, actor: str, now: datetime) -> None:
    session.add(LeadClaim(lead_id=lead_id, claimed_by=actor, claimed_at=now))


@dataclass
class Acted:
    """Per lead: the claims and decisions, its MQL entries, its alerts' posting times."""

    actions: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    mql_since: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    alerts: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))


def acted_since(
    session: Session, actor: str | None, *, since: datetime, until: datetime | None = None
) -> Acted:
    """What it takes to time the first actions in [since, until): the leads claimed or decided
    then, with all their actions (an earlier claim in the same round came first). With an
    `actor`, only theirs; with None, everyone's, so a round's first action is the team's."""
    claims = _by(LeadClaim.claimed_by, actor)
    decisions = _by(Decision.decided_by, actor)
    window = [
        select(LeadClaim.lead_id).where(*claims, *_within(LeadClaim.claimed_at, since, until)),
        select(Decision.lead_id).where(*decisions, *_within(Decision.decided_at, since, until)),
    ]
    # a subquery, not a list of ids: a busy team's week stays one statement per table
    leads = union(*window).subquery()
    out = Acted()
    _collect(session, out.actions, LeadClaim.lead_id, LeadClaim.claimed_at, claims, leads)
    _collect(session, out.actions, Decision.lead_id, Decision.decided_at, decisions, leads)
    mql = [col(LifecycleTransition.to_status) == "mql"]
    _collect(
        session, out.mql_since, LifecycleTransition.lead_id, LifecycleTransition.at, mql, leads
    )
    _collect(session, out.alerts, SlackAlert.lead_id, SlackAlert.posted_at, [], leads)
    return out


def _by(column: Any, actor: str | None) -> list[Any]:
    return [] if actor is None else [col(column) == actor]


def _within(column: Any, since: datetime, until: datetime | None) -> list[Any]:
    return [col(column) >= since, *([] if until is None else [col(column) < until])]


def _collect(
    session: Session,
    into: dict[int, list[datetime]],
    lead: Any,
    at: Any,
    where: list[Any],
    leads: Any,
) -> None:
    for lead_id, moment in session.exec(
        select(lead, at).where(*where, col(lead).in_(select(leads.c.lead_id)))
    ):
        into[lead_id].append(moment)
