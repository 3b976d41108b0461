"""Delivery ids of API calls that store no event (table ingest_message)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.tables.handles import MESSAGE


def key_of(kind: str, message_id: str) -> int:
    digest = hashlib.blake2b(f"{kind}\x1f{message_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def first_time(session: Session, kind: str, message_id: str, *, now: datetime) -> bool:
    """Record the delivery id; False when it was recorded before (a repeated delivery).

    Recorded in the caller's transaction: a request that fails leaves no trace, and of two
    concurrent copies the second waits for the first and then finds it.
    """
    dialect = session.get_bind().dialect.name
    ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(MESSAGE).values(
        key=key_of(kind, message_id), kind=kind, received_at=now
    )
    # RETURNING, not rowcount: psycopg reports no row count for this statement here
    stmt = ins.on_conflict_do_nothing(index_elements=["key"]).returning(MESSAGE.c.key)
    return session.execute(stmt).first() is not None
