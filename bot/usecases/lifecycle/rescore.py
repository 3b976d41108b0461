"""Use case `rescore_all`: bring every lead's score to `now` under the active model.

Leads already scored under the active model decay from their stored state; leads scored under
another version are rebuilt from their events. Each chunk of leads is one transaction.

Scoring is CPU work and the database is not the bottleneck, so a large rescore of a database on
disk runs in one worker process per core, each taking ranges of lead ids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.usecases.imports.gc_pause import paused_gc
from bot.usecases.lifecycle.context import open_ctx
from bot.usecases.lifecycle.parallel_scoring import (
    gather,
    use_workers,
    worker_engine,
    worker_pool,
)
from bot.usecases.lifecycle.scoring_pass import (
    LeadWork,
    SettleSummary,
    load_for_rescore,
    settle,
)
from scoring.expiry import Expiry
from storage.db import session_scope
from storage.repositories import leads as leads_repo
from storage.repositories import model_versions
from storage.repositories.scores import due_lead_ids, lead_extent, mqls_below_the_bar

CHUNK = 2000
RANGE = 25_000  # leads per task handed to a worker


def count_leads(engine: Engine) -> int:
    with session_scope(engine) as session:
        return leads_repo.count_leads(session)


def rescore_all(
    engine: Engine,
    *,
    now: datetime,
    actor: str,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    force: bool = False,
    hold_alerts: bool = False,
    expiry: Expiry = Expiry(),
    locale: str = "en",
) -> SettleSummary:
    """Bring every score to `now`. Only leads whose score can have changed are computed (see
    `due_lead_ids` in storage/repositories/scores.py), and MQLs below the bar, which `expiry`
    (the config's `[expiry]`; by default at once, without margin) may move back to nurturing;
    `force` computes every lead. `hold_alerts`: new MQLs get no alert yet (their transitions
    say so); the caller announces them (bot/usecases/learning/announce.py)."""
    # the whole run: a collection in this process before the workers start (the model just
    # parsed, say) walked everything it holds, 50 ms on the path of the daily expiry
    with paused_gc():
        with session_scope(engine) as session:
            model_versions.active_model(session=session, now=now)  # parsed: the workers inherit it
            low, high = lead_extent(session)
        if low is None or high is None:
            return SettleSummary()
        return _rescore(
            engine,
            low,
            high,
            progress,
            workers,
            options={
                "now": now,
                "actor": actor,
                "chunk": chunk,
                "force": force,
                "hold_alerts": hold_alerts,
                "expiry": expiry,
                "locale": locale,
            },
        )


def _rescore(
    engine: Engine,
    low: int,
    high: int,
    progress: Callable[[int], None] | None,
    workers: int | None,
    options: dict[str, Any],
) -> SettleSummary:
    # ids are handed out in order, so the span is about the number of leads
    workers = use_workers(engine, high - low + 1, workers)
    if not workers:
        return rescore_range(engine, low, high, progress=progress, **options)
    with worker_pool(engine, workers) as pool:
        return gather(
            (
                pool.submit(_worker, start, min(start + RANGE - 1, high), options)
                for start in range(low, high + 1, RANGE)
            ),
            progress,
        )


def _worker(low: int, high: int, options: dict[str, Any]) -> tuple[SettleSummary, int]:
    """One range in a worker process; `options` are rescore_range's keyword arguments."""
    counted: list[int] = []
    with paused_gc():
        summary = rescore_range(worker_engine(), low, high, progress=counted.append, **options)
    return summary, sum(counted)


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
    hold_alerts: bool = False,
    expiry: Expiry = Expiry(),
    locale: str = "en",
) -> SettleSummary:
    """Rescore the leads with ids in [low, high] that are due (all with `force`), a chunk per
    transaction."""
    summary = SettleSummary()
    with session_scope(engine) as session:
        version, _ = model_versions.active_model(session=session, now=now)
        # only the leads whose score can have changed (see storage/repositories/scores.py)
        ids = due_lead_ids(session, low, high, version=version, now=now, force=force)
        if not force:
            ids = sorted(set(ids).union(mqls_below_the_bar(session, low, high)))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with session_scope(engine) as session:
            ctx = open_ctx(
                session, now=now, actor=actor, hold_alerts=hold_alerts, expiry=expiry, locale=locale
            )
            rows = leads_repo.scoring_rows(session, part, ctx.model)
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
