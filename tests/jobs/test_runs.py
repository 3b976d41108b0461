"""Each job runs once per period, whoever asks: a second call, another thread, a forced run."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.jobs.runner import missed_fire, run_job
from storage.db import session_scope
from storage.repositories import jobs as runs
from tests.jobs.helpers import SETTINGS, counting_job

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)  # 10:30 in Berlin


def test_a_period_runs_once_and_again_only_when_forced(engine: Engine) -> None:
    calls: list[str] = []
    job = counting_job(calls)
    first = run_job(engine, job, now=NOW, settings=SETTINGS, holder="a")
    second = run_job(engine, job, now=NOW + timedelta(hours=1), settings=SETTINGS, holder="b")
    assert (first.ran, second.ran) == (True, False)
    assert first.period == second.period == "2026-12-02" and calls == ["2026-12-02"]
    forced = run_job(engine, job, now=NOW, settings=SETTINGS, holder="b", force=True)
    assert forced.ran and calls == ["2026-12-02", "2026-12-02"]
    with session_scope(engine) as session:
        row = runs.run_of(session, "count", "2026-12-02")
    assert row is not None and (row.status, row.runs, row.holder) == ("done", 2, "b")


def test_the_period_is_the_teams_day_not_utcs(engine: Engine) -> None:
    calls: list[str] = []
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # already the 3rd in Berlin
    assert run_job(engine, counting_job(calls), now=late, settings=SETTINGS, holder="a").ran
    assert calls == ["2026-12-03"]


def test_a_failed_run_is_recorded_rolled_back_and_run_again(engine: Engine) -> None:
    calls: list[str] = []
    fail = [True]
    job = counting_job(calls, fail)
    with pytest.raises(RuntimeError):
        run_job(engine, job, now=NOW, settings=SETTINGS, holder="a")
    with session_scope(engine) as session:
        row = runs.run_of(session, "count", "2026-12-02")
    assert row is not None and row.status == "failed" and "the database said no" in row.summary
    fail[0] = False
    assert run_job(engine, job, now=NOW, settings=SETTINGS, holder="a").ran
    assert not run_job(engine, job, now=NOW, settings=SETTINGS, holder="a").ran
    with session_scope(engine) as session:
        last = runs.last_runs(session)["count"]
    assert (last.status, last.runs, last.summary) == ("done", 2, "run 1")


def test_concurrent_runs_of_one_period_run_it_once(threaded_engine: Engine) -> None:
    calls: list[str] = []
    job = counting_job(calls)
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def go(holder: str) -> None:
        barrier.wait()
        results.append(run_job(threaded_engine, job, now=NOW, settings=SETTINGS, holder=holder).ran)

    threads = [threading.Thread(target=go, args=(f"p{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True] and len(calls) == 1


def test_a_missed_fire_is_found_within_the_catch_up_window_only() -> None:
    job = counting_job([])
    object.__setattr__(job, "catch_up", timedelta(hours=6))
    # 06:00 Berlin is 05:00 UTC; at 09:30 UTC it was missed 4.5 hours ago
    assert missed_fire(job, SETTINGS, NOW) == datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    assert missed_fire(job, SETTINGS, NOW + timedelta(hours=2)) is None  # 6.5 hours: too late
    object.__setattr__(job, "catch_up", timedelta(0))
    assert missed_fire(job, SETTINGS, NOW) is None
