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

from sqlalchemy import func, or_, select, text, union
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.usecases.imports.gc_pause import paused_gc
from bot.usecases.lifecycle.context import open_ctx
from bot.usecases.lifecycle.parallel_scoring import gather, url_of, use_workers
from bot.usecases.lifecycle.scoring_pass import (
    LeadWork,
    SettleSummary,
    load_for_rescore,
    settle,
)
from storage.db import make_engine, session_scope
from storage.repositories import bulk, model_versions

CHUNK = 2000
RANGE = 25_000  # leads per task handed to a worker


def count_leads(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(bulk.LEAD)) or 0)


def rescore_all(
    engine: Engine,
    *,
    now: datetime,
    actor: str,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    force: bool = False,
) -> SettleSummary:
    """Bring every score to `now`. Only leads whose score can have changed are computed (see
    `due`); `force` computes every lead."""
    with session_scope(engine) as session:
        model_versions.ensure_active(session=session, now=now)  # before any worker looks for it
        low, high, count = session.execute(
            select(func.min(bulk.LEAD.c.id), func.max(bulk.LEAD.c.id), func.count())
        ).one()
    if count == 0:
        return SettleSummary()
    workers = use_workers(engine, count, workers)
    if not workers:
        with paused_gc():
            return rescore_range(
                engine, low, high, now=now, actor=actor, chunk=chunk, progress=progress, force=force
            )
    url = url_of(engine)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return gather(
            (
                pool.submit(
                    _worker, url, start, min(start + RANGE - 1, high), now, actor, chunk, force
                )
                for start in range(low, high + 1, RANGE)
            ),
            progress,
        )


def _worker(
    url: str, low: int, high: int, now: datetime, actor: str, chunk: int, force: bool
) -> tuple[SettleSummary, int]:
    engine = make_engine(url)
    counted: list[int] = []
    try:
        with paused_gc():
            summary = rescore_range(
                engine,
                low,
                high,
                now=now,
                actor=actor,
                chunk=chunk,
                progress=counted.append,
                force=force,
            )
    finally:
        engine.dispose()
    return summary, sum(counted)


def due_ids(
    session: Session, low: int, high: int, *, version: int, now: datetime, force: bool = False
) -> list[int]:
    """The ids in [low, high] of the leads whose score may differ at `now`, in order: never
    scored, scored under another model, holding unscored events, or past the moment their
    score was due to change (every lead with `force`)."""
    ld, sc = bulk.LEAD.c, bulk.SCORE.c
    if force:
        return list(session.scalars(select(ld.id).where(ld.id.between(low, high)).order_by(ld.id)))
    never = (
        select(ld.id)
        .select_from(bulk.LEAD.outerjoin(bulk.SCORE, sc.lead_id == ld.id))
        .where(ld.id.between(low, high))
    )
    if session.get_bind().dialect.name != "postgresql":
        # SQLite walks the join in-process in a few milliseconds; the indexes PostgreSQL needs
        # here would cost it a tenth of its import speed (storage/tables/scores.py)
        return list(
            session.scalars(
                never.where(
                    or_(
                        sc.lead_id.is_(None),
                        sc.model_version != version,
                        sc.dirty.is_(True),
                        sc.next_change_at <= now,
                    )
                ).order_by(ld.id)
            )
        )
    # On PostgreSQL a condition on the join visits every lead of the range, a round of index
    # lookups each; every kind is its own indexed lookup instead. The estimate of the union
    # reaches the JIT threshold, and compiling it would cost more than the lookups.
    session.execute(text("SET LOCAL jit = off"))
    scored = sc.lead_id.between(low, high)
    parts = union(
        select(sc.lead_id).where(scored, sc.model_version == version, sc.next_change_at <= now),
        select(sc.lead_id).where(
            scored, or_(sc.model_version < version, sc.model_version > version)
        ),
        select(sc.lead_id).where(scored, sc.dirty == True),  # noqa: E712 (the index's form)
        never.where(sc.lead_id.is_(None)),
    )
    return sorted(session.scalars(parts))


def rescore_range(
    engine: Engine,
    low: int,
    high: int,
    *,
    now: datetime,
    actor: str,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> SettleSummary:
    """Rescore the leads with ids in [low, high] that are due (all with `force`), a chunk per
    transaction."""
    summary = SettleSummary()
    with session_scope(engine) as session:
        version, _ = model_versions.active_model(session=session, now=now)
        ids = due_ids(session, low, high, version=version, now=now, force=force)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with session_scope(engine) as session:
            ctx = open_ctx(session, now=now, actor=actor)
            rows = bulk.lead_rows(session, part, bulk.scoring_columns(ctx.model))
            leads = [rows[i] for i in part if i in rows]  # a lead deleted since is skipped
            # a lead is due because its score moves: comparing with the stored one only pays
            # when every lead is computed
            loaded = load_for_rescore(ctx, [r.id for r in leads], compare=force)
            done, _ = settle(
                ctx,
                [
                    LeadWork(lead, state, has, stored)
                    for lead, (_, state, has, stored) in zip(leads, loaded, strict=True)
                ],
            )
            summary.add(done)
        if progress:
            progress(len(part))
    return summary
