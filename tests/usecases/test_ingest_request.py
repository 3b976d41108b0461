"""The ingest request use case: one transaction per request, run again after a lost race, the
SQLite gate only where requests are prepared before the write lock."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.ingest.outcomes import OutcomeIn
from bot.ingest.records import EventIn, Identity
from bot.usecases.ingest import request as request_module
from bot.usecases.ingest.request import ATTEMPTS, DatabaseBusy, IngestRequests
from bot.usecases.lifecycle.crm_outcomes import UnknownLead
from storage.sqlite_write_lock import immediate_engine
from tests.conftest import NOW
from tests.factories import file_engine


def track(user: str, n: int = 1) -> list[Any]:
    return [
        EventIn(
            Identity(f"{user}@acme.example", None), "webinar_attended", NOW - timedelta(hours=i)
        )
        for i in range(n)
    ]


def events_stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM event")).scalar_one())


def test_a_request_of_events_is_stored_and_scored(engine: Engine) -> None:
    result = IngestRequests(engine).calls(track("ann", 2), key="web", now=NOW)
    assert (result.events, result.leads_created, result.settle.scored) == (2, 1, 1)
    assert events_stored(engine) == 2


def test_the_gate_holds_only_where_requests_are_prepared_in_a_snapshot(
    tmp_path: Path, sqlite_engine: Engine
) -> None:
    prepared = IngestRequests(immediate_engine(file_engine(tmp_path / "gate.db")))
    assert prepared.snapshot is not None
    assert not isinstance(prepared.gate, contextlib.nullcontext)
    plain = IngestRequests(sqlite_engine)  # in memory: no second engine, no snapshot
    assert plain.snapshot is None and isinstance(plain.gate, contextlib.nullcontext)


def test_a_lost_race_runs_the_request_again(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = request_module.commit, []

    def losing_once(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: lead.email"))
        return real(*args, **kw)

    monkeypatch.setattr(request_module, "commit", losing_once)
    result = IngestRequests(sqlite_engine).calls(track("bea"), key="web", now=NOW)
    assert len(calls) == 2 and result.events == 1
    assert events_stored(sqlite_engine) == 1


def test_every_attempt_lost_is_database_busy_and_stores_nothing(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def losing(*_args: Any, **_kw: Any) -> Any:
        calls.append(1)
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(request_module, "commit", losing)
    with pytest.raises(DatabaseBusy, match="again"):
        IngestRequests(sqlite_engine).calls(track("cem"), key="web", now=NOW)
    assert len(calls) == ATTEMPTS and events_stored(sqlite_engine) == 0


def test_an_outcome_for_nobody_is_raised_at_once(sqlite_engine: Engine) -> None:
    item = OutcomeIn(Identity("nobody@acme.example", None), "won", NOW)
    with pytest.raises(UnknownLead):
        IngestRequests(sqlite_engine).outcome(item, key="crm", now=NOW)


def test_an_outcome_moves_a_known_lead(sqlite_engine: Engine) -> None:
    requests = IngestRequests(sqlite_engine)
    requests.calls(track("dan"), key="web", now=NOW)
    item = OutcomeIn(Identity("dan@acme.example", None), "opportunity", NOW)
    assert requests.outcome(item, key="crm", now=NOW) == "recorded"
