"""One process holds the scheduler's lease; another takes over once it runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.jobs.lease import NAME, RENEW_EVERY, TTL, Lease
from storage.db import session_scope
from storage.repositories import jobs as runs

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_one_holder_at_a_time_and_a_takeover_within_a_minute(engine: Engine) -> None:
    clock = Clock()
    first, second = Lease(engine, clock, holder="one"), Lease(engine, clock, holder="two")
    assert first.renew() and not second.renew()
    clock.now += RENEW_EVERY
    assert first.renew() and not second.renew()  # renewed: still the first's
    last_renewal = clock.now
    # the first dies; the second keeps trying every RENEW_EVERY
    tries = 0
    while not second.renew():
        clock.now += RENEW_EVERY
        tries += 1
    assert clock.now - last_renewal <= timedelta(minutes=1)
    assert clock.now - last_renewal >= TTL and tries >= 2
    with session_scope(engine) as session:
        row = runs.lease(session, NAME)
    assert row is not None and (row.holder, row.acquired_at) == ("two", clock.now)
    assert not first.renew()  # back from a pause: it no longer holds it


def test_a_clean_stop_hands_the_lease_over_at_once(engine: Engine) -> None:
    clock = Clock()
    first, second = Lease(engine, clock, holder="one"), Lease(engine, clock, holder="two")
    assert first.renew()
    first.release()
    assert not first.held and second.renew()


def test_a_renewal_keeps_the_moment_it_was_taken(engine: Engine) -> None:
    clock = Clock()
    lease = Lease(engine, clock, holder="one")
    lease.renew()
    clock.now += RENEW_EVERY
    lease.renew()
    with session_scope(engine) as session:
        row = runs.lease(session, NAME)
    assert row is not None and row.acquired_at == T0 and row.expires_at == clock.now + TTL
