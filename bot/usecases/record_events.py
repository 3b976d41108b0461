"""Use case `record_events`: store a batch of events and move the scores (one transaction).

The caller owns the transaction; a batch is applied wholly or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ingest.records import EventIn
from bot.usecases import leads_index
from bot.usecases.settle import Ctx, LeadWork, SettleSummary, load_states, settle
from scoring.engine import Event, apply_event
from storage.repositories import bulk


@dataclass
class EventBatchResult:
    accepted: int = 0
    duplicates: int = 0
    leads_created: int = 0
    settle: SettleSummary = field(default_factory=SettleSummary)


def dedupe(ctx: Ctx, events: list[EventIn], result: EventBatchResult
           ) -> list[tuple[int, EventIn]]:
    """The events not stored before (nor twice in this batch), with their idempotency keys."""
    keyed = []
    seen: set[int] = set()
    for ev in events:
        key = ev.idempotency_key()
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        keyed.append((key, ev))
    if not keyed:
        return []
    known = bulk.existing_event_keys(ctx.session, seen)
    fresh = [(k, ev) for k, ev in keyed if k not in known]
    result.duplicates += len(keyed) - len(fresh)
    return fresh


def record_events(ctx: Ctx, events: list[EventIn], *, source: str = "csv") -> EventBatchResult:
    result = EventBatchResult()
    fresh = dedupe(ctx, events, result)
    if not fresh:
        return result

    ids, result.leads_created = leads_index.resolve(
        ctx.session, (ev.identity for _, ev in fresh), create=True, now=ctx.now,
        source=f"{source} event")
    lead_ids = {ids[ev.identity.key] for _, ev in fresh}
    # locked before the states are read: see storage/repositories/locks
    leads = bulk.lead_rows(ctx.session, lead_ids, bulk.scoring_columns(ctx.model), lock=True)
    states, has_score = load_states(ctx, lead_ids)

    rows = []
    for key, ev in sorted(fresh, key=lambda kv: kv[1].occurred_at):
        lead_id = ids[ev.identity.key]
        apply_event(ctx.model, states[lead_id], Event(ev.type, ev.occurred_at, ev.properties))
        rows.append({"lead_id": lead_id, "type": ev.type, "occurred_at": ev.occurred_at,
                     "properties": ev.properties, "idempotency_key": key, "source": source,
                     "received_at": ctx.now})
    bulk.fast_insert(ctx.session, bulk.EVENT, rows)
    result.accepted = len(rows)

    work = [LeadWork(leads[i], states[i], i in has_score) for i in lead_ids]
    result.settle, _ = settle(ctx, work)
    return result
