"""MQLs whose alert was held for a summary: a model change that made many MQLs at once
announces them in one message, and such a lead has no alert of its own to update later."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.tables.handles import OUTBOX, TRANSITION

HELD = "alert"
HELD_VALUE = "held for a summary"
ALERT_KIND = "slack.alert"
CHUNK = 2000


def without_alert(session: Session, lead_ids: Iterable[int]) -> set[int]:
    """Of these leads, those whose latest MQL was held for a summary and got no alert since."""
    wanted = sorted(set(lead_ids))
    held: dict[int, datetime] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = session.execute(
            select(TRANSITION.c.lead_id, TRANSITION.c.details, TRANSITION.c.at)
            .where(TRANSITION.c.to_status == "mql", TRANSITION.c.lead_id.in_(chunk))
            .order_by(TRANSITION.c.lead_id, TRANSITION.c.at, TRANSITION.c.id)
        )
        latest: dict[int, tuple[Any, datetime]] = {lead: (d, at) for lead, d, at in rows}
        held.update(
            {lead: at for lead, (d, at) in latest.items() if (d or {}).get(HELD) == HELD_VALUE}
        )
    if not held:
        return set()
    alerted: set[int] = set()
    ids = sorted(held)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for lead, created in session.execute(
            select(OUTBOX.c.lead_id, OUTBOX.c.created_at).where(
                OUTBOX.c.kind == ALERT_KIND, OUTBOX.c.lead_id.in_(chunk)
            )
        ):
            if created >= held[lead]:
                alerted.add(lead)
    return set(held) - alerted


def held_by(session: Session, actor: str) -> list[tuple[int, datetime, Any]]:
    """The MQLs a model change (its actor) held the alerts of: lead, when, details."""
    rows = session.execute(
        select(TRANSITION.c.lead_id, TRANSITION.c.at, TRANSITION.c.details)
        .where(
            TRANSITION.c.to_status == "mql",
            TRANSITION.c.actor == actor,
        )
        .order_by(TRANSITION.c.lead_id)
    )
    return [(lead, at, d) for lead, at, d in rows if (d or {}).get(HELD) == HELD_VALUE]
