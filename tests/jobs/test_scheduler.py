"""The scheduler runs jobs only in the lease's holder, and makes up for a missed run."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.jobs.lease import Lease
from bot.jobs.scheduler import JobScheduler, running_jobs
from tests.jobs.helpers import SETTINGS, counting_job

NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin, two hours after 06:00


def test_only_the_holder_runs_and_a_takeover_makes_up_for_a_missed_run(
    threaded_engine: Engine,
) -> None:
    calls: list[str] = []
    job = counting_job(calls)
    object.__setattr__(job, "catch_up", timedelta(hours=3))
    woken: list[int] = []
    clock = lambda: NOW
    first = JobScheduler(
        threaded_engine,
        SETTINGS,
        clock,
        [job],
        lease=Lease(threaded_engine, clock, holder="a"),
        on_queued=lambda: woken.append(1),
    )
    second = JobScheduler(
        threaded_engine, SETTINGS, clock, [job], lease=Lease(threaded_engine, clock, holder="b")
    )
    first.tick()  # takes the lease, and runs today's 06:00 run it missed
    second.tick()
    assert calls == ["2026-12-02"] and woken == [1]
    first.fire(job)  # the trigger fires in both: the period ran, the other does not hold it
    second.fire(job)
    assert calls == ["2026-12-02"] and first.lease.held and not second.lease.held


def test_a_failing_job_does_not_stop_the_scheduler(threaded_engine: Engine) -> None:
    calls: list[str] = []
    job = counting_job(calls, [True])
    scheduler = JobScheduler(threaded_engine, SETTINGS, lambda: NOW, [job])
    scheduler.fire(job)  # logged and recorded, not raised
    assert calls == [] and scheduler.lease.held


def test_the_scheduler_starts_in_the_teams_timezone_and_gives_the_lease_up(
    threaded_engine: Engine,
) -> None:
    job = counting_job([])
    with running_jobs(threaded_engine, SETTINGS, lambda: NOW, jobs=[job]) as scheduler:
        nxt = scheduler.next_runs()["count"]
        assert nxt is not None and (nxt.hour, nxt.minute) == (6, 0)
        assert str(nxt.tzinfo) == "Europe/Berlin"
        lease = scheduler.lease
        for _ in range(100):  # the first renewal runs at once, on the scheduler's thread
            if lease.held:
                break
            time.sleep(0.05)
        assert lease.held
    assert not lease.held
    other = Lease(threaded_engine, lambda: NOW, holder="next")
    assert other.renew()  # released at the stop, not left to run out
