"""Use case `IngestRequests`: one request of the ingest API, applied in one transaction.

A request that loses a race (another one created the same lead or stored the same delivery id
first) or finds the database busy is run again; it sees the other's work then. Concurrent
requests for one lead are serialised by the database (BEGIN IMMEDIATE on SQLite, row locks on
PostgreSQL). On SQLite a request of events is read and scored in a snapshot first and only
written under the lock (bot/usecases/ingest/prepared_sqlite.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.ingest.outcomes import OutcomeIn
from bot.ingest.records import EventIn
from bot.usecases.ingest import rejected
from bot.usecases.ingest.apply_calls import CallsResult, IdentifyIn, IdentityConflict
from bot.usecases.ingest.prepared_sqlite import Prepared, commit, prepare
from bot.usecases.ingest.rejected import Rejection
from bot.usecases.lifecycle.context import Ctx, open_ctx
from bot.usecases.lifecycle.crm_outcomes import Verdict, record_outcome
from storage.db import session_scope
from storage.repositories import model_versions
from storage.sqlite_write_lock import snapshot_engine

ATTEMPTS = 3
T = TypeVar("T")


class DatabaseBusy(RuntimeError):
    """Every attempt lost a race or found the database busy: the sender should try again."""


class IngestRequests:
    """The requests of one API app on `engine` (on SQLite, an engine that begins immediately:
    storage/sqlite_write_lock.py). Raises what the calls raise (IdentityConflict, UnknownLead,
    TransitionError), and DatabaseBusy."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.snapshot = snapshot_engine(engine)
        # one request at a time per process where requests are scored before the write lock: a
        # second thread scoring beside the one that holds the lock would keep taking the GIL
        # from it, and every row it steps through the database waits up to a switch interval
        self.gate: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if self.snapshot is not None else contextlib.nullcontext()
        )

    def calls(
        self,
        calls: list[IdentifyIn | EventIn],
        *,
        key: str,
        now: datetime,
        also: Callable[[Any], None] | None = None,
    ) -> CallsResult:
        """Identify and track calls, in order, all or nothing; `key` names the API key. `also`
        runs in the same transaction, with its session."""

        def work(ctx: Ctx, ready: Prepared | None) -> CallsResult:
            result = commit(ctx, calls, ready) if calls else CallsResult()
            if also is not None:
                also(ctx.session)
            return result

        return self._run(key, now, work, calls)

    def batch(
        self,
        calls: list[tuple[int, IdentifyIn | EventIn, Any]],
        rejections: list[Rejection],
        *,
        key: str,
        now: datetime,
        envelope: dict[str, Any] | None,
    ) -> list[tuple[Rejection, int]]:
        """A batch's valid calls (index, call, raw) stored and its invalid ones kept, in one
        transaction; an identify the database refuses (its e-mail belongs to another lead) is
        kept among the rejected and the rest is run again. The rejections with their ids."""
        calls, rejections = list(calls), list(rejections)
        kept: list[int] = []
        while True:
            valid = [call for _, call, _ in calls]

            def keep(session: Any) -> None:
                kept[:] = rejected.keep(session, rejections, key=key, now=now)

            try:
                self.calls(valid, key=key, now=now, also=keep)
            except IdentityConflict as exc:
                at = next((j for j, (_, c, _) in enumerate(calls) if c is exc.call), None)
                if at is None:
                    raise
                index, _, raw = calls.pop(at)
                errors = [(exc.error.field, exc.error.message)]
                rejections.append(Rejection(index, raw, envelope, errors))
                rejections.sort(key=lambda r: r.index)
                continue
            return list(zip(rejections, kept, strict=True))

    def outcome(self, item: OutcomeIn, *, key: str, now: datetime) -> Verdict:
        """A CRM outcome; what `record_outcome` says of it."""
        return self._run(key, now, lambda ctx, _: record_outcome(ctx, item))

    def _run(
        self,
        key: str,
        now: datetime,
        work: Callable[[Ctx, Prepared | None], T],
        calls: list[IdentifyIn | EventIn] | None = None,
    ) -> T:
        for attempt in range(ATTEMPTS):
            try:
                # scored before the write lock where the database has a single writer; the
                # write checks that nothing it read has changed
                with self.gate:
                    ready = self._prepared(key, now, calls) if calls is not None else None
                    with session_scope(self.engine) as session:
                        return work(open_ctx(session, now=now, actor=f"api:{key}"), ready)
            except (IntegrityError, OperationalError):
                # another request created the same lead or stored the same delivery first, or
                # the database was busy: the next attempt sees its work
                if attempt == ATTEMPTS - 1:
                    raise DatabaseBusy("the database is busy; send the request again") from None
        raise AssertionError("unreachable")

    def _prepared(
        self, key: str, now: datetime, calls: list[IdentifyIn | EventIn]
    ) -> Prepared | None:
        if self.snapshot is None:
            return None
        with session_scope(self.snapshot) as session:
            active = model_versions.stored_active_model(session=session)
            if active is None:  # the first request stores the default model, under the lock
                return None
            return prepare(Ctx(session, active[1], active[0], now, f"api:{key}"), calls)
