"""Use cases on stored proposals: approve (a new model version, every lead rescored, the new
MQLs announced), reject (with a reason), and what a rollback undoes.

A proposal is decided once: its conditional UPDATE on `pending` lets one approval win, and a
second one, or one of a superseded or rejected proposal, changes nothing and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.expiry_settings import expiry_of
from bot.outbox.learning_messages import ProposalNote, ProposalUpdate
from bot.outbox.queue import queue
from bot.settings import Settings
from bot.usecases.learning.announce import announce_mqls
from bot.usecases.lifecycle.rescore import rescore_all
from storage.db import session_scope
from storage.repositories import model_versions
from storage.repositories import proposals as repo
from storage.tables import ModelProposal


class ProposalRefused(ValueError):
    """Nothing changed; the message says why."""


@dataclass(frozen=True)
class Approved:
    proposal_id: int
    version: int
    rescored: int
    new_mqls: int
    summary: bool  # the new MQLs were announced in one summary


def why_not(row: ModelProposal) -> str:
    when = f" on {row.decided_at:%Y-%m-%d %H:%M} UTC" if row.decided_at else ""
    if row.status == "approved":
        return (
            f"proposal #{row.id} was approved already by {row.decided_by}{when} "
            f"(model v{row.approved_version})"
        )
    if row.status == "rejected":
        return f"proposal #{row.id} was rejected by {row.decided_by}{when}: {row.reason}"
    if row.status == "superseded":
        return (
            f"proposal #{row.id} was superseded by proposal #{row.superseded_by}, made from "
            "newer decisions; look at that one (`sdrbot model proposals`)"
        )
    return f"proposal #{row.id} is {row.status}"


def _pending(session: Session, proposal_id: int) -> ModelProposal:
    row = repo.get(session, proposal_id)
    if row is None:
        raise ProposalRefused(
            f"there is no proposal #{proposal_id}; `sdrbot model proposals` lists them"
        )
    if row.status != repo.PENDING:
        raise ProposalRefused(why_not(row))
    return row


def approve(
    engine: Engine, settings: Settings, proposal_id: int, *, by: str, now: datetime
) -> Approved:
    with session_scope(engine) as session:
        row = _pending(session, proposal_id)
        active = model_versions.ensure_active(session=session, now=now)
        if active.version != row.base_version:
            raise ProposalRefused(
                f"proposal #{proposal_id} changes model v{row.base_version}, but v{active.version} "
                "is active now; run `sdrbot recalibrate` for a proposal on the active model"
            )
        if not repo.decide_if_pending(session, proposal_id, status="approved", by=by, now=now):
            raise ProposalRefused(f"proposal #{proposal_id} was decided a moment ago; try again")
        version = model_versions.add_version(
            session=session,
            text=row.toml,
            created_by=by,
            now=now,
            note=f"recalibration proposal #{proposal_id}",
            activate=True,
        )
        assert version.version is not None
        repo.set_approved_version(session, proposal_id, version.version)
        number = version.version
    actor = f"proposal:{proposal_id}"
    summary = rescore_all(
        engine,
        now=now,
        actor=actor,
        hold_alerts=True,
        expiry=expiry_of(settings),
        locale=settings.locale,
    )
    with session_scope(engine) as session:
        made, in_summary = announce_mqls(session, settings, proposal_id, actor=actor, now=now)
        facts = {
            "by": by,
            "version": number,
            "rescored": summary.scored,
            "new_mqls": made,
            "summary": in_summary,
        }
        _tell(session, settings, proposal_id, "approved", facts, now)
    return Approved(proposal_id, number, summary.scored, made, in_summary)


def reject(
    engine: Engine,
    settings: Settings,
    proposal_id: int,
    *,
    by: str,
    reason: str,
    now: datetime,
) -> None:
    reason = reason.strip()
    if not reason:
        raise ProposalRefused("say why the proposal is rejected (--reason TEXT)")
    with session_scope(engine) as session:
        _pending(session, proposal_id)
        if not repo.decide_if_pending(
            session, proposal_id, status="rejected", by=by, now=now, reason=reason
        ):
            raise ProposalRefused(f"proposal #{proposal_id} was decided a moment ago")
        _tell(session, settings, proposal_id, "rejected", {"by": by, "reason": reason}, now)


def _tell(
    session: Session,
    settings: Settings,
    proposal_id: int,
    status: str,
    facts: dict[str, object],
    now: datetime,
) -> None:
    """The proposal's message shows its outcome, and its thread says who and what."""
    channel = settings.learning.channel or settings.digest_channel
    queue(
        session,
        [
            ProposalUpdate(proposal_id, channel, status, settings.locale),
            ProposalNote(proposal_id, channel, status, facts, settings.locale),
        ],
        now=now,
    )


def note_rollback(session: Session, left_version: int, *, by: str, now: datetime) -> int | None:
    """A rollback away from `left_version`: the approval that made it is marked undone.
    Returns that proposal's id, if there was one."""
    row = repo.approval_of_version(session, left_version)
    if row is None or row.id is None:
        return None
    repo.mark_undone(session, row.id, by=by, now=now)
    return row.id


def listing(engine: Engine, *, limit: int = 20) -> list[ModelProposal]:
    with session_scope(engine) as session:
        rows = repo.newest(session, limit=limit)
        for r in rows:
            session.expunge(r)
        return rows


def pending_or_why(engine: Engine, proposal_id: int) -> str | None:
    """None while the proposal waits for a decision; else why it cannot be decided."""
    with session_scope(engine) as session:
        try:
            _pending(session, proposal_id)
        except ProposalRefused as exc:
            return str(exc)
    return None
