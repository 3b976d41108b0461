"""Bulk event import: store events chunk by chunk, settle each lead once at the end.

A file sorted by time touches nearly every lead in every chunk; scoring each lead after each
chunk would cost a score per event. Instead the states are kept in memory across chunks and each
lead is scored once when the file is done, in worker processes when there are many. Crash safety
comes from the `dirty` mark written when a chunk first touches a lead: a lead whose events were
stored but whose score was not is rebuilt from its events the next time anything scores it
(`sdrbot rescore`, another import, the API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.engine import Engine

from bot.ingest.records import EventIn
from bot.usecases.imports.gc_pause import paused_gc
from bot.usecases.ingest import identities
from bot.usecases.ingest.record_events import EventBatchResult
from bot.usecases.lifecycle.context import Ctx, open_ctx
from bot.usecases.lifecycle.parallel_scoring import (
    gather,
    use_workers,
    worker_engine,
    worker_pool,
)
from bot.usecases.lifecycle.scoring_pass import LeadWork, SettleSummary, load_states, settle
from scoring.engine import fold_event
from scoring.state import LeadState
from storage.db import session_scope
from storage.repositories import events as events_repo
from storage.repositories import leads as leads_repo
from storage.repositories import scores

SETTLE_CHUNK = 2000
TASK = 10_000  # leads per task handed to a worker process


@dataclass
class Chunk:
    """What one chunk did to the import's memory, so that a chunk whose transaction fails can be
    forgotten again; filled in as it becomes known, so that a failure half-way forgets enough."""

    result: EventBatchResult = field(default_factory=EventBatchResult)
    keys: list[int] = field(default_factory=list)  # idempotency keys it claimed
    new_keys: list[str] = field(default_factory=list)  # identity keys of the leads it created
    leads: set[int] = field(default_factory=set)  # leads whose states it loaded or folded into
    unseen: list[int] = field(default_factory=list)  # leads it gave their first new event: dirty
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # the events to store


class EventImport:
    def __init__(self, *, now: datetime, actor: str, source: str = "csv") -> None:
        self.now = now
        self.actor = actor
        self.source = source
        self.states: dict[int, LeadState] = {}
        self.rebuild: set[int] = set()  # leads of a chunk the database refused
        self.has_score: set[int] = set()
        self.lead_ids: dict[str, int] = {}  # identity key -> lead id, for this import
        self.keys: set[int] = set()  # idempotency keys seen in this import
        self.prior: set[int] = set()  # leads that had events before this import
        # leads that got new events: marked dirty when the first one is stored, scored at the
        # end; a lead whose events were all stored already is left as it is
        self.changed: set[int] = set()
        self.last: Chunk | None = None  # the chunk prepared last
        # leads given an event older than one folded before it: whether it added points is
        # judged in time order, so finish() folds their stored events again
        self.late: set[int] = set()

    def add(self, ctx: Ctx, events: list[EventIn]) -> EventBatchResult:
        """Store one chunk of events (in the caller's transaction) and fold them into the states."""
        chunk = self.prepare(ctx, events)
        self.write(ctx, chunk)
        return chunk.result

    def prepare(self, ctx: Ctx, events: list[EventIn], chunk: Chunk | None = None) -> Chunk:
        """Everything of `add` but the writing of the events and dirty marks: find or create the
        leads, skip known events, fold the new ones into the states (into `chunk`, if given)."""
        chunk = self.last = chunk or Chunk()
        result = chunk.result
        keyed = []
        for ev in events:
            ev.keep_properties_json()
            key = ev.idempotency_key()
            if key in self.keys:
                result.duplicates += 1
            else:
                self.keys.add(key)
                keyed.append((key, ev))
        chunk.keys = [k for k, _ in keyed]
        if not keyed:
            return chunk
        ids = self.lead_ids
        unknown = {ev.identity.key: ev.identity for _, ev in keyed if ev.identity.key not in ids}
        if unknown:
            found, result.leads_created = identities.resolve(
                ctx.session,
                unknown.values(),
                create=True,
                now=ctx.now,
                source=f"{self.source} event",
            )
            ids.update(found)
            chunk.new_keys = list(found)
        touched = chunk.leads = {ids[ev.identity.key] for _, ev in keyed}
        unseen = sorted(i for i in touched if i not in self.states)
        if unseen:
            states, scored = load_states(ctx, unseen)
            self.states.update(states)
            self.has_score |= scored
            self.prior.update(i for i in unseen if states[i].last_event is not None)
        # only a lead that had events before this import can have one of these stored already;
        # repeats within the import are caught by self.keys
        prior = self.prior
        suspects = [k for k, ev in keyed if ids[ev.identity.key] in prior]
        known = events_repo.existing_event_keys(ctx.session, suspects) if suspects else set()
        model, states_, source, late = ctx.model, self.states, self.source, self.late
        rows = chunk.rows
        for key, ev in keyed:
            if key in known:
                result.duplicates += 1
                continue
            lead_id = ids[ev.identity.key]
            if fold_event(
                model, states_[lead_id], ev.type, ev.occurred_at.timestamp(), ev.properties
            ):
                late.add(lead_id)
            rows.append((lead_id, ev.type, ev.occurred_at, ev.properties_json(), key, source))
        result.accepted = len(rows)
        fresh = {row[0] for row in rows} - self.changed
        chunk.unseen = sorted(fresh)
        self.changed |= fresh
        return chunk

    def write(self, ctx: Ctx, chunk: Chunk) -> None:
        """Store a prepared chunk's events and mark its new leads dirty (the caller's transaction).

        Reads nothing of this object but the chunk: it may run in another thread while the next
        chunk is prepared."""
        events_repo.insert_events(ctx.session, chunk.rows, received_at=ctx.now)
        # a lead stays dirty until finish() scores it: marking it at its first new event is enough
        scores.mark_dirty(ctx.session, chunk.unseen)

    def rolled_back(self, chunk: Chunk | None = None) -> None:
        """A chunk's transaction failed (by default the last one prepared): the states in memory
        of its leads are wrong now, and the leads it created may be gone with it."""
        chunk = chunk or self.last
        if chunk is None:
            return
        for lead_id in chunk.leads:
            self.states.pop(lead_id, None)
            self.prior.discard(lead_id)
        self.rebuild |= chunk.leads
        self.changed.difference_update(chunk.unseen)  # their dirty marks were rolled back too
        for key in chunk.new_keys:
            self.lead_ids.pop(key, None)
        self.keys.difference_update(chunk.keys)
        chunk.leads, chunk.new_keys, chunk.keys, chunk.unseen = set(), [], [], []

    def finish(
        self, engine: Engine, progress: Callable[[int], None] | None = None
    ) -> SettleSummary:
        """Score every touched lead once; each chunk of leads is one transaction."""
        ids = sorted(self.changed | self.rebuild)
        for lead_id in self.late:  # stored and marked dirty: rebuilt from their events
            self.states.pop(lead_id, None)
        try:
            workers = use_workers(engine, len(ids))
            if not workers:
                return settle_in_chunks(
                    engine,
                    ids,
                    self.states,
                    self.has_score,
                    now=self.now,
                    actor=self.actor,
                    progress=progress,
                )
            with worker_pool(engine, workers) as pool:
                futures = []
                for start in range(0, len(ids), TASK):
                    part = ids[start : start + TASK]
                    # states travel as JSON: compact, and the workers need no pickled classes
                    payload = orjson.dumps(
                        {str(i): self.states[i].to_json() for i in part if i in self.states}
                    )
                    futures.append(
                        pool.submit(
                            _settle_worker,
                            part,
                            payload,
                            [i for i in part if i in self.has_score],
                            self.now,
                            self.actor,
                        )
                    )
                return gather(futures, progress)
        finally:
            self.states.clear()
            self.rebuild.clear()
            self.late.clear()
            self.has_score.clear()
            self.changed.clear()


def settle_in_chunks(
    engine: Engine,
    ids: list[int],
    states: dict[int, LeadState],
    has_score: set[int],
    *,
    now: datetime,
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> SettleSummary:
    """Score the given leads from the given states (rebuilding the ones missing from events),
    a transaction per chunk of leads."""
    summary = SettleSummary()
    for start in range(0, len(ids), SETTLE_CHUNK):
        part = ids[start : start + SETTLE_CHUNK]
        with session_scope(engine) as session:
            ctx = open_ctx(session, now=now, actor=actor)
            leads = leads_repo.scoring_rows(session, part, ctx.model)
            missing = [i for i in part if i not in states and i in leads]
            these, scored = states, has_score
            if missing:  # refused chunks: start again from what is stored
                rebuilt, also = load_states(ctx, missing)
                these, scored = {**states, **rebuilt}, scored | also
            work = [LeadWork(leads[i], these[i], i in scored) for i in part if i in leads]
            summary.add(settle(ctx, work)[0])
        if progress:
            progress(len(part))
    return summary


def _settle_worker(
    ids: list[int], payload: bytes, has_score: list[int], now: datetime, actor: str
) -> tuple[SettleSummary, int]:
    with paused_gc():
        states = {int(k): LeadState.from_json(v) for k, v in orjson.loads(payload).items()}
        summary = settle_in_chunks(
            worker_engine(), ids, states, set(has_score), now=now, actor=actor
        )
        return summary, len(ids)
