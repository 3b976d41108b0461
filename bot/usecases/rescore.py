"""Use case `rescore_all`: bring every lead's score to `now` under the active model.

Leads already scored under the active model decay from their stored state; leads scored under
another version are rebuilt from their events. Each chunk of leads is one transaction.

Scoring is CPU work and the database is not the bottleneck, so a large rescore of a database on
disk runs in one worker process per core, each taking ranges of lead ids.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from bot.usecases.gcpause import paused_gc
from bot.usecases.parallel import gather, url_of, use_workers
from bot.usecases.settle import Ctx, LeadWork, SettleSummary, load_for_rescore, settle
from storage.db import make_engine, session_scope
from storage.repositories import bulk, models

CHUNK = 2000
RANGE = 25_000  # leads per task handed to a worker


def count_leads(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(bulk.LEAD)) or 0)


def rescore_all(engine: Engine, *, now: datetime, actor: str, chunk: int = CHUNK,
                progress: Callable[[int], None] | None = None,
                workers: int | None = None, force: bool = False) -> SettleSummary:
    """Bring every score to `now`. Only leads whose score can have changed are computed (see
    `due`); `force` computes every lead."""
    with session_scope(engine) as session:
        models.ensure_active(session=session, now=now)  # before any worker looks for it
        low, high, count = session.execute(
            select(func.min(bulk.LEAD.c.id), func.max(bulk.LEAD.c.id), func.count())).one()
    if count == 0:
        return SettleSummary()
    workers = use_workers(engine, count, workers)
    if not workers:
        with paused_gc():
            return rescore_range(engine, low, high, now=now, actor=actor, chunk=chunk,
                                 progress=progress, force=force)
    url = url_of(engine)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return gather((pool.submit(_worker, url, start, min(start + RANGE - 1, high), now,
                                   actor, chunk, force)
                       for start in range(low, high + 1, RANGE)), progress)


def _worker(url: str, low: int, high: int, now: datetime, actor: str, chunk: int,
            force: bool) -> tuple[SettleSummary, int]:
    engine = make_engine(url)
    counted: list[int] = []
    try:
        with paused_gc():
            summary = rescore_range(engine, low, high, now=now, actor=actor, chunk=chunk,
                                    progress=counted.append, force=force)
    finally:
        engine.dispose()
    return summary, sum(counted)


def due(version: int, now: datetime) -> Any:
    """Leads whose score may differ at `now`: never scored, scored under another model, holding
    unscored events, or past the moment their score was due to change."""
    s = bulk.SCORE.c
    return or_(s.lead_id.is_(None), s.model_version != version, s.dirty.is_(True),
               and_(s.next_change_at.is_not(None), s.next_change_at <= now))


def rescore_range(engine: Engine, low: int, high: int, *, now: datetime, actor: str,
                  chunk: int = CHUNK, progress: Callable[[int], None] | None = None,
                  force: bool = False) -> SettleSummary:
    """Rescore the leads with ids in [low, high] that are due (all with `force`), a chunk per
    transaction."""
    summary = SettleSummary()
    last_id = low - 1
    while True:
        with session_scope(engine) as session:
            row = models.ensure_active(session=session, now=now)
            assert row.version is not None
            ctx = Ctx(session, models.parsed(row), row.version, now, actor)
            stmt = (select(*bulk.scoring_columns(ctx.model))
                    .select_from(bulk.LEAD.outerjoin(bulk.SCORE,
                                                     bulk.SCORE.c.lead_id == bulk.LEAD.c.id))
                    .where(bulk.LEAD.c.id > last_id, bulk.LEAD.c.id <= high)
                    .order_by(bulk.LEAD.c.id).limit(chunk))
            if not force:
                stmt = stmt.where(due(ctx.version, now))
            leads = list(session.execute(stmt))
            if not leads:
                break
            loaded = load_for_rescore(ctx, [r.id for r in leads])
            part, _ = settle(ctx, [LeadWork(lead, state, has, stored) for lead, (_, state, has,
                                   stored) in zip(leads, loaded, strict=True)])
            summary.add(part)
            last_id = leads[-1].id
        if progress:
            progress(len(leads))
        if len(leads) < chunk:  # the range is done: asking again would scan its rest for nothing
            break
    return summary
