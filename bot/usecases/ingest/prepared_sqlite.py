"""Events scored before the write lock is taken (SQLite).

SQLite has one writer at a time. A request that read and scored its events while it held the
write lock kept every other request waiting for all of that work, so a second worker process
added nothing. Here a request of events alone is read and scored first, in a read transaction
(a WAL reader neither waits for the writer nor holds it up); then, under the write lock, it
checks that nothing it read has changed (the rows and stored states of its leads, the active
model) and only writes. If something did change (another request touched one of its leads in
between), it is applied anew under the lock, as every request was before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.ingest.records import EventIn
from bot.usecases.ingest.apply_calls import CallsResult, IdentifyIn, apply_calls, follow_aliases
from bot.usecases.ingest.record_events import EventPlan, plan_events, write_events
from bot.usecases.lifecycle.scoring_pass import Ctx
from storage.repositories.fingerprints import lead_fingerprints


@dataclass
class Prepared:
    version: int
    plan: EventPlan
    seen: dict[int, tuple[Any, ...]]  # what the plan was computed from, as stored


def prepare(ctx: Ctx, calls: list[IdentifyIn | EventIn], *, source: str = "api") -> Prepared | None:
    """Read and score the calls without writing (`ctx.session`: a read transaction). None when
    they cannot be prepared: an identify among them, or a lead that does not exist yet."""
    if not all(isinstance(c, EventIn) for c in calls):
        return None
    events = [c for c in calls if isinstance(c, EventIn)]
    follow_aliases(ctx, list(calls))
    plan = plan_events(ctx, events, source=source, create=False)
    if plan is None:
        return None
    return Prepared(ctx.version, plan, lead_fingerprints(ctx.session, plan.lead_ids))


def commit(
    ctx: Ctx, calls: list[IdentifyIn | EventIn], prepared: Prepared | None, *, source: str = "api"
) -> CallsResult:
    """Write what was prepared if it still holds (`ctx.session`: a write transaction), else
    apply the calls from the start."""
    if (
        prepared is None
        or prepared.version != ctx.version
        or lead_fingerprints(ctx.session, prepared.plan.lead_ids) != prepared.seen
    ):
        return apply_calls(ctx, calls, source=source)
    res = write_events(ctx, prepared.plan)
    return CallsResult(events=res.accepted, duplicates=res.duplicates, settle=res.settle)
