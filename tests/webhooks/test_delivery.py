"""Lifecycle changes reach the configured URLs: signed, retried with backoff, never lost and
never sent twice for one transition (on SQLite and PostgreSQL, over real HTTP)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.usecases.admin import webhooks
from bot.usecases.lifecycle import decisions as decide
from bot.webhooks import signing
from bot.webhooks.sender import BACKOFF_BASE, MAX_ATTEMPTS, WebhookSender
from storage.db import session_scope
from storage.repositories import outbox
from storage.tables import LifecycleTransition
from tests.conftest import NOW
from tests.webhooks.conftest import Clock, add_webhook, make_mql
from tests.webhooks.receiver import Answer, Receiver


def deliveries(engine: Engine) -> list[tuple[str, int, str | None]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(  # type: ignore[misc]
                    "select status, attempts, last_error from outbox where kind = 'webhook' "
                    "order by id"
                )
            )
        ]


def test_an_mql_is_posted_once_signed_with_its_breakdown(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    hook = add_webhook(engine, receiver.url)
    make_mql(client)
    assert deliveries(engine) == [("pending", 0, None)]

    assert sender.drain_once().sent == 1
    assert sender.drain_once().sent == 0  # nothing is sent twice
    clock.advance(3600)
    assert sender.drain_once().sent == 0
    [got] = receiver.received
    assert got.path == "/hooks/sdrbot"
    assert got.headers["x-sdrbot-event"] == "lead.mql"
    assert signing.verify(
        hook.secret,
        timestamp=got.headers["x-sdrbot-timestamp"],
        signature_header=got.headers["x-sdrbot-signature"],
        body=got.body,
        now=clock.now.timestamp() - 3600,
    )
    doc = got.document
    assert doc["id"] == got.headers["x-sdrbot-delivery"] and doc["type"] == "lead.mql"
    lead, moved, score = doc["data"]["lead"], doc["data"]["transition"], doc["data"]["score"]
    assert (lead["email"], lead["external_id"], lead["title"], lead["first_name"]) == (
        "ceo@hotel.example",
        "ceo",
        "CEO",
        "Anna",
    )
    assert (moved["from"], moved["to"], moved["cause"], moved["actor"]) == (
        "lead",
        "mql",
        "score",
        "api:test",
    )
    assert sum(line["points"] for line in score["breakdown"]) == score["score"]
    assert doc["data"]["current_score"]["score"] == score["score"]
    assert deliveries(engine) == [("sent", 1, None)]


def test_the_signature_fails_for_another_secret_a_changed_body_or_an_old_timestamp(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    hook = add_webhook(engine, receiver.url)
    make_mql(client)
    sender.drain_once()
    got = receiver.received[0]
    stamp, sig, now = (
        got.headers["x-sdrbot-timestamp"],
        got.headers["x-sdrbot-signature"],
        clock.now.timestamp(),
    )
    assert signing.verify(
        hook.secret, timestamp=stamp, signature_header=sig, body=got.body, now=now
    )
    assert not signing.verify(
        "whsec_other", timestamp=stamp, signature_header=sig, body=got.body, now=now
    )
    assert not signing.verify(
        hook.secret,
        timestamp=stamp,
        signature_header=sig,
        body=got.body.replace(b"mql", b"sql"),
        now=now,
    )
    assert not signing.verify(
        hook.secret,
        timestamp=stamp,
        signature_header=sig,
        body=got.body,
        now=now + signing.TOLERANCE + 1,
    )
    assert not signing.verify(
        hook.secret, timestamp=str(int(stamp) + 1), signature_header=sig, body=got.body, now=now
    )


def test_only_the_statuses_a_webhook_asked_for_are_sent(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender
) -> None:
    add_webhook(engine, receiver.url, ["sql"])
    make_mql(client)
    assert deliveries(engine) == []
    assert sender.drain_once().sent == 0 and receiver.received == []


def test_a_failed_delivery_is_retried_with_backoff_and_the_same_id(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    add_webhook(engine, receiver.url)
    make_mql(client)
    receiver.answer(Answer(500, body="database down"), 502)
    assert sender.drain_once().retried == 1
    [(status, attempts, error)] = deliveries(engine)
    assert (status, attempts) == ("pending", 1)
    assert (
        error
        == "http://127.0.0.1:"
        + receiver.url.split(":")[2].split("/")[0]
        + " answered HTTP 500: database down"
    )
    assert sender.drain_once().sent == 0  # not before its time
    clock.advance(BACKOFF_BASE)
    assert sender.drain_once().retried == 1
    clock.advance(BACKOFF_BASE)
    assert sender.drain_once().sent == 0  # the second wait is twice as long
    clock.advance(BACKOFF_BASE)
    assert sender.drain_once().sent == 1
    ids = {r.document["id"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1
    assert deliveries(engine) == [("sent", 3, None)]


def test_retry_after_of_a_429_is_honoured(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    add_webhook(engine, receiver.url)
    make_mql(client)
    receiver.answer(Answer(429, headers={"Retry-After": "120"}))
    sender.drain_once()
    clock.advance(119)
    assert sender.drain_once().sent == 0
    clock.advance(1)
    assert sender.drain_once().sent == 1


def test_an_unreachable_receiver_is_retried_and_the_error_hides_the_path(
    engine: Engine, client: TestClient, sender: WebhookSender, clock: Clock
) -> None:
    with Receiver() as gone:
        url = gone.url.replace("/hooks/sdrbot", "/hooks/catch/123/s3cr3t")
    add_webhook(engine, url)  # its server is closed now: connections are refused
    make_mql(client)
    assert sender.drain_once().retried == 1
    [(status, _attempts, error)] = deliveries(engine)
    assert status == "pending" and "ConnectError" in (error or "")
    assert "s3cr3t" not in (error or "")


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    add_webhook(engine, receiver.url)
    make_mql(client)
    receiver.answer(Answer(200, delay=2.5))  # the sender's client waits 2 s
    assert sender.drain_once().retried == 1
    assert "Timeout" in (deliveries(engine)[0][2] or "")
    clock.advance(BACKOFF_BASE)
    assert sender.drain_once().sent == 1
    assert len({r.document["id"] for r in receiver.received}) == 1


def test_a_sender_that_died_mid_delivery_leaves_the_row_to_the_next_after_the_lease(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    add_webhook(engine, receiver.url)
    make_mql(client)
    [row] = outbox.due(engine, kind_like="webhook", now=clock(), limit=10)
    assert outbox.claim(engine, row, now=clock(), lease=sender.lease)  # ...and then it died
    assert sender.drain_once().sent == 0  # the lease holds
    clock.advance(sender.lease.total_seconds())
    assert sender.drain_once().sent == 1
    assert len(receiver.received) == 1


def test_after_the_last_attempt_the_delivery_is_kept_as_failed_and_can_be_redelivered(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    hook = add_webhook(engine, receiver.url)
    make_mql(client)
    receiver.answer(*[503] * MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS):
        sender.drain_once()
        clock.advance(3600)
    [(status, attempts, error)] = deliveries(engine)
    assert (status, attempts) == ("failed", MAX_ATTEMPTS)
    assert error and error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    with session_scope(engine) as s:
        assert webhooks.redeliver(s, hook.id, now=clock()) == 1
    assert sender.drain_once().sent == 1
    assert deliveries(engine)[0][0] == "sent"


def test_a_leads_changes_arrive_in_order_even_when_the_first_must_be_retried(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    add_webhook(engine, receiver.url)
    make_mql(client)
    receiver.answer(500)
    sender.drain_once()  # the mql delivery fails once
    with engine.connect() as conn:
        lead_id = conn.execute(text("select id from lead")).scalar_one()
    decide.decide(engine, lead_id=lead_id, outcome="promote", actor="slack:U1", now=clock())
    assert sender.drain_once().sent == 0  # the sql waits for the mql
    clock.advance(BACKOFF_BASE)
    assert sender.drain_once().sent == 2
    assert [d["type"] for d in receiver.documents()] == ["lead.mql", "lead.mql", "lead.sql"]
    sql = receiver.documents()[2]["data"]
    assert sql["transition"]["actor"] == "slack:U1" and sql["lead"]["status"] == "sql"
    assert sql["score"]["breakdown"]  # what the SDR promoted it on


def test_a_webhook_that_is_down_holds_up_no_other(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender
) -> None:
    with Receiver() as other:
        add_webhook(engine, other.url)
        add_webhook(engine, receiver.url)
        other.answer(500)
        make_mql(client)
        tally = sender.drain_once()
        assert (tally.sent, tally.retried) == (1, 1)
        assert len(receiver.received) == 1


def test_one_transition_is_queued_once_per_webhook(
    engine: Engine, client: TestClient, receiver: Receiver
) -> None:
    from bot.usecases.lifecycle import recorder as repo

    add_webhook(engine, receiver.url)
    make_mql(client)
    with session_scope(engine) as s:  # the same transition again (a retried transaction)
        moved = s.exec(select(LifecycleTransition)).one()
        repo.queue_transitions(s, [moved.model_dump()], now=moved.at)
    assert len(deliveries(engine)) == 1


def test_a_removed_webhook_gets_nothing_more(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender, clock: Clock
) -> None:
    hook = add_webhook(engine, receiver.url)
    make_mql(client)
    with session_scope(engine) as s:
        assert webhooks.remove(s, hook.id, now=clock()) == 1
    make_mql(client, "cfo")
    assert sender.drain_once().sent == 0 and receiver.received == []
    assert [d[0] for d in deliveries(engine)] == ["failed"]


def test_crm_outcomes_are_sent_to_webhooks_that_want_them(
    engine: Engine, client: TestClient, receiver: Receiver, sender: WebhookSender
) -> None:
    add_webhook(engine, receiver.url, ["won"])
    make_mql(client)
    with engine.connect() as conn:
        lead_id = conn.execute(text("select id from lead")).scalar_one()
    decide.decide(engine, lead_id=lead_id, outcome="promote", actor="slack:U1", now=NOW)
    for stage in ("opportunity", "won"):
        assert (
            client.post(
                "/api/v1/outcomes", json={"userId": "ceo", "stage": stage, "amount": 12000}
            ).status_code
            == 200
        )
    assert sender.drain_once().sent == 1
    [doc] = receiver.documents()
    assert doc["type"] == "lead.won"
    assert doc["data"]["transition"]["details"]["amount"] == 12000
    assert "score" not in doc["data"]


def test_parallel_lanes_deliver_each_webhook_once_while_a_slow_one_waits(
    threaded_engine: Engine, clock: Clock
) -> None:
    from bot.http.api.app import create_api_app
    from bot.ingest.event_map import EventMap
    from bot.usecases.admin import api_keys as apikeys
    from bot.webhooks.sender import make_client

    with session_scope(threaded_engine) as s:
        key = apikeys.create(s, "t", now=NOW, actor="test").secret
    app = create_api_app(engine=threaded_engine, clock=lambda: NOW, events=EventMap())
    with (
        Receiver() as slow,
        Receiver() as fast,
        TestClient(app, headers={"Authorization": f"Bearer {key}"}) as api,
    ):
        add_webhook(threaded_engine, slow.url)
        add_webhook(threaded_engine, fast.url)
        slow.answer(*[Answer(200, delay=0.3)] * 3)
        for user in ("a", "b", "c"):
            make_mql(api, user)
        sender = WebhookSender(threaded_engine, clock, client=make_client(timeout=5), lanes=4)
        try:
            assert sender.drain_once().sent == 6
            assert sender.drain_once().sent == 0
        finally:
            sender.client.close()
    for r in (slow, fast):
        assert sorted(d["data"]["lead"]["external_id"] for d in r.documents()) == ["a", "b", "c"]
