"""A receiver that accepts connections and never answers delays its own deliveries only: the
other webhooks are served meanwhile, its deliveries wait out one timeout per backoff step (not
one per delivery), arrive once and in order when it answers again, and a stop does not wait
for its hung request (over real HTTP and real threads)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.usecases.lifecycle import decisions as decide
from bot.webhooks.sender import BACKOFF_BASE, WebhookSender, backoff, make_client
from tests.webhooks.conftest import Clock, add_webhook, api_client, make_mql
from tests.webhooks.receiver import Answer, Receiver

IDLE = 0.1  # the sender's poll interval in these tests
TIMEOUT = 1.0  # how long the sender waits for an answer in these tests


@pytest.fixture
def api(threaded_engine: Engine) -> Iterator[TestClient]:
    with api_client(threaded_engine) as c:
        yield c


@contextmanager
def running(sender: WebhookSender) -> Iterator[tuple[threading.Event, threading.Thread]]:
    """The sender's loop in a thread, as `sdrbot run` has it; yields its wake event."""
    stop, wake = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=sender.run, args=(stop,), kwargs={"idle": IDLE, "wake": wake}, daemon=True
    )
    thread.start()
    try:
        yield wake, thread
    finally:
        stop.set()
        wake.set()
        thread.join(timeout=5)
        sender.client.close()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def rows_of(engine: Engine, webhook_id: int) -> list[tuple[str, int, str | None, datetime]]:
    """(status, attempts, last_error, next_attempt_at) of a webhook's deliveries, oldest first."""
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "select status, attempts, last_error, next_attempt_at from outbox "
                    "where dedupe_key like :prefix order by id"
                ),
                {"prefix": f"webhook:{webhook_id}:%"},
            )
        ]


def got(receiver: Receiver) -> list[tuple[str, str]]:
    return [(d["data"]["lead"]["external_id"], d["type"]) for d in receiver.documents()]


def lead_id(engine: Engine, external_id: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("select id from lead where external_id = :e"), {"e": external_id}
            ).scalar_one()
        )


def test_a_receiver_that_never_answers_delays_no_other_webhook(
    threaded_engine: Engine, api: TestClient, clock: Clock
) -> None:
    engine = threaded_engine
    with Receiver(black_hole=True) as hole, Receiver() as other:
        a = add_webhook(engine, hole.url, ["mql", "sql"])
        b = add_webhook(engine, other.url, ["mql", "sql"])
        for user in ("a", "b", "c", "d"):
            make_mql(api, user)
        sender = WebhookSender(engine, clock, client=make_client(timeout=TIMEOUT), lanes=4)
        with running(sender) as (wake, _thread):
            wait_for(lambda: len(other.received) == 4 and hole.swallowed == 1)
            # A's lane hangs in its first request; "a" is promoted meanwhile
            decide.decide(
                engine,
                lead_id=lead_id(engine, "a"),
                outcome="promote",
                actor="slack:U1",
                now=clock(),
            )
            queued = time.monotonic()
            wait_for(lambda: ("a", "lead.sql") in got(other))
            assert time.monotonic() - queued < 0.6  # about a poll, far from A's timeout

            # one timeout for A's whole batch: the rest is put off with the same backoff,
            # and a's promotion waits for its mql
            wait_for(lambda: all(r[2] for r in rows_of(engine, a.id)[:4]))
            assert hole.swallowed == 1
            held = rows_of(engine, a.id)
            assert [(r[0], r[1]) for r in held] == [("pending", 1)] * 4 + [("pending", 0)]
            assert "Timeout" in (held[0][2] or "") and len({r[3] for r in held[:4]}) == 1

            hole.black_hole = False  # A answers again
            clock.advance(BACKOFF_BASE)
            wake.set()
            wait_for(lambda: [r[0] for r in rows_of(engine, a.id)] == ["sent"] * 5)
    for receiver in (hole, other):
        assert sorted(got(receiver)) == sorted(
            [(u, "lead.mql") for u in "abcd"] + [("a", "lead.sql")]
        )
        assert len({d["id"] for d in receiver.documents()}) == 5  # none twice
    assert got(hole).index(("a", "lead.mql")) < got(hole).index(("a", "lead.sql"))
    assert [r[0] for r in rows_of(engine, b.id)] == ["sent"] * 5


def test_a_hung_receiver_costs_one_timeout_per_backoff_step_not_one_per_delivery(
    engine: Engine, client: TestClient, clock: Clock
) -> None:
    with Receiver(black_hole=True) as hole:
        hook = add_webhook(engine, hole.url)
        for user in ("a", "b", "c"):
            make_mql(client, user)
        sender = WebhookSender(engine, clock, client=make_client(timeout=0.5), lanes=1)
        try:
            started = time.monotonic()
            tally = sender.drain_once()
            assert time.monotonic() - started < 1.0
            assert (tally.retried, tally.deferred, hole.swallowed) == (1, 2, 1)
            rows = rows_of(engine, hook.id)
            assert [(r[0], r[1]) for r in rows] == [("pending", 1)] * 3
            assert "ReadTimeout" in (rows[0][2] or "")
            assert all((r[2] or "").startswith("not tried: ") for r in rows[1:])
            assert {r[3] for r in rows} == {rows[0][3]}  # all come back together

            assert sender.drain_once().sent == 0  # not before their time
            clock.advance(BACKOFF_BASE)
            sender.drain_once()
            assert hole.swallowed == 2  # one more timeout for the next step, not three
            assert [r[1] for r in rows_of(engine, hook.id)] == [2] * 3

            hole.black_hole = False
            clock.advance(backoff(2))
            assert sender.drain_once().sent == 3
        finally:
            sender.client.close()
    assert sorted(got(hole)) == [(u, "lead.mql") for u in "abc"]


def test_a_retry_after_puts_off_the_rest_of_the_webhooks_deliveries(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    add_webhook(engine, receiver.url)
    make_mql(client, "a")
    make_mql(client, "b")
    receiver.answer(Answer(429, headers={"Retry-After": "120"}))
    tally = sender.drain_once()
    assert (tally.retried, tally.deferred, len(receiver.received)) == (1, 1, 1)
    clock.advance(119)
    assert sender.drain_once().sent == 0
    clock.advance(1)
    assert sender.drain_once().sent == 2


def test_a_stop_does_not_wait_for_a_hung_request_and_its_delivery_is_not_lost(
    threaded_engine: Engine, api: TestClient, clock: Clock
) -> None:
    engine = threaded_engine
    with Receiver(black_hole=True) as hole:
        hook = add_webhook(engine, hole.url)
        make_mql(api)
        sender = WebhookSender(engine, clock, client=make_client(timeout=2 * TIMEOUT), lanes=4)
        with running(sender) as (_wake, thread):
            wait_for(lambda: hole.swallowed == 1)
            stopping = time.monotonic()
        assert not thread.is_alive() and time.monotonic() - stopping < TIMEOUT
        [(status, attempts, *_)] = rows_of(engine, hook.id)
        assert (status, attempts) == ("pending", 1)  # claimed: its lease keeps others off

        # the abandoned request ends in its own time, and the delivery is tried again
        wait_for(lambda: rows_of(engine, hook.id)[0][2] is not None)
        hole.black_hole = False
        clock.advance(sender.lease.total_seconds())
        again = WebhookSender(engine, clock, client=make_client(timeout=TIMEOUT), lanes=4)
        try:
            assert again.drain_once().sent == 1
        finally:
            again.client.close()
    assert got(hole) == [("ceo", "lead.mql")]
