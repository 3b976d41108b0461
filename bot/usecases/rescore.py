"""Use case `rescore_all`: bring every lead's score to `now` under the active model.

Leads already scored under the active model decay from their stored state; leads scored under
another version are rebuilt from their events. Each chunk of leads is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.usecases.settle import Ctx, LeadWork, SettleSummary, load_states, settle
from storage.db import session_scope
from storage.repositories import bulk, models

CHUNK = 2000


def count_leads(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(bulk.LEAD)) or 0)


def rescore_all(engine: Engine, *, now: datetime, actor: str, chunk: int = CHUNK,
                progress: Callable[[int], None] | None = None) -> SettleSummary:
    summary = SettleSummary()
    last_id = 0
    while True:
        with session_scope(engine) as session:
            row = models.ensure_active(session=session, now=now)
            assert row.version is not None
            ctx = Ctx(session, models.parsed(row), row.version, now, actor)
            leads = list(session.execute(select(bulk.LEAD).where(bulk.LEAD.c.id > last_id)
                                         .order_by(bulk.LEAD.c.id).limit(chunk)))
            if not leads:
                break
            states, has_score = load_states(ctx, [r.id for r in leads])
            part, _ = settle(ctx, [LeadWork(r, states[r.id], r.id in has_score) for r in leads])
            summary.add(part)
            last_id = leads[-1].id
        if progress:
            progress(len(leads))
    return summary
