"""Fold a lead's events again in time order when one arrived after a later one.

Whether an event added points (what lets a recycled lead return, docs/scoring.md) is judged
over the events in time order. The engine can judge an event that arrives in order from the
state alone; for one that arrives late it says so, and the lead's stored events and the new ones
are folded again in time order, so the state is the same whatever order the events came in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.usecases.lifecycle.context import Ctx
from scoring.engine import fold_event, to_epoch
from scoring.state import LeadState
from storage.repositories import events as events_repo


def refold_in_time_order(
    ctx: Ctx,
    lead_ids: Iterable[int],
    states: dict[int, LeadState],
    rows: list[dict[str, Any]],
) -> None:
    """Replace, in place, the states of `lead_ids` by their stored events and the not yet
    stored event `rows` folded in time order (the objects stay, so work items keep them)."""
    ids = sorted(lead_ids)
    wanted = set(ids)
    pending: dict[int, list[tuple[float, str, dict[str, Any]]]] = {i: [] for i in ids}
    for lead_id, kind, at, props in events_repo.events_in_order(ctx.session, ids):
        pending[lead_id].append((to_epoch(at), kind, props or {}))
    for row in rows:
        if row["lead_id"] in wanted:
            pending[row["lead_id"]].append(
                (to_epoch(row["occurred_at"]), row["type"], row["properties"] or {})
            )
    for lead_id, events in pending.items():
        fresh = LeadState()
        for t, kind, props in sorted(events, key=lambda e: e[0]):
            fold_event(ctx.model, fresh, kind, t, props)
        target = states[lead_id]
        target.rules, target.last_event = fresh.rules, fresh.last_event
        target.last_positive, target.fast_track = fresh.last_positive, fresh.fast_track
