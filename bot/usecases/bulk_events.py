"""Bulk event import: store events chunk by chunk, settle each lead once at the end.

A file sorted by time touches nearly every lead in every chunk; scoring each lead after each
chunk would cost a score per event. Instead the states are kept in memory across chunks and each
lead is scored once when the file is done. Crash safety comes from the `dirty` mark written with
every chunk of events: a lead whose events were stored but whose score was not is rebuilt from its
events the next time anything scores it (`sdrbot rescore`, another import, the API).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine

from bot.ingest.records import EventIn
from bot.usecases import leads_index
from bot.usecases.record_events import EventBatchResult, dedupe
from bot.usecases.settle import Ctx, LeadWork, SettleSummary, load_states, settle
from scoring.engine import Event, apply_event
from scoring.state import LeadState
from storage.db import session_scope
from storage.repositories import bulk, models

SETTLE_CHUNK = 2000


class EventImport:
    def __init__(self, *, now: datetime, actor: str, source: str = "csv") -> None:
        self.now = now
        self.actor = actor
        self.source = source
        self.states: dict[int, LeadState] = {}
        self.rebuild: set[int] = set()  # leads of a chunk the database refused
        self.has_score: set[int] = set()
        self._pending: set[int] = set()
        self.lead_ids: dict[str, int] = {}  # identity key -> lead id, for this import
        self._new_keys: list[str] = []

    def add(self, ctx: Ctx, events: list[EventIn]) -> EventBatchResult:
        """Store one chunk of events (in the caller's transaction) and fold them into the states."""
        result = EventBatchResult()
        fresh = dedupe(ctx, events, result)
        if not fresh:
            return result
        ids = self.lead_ids
        unknown = {ev.identity.key: ev.identity for _, ev in fresh if ev.identity.key not in ids}
        if unknown:
            found, result.leads_created = leads_index.resolve(
                ctx.session, unknown.values(), create=True, now=ctx.now,
                source=f"{self.source} event")
            ids.update(found)
            self._new_keys = list(found)
        else:
            self._new_keys = []
        touched = {ids[ev.identity.key] for _, ev in fresh}
        self._pending = touched
        unseen = [i for i in touched if i not in self.states]
        if unseen:
            states, scored = load_states(ctx, unseen)
            self.states.update(states)
            self.has_score |= scored
        rows = []
        for key, ev in fresh:
            lead_id = ids[ev.identity.key]
            apply_event(ctx.model, self.states[lead_id],
                        Event(ev.type, ev.occurred_at, ev.properties))
            rows.append({"lead_id": lead_id, "type": ev.type, "occurred_at": ev.occurred_at,
                         "properties": ev.properties, "idempotency_key": key,
                         "source": self.source, "received_at": ctx.now})
        bulk.fast_insert(ctx.session, bulk.EVENT, rows)
        # a lead stays dirty until finish() scores it: marking it once, at first touch, is enough
        for part in bulk.chunks(sorted(unseen)):
            ctx.session.execute(update(bulk.SCORE).where(bulk.SCORE.c.lead_id.in_(part))
                                .values(dirty=True))
        result.accepted = len(rows)
        return result

    def rolled_back(self) -> None:
        """The last chunk's transaction failed: its leads' states in memory are wrong now."""
        for lead_id in self._pending:
            self.states.pop(lead_id, None)
        self.rebuild |= self._pending
        self._pending = set()
        for key in self._new_keys:  # the leads this chunk created may be gone with it
            self.lead_ids.pop(key, None)
        self._new_keys = []

    def finish(self, engine: Engine, progress: Callable[[int], None] | None = None
               ) -> SettleSummary:
        """Score every touched lead once; each chunk of leads is one transaction."""
        summary = SettleSummary()
        ids = sorted(set(self.states) | self.rebuild)
        for part in bulk.chunks(ids, SETTLE_CHUNK):
            with session_scope(engine) as session:
                row = models.ensure_active(session=session, now=self.now)
                assert row.version is not None
                ctx = Ctx(session, models.parsed(row), row.version, self.now, self.actor)
                leads = bulk.lead_rows(session, part)
                missing = [i for i in part if i not in self.states and i in leads]
                states, scored = self.states, self.has_score
                if missing:  # refused chunks: start again from what is stored
                    rebuilt, also = load_states(ctx, missing)
                    states, scored = {**states, **rebuilt}, scored | also
                work = [LeadWork(leads[i], states[i], i in scored) for i in part if i in leads]
                summary.add(settle(ctx, work)[0])
            if progress:
                progress(len(part))
        self.states.clear()
        self.rebuild.clear()
        self.has_score.clear()
        return summary
