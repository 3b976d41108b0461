"""Claims and decisions on MQLs: one transaction each, and exactly one click wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.usecases.lifecycle.decisions import LeadNotFound, Result, claim, decide, slack_actor
from scoring.lifecycle import TransitionError
from storage.db import session_scope
from storage.tables import Decision, Lead, LifecycleTransition, OutboxMessage, ScoreSnapshot
from tests.conftest import NOW
from tests.factories import BREAKDOWN, make_mql

LATER = NOW + timedelta(minutes=5)


def rows(engine: Engine, table: type) -> list:  # type: ignore[type-arg]
    with session_scope(engine) as s:
        return list(s.scalars(select(table)))


def test_promote_stores_the_decision_with_its_score_and_queues_the_messages(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    bant = {
        "budget": "confirmed",
        "authority": "decision_maker",
        "need": "urgent",
        "timing": "quarter",
    }
    result = decide(
        engine,
        lead_id=lead_id,
        outcome="promote",
        actor=slack_actor("U0SDRANNA1"),
        now=LATER,
        notes="wants a pilot",
        bant=bant,
    )
    assert result.won and result.status == "sql" and result.decision_id is not None
    [d] = rows(engine, Decision)
    assert (d.decision, d.decided_by, d.decided_at, d.notes) == (
        "promote",
        "slack:U0SDRANNA1",
        LATER,
        "wants a pilot",
    )
    assert (d.model_version, d.score, d.breakdown, d.bant) == (1, 85, BREAKDOWN, bant)
    [t] = rows(engine, LifecycleTransition)
    assert (t.from_status, t.to_status, t.cause, t.actor) == (
        "mql",
        "sql",
        "decision:promote",
        "slack:U0SDRANNA1",
    )
    [snap] = rows(engine, ScoreSnapshot)
    assert (snap.reason, snap.score, snap.grade) == ("decision", 85, "B2")
    kinds = sorted(o.kind for o in rows(engine, OutboxMessage))
    assert kinds == ["slack.handover", "slack.thread", "slack.update"]
    with session_scope(engine) as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.status == "sql" and lead.status_since == LATER


@pytest.mark.parametrize(
    ("outcome", "status"), [("recycle", "recycled"), ("disqualify", "disqualified")]
)
def test_recycle_and_disqualify_keep_the_reason_and_send_no_handover(
    engine: Engine, outcome: str, status: str
) -> None:
    lead_id = make_mql(engine, NOW)
    result = decide(
        engine,
        lead_id=lead_id,
        outcome=outcome,
        actor="cli:alice",
        now=LATER,
        reason="No budget",
        notes=None,
    )
    assert result.won and result.status == status
    [d] = rows(engine, Decision)
    assert (d.decision, d.reason, d.bant) == (outcome, "No budget", {})
    outbox = rows(engine, OutboxMessage)
    assert sorted(o.kind for o in outbox) == ["slack.thread", "slack.update"]
    note = next(o for o in outbox if o.kind == "slack.thread").payload["note"]
    assert note["outcome"] == outcome and note["by"] == "cli:alice"
    assert note["reason"] == "No budget"


def test_the_second_decision_loses_and_learns_who_decided_what_and_when(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    decide(
        engine,
        lead_id=lead_id,
        outcome="disqualify",
        actor="slack:U0SDRBEN01",
        now=NOW,
        reason="Spam",
    )
    late = decide(engine, lead_id=lead_id, outcome="promote", actor="slack:U0SDRANNA1", now=LATER)
    assert not late.won and late.status == "disqualified" and late.decision_id is None
    assert late.prior is not None
    assert (late.prior.outcome, late.prior.by, late.prior.at, late.prior.reason) == (
        "disqualify",
        "slack:U0SDRBEN01",
        NOW,
        "Spam",
    )
    assert len(rows(engine, Decision)) == 1 and len(rows(engine, OutboxMessage)) == 2


def test_a_lead_that_is_no_longer_an_mql_without_a_decision_has_no_prior(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW, status="nurturing")
    result = decide(engine, lead_id=lead_id, outcome="recycle", actor="slack:U1", now=LATER)
    assert not result.won and result.status == "nurturing" and result.prior is None


def test_unknown_lead_and_unknown_outcome_are_errors(engine: Engine) -> None:
    with pytest.raises(LeadNotFound, match="no lead #999"):
        decide(engine, lead_id=999, outcome="promote", actor="slack:U1", now=NOW)
    with pytest.raises(LeadNotFound):
        claim(engine, lead_id=999, user_id="U1", now=NOW)
    lead_id = make_mql(engine, NOW)
    with pytest.raises(TransitionError, match="unknown decision 'maybe'"):
        decide(engine, lead_id=lead_id, outcome="maybe", actor="slack:U1", now=NOW)


def test_claim_assigns_once_and_the_second_claimer_learns_the_owner(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    first = claim(engine, lead_id=lead_id, user_id="U0SDRANNA1", now=NOW)
    again = claim(engine, lead_id=lead_id, user_id="U0SDRANNA1", now=LATER)
    other = claim(engine, lead_id=lead_id, user_id="U0SDRBEN01", now=LATER)
    assert first.won and again.won
    assert not other.won and other.prior is not None and other.prior.by == "U0SDRANNA1"
    with session_scope(engine) as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.owner == "U0SDRANNA1"
    # only the first claim changed anything, so only it is announced
    assert sorted(o.kind for o in rows(engine, OutboxMessage)) == ["slack.thread", "slack.update"]


def test_claiming_a_decided_lead_says_what_happened(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW)
    decide(engine, lead_id=lead_id, outcome="recycle", actor="slack:U0SDRBEN01", now=NOW)
    result = claim(engine, lead_id=lead_id, user_id="U0SDRANNA1", now=LATER)
    assert not result.won and result.prior is not None and result.prior.outcome == "recycle"


def test_two_sdrs_deciding_at_once_exactly_one_wins(threaded_engine: Engine) -> None:
    lead_ids = [make_mql(threaded_engine, NOW, email=f"l{i}@x.example") for i in range(5)]
    for lead_id in lead_ids:
        start = threading.Barrier(2)
        results: list[Result] = []

        def click(
            outcome: str,
            user: str,
            lead_id: int = lead_id,
            start: threading.Barrier = start,
            results: list[Result] = results,
        ) -> None:
            start.wait()
            results.append(
                decide(
                    threaded_engine,
                    lead_id=lead_id,
                    outcome=outcome,
                    actor=slack_actor(user),
                    now=LATER,
                )
            )

        threads = [
            threading.Thread(target=click, args=("promote", "U0SDRANNA1")),
            threading.Thread(target=click, args=("disqualify", "U0SDRBEN01")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(r.won for r in results) == [False, True]
        winner = next(r for r in results if r.won)
        loser = next(r for r in results if not r.won)
        assert loser.prior is not None and loser.prior.outcome == winner.outcome
        assert loser.status == winner.status
    assert len(rows(threaded_engine, Decision)) == len(lead_ids)
    assert len(rows(threaded_engine, LifecycleTransition)) == len(lead_ids)
