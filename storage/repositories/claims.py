"""Claims on MQLs, and what App Home's time to first action is computed from: one SDR's claims
and decisions, when the leads they acted on became MQLs, and when those leads' alerts went out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from storage.tables import Decision, LeadClaim, LifecycleTransition, SlackAlert


def add_claim(*, session: Session, lead_id: int, actor: str, now: datetime) -> None:
    session.add(LeadClaim(lead_id=lead_id, claimed_by=actor, claimed_at=now))


@dataclass
class Acted:
    """Per lead: `actor`'s claims and decisions, its MQL entries, its alerts' posting times."""

    actions: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    mql_since: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    alerts: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))


def acted_since(session: Session, actor: str, *, since: datetime) -> Acted:
    """What it takes to time `actor`'s first actions since `since`: the leads they claimed or
    decided since then, with all their actions on them (an earlier claim in the same round
    came first)."""
    claimed = select(LeadClaim.lead_id).where(
        col(LeadClaim.claimed_by) == actor, col(LeadClaim.claimed_at) >= since
    )
    decided = select(Decision.lead_id).where(
        col(Decision.decided_by) == actor, col(Decision.decided_at) >= since
    )
    leads = set(session.exec(claimed)) | set(session.exec(decided))
    out = Acted()
    if not leads:
        return out
    for lead_id, at in session.exec(
        select(LeadClaim.lead_id, LeadClaim.claimed_at).where(
            col(LeadClaim.claimed_by) == actor, col(LeadClaim.lead_id).in_(leads)
        )
    ):
        out.actions[lead_id].append(at)
    for lead_id, at in session.exec(
        select(Decision.lead_id, Decision.decided_at).where(
            col(Decision.decided_by) == actor, col(Decision.lead_id).in_(leads)
        )
    ):
        out.actions[lead_id].append(at)
    for lead_id, at in session.exec(
        select(LifecycleTransition.lead_id, LifecycleTransition.at).where(
            col(LifecycleTransition.to_status) == "mql", col(LifecycleTransition.lead_id).in_(leads)
        )
    ):
        out.mql_since[lead_id].append(at)
    for lead_id, at in session.exec(
        select(SlackAlert.lead_id, SlackAlert.posted_at).where(col(SlackAlert.lead_id).in_(leads))
    ):
        out.alerts[lead_id].append(at)
    return out
