"""The one sender with a fake transport: claims, backoff up to the policy's limit, deferrals that
cost no attempt, leases that run out, holds that keep a lane's order, put-offs, busy lanes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.outbox.lanes import DetachedLanes, PooledLanes
from bot.outbox.sender import LEASE, Sender
from bot.outbox.transport import (
    Defer,
    Failed,
    Outcome,
    Retry,
    RetryPolicy,
    Row,
    Sent,
    Unreadable,
)
from storage.db import session_scope
from storage.repositories import outbox
from storage.tables import OutboxMessage
from tests.conftest import NOW
from tests.slack.conftest import Clock

POLICY = RetryPolicy(max_attempts=3, backoff_base=10.0, backoff_max=25.0)


@dataclass
class Fake:
    """A transport whose messages are the rows' keys ("lane:n"), answering as it is told."""

    answers: dict[str, list[Outcome]] = field(default_factory=dict)  # by key; then Sent
    ordered: bool = False  # hold a row while an older one of its lane is not delivered
    kinds: str = "fake"
    policy: RetryPolicy = POLICY
    tries: list[tuple[str, int]] = field(default_factory=list)  # (key, attempts before)
    delivered: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    during: Any = None  # called with the key while a delivery is under way

    def parse(self, row: Row) -> str:
        if row.payload.get("broken"):
            raise Unreadable("cannot read this row")
        return row.dedupe_key

    def lane(self, row: Row, message: str) -> str:
        return message.split(":")[0]

    def lane_pattern(self, lane: Hashable) -> str:
        return f"{lane}:%"

    def priority(self, now: datetime) -> None:
        return None

    def held(self, row: Row, message: str) -> bool:
        lane = self.lane(row, message)
        older = self.queued[: self.queued.index(message)]
        return self.ordered and any(
            k.startswith(f"{lane}:") and k not in self.delivered for k in older
        )

    def deliver(self, row: Row, message: str, now: datetime) -> Outcome:
        self.tries.append((message, row.attempts))
        if self.during is not None:
            self.during(message)
        answers = self.answers.get(message) or []
        outcome = answers.pop(0) if answers else Sent({"key": message})
        if isinstance(outcome, Sent):
            self.delivered.append(message)
        return outcome

    def describe(self, row: Row, message: str) -> str:
        return f"fake {message}"


def queue(engine: Engine, fake: Fake, *keys: str, **payload: Any) -> None:
    with session_scope(engine) as s:
        outbox.insert(s, [outbox.new_row("fake", None, key, payload, now=NOW) for key in keys])
    fake.queued.extend(keys)


def rows(engine: Engine) -> dict[str, OutboxMessage]:
    with session_scope(engine) as s:
        found = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))  # type: ignore[arg-type]
        return {r.dedupe_key: r for r in found}


def sender(engine: Engine, fake: Fake, clock: Clock, lanes: Any = None) -> Sender[str]:
    return Sender(engine, fake, clock, lanes=lanes or PooledLanes(), name="fake sender")


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def test_a_row_is_claimed_once_and_sent_once(sqlite_engine: Engine, clock: Clock) -> None:
    fake = Fake()
    queue(sqlite_engine, fake, "a:1")
    first = sender(sqlite_engine, fake, clock)
    other = sender(sqlite_engine, Fake(), clock)
    seen: list[int] = []
    fake.during = lambda key: seen.append(other.drain_once().total)  # another process polls
    assert first.drain_once().sent == 1
    assert seen == [0]  # the row was claimed before its delivery: the other saw nothing due
    assert first.drain_once().total == 0
    row = rows(sqlite_engine)["a:1"]
    assert (row.status, row.attempts, row.result) == ("sent", 1, {"key": "a:1"})
    assert fake.tries == [("a:1", 0)]


def test_retries_back_off_until_the_policys_last_attempt_then_fail(
    sqlite_engine: Engine, clock: Clock
) -> None:
    fake = Fake(answers={"a:1": [Retry("boom")] * POLICY.max_attempts})
    queue(sqlite_engine, fake, "a:1")
    s = sender(sqlite_engine, fake, clock)
    waits = []
    for attempt in range(1, POLICY.max_attempts):
        assert s.drain_once().retried == 1
        row = rows(sqlite_engine)["a:1"]
        assert (row.status, row.attempts, row.last_error) == ("pending", attempt, "boom")
        waits.append((row.next_attempt_at - clock()).total_seconds())
        clock.advance(waits[-1] - 1)
        assert s.drain_once().total == 0  # not before its time
        clock.advance(1)
    assert waits == [POLICY.backoff(1), POLICY.backoff(2)] == [10.0, 20.0]
    assert s.drain_once().failed == 1
    row = rows(sqlite_engine)["a:1"]
    assert (row.status, row.attempts) == ("failed", POLICY.max_attempts)
    assert row.last_error == f"gave up after {POLICY.max_attempts} attempts; last: boom"
    assert [a for _, a in fake.tries] == [0, 1, 2]


def test_a_wait_the_service_asked_for_replaces_the_backoff(
    sqlite_engine: Engine, clock: Clock
) -> None:
    fake = Fake(answers={"a:1": [Retry("slow down", after=120)]})
    queue(sqlite_engine, fake, "a:1")
    s = sender(sqlite_engine, fake, clock)
    s.drain_once()
    assert (rows(sqlite_engine)["a:1"].next_attempt_at - clock()).total_seconds() == 120


def test_a_deferral_counts_no_attempt(sqlite_engine: Engine, clock: Clock) -> None:
    waits = POLICY.max_attempts + 2
    fake = Fake(answers={"a:1": [Defer("its alert is not in Slack yet", 5)] * waits})
    queue(sqlite_engine, fake, "a:1")
    s = sender(sqlite_engine, fake, clock)
    for _ in range(waits):
        assert s.drain_once().deferred == 1
        row = rows(sqlite_engine)["a:1"]
        assert (row.status, row.attempts) == ("pending", 0)
        assert (row.next_attempt_at - clock()).total_seconds() == 5
        clock.advance(5)
    assert s.drain_once().sent == 1
    assert rows(sqlite_engine)["a:1"].attempts == 1


def test_a_failure_is_kept_at_once(sqlite_engine: Engine, clock: Clock) -> None:
    fake = Fake(answers={"a:1": [Failed("refused")]})
    queue(sqlite_engine, fake, "a:1")
    assert sender(sqlite_engine, fake, clock).drain_once().failed == 1
    row = rows(sqlite_engine)["a:1"]
    assert (row.status, row.last_error) == ("failed", "refused")


def test_a_claimed_row_is_due_again_when_its_lease_runs_out(
    sqlite_engine: Engine, clock: Clock
) -> None:
    fake = Fake()
    queue(sqlite_engine, fake, "a:1")

    def die(key: str) -> None:
        raise SystemExit("killed during the delivery")

    fake.during = die
    with pytest.raises(SystemExit):
        sender(sqlite_engine, fake, clock).drain_once()
    fake.during = None
    restarted = sender(sqlite_engine, fake, clock)
    assert restarted.drain_once().total == 0  # the dead sender's lease still holds
    clock.advance(LEASE.total_seconds())
    assert restarted.drain_once().sent == 1
    # the second try knows the first may have been delivered: the transport can look first
    assert fake.tries == [("a:1", 0), ("a:1", 1)]


def test_a_held_row_waits_unclaimed_and_its_lane_keeps_its_order(
    sqlite_engine: Engine, clock: Clock
) -> None:
    fake = Fake(answers={"a:1": [Retry("boom")]}, ordered=True)
    queue(sqlite_engine, fake, "a:1", "a:2", "b:1")
    s = sender(sqlite_engine, fake, clock, DetachedLanes(1))
    report = s.drain_once()
    assert (report.retried, report.held, report.sent) == (1, 1, 1)
    assert rows(sqlite_engine)["a:2"].attempts == 0  # not claimed
    clock.advance(POLICY.backoff(1))
    assert s.drain_once().sent == 2
    assert fake.delivered == ["b:1", "a:1", "a:2"]


def test_an_error_that_holds_up_the_lane_puts_off_its_rest(
    sqlite_engine: Engine, clock: Clock
) -> None:
    fake = Fake(answers={"a:1": [Retry("no answer", put_off_rest=True)]})
    queue(sqlite_engine, fake, "a:1", "a:2", "a:3", "b:1")
    s = sender(sqlite_engine, fake, clock, DetachedLanes(1))
    report = s.drain_once()
    assert (report.retried, report.deferred, report.sent) == (1, 2, 1)
    put_off = rows(sqlite_engine)
    assert [put_off[k].attempts for k in ("a:1", "a:2", "a:3")] == [1, 1, 1]
    assert put_off["a:2"].last_error == "not tried: no answer"
    assert len({put_off[k].next_attempt_at for k in ("a:1", "a:2", "a:3")}) == 1
    assert fake.tries == [("a:1", 0), ("b:1", 0)]  # one try for lane a, not three
    clock.advance(POLICY.backoff(1))
    assert s.drain_once().sent == 3


def test_an_unreadable_row_is_failed(sqlite_engine: Engine, clock: Clock) -> None:
    fake = Fake()
    queue(sqlite_engine, fake, "a:1", broken=True)
    assert sender(sqlite_engine, fake, clock).drain_once().failed == 1
    row = rows(sqlite_engine)["a:1"]
    assert (row.status, row.last_error) == ("failed", "cannot read this row")
    assert fake.tries == []


def test_a_busy_detached_lane_is_left_out_while_the_others_go_on(
    threaded_engine: Engine, clock: Clock
) -> None:
    release, started = threading.Event(), threading.Event()

    def block(key: str) -> None:
        if key == "slow:1":
            started.set()
            assert release.wait(10)

    fake = Fake(during=block)
    queue(threaded_engine, fake, "slow:1", "slow:2", "fast:1")
    s = sender(threaded_engine, fake, clock, DetachedLanes(4, name="fake"))
    s.poll()
    try:
        assert started.wait(10)
        wait_for(lambda: set(s.runner.busy()) == {"slow"})  # fast's lane is done
        queue(threaded_engine, fake, "fast:2")
        s.poll()  # slow's lane is busy: its rows are not read, fast's new row goes out
        wait_for(lambda: "fast:2" in fake.delivered)
        assert fake.delivered == ["fast:1", "fast:2"]
    finally:
        release.set()
    s.runner.join()
    assert sorted(fake.delivered) == ["fast:1", "fast:2", "slow:1", "slow:2"]
    assert [k for k, _ in fake.tries].count("slow:2") == 1
