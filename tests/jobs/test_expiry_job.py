"""The daily expiry job with a frozen clock: a stale MQL goes back to nurturing once a day."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.jobs.expiry_job import EXPIRY
from bot.jobs.runner import run_job
from bot.usecases.imports.csv_import import import_file
from storage.db import session_scope
from storage.repositories import jobs as runs
from storage.tables import Lead, LifecycleTransition, OutboxMessage
from tests.conftest import NOW
from tests.jobs.helpers import SETTINGS
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, write_csv


def _an_mql(engine: Engine, tmp_path: Path) -> None:
    at = (NOW - timedelta(hours=2)).isoformat()
    leads = write_csv(tmp_path / "l.csv", LEAD_HEADER, [CEO])
    events = write_csv(
        tmp_path / "e.csv",
        EVENT_HEADER,
        [
            ["ceo@hotel.example", "webinar_attended", at, "", ""],
            ["ceo@hotel.example", "page_view", at, "https://x.example/product/tour", ""],
        ],
    )
    for path, kind in ((leads, "leads"), (events, "events")):
        assert not import_file(engine, path, kind, now=NOW, actor="test").errors  # type: ignore[arg-type]


def test_a_stale_mql_expires_once_a_day(threaded_engine: Engine, tmp_path: Path) -> None:
    _an_mql(threaded_engine, tmp_path)
    fresh = run_job(threaded_engine, EXPIRY, now=NOW, settings=SETTINGS, holder="a")
    assert fresh.ran and fresh.period == "2026-06-01"
    with session_scope(threaded_engine) as s:
        assert s.exec(select(Lead.status)).one() == "mql"  # still qualifies today
    later = NOW + timedelta(days=400)  # every point has decayed
    done = run_job(threaded_engine, EXPIRY, now=later, settings=SETTINGS, holder="a")
    assert done.ran and "nurturing" in done.summary
    assert not run_job(threaded_engine, EXPIRY, now=later, settings=SETTINGS, holder="b").ran
    with session_scope(threaded_engine) as s:
        assert s.exec(select(Lead.status)).one() == "nurturing"
        trail = s.exec(select(LifecycleTransition.cause, LifecycleTransition.actor)).all()
        assert ("expired", "job:expiry") in [tuple(t) for t in trail]
        kinds = [o.kind for o in s.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
        # the alert loses its buttons, and its thread says why
        assert kinds == ["slack.alert", "slack.update", "slack.thread"]
        row = runs.run_of(s, "expiry", later.date().isoformat())
        assert row is not None and row.status == "done"


def test_a_run_left_running_by_a_dead_process_is_taken_again(threaded_engine: Engine) -> None:
    with session_scope(threaded_engine) as s:
        assert runs.claim_run(
            s, "expiry", "2026-06-01", "dead", now=NOW - timedelta(hours=3), again=False
        )
    result = run_job(threaded_engine, EXPIRY, now=NOW, settings=SETTINGS, holder="a")
    assert result.ran
    with session_scope(threaded_engine) as s:
        assert runs.claim_run(
            s, "expiry", "2026-06-02", "busy", now=NOW + timedelta(hours=23), again=False
        )
    assert not run_job(
        threaded_engine, EXPIRY, now=NOW + timedelta(days=1), settings=SETTINGS, holder="a"
    ).ran  # started an hour ago elsewhere: still running there
