"""What a lead's scoring depends on, as stored: to tell whether it changed since it was read.

A request that scores its events before it takes the write lock
(bot/usecases/ingest/prepared_sqlite.py) reads these twice, first with what it scores and then
under the lock; if they differ, another writer touched one of its leads in between and it starts
over.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from storage.fastwrite import chunks
from storage.tables.handles import LEAD, SCORE


def lead_fingerprints(session: Session, lead_ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """Lead id → its whole lead row and its stored state (model version, dirty mark, state),
    as the driver returns them: no type conversion, only equality matters."""
    ids = sorted(set(lead_ids))
    mark = "?" if session.get_bind().dialect.name == "sqlite" else "%s"
    conn = session.connection()
    found: dict[int, tuple[Any, ...]] = {}
    for part in chunks(ids):
        sql = (
            f"SELECT l.id, l.*, s.model_version, s.dirty, s.state FROM {LEAD.name} AS l "
            f"LEFT JOIN {SCORE.name} AS s ON s.lead_id = l.id "
            f"WHERE l.id IN ({', '.join([mark] * len(part))})"
        )
        for row in conn.exec_driver_sql(sql, tuple(part)):
            found[row[0]] = tuple(row)
    return found
