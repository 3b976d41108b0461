"""Use case `record_outcome`: a CRM outcome (opportunity, won, lost) moves a lead's lifecycle.

The outcome is also stored as an event (`crm_won`, …) whose idempotency key comes from the
delivery id, so a repeated delivery is recognised and ignored, and the amount is kept.
The event keeps the CRM's time; the lifecycle transition is dated no earlier than the lead's
latest one, so a back-dated outcome cannot put the audit trail out of order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session

from bot.ingest.outcomes import OutcomeIn
from bot.ingest.records import EventIn, Identity
from bot.usecases.ingest import identities
from bot.usecases.lifecycle.scoring_pass import Ctx
from scoring.lifecycle import Status, TransitionError, require
from storage import fastwrite
from storage.repositories import events as events_repo
from storage.repositories import leads as leads_repo
from storage.repositories import webhooks as webhooks_repo
from storage.repositories.locks import lock_leads
from storage.tables import handles

Verdict = Literal["recorded", "duplicate", "unchanged"]


class UnknownLead(LookupError):
    pass


def record_outcome(ctx: Ctx, item: OutcomeIn) -> Verdict:
    """Raises UnknownLead, or TransitionError when the lead cannot move to the stage."""
    s = ctx.session
    found, _ = identities.resolve(s, [item.identity], create=False, now=ctx.now)
    lead_id = found.get(item.identity.key)
    if lead_id is None:
        raise UnknownLead(
            f"no lead has {_named(item.identity)}; identify the lead first or import it"
        )
    lock_leads(s, [lead_id])
    event = EventIn(
        item.identity,
        f"crm_{item.stage}",
        item.at,
        {"amount": item.amount} if item.amount is not None else {},
        message_id=item.message_id,
    )
    key = event.idempotency_key()
    if events_repo.existing_event_keys(s, [key]):
        return "duplicate"
    lead = leads_repo.lead_rows(s, [lead_id])[lead_id]
    current, target = Status(lead.status), Status(item.stage)
    if current == target:
        return "unchanged"
    require(current, target)
    at = _not_before_latest(s, lead_id, item.at)
    fastwrite.insert_many(
        s,
        handles.EVENT,
        [
            {
                "lead_id": lead_id,
                "type": event.type,
                "occurred_at": item.at,
                "properties": event.properties,
                "idempotency_key": key,
                "source": "crm",
                "received_at": ctx.now,
            }
        ],
    )
    details: dict[str, object] = {"amount": item.amount} if item.amount is not None else {}
    if item.message_id:
        details["message_id"] = item.message_id
    if at != item.at:  # the audit trail says when the CRM dated it, not only when it counted
        details["occurred_at"] = item.at.isoformat()
    moved = {
        "lead_id": lead_id,
        "from_status": str(current),
        "to_status": str(item.stage),
        "cause": f"crm:{item.stage}",
        "actor": ctx.actor,
        "at": at,
        "details": details,
    }
    fastwrite.insert_many(s, handles.TRANSITION, [moved])
    webhooks_repo.queue_transitions(s, [moved], now=ctx.now)
    if current == Status.MQL:
        # the CRM decided before an SDR did: the alert must lose the buttons nobody should press
        fastwrite.insert_ignoring_duplicates(
            s,
            handles.OUTBOX,
            [
                {
                    "kind": "slack.update",
                    "lead_id": lead_id,
                    "dedupe_key": f"slack.update:crm:{lead_id}:"
                    f"{int(item.at.timestamp() * 1_000_000)}",
                    "payload": {"lead_id": lead_id},
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": ctx.now,
                    "created_at": ctx.now,
                    "result": {},
                }
            ],
            "dedupe_key",
        )
    fastwrite.update_many(
        s,
        handles.LEAD,
        "id",
        [{"id": lead_id, "status": str(item.stage), "status_since": at, "updated_at": ctx.now}],
    )
    return "recorded"


def _not_before_latest(s: Session, lead_id: int, at: datetime) -> datetime:
    """`at`, or the time of the lead's latest transition if that is later."""
    latest = s.scalar(
        select(func.max(handles.TRANSITION.c.at)).where(handles.TRANSITION.c.lead_id == lead_id)
    )
    return max(at, latest) if latest is not None else at


def _named(identity: Identity) -> str:
    parts = []
    if identity.email:
        parts.append(f"the e-mail {identity.email!r}")
    if identity.external_id:
        parts.append(f"the userId {identity.external_id!r}")
    return " or ".join(parts)


__all__ = ["OutcomeIn", "TransitionError", "UnknownLead", "record_outcome"]
