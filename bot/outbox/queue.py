"""Queue messages in the caller's transaction: they are sent only if it commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from bot.outbox.messages import Message
from storage.repositories import outbox


def queue(session: Session, messages: Iterable[Message], *, now: datetime) -> int:
    """Write each message as a pending outbox row, due now; a message whose cause was queued
    before (same dedupe key) is left out. Returns how many were handed to the database."""
    rows = [
        outbox.new_row(m.kind, m.lead_id, m.dedupe_key(), m.payload(), now=now) for m in messages
    ]
    outbox.insert(session, rows)
    return len(rows)
