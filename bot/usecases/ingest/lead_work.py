"""The leads a batch touched as settle takes them: their rows and their current states."""

from __future__ import annotations

from collections.abc import Collection

from bot.usecases.lifecycle.context import Ctx
from bot.usecases.lifecycle.scoring_pass import LeadWork, SettleSummary, load_states, settle
from storage.repositories import leads


def lead_work(
    ctx: Ctx, lead_ids: Collection[int], *, lock: bool = False, whole_rows: bool = True
) -> list[LeadWork]:
    """The leads in the order of `lead_ids`, every one of which must exist.

    The rows are read first: with `lock` (PostgreSQL) they are locked before their states are
    read (storage/repositories/locks.py). Without `whole_rows`, only the columns scoring under
    the active model reads."""
    if whole_rows:
        rows = leads.lead_rows(ctx.session, lead_ids, lock=lock)
    else:
        rows = leads.scoring_rows(ctx.session, lead_ids, ctx.model, lock=lock)
    states, has_score = load_states(ctx, lead_ids)
    return [LeadWork(rows[i], states[i], i in has_score) for i in lead_ids]


def settle_leads(ctx: Ctx, lead_ids: Collection[int]) -> SettleSummary:
    """Score the leads as they are stored now and write what follows (scores, transitions,
    alerts), in the caller's transaction."""
    summary, _ = settle(ctx, lead_work(ctx, lead_ids))
    return summary
