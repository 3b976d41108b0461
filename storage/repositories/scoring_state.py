"""What a scoring pass reads and writes of a lead's scoring state: the stored events a state is
rebuilt from, and the score rows that hold the state with its score."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.repositories.bulk import EVENT, SCORE, chunks, fast_insert, member_of, update_many


def events_in_order(
    session: Session, lead_ids: Sequence[int]
) -> Iterator[tuple[int, str, datetime, dict[str, Any] | None]]:
    """(lead id, type, occurred_at, properties) of the leads' events, each lead's in time order."""
    for part in chunks(lead_ids):
        stmt = (
            select(EVENT.c.lead_id, EVENT.c.type, EVENT.c.occurred_at, EVENT.c.properties)
            .where(member_of(session, EVENT.c.lead_id, part))
            .order_by(EVENT.c.lead_id, EVENT.c.occurred_at)
        )
        yield from session.execute(stmt)


def insert_scores(session: Session, rows: list[dict[str, Any]]) -> None:
    """New lead_score rows, through the driver (a rescore writes thousands)."""
    fast_insert(session, SCORE, rows)


def update_scores(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rewrite the given columns of lead_score rows, keyed by `lead_id`."""
    update_many(session, SCORE, "lead_id", rows)
