"""Use case `record_events`: store a batch of events and move the scores (one transaction).

The caller owns the transaction; a batch is applied wholly or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.ingest.records import EventIn
from bot.usecases.ingest import identities
from bot.usecases.ingest.lead_work import lead_work
from bot.usecases.ingest.time_order import refold_in_time_order
from bot.usecases.lifecycle.scoring_pass import (
    Ctx,
    Scored,
    SettleSummary,
    score_leads,
    write_scored,
)
from scoring.engine import fold_event, to_epoch
from storage.repositories import events as events_repo


@dataclass
class EventBatchResult:
    accepted: int = 0
    duplicates: int = 0
    leads_created: int = 0
    settle: SettleSummary = field(default_factory=SettleSummary)


def dedupe(ctx: Ctx, events: list[EventIn], result: EventBatchResult) -> list[tuple[int, EventIn]]:
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
    known = events_repo.existing_event_keys(ctx.session, seen)
    fresh = [(k, ev) for k, ev in keyed if k not in known]
    result.duplicates += len(keyed) - len(fresh)
    return fresh


@dataclass
class EventPlan:
    """A batch of events read and scored, ready to be written."""

    result: EventBatchResult
    lead_ids: set[int] = field(default_factory=set)
    rows: list[dict[str, Any]] = field(default_factory=list)  # the event rows to insert
    scored: Scored = field(default_factory=Scored)


def record_events(ctx: Ctx, events: list[EventIn], *, source: str = "csv") -> EventBatchResult:
    plan = plan_events(ctx, events, source=source)
    assert plan is not None  # leads it does not know, it creates
    return write_events(ctx, plan)


def plan_events(
    ctx: Ctx, events: list[EventIn], *, source: str, create: bool = True
) -> EventPlan | None:
    """Reads the leads and states the events touch and scores them; writes only the leads it
    creates. Without `create` it writes and locks nothing (a read transaction may run it), and
    is None when an event names a lead that does not exist yet."""
    result = EventBatchResult()
    fresh = dedupe(ctx, events, result)
    if not fresh:
        return EventPlan(result)

    ids, result.leads_created = identities.resolve(
        ctx.session,
        (ev.identity for _, ev in fresh),
        create=create,
        now=ctx.now,
        source=f"{source} event",
    )
    if not create and any(ev.identity.key not in ids for _, ev in fresh):
        return None
    lead_ids = {ids[ev.identity.key] for _, ev in fresh}
    # locked before the states are read (see storage/repositories/locks), unless only planned
    work = lead_work(ctx, lead_ids, lock=create, whole_rows=False)
    states = {item.lead.id: item.state for item in work}

    rows = []
    late: set[int] = set()  # leads given an event older than one they had: fold them in order
    for key, ev in sorted(fresh, key=lambda kv: kv[1].occurred_at):
        lead_id = ids[ev.identity.key]
        t = to_epoch(ev.occurred_at)
        if fold_event(ctx.model, states[lead_id], ev.type, t, ev.properties):
            late.add(lead_id)
        rows.append(
            {
                "lead_id": lead_id,
                "type": ev.type,
                "occurred_at": ev.occurred_at,
                "properties": ev.properties,
                "idempotency_key": key,
                "source": source,
                "received_at": ctx.now,
            }
        )
    if late:
        refold_in_time_order(ctx, late, states, rows)
    return EventPlan(result, lead_ids, rows, score_leads(ctx, work))


def write_events(ctx: Ctx, plan: EventPlan) -> EventBatchResult:
    result = plan.result
    if not plan.rows:
        return result
    events_repo.insert_rows(ctx.session, plan.rows)
    result.accepted = len(plan.rows)
    result.settle = write_scored(ctx, plan.scored)
    return result
