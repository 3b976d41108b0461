"""Row locks that keep two transactions from folding events into one lead's state at once.

Each reads the stored state, adds its events and writes the state back; without a lock the
second write would drop the first one's events from the score. PostgreSQL locks the lead rows
(in id order, so two batches cannot deadlock on each other); SQLite has a single writer and
needs its write transactions to start with BEGIN IMMEDIATE instead (storage/sqlite_write_lock.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from storage.fastwrite import chunks, member_of
from storage.tables.handles import LEAD


def lock_leads(session: Session, lead_ids: Iterable[int]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted(set(lead_ids))
    for part in chunks(ids):
        session.execute(
            select(LEAD.c.id)
            .where(member_of(session, LEAD.c.id, part))
            .order_by(LEAD.c.id)
            .with_for_update()
        )
