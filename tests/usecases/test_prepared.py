"""Events scored before the write lock (SQLite): the same rows as applying them under the lock,
and applied anew when something they were scored from changed in between."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.ingest.records import EventIn, Identity, LeadIn
from bot.usecases.ingest import prepared_sqlite as prepared_module
from bot.usecases.ingest.apply_calls import IdentifyIn, apply_calls
from bot.usecases.ingest.prepared_sqlite import Prepared, commit, prepare
from bot.usecases.lifecycle.scoring_pass import Ctx
from scoring.loader import default_model_text
from storage.db import make_engine, session_scope
from storage.repositories import model_versions as models
from storage.sqlite_write_lock import immediate_engine, snapshot_engine
from tests.conftest import NOW
from tests.factories import file_engine

SCORE_COLUMNS = (
    "lead_id, score, fit, engagement, band, qualifies, breakdown, state, "
    "next_change_at, model_version"
)


def events(user: str, first: int, kinds: list[str]) -> list[EventIn | IdentifyIn]:
    return [
        EventIn(
            Identity(f"{user}@acme.example", None),
            kind,
            NOW - timedelta(hours=first + i),
            {},
            message_id=f"{user}-{first + i}",
        )
        for i, kind in enumerate(kinds)
    ]


def apply_now(engine: Engine, calls: list[Any]) -> None:
    with session_scope(engine) as s:
        version, model = models.active_model(session=s, now=NOW)
        apply_calls(Ctx(s, model, version, NOW, "api:test"), calls)


def prepare_now(engine: Engine, calls: list[Any]) -> Prepared | None:
    snap = snapshot_engine(engine)
    assert snap is not None
    with session_scope(snap) as s:
        active = models.stored_active_model(session=s)
        assert active is not None
        return prepare(Ctx(s, active[1], active[0], NOW, "api:test"), calls)


def commit_now(engine: Engine, calls: list[Any], ready: Prepared | None) -> None:
    with session_scope(engine) as s:
        version, model = models.active_model(session=s, now=NOW)
        commit(Ctx(s, model, version, NOW, "api:test"), calls, ready)


def table(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    plain = file_engine(tmp_path / "prepared.db")
    return immediate_engine(plain)


@pytest.fixture
def fallbacks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the requests applied anew instead of writing what was prepared."""
    calls: list[int] = []

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return apply_calls(*args, **kw)

    monkeypatch.setattr(prepared_module, "apply_calls", counting)
    return calls


def test_prepared_events_store_what_applying_them_under_the_lock_stores(
    tmp_path: Path, db: Engine, fallbacks: list[int]
) -> None:
    other = immediate_engine(file_engine(tmp_path / "reference.db"))
    first = events("ann", 0, ["webinar_attended"])
    # a hand-raiser: the lead becomes an MQL, so a transition and an alert are written as well
    second = events("ann", 10, ["newsletter_open", "demo_request", "content_download"])
    for engine in (db, other):
        apply_now(engine, first)
    ready = prepare_now(db, second)
    assert ready is not None
    commit_now(db, second, ready)
    apply_now(other, second)
    assert fallbacks == []
    for sql in (
        f"SELECT {SCORE_COLUMNS} FROM lead_score",
        "SELECT lead_id, type, occurred_at, idempotency_key FROM event ORDER BY id",
        "SELECT lead_id, from_status, to_status, cause FROM lifecycle_transition",
        "SELECT kind, lead_id, dedupe_key, status FROM outbox",
        "SELECT id, status, status_since FROM lead",
    ):
        assert table(db, sql) == table(other, sql), sql
    assert table(db, "SELECT to_status FROM lifecycle_transition") == [("mql",)]


def test_prepare_writes_nothing(db: Engine) -> None:
    apply_now(db, events("ann", 0, ["webinar_attended"]))
    before = table(db, f"SELECT {SCORE_COLUMNS} FROM lead_score")
    assert prepare_now(db, events("ann", 10, ["demo_request"])) is not None
    assert table(db, f"SELECT {SCORE_COLUMNS} FROM lead_score") == before
    assert table(db, "SELECT count(*) FROM event") == [(1,)]


def test_a_lead_written_after_prepare_is_applied_anew_and_counts_every_event(
    tmp_path: Path, db: Engine, fallbacks: list[int]
) -> None:
    apply_now(db, events("ann", 0, ["webinar_attended"]))
    late = events("ann", 10, ["newsletter_open", "newsletter_open"])
    ready = prepare_now(db, late)
    between = events("ann", 20, ["webinar_attended"])
    apply_now(db, between)  # another request, committed before this one takes the lock
    commit_now(db, late, ready)
    assert fallbacks == [1]
    reference = immediate_engine(file_engine(tmp_path / "reference.db"))
    for calls in (events("ann", 0, ["webinar_attended"]), between, late):
        apply_now(reference, calls)
    sql = "SELECT score, engagement, breakdown FROM lead_score"
    assert table(db, sql) == table(reference, sql)
    assert table(db, "SELECT count(*) FROM event") == [(4,)]


def test_an_identify_changing_the_lead_after_prepare_is_seen(
    db: Engine, fallbacks: list[int]
) -> None:
    apply_now(db, events("ann", 0, ["webinar_attended"]))
    late = events("ann", 10, ["newsletter_open"])
    ready = prepare_now(db, late)
    ceo = LeadIn(
        Identity("ann@acme.example", None),
        {"title": "CEO", "company_size": 120, "industry": "Software"},
        {},
    )
    apply_now(db, [IdentifyIn(ceo, None)])
    commit_now(db, late, ready)
    assert fallbacks == [1]
    [(fit,)] = table(db, "SELECT fit FROM lead_score")
    assert fit > 0  # scored with the title and size the identify gave, not the ones prepared


def test_a_model_applied_after_prepare_is_seen(db: Engine, fallbacks: list[int]) -> None:
    apply_now(db, events("ann", 0, ["webinar_attended"]))
    late = events("ann", 10, ["newsletter_open"])
    ready = prepare_now(db, late)
    with session_scope(db) as s:
        models.add_version(
            session=s,
            text=default_model_text().replace('name = "', 'name = "v2 '),
            created_by="test",
            now=NOW,
            activate=True,
        )
    commit_now(db, late, ready)
    assert fallbacks == [1]
    assert table(db, "SELECT model_version FROM lead_score") == [(2,)]


def test_events_of_unknown_leads_and_identifies_are_not_prepared(
    db: Engine, fallbacks: list[int]
) -> None:
    apply_now(db, events("ann", 0, ["webinar_attended"]))
    assert prepare_now(db, events("bob", 0, ["webinar_attended"])) is None
    identify = IdentifyIn(LeadIn(Identity("ann@acme.example", None), {}, {}), None)
    assert prepare_now(db, [*events("ann", 5, ["newsletter_open"]), identify]) is None
    commit_now(db, events("bob", 0, ["webinar_attended"]), None)
    assert fallbacks == [1]
    assert table(db, "SELECT count(*) FROM lead") == [(2,)]


def test_a_snapshot_reads_while_another_connection_holds_the_write_lock(db: Engine) -> None:
    apply_now(db, events("ann", 0, ["webinar_attended"]))
    snap = snapshot_engine(db)
    assert snap is not None
    with db.begin() as writer:  # BEGIN IMMEDIATE: the write lock, until the block ends
        writer.execute(text("DELETE FROM event"))
        with snap.connect() as reader, reader.begin():
            assert reader.execute(text("SELECT count(*) FROM event")).scalar() == 1
        writer.rollback()


def test_only_an_immediate_sqlite_engine_has_snapshots(tmp_path: Path) -> None:
    plain = make_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    assert snapshot_engine(plain) is None  # its reads would begin no transaction at all
    assert snapshot_engine(immediate_engine(plain)) is not None
    memory = make_engine("sqlite://")
    assert snapshot_engine(immediate_engine(memory)) is None


def test_events_of_a_linked_anonymous_id_are_prepared_for_the_person(
    db: Engine, fallbacks: list[int]
) -> None:
    person = LeadIn(Identity("ann@acme.example", None), {}, {})
    apply_now(db, [IdentifyIn(person, "anon:v1")])  # links the visitor's cookie id to Ann
    visit = [EventIn(Identity(None, "anon:v1"), "webinar_attended", NOW, {}, message_id="v-1")]
    ready = prepare_now(db, list(visit))
    assert ready is not None
    commit_now(db, list(visit), ready)
    assert fallbacks == []
    assert table(db, "SELECT l.email FROM event AS e JOIN lead AS l ON l.id = e.lead_id") == [
        ("ann@acme.example",)
    ]
    assert table(db, "SELECT count(*) FROM lead") == [(1,)]
