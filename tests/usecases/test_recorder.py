"""The recorder: one call writes a lifecycle change with everything it causes, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.outbox.messages import WebhookDelivery, micros
from bot.usecases.lifecycle import recorder
from bot.usecases.lifecycle.recorder import Change, Decided, Snapshot
from storage.db import session_scope
from storage.repositories import webhooks as webhooks_repo
from storage.tables import Lead, LifecycleTransition, OutboxMessage, ScoreSnapshot, Webhook
from tests.conftest import NOW
from tests.factories import BREAKDOWN, make_mql

LATER = NOW + timedelta(minutes=5)
SNAP = Snapshot(1, 85, 30, 55, "B2", BREAKDOWN, "to:mql")


def add_lead(engine: Engine, status: str = "nurturing") -> int:
    with session_scope(engine) as s:
        lead = Lead(
            email="bo@acme.example", status=status, status_since=NOW, created_at=NOW, updated_at=NOW
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def add_webhooks(engine: Engine, *statuses: list[str]) -> list[int]:
    with session_scope(engine) as s:
        hooks = [
            Webhook(
                url=f"https://h{i}.example/in",
                secret="s",
                events=events,
                created_at=NOW,
                created_by="test",
            )
            for i, events in enumerate(statuses)
        ]
        s.add_all(hooks)
        s.flush()
        return [h.id or 0 for h in hooks]


def record(engine: Engine, *changes: Change) -> int:
    with session_scope(engine) as s:
        return recorder.record(s, list(changes), now=LATER)


def outbox(engine: Engine) -> list[tuple[str, str, dict[str, Any]]]:
    with session_scope(engine) as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))  # type: ignore[arg-type]
        return [(r.kind, r.dedupe_key or "", r.payload) for r in rows]


def rows(s: Session, table: type) -> list[Any]:
    return list(s.scalars(select(table)))


def to_mql(lead_id: int) -> Change:
    details = {"score": 85, "grade": "B2", "model_version": 1}
    return Change(lead_id, "nurturing", "mql", "score", "system", NOW, details, SNAP)


def test_one_change_writes_its_transition_snapshot_status_and_messages(engine: Engine) -> None:
    lead_id = add_lead(engine)
    mql_hook, _ = add_webhooks(engine, ["mql"], ["sql"])
    assert record(engine, to_mql(lead_id)) == 2  # the alert, and one webhook wants MQLs
    with session_scope(engine) as s:
        [t] = rows(s, LifecycleTransition)
        assert (t.lead_id, t.from_status, t.to_status, t.cause, t.actor, t.at) == (
            lead_id,
            "nurturing",
            "mql",
            "score",
            "system",
            NOW,
        )
        assert t.details == {"score": 85, "grade": "B2", "model_version": 1}
        [snap] = rows(s, ScoreSnapshot)
        assert (snap.score, snap.grade, snap.reason, snap.computed_at) == (
            85,
            "B2",
            "to:mql",
            LATER,
        )
        assert snap.breakdown == BREAKDOWN
        lead = s.get(Lead, lead_id)
        assert lead is not None
        assert (lead.status, lead.status_since, lead.updated_at) == ("mql", NOW, LATER)
    [alert, delivery] = outbox(engine)
    assert alert[0] == "slack.alert"
    tid = f"tr_{lead_id}_mql_{micros(NOW)}"
    assert delivery[:2] == ("webhook", f"webhook:{mql_hook}:{tid}")
    assert delivery[2]["id"] == tid and delivery[2]["breakdown"] == BREAKDOWN
    assert delivery[2]["transition"] == {
        "from": "nurturing",
        "to": "mql",
        "cause": "score",
        "actor": "system",
        "at": NOW.isoformat(),
        "details": {"score": 85, "grade": "B2", "model_version": 1},
    }


def test_recording_the_same_change_again_queues_no_message_twice(engine: Engine) -> None:
    lead_id = add_lead(engine)
    add_webhooks(engine, ["mql"])
    record(engine, to_mql(lead_id))
    record(engine, to_mql(lead_id))
    assert len(outbox(engine)) == 2


def test_a_new_mql_queues_its_alert(engine: Engine) -> None:
    lead_id = add_lead(engine)
    record(engine, to_mql(lead_id))
    assert outbox(engine) == [
        (
            "slack.alert",
            f"alert:{lead_id}:{micros(NOW)}",
            {"lead_id": lead_id, "cause": "score", "score": 85, "grade": "B2"},
        )
    ]


def test_a_decision_queues_the_update_the_note_and_the_handovers(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    decided = Decided(7, "promote", "U1", "budget", "wants a pilot", ae="UAE1")
    snap = SNAP._replace(reason="decision")
    details = {"decision_id": 7, "reason": "budget", "score": 85, "model_version": 1}
    moved = Change(lead_id, "mql", "sql", "decision:promote", "slack:U1", LATER, details, snap)
    record(engine, moved._replace(decided=decided))
    note = {
        "outcome": "promote",
        "by": "U1",
        "at": LATER.isoformat(),
        "reason": "budget",
        "notes": "wants a pilot",
    }
    assert outbox(engine) == [
        ("slack.update", "slack.update:decision:7", {"lead_id": lead_id}),
        ("slack.thread", "slack.thread:decision:7", {"lead_id": lead_id, "note": note}),
        ("slack.handover", "slack.handover:decision:7", {"lead_id": lead_id, "decision_id": 7}),
        (
            "slack.handover",
            "slack.handover:decision:7:dm:UAE1",
            {"lead_id": lead_id, "decision_id": 7, "dm": "UAE1"},
        ),
    ]


def test_a_recycle_is_not_handed_over(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    moved = Change(lead_id, "mql", "recycled", "decision:recycle", "slack:U1", LATER, {})
    record(engine, moved._replace(decided=Decided(8, "recycle", "U1")))
    assert [kind for kind, _, _ in outbox(engine)] == ["slack.update", "slack.thread"]


def test_an_mql_leaving_without_a_decision_updates_its_alert(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    add_webhooks(engine, ["won"])
    # a CRM outcome dated before the lead's latest transition counts from that one
    back = NOW - timedelta(days=1)
    moved = Change(lead_id, "mql", "won", "crm:won", "api", NOW, {"amount": 5}, occurred_at=back)
    record(engine, moved)
    [update, delivery] = outbox(engine)
    assert update[:2] == ("slack.update", f"slack.update:crm:{lead_id}:{micros(back)}")
    assert "breakdown" not in delivery[2]  # no snapshot: no score to show
    details = {"amount": 5, "occurred_at": back.isoformat()}
    assert delivery[2]["transition"]["details"] == details
    with session_scope(engine) as s:
        [t] = rows(s, LifecycleTransition)
        assert (t.at, t.details) == (NOW, details)


def test_storage_finds_deliveries_by_the_keys_the_messages_build() -> None:
    assert WebhookDelivery.kind == webhooks_repo.KIND
    assert WebhookDelivery.prefix(12) == webhooks_repo.dedupe_prefix(12)
