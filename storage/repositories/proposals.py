"""Model proposals: stored with their evidence, decided once (a conditional UPDATE on
`status = 'pending'`, so of two approvals at once exactly one wins), superseded by a newer one,
and marked undone when a rollback leaves the version an approval made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, update
from sqlmodel import Session, col, select

from storage.tables import ModelProposal
from storage.tables.handles import OUTBOX

PROPOSAL: Table = ModelProposal.__table__  # type: ignore[attr-defined]
PENDING = "pending"


def add(
    session: Session,
    *,
    created_by: str,
    base_version: int,
    toml: str,
    headline: str,
    evidence: dict[str, Any],
    now: datetime,
) -> tuple[ModelProposal, list[int]]:
    """Store a pending proposal; every older pending one becomes superseded by it. Returns the
    new row and the ids it superseded."""
    row = ModelProposal(
        created_at=now,
        created_by=created_by,
        base_version=base_version,
        toml=toml,
        headline=headline,
        evidence=evidence,
    )
    session.add(row)
    session.flush()
    older = [
        int(i)
        for i in session.exec(
            select(ModelProposal.id).where(
                ModelProposal.status == PENDING, col(ModelProposal.id) != row.id
            )
        )
        if i is not None
    ]
    if older:
        session.execute(
            update(PROPOSAL)
            .where(PROPOSAL.c.id.in_(older), PROPOSAL.c.status == PENDING)
            .values(status="superseded", superseded_by=row.id, decided_at=now)
        )
    return row, older


def get(session: Session, proposal_id: int) -> ModelProposal | None:
    return session.get(ModelProposal, proposal_id)


def newest(session: Session, *, limit: int = 20) -> list[ModelProposal]:
    stmt = select(ModelProposal).order_by(col(ModelProposal.id).desc()).limit(limit)
    return list(session.exec(stmt))


def latest_pending(session: Session) -> ModelProposal | None:
    stmt = (
        select(ModelProposal)
        .where(ModelProposal.status == PENDING)
        .order_by(col(ModelProposal.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def decide_if_pending(
    session: Session,
    proposal_id: int,
    *,
    status: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Move a pending proposal to `status`; False when it was not pending any more."""
    stmt = (
        update(PROPOSAL)
        .where(PROPOSAL.c.id == proposal_id, PROPOSAL.c.status == PENDING)
        .values(status=status, decided_by=by, decided_at=now, reason=reason)
    )
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def set_approved_version(session: Session, proposal_id: int, version: int) -> None:
    session.execute(
        update(PROPOSAL).where(PROPOSAL.c.id == proposal_id).values(approved_version=version)
    )


def set_posted(session: Session, proposal_id: int, *, channel: str, ts: str) -> None:
    session.execute(
        update(PROPOSAL)
        .where(PROPOSAL.c.id == proposal_id)
        .values(slack_channel=channel, slack_ts=ts)
    )


def approval_of_version(session: Session, version: int) -> ModelProposal | None:
    """The approval that made this model version, unless a rollback undid it already."""
    stmt = select(ModelProposal).where(
        ModelProposal.approved_version == version, col(ModelProposal.undone_at).is_(None)
    )
    return session.exec(stmt).first()


def mark_undone(session: Session, proposal_id: int, *, by: str, now: datetime) -> None:
    session.execute(
        update(PROPOSAL).where(PROPOSAL.c.id == proposal_id).values(undone_at=now, undone_by=by)
    )


def post_waiting(session: Session, proposal_id: int) -> bool:
    """Whether the proposal's own post still waits in the outbox (`jobs.proposal`)."""
    stmt = (
        select(func.count())
        .select_from(OUTBOX)
        .where(OUTBOX.c.dedupe_key == f"proposal:{proposal_id}", OUTBOX.c.status == "pending")
    )
    return bool(session.scalar(stmt))
