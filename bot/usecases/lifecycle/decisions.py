"""An SDR's answer to an MQL alert: claim it, or decide it (promote, recycle, disqualify).

Each call is one transaction that starts with a conditional UPDATE on the lead, so of two
clicks at the same moment (a double click, two SDRs) exactly one wins; the loser learns who
decided what and when. The Slack side effects (alert update, thread note, handover) are outbox
rows in the same transaction, so a decision is never stored without its messages, or sent
without being stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring.lifecycle import DECISION_TARGET, Status
from scoring.lifecycle import Decision as Outcome
from scoring.lifecycle import decide as lifecycle_decide
from storage.db import session_scope
from storage.repositories import decisions as repo
from storage.repositories import webhooks as webhooks_repo
from storage.tables import (
    Decision,
    Lead,
    LeadScore,
    LifecycleTransition,
    OutboxMessage,
    ScoreSnapshot,
)

CLAIM = "claim"


class LeadNotFound(LookupError):
    pass


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
            note = {"outcome": CLAIM, "by": user_id, "at": now.isoformat()}
            _queue(s, lead_id, f"claim:{lead_id}:{user_id}:{_micros(now)}", now, note)
            return Result(True, lead_id, CLAIM, Status.MQL)
    with session_scope(engine) as s:
        lead = _lead(s, lead_id)
        if lead.owner == user_id:
            return Result(True, lead_id, CLAIM, lead.status)
        if lead.owner:
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
) -> Result:
    """Promote, recycle or disqualify an MQL (raises TransitionError for an unknown outcome)."""
    # the lifecycle names the valid outcomes when this one is not among them
    transition = lifecycle_decide(Status.MQL, cast(Outcome, outcome), now)
    target = transition.to_status
    with session_scope(engine) as s:
        if repo.move_if_status(session=s, lead_id=lead_id, expected=Status.MQL, to=target, now=now):
            row = _record(s, lead_id, outcome, actor, now, reason, notes, bant)
            moved = LifecycleTransition(
                lead_id=lead_id,
                from_status=Status.MQL,
                to_status=target,
                cause=transition.cause,
                actor=actor,
                at=now,
                details={
                    "decision_id": row.id,
                    "reason": reason,
                    "score": row.score,
                    "model_version": row.model_version,
                },
            )
            s.add(moved)
            webhooks_repo.queue_transitions(
                s, [moved.model_dump()], now=now, breakdowns={lead_id: list(row.breakdown)}
            )
            note = {
                "outcome": outcome,
                "by": user_of(actor),
                "at": now.isoformat(),
                "reason": reason,
                "notes": notes,
            }
            _queue(
                s,
                lead_id,
                f"decision:{row.id}",
                now,
                note,
                handover=row.id if outcome == Outcome.PROMOTE else None,
                ae=(bant or {}).get("ae_slack_id"),
            )
            return Result(True, lead_id, outcome, target, decision_id=row.id)
    with session_scope(engine) as s:
        lead = _lead(s, lead_id)
        return Result(False, lead_id, outcome, lead.status, prior=prior_of(s, lead))


def _record(
    s: Session,
    lead_id: int,
    outcome: str,
    actor: str,
    now: datetime,
    reason: str | None,
    notes: str | None,
    bant: Mapping[str, Any] | None,
) -> Decision:
    """The decision with the score it was made on: the training example for recalibration."""
    score = s.get(LeadScore, lead_id)
    row = Decision(
        lead_id=lead_id,
        decision=outcome,
        reason=reason,
        notes=notes,
        bant=dict(bant or {}),
        decided_by=actor,
        decided_at=now,
        model_version=score.model_version if score else None,
        score=score.score if score else None,
        breakdown=list(score.breakdown) if score else [],
    )
    s.add(row)
    if score is not None:
        s.add(
            ScoreSnapshot(
                lead_id=lead_id,
                model_version=score.model_version,
                score=score.score,
                fit=score.fit,
                engagement=score.engagement,
                grade=f"{score.fit_grade}{score.engagement_level}",
                breakdown=list(score.breakdown),
                reason="decision",
                computed_at=now,
            )
        )
    s.flush()
    return row


def _queue(
    s: Session,
    lead_id: int,
    key: str,
    now: datetime,
    note: dict[str, Any],
    *,
    handover: int | None = None,
    ae: str | None = None,
) -> None:
    """The alert update, the thread note and (for a promote) the handover, as outbox rows;
    a named account executive also gets the handover as a direct message."""
    rows: list[tuple[str, dict[str, Any]]] = [
        ("slack.update", {"lead_id": lead_id}),
        ("slack.thread", {"lead_id": lead_id, "note": note}),
    ]
    if handover is not None:
        rows.append(("slack.handover", {"lead_id": lead_id, "decision_id": handover}))
        if ae:
            rows.append(("slack.handover", {"lead_id": lead_id, "decision_id": handover, "dm": ae}))
    for kind, payload in rows:
        dm = f":dm:{payload['dm']}" if payload.get("dm") else ""
        s.add(
            OutboxMessage(
                kind=kind,
                lead_id=lead_id,
                dedupe_key=f"{kind}:{key}{dm}",
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                result={},
            )
        )


def _lead(s: Session, lead_id: int) -> Lead:
    lead = s.get(Lead, lead_id)
    if lead is None:
        raise LeadNotFound(f"there is no lead #{lead_id}")
    return lead


def prior_of(s: Session, lead: Lead) -> Prior | None:
    """The decision that moved the lead on, if its current status is that decision's doing."""
    last = repo.latest_decision(session=s, lead_id=lead.id or 0)
    if last is None or DECISION_TARGET.get(Outcome(last.decision)) != lead.status:
        return None
    return Prior(last.decision, last.decided_by, last.decided_at, last.reason)


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)
