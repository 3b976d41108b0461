"""An AE's answer to a handover, on both databases: stored once, a send-back recycles the lead
through the recorder, and every refusal says why."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.usecases.lifecycle.decisions import decide
from bot.usecases.lifecycle.handover_replies import ACCEPTED, SENT_BACK, answer
from storage.db import session_scope
from storage.tables import HandoverReply, Lead, LifecycleTransition, OutboxMessage
from tests.conftest import NOW
from tests.factories import make_mql

SDR, AE, OTHER = "U0SDRANNA1", "U0AEMAX001", "U0AEMIA001"
LATER = NOW + timedelta(hours=2)


def promoted(engine: Engine) -> int:
    lead_id = make_mql(engine, NOW)
    result = decide(
        engine,
        lead_id=lead_id,
        outcome="promote",
        actor=f"slack:{SDR}",
        now=NOW,
        bant={"need": "urgent", "timing": "quarter", "pain_points": "Excel"},
    )
    assert result.decision_id is not None
    return result.decision_id


def test_a_send_back_is_stored_recycles_the_lead_and_queues_its_messages(engine: Engine) -> None:
    decision_id = promoted(engine)
    done = answer(
        engine, decision_id=decision_id, ae=AE, outcome=SENT_BACK, reason="No budget", now=LATER
    )
    assert done.done and done.sdr == SDR
    with session_scope(engine) as s:
        [reply] = s.execute(select(HandoverReply)).scalars().all()
        assert (reply.outcome, reply.reason, reply.score) == (SENT_BACK, "No budget", 85)
        lead = s.get(Lead, reply.lead_id)
        assert lead is not None and lead.status == "recycled"
        last = (
            s.execute(
                select(LifecycleTransition).order_by(LifecycleTransition.id.desc())  # type: ignore[union-attr]
            )
            .scalars()
            .first()
        )
        assert last is not None
        assert (last.from_status, last.to_status, last.cause, last.actor) == (
            "sql",
            "recycled",
            "handover:sent_back",
            f"slack:{AE}",
        )
        assert last.details["reason"] == "No budget"
        kinds = [m.kind for m in s.execute(select(OutboxMessage)).scalars()]
        assert kinds.count("slack.handover_answered") == 1 and "slack.thread" in kinds
    again = answer(
        engine, decision_id=decision_id, ae=OTHER, outcome=ACCEPTED, reason=None, now=LATER
    )
    assert (again.done, again.problem, again.by) == (False, "answered", AE)


def test_the_sdr_cannot_answer_their_own_handover(engine: Engine) -> None:
    decision_id = promoted(engine)
    own = answer(engine, decision_id=decision_id, ae=SDR, outcome=ACCEPTED, reason=None, now=LATER)
    assert (own.done, own.problem) == (False, "own")
    gone = answer(engine, decision_id=999, ae=AE, outcome=ACCEPTED, reason=None, now=LATER)
    assert gone.problem == "gone"
    with pytest.raises(ValueError, match="accepted"):
        answer(engine, decision_id=decision_id, ae=AE, outcome="maybe", reason=None, now=LATER)


def test_two_aes_at_once_store_one_answer(threaded_engine: Engine) -> None:
    decision_id = promoted(threaded_engine)
    start = threading.Barrier(2)
    results = []

    def go(ae: str) -> None:
        start.wait()
        results.append(
            answer(
                threaded_engine,
                decision_id=decision_id,
                ae=ae,
                outcome=ACCEPTED,
                reason=None,
                now=LATER,
            )
        )

    threads = [threading.Thread(target=go, args=(ae,)) for ae in (AE, OTHER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r.done for r in results) == [False, True]
    assert [r.problem for r in results if not r.done] == ["answered"]
    with session_scope(threaded_engine) as s:
        assert len(s.execute(select(HandoverReply)).scalars().all()) == 1
