"""Calls of a batch that could not be stored are kept, not lost: with the call as sent, the
reason and the key that sent it (table ingest_rejected), for `sdrbot ingest rejected` to list,
`sdrbot doctor` to warn of and `sdrbot ingest replay` to retry after a fix.

Reading a stored call back into an identify or a track is the HTTP door's work (its schemas and
conversions); `replay` takes it as `parse`, so this use case imports no door.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.ingest.records import EventIn
from bot.usecases.ingest.apply_calls import IdentifyIn
from storage.db import session_scope
from storage.repositories import rejected as repo
from storage.repositories.rejected import NewRejection

Errors = list[tuple[str, str]]  # (field, message)


@dataclass
class Rejection:
    index: int  # the call's place in its batch
    raw: Any  # the call as sent
    envelope: dict[str, Any] | None  # the batch's context and sentAt, which the call inherits
    errors: Errors


@dataclass(frozen=True)
class Stored:
    """A kept call as the doors see it."""

    id: int
    received_at: datetime
    key_name: str
    raw: Any
    envelope: dict[str, Any] | None
    errors: Errors
    replayed_at: datetime | None


class CallRejected(ValueError):
    """What `parse` raises for a call it cannot read: the errors to keep."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


def reason_text(errors: Errors) -> str:
    return json.dumps([{"field": f, "message": m} for f, m in errors], ensure_ascii=False)


def keep(session: Any, rejections: Sequence[Rejection], *, key: str, now: datetime) -> list[int]:
    """Keep the rejected calls in the caller's transaction; their ids, in order."""
    rows = [
        NewRejection(
            json.dumps(r.raw, ensure_ascii=False),
            None if r.envelope is None else json.dumps(r.envelope, ensure_ascii=False),
            reason_text(r.errors),
        )
        for r in rejections
    ]
    return repo.add(session, rows, key_name=key, now=now)


def _stored(row: Any) -> Stored:
    return Stored(
        row.id,
        row.received_at,
        row.key_name,
        json.loads(row.raw),
        None if row.envelope is None else json.loads(row.envelope),
        [(e["field"], e["message"]) for e in json.loads(row.reason)],
        row.replayed_at,
    )


def listing(engine: Engine, *, ids: Sequence[int] = (), every: bool = False) -> list[Stored]:
    """The given calls, or those not replayed yet (with `every`, all), oldest first."""
    with session_scope(engine) as s:
        return [_stored(r) for r in repo.listing(s, ids=ids, open_only=not every)]


def open_count(engine: Engine) -> tuple[int, datetime | None]:
    """How many calls wait for a replay, and when the newest of them arrived."""
    with session_scope(engine) as s:
        return repo.count_open(s)


@dataclass
class ReplayReport:
    stored: list[int] = field(default_factory=list)
    still: dict[int, Errors] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)  # replayed before, or no such id


Parse = Callable[[Stored], IdentifyIn | EventIn | None]
# stores the calls under the key, running the callback in the same transaction
Store = Callable[[list[IdentifyIn | EventIn], str, Callable[[Any], None]], None]


def replay(
    engine: Engine,
    ids: Sequence[int],
    *,
    parse: Parse,
    store: Store,
    now: datetime,
) -> ReplayReport:
    """Read each kept call again (`parse`, with today's config) and `store` it under the key
    that sent it; a call that still fails keeps its latest reason. Without ids, every call not
    replayed yet."""
    report = ReplayReport()
    rows = listing(engine, ids=ids)
    found = {r.id for r in rows}
    report.skipped = [i for i in ids if i not in found]
    for row in rows:
        if row.replayed_at is not None:
            report.skipped.append(row.id)
            continue

        def done(session: Any, row_id: int = row.id) -> None:
            repo.replayed(session, row_id, now=now)  # with the call's own transaction

        try:
            call = parse(row)
            store([] if call is None else [call], row.key_name, done)
        except CallRejected as exc:
            report.still[row.id] = exc.errors
            with session_scope(engine) as s:
                repo.still_rejected(s, row.id, reason_text(exc.errors))
            continue
        report.stored.append(row.id)
    return report
