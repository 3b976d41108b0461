"""The outbox sender against the fake Slack: once, in order, through errors and crashes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.routing import Routing, Rule
from bot.slack.delivery import MARGIN, Pacer
from bot.slack.outbox import LEASE, OutboxSender, make_client
from bot.usecases.lifecycle.decisions import claim, decide, slack_actor
from storage.db import session_scope
from storage.tables import OutboxMessage, SlackAlert
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, HANDOVER, Clock


def sender(engine: Engine, fake: FakeSlack, clock: Clock, **client: Any) -> OutboxSender:
    return OutboxSender(
        engine,
        make_client(fake.token, fake.base_url, **client),
        clock,
        alert_channel=ALERTS,
        handover_channel=HANDOVER,
        pace=0,
    )


def outbox(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def top_level(fake: FakeSlack, channel: str = ALERTS) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if m.get("thread_ts") in (None, m["ts"])]


def test_an_alert_is_posted_once_and_remembered(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    lead_id = make_mql(sqlite_engine, clock(), alert=True)
    s = sender(sqlite_engine, fake, clock)
    assert s.drain_once().sent == 1
    assert s.drain_once().total == 0
    [message] = fake.messages(ALERTS)
    assert message["metadata"]["event_type"] == "sdrbot_mql_alert"
    assert message["metadata"]["event_payload"]["lead_id"] == lead_id
    assert "Anna Adler" in message["text"]
    [row] = outbox(sqlite_engine)
    assert row.status == "sent"
    assert row.result == {"channel": ALERTS, "ts": message["ts"], "requested": ALERTS}
    with session_scope(sqlite_engine) as session:
        [ref] = session.scalars(select(SlackAlert))
        assert (ref.lead_id, ref.channel, ref.ts) == (lead_id, ALERTS, message["ts"])
    fake.assert_no_problems()


def test_a_500_backs_off_and_then_delivers_once(
    engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    make_mql(engine, clock(), alert=True)
    fake.fail_next("chat.postMessage", 500)
    s = sender(engine, fake, clock)
    assert s.drain_once().retried == 1
    [row] = outbox(engine)
    assert (
        row.status == "pending" and row.attempts == 1 and "internal_error" in (row.last_error or "")
    )
    assert row.next_attempt_at > clock()
    assert s.drain_once().total == 0  # not due yet
    clock.advance(5)
    assert s.drain_once().sent == 1
    assert len(fake.messages(ALERTS)) == 1
    # the second attempt looked for the message before posting it again
    assert fake.calls_to("conversations.history")


def test_a_429_waits_for_retry_after(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    fake.fail_next("chat.postMessage", 429, retry_after=1)
    started = time.monotonic()
    assert sender(sqlite_engine, fake, clock).drain_once().sent == 1
    assert time.monotonic() - started >= 0.9
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake.messages(ALERTS)) == 1


def test_a_429_beyond_the_client_retries_reschedules_after_retry_after(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    fake.fail_next("chat.postMessage", 429, retry_after=1, times=3)
    s = sender(sqlite_engine, fake, clock)
    assert s.drain_once().retried == 1
    [row] = outbox(sqlite_engine)
    assert (row.next_attempt_at - clock()).total_seconds() == 1
    clock.advance(1)
    assert s.drain_once().sent == 1 and len(fake.messages(ALERTS)) == 1


def test_a_crash_between_slack_and_the_commit_leaves_no_visible_duplicate(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    first = sender(sqlite_engine, fake, clock)

    def crash(*args: object) -> None:
        raise SystemExit("killed after Slack answered, before the commit")

    monkeypatch.setattr(first, "_sent", crash)
    with pytest.raises(SystemExit):
        first.drain_once()
    assert len(fake.messages(ALERTS)) == 1
    restarted = sender(sqlite_engine, fake, clock)
    assert restarted.drain_once().total == 0  # the dead sender's lease still holds
    clock.advance(LEASE.total_seconds())
    assert restarted.drain_once().sent == 1
    [message] = fake.messages(ALERTS)
    assert len(fake.calls_to("chat.postMessage")) == 1
    [row] = outbox(sqlite_engine)
    assert row.status == "sent" and row.result["ts"] == message["ts"]


def test_recovery_finds_the_id_of_a_channel_configured_by_name(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    make_mql(sqlite_engine, clock(), email="b@x.example", alert=True)
    client = make_client(fake.token, fake.base_url)
    first = OutboxSender(
        sqlite_engine,
        client,
        clock,
        alert_channel="#sdr-alerts",
        handover_channel=HANDOVER,
        pace=0,
        batch=1,
    )
    assert first.drain_once().sent == 1

    def crash(*args: object) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(first, "_sent", crash)
    with pytest.raises(SystemExit):
        first.drain_once()
    clock.advance(LEASE.total_seconds())
    restarted = OutboxSender(
        sqlite_engine, client, clock, alert_channel="#sdr-alerts", handover_channel=HANDOVER, pace=0
    )
    assert restarted.drain_once().sent == 1
    assert len(fake.messages(ALERTS)) == 2 and len(fake.calls_to("chat.postMessage")) == 2
    assert [c.args["channel"] for c in fake.calls_to("conversations.history")] == [ALERTS]


def test_without_a_known_channel_id_a_retry_posts_without_checking(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    fake.fail_next("chat.postMessage", 500)
    s = OutboxSender(
        sqlite_engine,
        make_client(fake.token, fake.base_url),
        clock,
        alert_channel="sdr-alerts",
        handover_channel=HANDOVER,
        pace=0,
    )
    s.drain_once()
    clock.advance(5)
    assert s.drain_once().sent == 1
    assert len(fake.messages(ALERTS)) == 1 and not fake.calls_to("conversations.history")
    assert "channel id is not known yet" in caplog.text


def test_a_timeout_after_slack_posted_is_not_posted_again(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    fake.delay_next("chat.postMessage", 1.0)
    s = sender(sqlite_engine, fake, clock, timeout=0.3)
    assert s.drain_once().retried == 1
    time.sleep(1.0)  # the fake finishes posting after the client gave up
    clock.advance(5)
    assert s.drain_once().sent == 1
    assert len(fake.messages(ALERTS)) == 1


def test_a_decision_updates_the_alert_notes_it_in_the_thread_and_hands_over(
    engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    lead_id = make_mql(engine, clock(), alert=True)
    s = sender(engine, fake, clock)
    s.drain_once()
    assert claim(engine, lead_id=lead_id, user_id=ANNA, now=clock()).won
    assert s.drain_once().sent == 2
    [alert] = top_level(fake)
    assert f"<@{ANNA}>" in str(alert["blocks"])
    decide(
        engine,
        lead_id=lead_id,
        outcome="promote",
        actor=slack_actor(ANNA),
        now=clock(),
        notes="pilot in Q3",
        bant={
            "budget": "confirmed",
            "authority": "decision_maker",
            "need": "urgent",
            "timing": "quarter",
        },
    )
    assert s.drain_once().sent == 3
    [alert] = top_level(fake)
    assert "edited" in alert and not any(b["type"] == "actions" for b in alert["blocks"])
    replies = [m for m in fake.messages(ALERTS) if m.get("thread_ts") == alert["ts"] != m["ts"]]
    assert len(replies) == 2 and "Promote" in replies[-1]["text"]
    [handover] = fake.messages(HANDOVER)
    assert "SQL handover" in handover["text"] and "pilot in Q3" in str(handover["blocks"])
    assert all(r.status == "sent" for r in outbox(engine))
    fake.assert_no_problems()


def test_an_update_waits_for_its_alert_and_fails_without_one(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    waiting = make_mql(sqlite_engine, clock(), alert=True)
    orphan = make_mql(sqlite_engine, clock(), email="b@x.example")
    fake.fail_next("chat.postMessage", 500)
    for lead_id in (waiting, orphan):
        decide(
            sqlite_engine,
            lead_id=lead_id,
            outcome="recycle",
            actor="cli:alice",
            now=clock(),
            reason="Bad timing",
        )
    report = sender(sqlite_engine, fake, clock).drain_once()
    assert (report.retried, report.deferred, report.failed) == (1, 2, 2)
    failed = [r for r in outbox(sqlite_engine) if r.status == "failed"]
    assert {r.lead_id for r in failed} == {orphan}
    assert "has no alert in Slack" in (failed[0].last_error or "")
    clock.advance(10)
    assert sender(sqlite_engine, fake, clock).drain_once().sent == 3
    [alert] = top_level(fake)
    assert "Recycled" in alert["text"] or "recycle" in alert["text"].lower()


def test_slack_refusing_the_message_marks_it_failed(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    make_mql(sqlite_engine, clock(), alert=True)
    fake.fail_next("chat.postMessage", 200, error="invalid_blocks")
    assert sender(sqlite_engine, fake, clock).drain_once().failed == 1
    [row] = outbox(sqlite_engine)
    assert row.status == "failed" and "invalid_blocks" in (row.last_error or "")


def test_the_pacer_keeps_one_message_per_second_per_channel() -> None:
    slept: list[float] = []
    now = [100.0]
    pacer = Pacer(
        1.0,
        sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)),
        monotonic=lambda: now[0],
    )
    for channel in ("A", "B", "A", "A"):
        pacer.wait(channel)
    assert slept == pytest.approx([MARGIN, MARGIN])  # A waits twice, B never


def test_a_slow_channel_does_not_hold_up_the_others(
    threaded_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    lanes = {"DE": "C0LANEDE01", "FR": "C0LANEFR01", "IT": "C0LANEIT01"}
    for country, channel in lanes.items():
        fake.add_channel(f"sdr-{country.lower()}", channel)
        make_mql(
            threaded_engine, clock(), email=f"{country}@x.example", country=country, alert=True
        )
    rules = tuple(Rule(c, country=frozenset({k.lower()})) for k, c in lanes.items())
    fake.delay_next("chat.postMessage", 1.0)  # whichever lane posts first waits a second
    s = OutboxSender(
        threaded_engine,
        make_client(fake.token, fake.base_url),
        clock,
        alert_channel=ALERTS,
        handover_channel=HANDOVER,
        pace=0,
        routing=Routing(ALERTS, rules),
        workers=3,
    )
    assert s.drain_once().sent == 3
    stamps = sorted(float(m["ts"]) for c in lanes.values() for m in fake.messages(c))
    assert len(stamps) == 3
    assert stamps[1] - stamps[0] < 0.5 and stamps[2] - stamps[0] > 0.8
