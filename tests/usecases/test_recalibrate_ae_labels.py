"""Recalibration's labels from the account executives: a send-back is a no (of
`sent_back_weight`) over the SDR's promote, an accept confirms it, a CRM outcome overrides
both, and the features stay those of the SDR's decision time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.learning_settings import LearningSettings
from bot.usecases.learning.decided_leads import Labels, labelled
from scoring.calibrate.recal_types import Decided
from storage.db import session_scope
from storage.repositories import model_versions
from storage.tables import Decision, Event, HandoverReply
from tests.conftest import NOW
from tests.usecases.learning_data import decided_leads


def _answer(engine: Engine, outcome: str, count: int) -> list[int]:
    """`count` promoted leads answered by an AE a day after the decision, each with a webinar
    registration between the decision and the answer."""
    with session_scope(engine) as s:
        answered = {r.decision_id for r in s.exec(select(HandoverReply)).all()}
        promotes = [
            d
            for d in s.exec(select(Decision).where(Decision.decision == "promote")).all()
            if d.id not in answered
        ][:count]
        for d in promotes:
            assert d.id is not None
            s.add(
                HandoverReply(
                    decision_id=d.id,
                    lead_id=d.lead_id,
                    outcome=outcome,
                    replied_by="slack:UAE",
                    replied_at=d.decided_at + timedelta(days=1),
                )
            )
            s.add(
                Event(
                    lead_id=d.lead_id,
                    type="webinar_registered",
                    occurred_at=d.decided_at + timedelta(hours=2),
                    properties={},
                    idempotency_key=500_000 + d.id,
                    received_at=NOW,
                )
            )
        return [d.lead_id for d in promotes]


def _by_lead(engine: Engine, settings: LearningSettings) -> tuple[Labels, dict[int, Decided]]:
    with session_scope(engine) as s:
        model = model_versions.parsed(model_versions.ensure_active(session=s, now=NOW))
        labels = labelled(s, model, settings)
        decided = sorted({d.lead_id for d in s.exec(select(Decision)).all()})
    if len(decided) != len(labels.decided):  # some left out: no lead-by-lead view
        return labels, {}
    return labels, dict(zip(decided, labels.decided, strict=True))


def test_a_send_back_is_a_no_of_its_weight_and_an_accept_a_yes(sqlite_engine: Engine) -> None:
    decided_leads(sqlite_engine, NOW, 60)
    sent = _answer(sqlite_engine, "sent_back", 4)
    accepted = _answer(sqlite_engine, "accepted", 3)
    labels, by_lead = _by_lead(sqlite_engine, LearningSettings(sent_back_weight=2.0))
    assert labels.from_ae == 7 and labels.ignored_sent_back == 0
    for lead_id in sent:
        assert (by_lead[lead_id].label, by_lead[lead_id].weight) == (False, 2.0)
    for lead_id in accepted:
        assert (by_lead[lead_id].label, by_lead[lead_id].weight) == (True, 1.0)
    for lead_id in sent + accepted:
        one = by_lead[lead_id]
        assert all(e.occurred_at <= one.at for e in one.events)
        assert "webinar_registered" not in {e.type for e in one.events}
    # at weight 0 the sent-back leads are left out, not counted as the SDR's promote
    labels, _ = _by_lead(sqlite_engine, LearningSettings(sent_back_weight=0.0))
    assert labels.ignored_sent_back == 4 and labels.from_ae == 3
    assert len(labels.decided) == 60 - 4


def test_a_crm_outcome_overrides_a_send_back(sqlite_engine: Engine) -> None:
    decided_leads(sqlite_engine, NOW, 40)
    lead_id = _answer(sqlite_engine, "sent_back", 1)[0]
    with session_scope(sqlite_engine) as s:
        s.add(
            Event(
                lead_id=lead_id,
                type="crm_won",
                occurred_at=NOW,
                properties={},
                idempotency_key=900_000,
                received_at=NOW,
            )
        )
    labels, by_lead = _by_lead(sqlite_engine, LearningSettings())
    assert by_lead[lead_id].label is True and labels.from_ae == 0
