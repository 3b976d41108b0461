"""An SDR's answer to an MQL alert: claim it, or decide it (promote, recycle, disqualify).

Each call is one transaction that starts with a conditional UPDATE on the lead, so of two
clicks at the same moment (a double click, two SDRs) exactly one wins; the loser learns who
decided what and when. The Slack side effects (alert update, thread note, handover) are outbox
messages in the same transaction (a decision's through the recorder, with its transition), so
a decision is never stored without its messages, or sent without being stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.outbox.messages import AlertUpdate, Note, ThreadNote, micros
from bot.outbox.queue import queue
from bot.usecases.lifecycle import ownership as ownership_rules
from bot.usecases.lifecycle import recorder
from bot.usecases.lifecycle.errors import LeadNotFound
from bot.usecases.lifecycle.recorder import Change, Decided, Snapshot
from scoring.lifecycle import DECISION_TARGET, Status, Transition
from scoring.lifecycle import Decision as Outcome
from scoring.lifecycle import decide as lifecycle_decide
from storage.db import session_scope
from storage.repositories import claims as claims_repo
from storage.repositories import decisions as repo

if TYPE_CHECKING:
    from storage.tables import Decision, Lead, LeadScore

CLAIM = "claim"


@dataclass(frozen=True)
class Prior:
    """What got there first: the decision (or claim) that made this click too late."""

    outcome: str  # "promote" | "recycle" | "disqualify" | "claim"
    by: str  # actor ("slack:U123", "cli:alice") or, for a claim, the owner's Slack user id
    at: datetime | None
    reason: str | None = None


@dataclass(frozen=True)
class Result:
    won: bool
    lead_id: int
    outcome: str  # what this click asked for
    status: str  # the lead's status afterwards
    decision_id: int | None = None
    prior: Prior | None = None  # set when the click lost and the winner is known
    # set when the lead's owner stands in the way: "refuse" (policy) or "confirm" (not yet)
    blocked: str | None = None
    owner: str | None = None  # the lead's owner, when `blocked`


def slack_actor(user_id: str) -> str:
    return f"slack:{user_id}"


def user_of(actor: str) -> str:
    """The Slack user id in an actor string, or the actor itself (a CLI user, "system")."""
    return actor.removeprefix("slack:")


def claim(engine: Engine, *, lead_id: int, user_id: str, now: datetime) -> Result:
    """Make `user_id` the owner of an unowned MQL; claiming one's own lead again is a no-op."""
    with session_scope(engine) as s:
        if repo.claim_if_unowned(
            session=s, lead_id=lead_id, owner=user_id, status=Status.MQL, now=now
        ):
            # a claim moves no status, but is kept with its time: a first action on the alert
            claims_repo.add_claim(session=s, lead_id=lead_id, actor=slack_actor(user_id), now=now)
            # the alert shows the owner, the thread says who
            key = f"claim:{lead_id}:{user_id}:{micros(now)}"
            note = Note(outcome=CLAIM, by=user_id, at=now.isoformat())
            queue(s, [AlertUpdate(lead_id, key), ThreadNote(lead_id, key, note)], now=now)
            return Result(True, lead_id, CLAIM, Status.MQL)
    with session_scope(engine) as s:
        lead = _lead(s, lead_id)
        # a decided lead stays with its decider: what counts then is the decision
        if lead.owner == user_id and lead.status == Status.MQL:
            return Result(True, lead_id, CLAIM, lead.status)
        if lead.owner and lead.status == Status.MQL:
            return Result(False, lead_id, CLAIM, lead.status, prior=Prior(CLAIM, lead.owner, None))
        return Result(False, lead_id, CLAIM, lead.status, prior=prior_of(s, lead))


def decide(
    engine: Engine,
    *,
    lead_id: int,
    outcome: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    notes: str | None = None,
    bant: Mapping[str, Any] | None = None,
    ownership: str = ownership_rules.ALLOW,
    confirmed: bool = False,
) -> Result:
    """Promote, recycle or disqualify an MQL (raises TransitionError for an unknown outcome).

    A Slack user deciding a lead someone else owns needs the `ownership` policy's leave (and,
    for "confirm", `confirmed`); the decider becomes the lead's owner."""
    # the lifecycle names the valid outcomes when this one is not among them
    transition = lifecycle_decide(Status.MQL, cast(Outcome, outcome), now)
    target = transition.to_status
    user = user_of(actor) if actor.startswith("slack:") else None
    with session_scope(engine) as s:
        lead = _lead(s, lead_id)
        owner = lead.owner
        if user and lead.status == Status.MQL:
            blocked = ownership_rules.blocked(owner, user, ownership, confirmed)
            if blocked:
                return Result(False, lead_id, outcome, lead.status, blocked=blocked, owner=owner)
        if repo.move_if_status(session=s, lead_id=lead_id, expected=Status.MQL, to=target, now=now):
            if user:
                queue(s, ownership_rules.take(s, lead_id, user, owner, now), now=now)
            row, score = repo.add_decision(
                session=s,
                lead_id=lead_id,
                outcome=outcome,
                actor=actor,
                now=now,
                reason=reason,
                notes=notes,
                bant=bant,
            )
            ae = (bant or {}).get("ae_slack_id")
            recorder.record(s, [_change(row, score, transition, ae)], now=now)
            return Result(True, lead_id, outcome, target, decision_id=row.id)
    with session_scope(engine) as s:
        lead = _lead(s, lead_id)
        return Result(False, lead_id, outcome, lead.status, prior=prior_of(s, lead))


def _change(row: Decision, score: LeadScore | None, moved: Transition, ae: str | None) -> Change:
    """The lead leaving MQL by the decision, with the score the decision was made on."""
    decision_id = row.id or 0
    snapshot = None
    if score is not None:
        snapshot = Snapshot(
            score.model_version,
            score.score,
            score.fit,
            score.engagement,
            f"{score.fit_grade}{score.engagement_level}",
            list(score.breakdown),
            "decision",
        )
    details = {
        "decision_id": decision_id,
        "reason": row.reason,
        "score": row.score,
        "model_version": row.model_version,
    }
    by = user_of(row.decided_by)
    decided = Decided(decision_id, row.decision, by, row.reason, row.notes, ae)
    return Change(
        row.lead_id,
        str(moved.from_status),
        str(moved.to_status),
        moved.cause,
        row.decided_by,
        moved.at,
        details,
        snapshot,
        decided,
    )


def _lead(s: Session, lead_id: int) -> Lead:
    lead = repo.lead_by_id(session=s, lead_id=lead_id)
    if lead is None:
        raise LeadNotFound(f"there is no lead #{lead_id}")
    return lead


def prior_of(s: Session, lead: Lead) -> Prior | None:
    """The decision that moved the lead on, if its current status is that decision's doing."""
    last = repo.latest_decision(session=s, lead_id=lead.id or 0)
    if last is None or DECISION_TARGET.get(Outcome(last.decision)) != lead.status:
        return None
    return Prior(last.decision, last.decided_by, last.decided_at, last.reason)
