"""Importing events on PostgreSQL with the server and Python working at the same time.

The COPY of a chunk of events keeps the server busy (index upkeep, foreign-key checks) for about
as long as Python needs to parse and fold the next chunk, and a sequential import waits for
each in turn. Here a writer thread finishes a chunk's transaction (COPY, dirty marks, commit)
while the calling thread prepares the next chunk in a transaction of its own.

At most one chunk is in flight, and the next one is handed over only after it committed, so no
COPY can name a lead that an uncommitted chunk created. When a chunk's transaction fails, the
chunk prepared behind it is rolled back as well (it may name leads the failed chunk created, and
its states were folded on top of the failed chunk's), both are forgotten (`EventImport.
rolled_back`), and both are run again one after the other by the caller's sequential path, which
halves refused chunks until the culprits stand alone. Every chunk is one transaction either way:
nothing is ever half-imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from bot.ingest.records import EventIn
from bot.usecases.imports.bulk_events import Chunk, EventImport
from bot.usecases.ingest.record_events import EventBatchResult
from bot.usecases.lifecycle.context import Ctx, open_ctx

Batch = list[Any]


def worthwhile(engine: Engine) -> bool:
    """PostgreSQL does a COPY in a server process of its own, on the other core; SQLite writes
    in this process, holding the interpreter for much of it, so there is little to overlap."""
    return engine.dialect.name == "postgresql"


@dataclass
class _Flight:
    future: Future[None]
    chunk: Chunk
    batch: Batch


def import_events(
    engine: Engine,
    batches: Iterator[Batch],
    events: EventImport,
    *,
    now: datetime,
    actor: str,
    landed: Callable[[Batch, EventBatchResult], None],
    sequential: Callable[[Batch], None],
) -> None:
    """Import the batches; `landed` hears of each committed one, `sequential` runs a batch again
    on its own (after a failure)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdrbot-import-writer") as writer:
        flight: _Flight | None = None
        try:
            for batch in batches:
                # _step lands the chunk in flight, whatever happens
                before, flight = flight, None
                flight = _step(
                    engine,
                    writer,
                    before,
                    batch,
                    events,
                    now=now,
                    actor=actor,
                    landed=landed,
                    sequential=sequential,
                )
            last, flight = flight, None
            if last is not None and not _land(last, events, landed):
                sequential(last.batch)
        finally:
            # on the way out with an error: keep what the writer stored, forget what it did not
            _land_quietly(flight, events, landed)


def _step(
    engine: Engine,
    writer: ThreadPoolExecutor,
    flight: _Flight | None,
    batch: Batch,
    events: EventImport,
    *,
    now: datetime,
    actor: str,
    landed: Callable[[Batch, EventBatchResult], None],
    sequential: Callable[[Batch], None],
) -> _Flight | None:
    """Prepare `batch` while `flight` is written; then hand `batch` to the writer."""
    session = Session(engine, expire_on_commit=False)
    chunk = Chunk()
    try:
        ctx = open_ctx(session, now=now, actor=actor)
        events.prepare(ctx, [b for b in batch if isinstance(b, EventIn)], chunk)
    except BaseException as exc:
        _abandon(session, events, chunk)
        if not isinstance(exc, IntegrityError | DBAPIError):
            _land_quietly(flight, events, landed)
            raise
        # the database refused this chunk while it was prepared: both run again on their own
        if not _land(flight, events, landed):
            assert flight is not None
            sequential(flight.batch)
        sequential(batch)
        return None
    try:
        before_ok = _land(flight, events, landed)
    except BaseException:
        _abandon(session, events, chunk)
        raise
    if not before_ok:  # this chunk may name leads the refused one created: both again
        assert flight is not None
        _abandon(session, events, chunk)
        sequential(flight.batch)
        sequential(batch)
        return None
    return _Flight(writer.submit(_commit, session, ctx, events, chunk), chunk, batch)


def _commit(session: Session, ctx: Ctx, events: EventImport, chunk: Chunk) -> None:
    """In the writer thread: store the chunk and commit; the session ends here either way."""
    try:
        events.write(ctx, chunk)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _land(
    flight: _Flight | None, events: EventImport, landed: Callable[[Batch, EventBatchResult], None]
) -> bool:
    """Wait for the chunk in flight. False: the database refused it (now forgotten); any other
    error is raised."""
    if flight is None:
        return True
    exc = flight.future.exception()
    if exc is None:
        landed(flight.batch, flight.chunk.result)
        return True
    events.rolled_back(flight.chunk)
    if isinstance(exc, IntegrityError | DBAPIError):
        return False
    raise exc


def _land_quietly(
    flight: _Flight | None, events: EventImport, landed: Callable[[Batch, EventBatchResult], None]
) -> None:
    with suppress(BaseException):  # the caller raises the error that came first
        _land(flight, events, landed)


def _abandon(session: Session, events: EventImport, chunk: Chunk) -> None:
    session.close()  # rolls the transaction back
    events.rolled_back(chunk)
