"""Use case `record_outcome`: a CRM outcome (opportunity, won, lost) moves a lead's lifecycle.

The outcome is also stored as an event (`crm_won`, …) whose idempotency key comes from the
delivery id, so a repeated delivery is recognised and ignored, and the amount is kept.
The event keeps the CRM's time; the lifecycle transition is dated no earlier than the lead's
latest one, so a back-dated outcome cannot put the audit trail out of order.
"""

from __future__ import annotations

from typing import Literal

from bot.ingest.outcomes import OutcomeIn
from bot.ingest.records import EventIn, Identity
from bot.usecases.ingest import identities
from bot.usecases.ingest.record_events import EventBatchResult, dedupe
from bot.usecases.lifecycle import recorder
from bot.usecases.lifecycle.errors import LeadNotFound
from bot.usecases.lifecycle.recorder import Change
from bot.usecases.lifecycle.scoring_pass import Ctx
from scoring.lifecycle import Status, TransitionError, require
from storage.repositories import events as events_repo
from storage.repositories import leads as leads_repo
from storage.repositories import transitions
from storage.repositories.locks import lock_leads

Verdict = Literal["recorded", "duplicate", "unchanged"]

UnknownLead = LeadNotFound  # the name the doors knew it by


def record_outcome(ctx: Ctx, item: OutcomeIn) -> Verdict:
    """Raises UnknownLead, or TransitionError when the lead cannot move to the stage."""
    s = ctx.session
    lead_id = _lead_of(ctx, item.identity)
    lock_leads(s, [lead_id])
    amount = {"amount": item.amount} if item.amount is not None else {}
    event = EventIn(item.identity, f"crm_{item.stage}", item.at, amount, message_id=item.message_id)
    fresh = dedupe(ctx, [event], EventBatchResult())
    if not fresh:
        return "duplicate"
    current, target = Status(leads_repo.lead_rows(s, [lead_id])[lead_id].status), Status(item.stage)
    if current == target:
        return "unchanged"
    require(current, target)
    [(key, _)] = fresh
    row = (lead_id, event.type, item.at, event.properties, key, "crm")
    events_repo.insert_events(s, [row], received_at=ctx.now)
    latest = transitions.latest_at(s, lead_id)
    details: dict[str, object] = dict(amount)
    if item.message_id:
        details["message_id"] = item.message_id
    moved = Change(
        lead_id,
        str(current),
        str(target),
        f"crm:{item.stage}",
        ctx.actor,
        max(item.at, latest) if latest is not None else item.at,
        details,
        occurred_at=item.at,
    )
    recorder.record(s, [moved], now=ctx.now)
    return "recorded"


def _lead_of(ctx: Ctx, identity: Identity) -> int:
    found, _ = identities.resolve(ctx.session, [identity], create=False, now=ctx.now)
    lead_id = found.get(identity.key)
    if lead_id is None:
        raise UnknownLead(f"no lead has {_named(identity)}; identify the lead first or import it")
    return lead_id


def _named(identity: Identity) -> str:
    parts = []
    if identity.email:
        parts.append(f"the e-mail {identity.email!r}")
    if identity.external_id:
        parts.append(f"the userId {identity.external_id!r}")
    return " or ".join(parts)


__all__ = ["OutcomeIn", "TransitionError", "UnknownLead", "record_outcome"]
