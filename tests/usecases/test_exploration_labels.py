"""Answers to exploration alerts: stored once on the sample (no decision, no status change, so
the funnel never sees them), and a label for recalibration weighed 1 / the sampling share, with
the features of the moment of the answer; a later SDR decision or a CRM outcome overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.learning_settings import LearningSettings
from bot.settings import Settings
from bot.usecases.learning.decided_leads import labelled
from bot.usecases.learning.exploration import answer, explore
from bot.usecases.learning.from_db import labelled_examples
from scoring.calibrate.recal_types import Decided
from storage.db import session_scope
from storage.repositories import model_versions
from storage.tables import (
    Decision,
    Event,
    ExplorationSample,
    Lead,
    LifecycleTransition,
    OutboxMessage,
)
from tests.jobs.test_exploration_job import NOW, seed
from tests.usecases.learning_data import decided_leads

SHARE = 0.25
SETTINGS = Settings(learning=LearningSettings(exploration_share=SHARE))


def _sampled(engine: Engine) -> list[int]:
    """The sample ids of a day's run over the seeded band."""
    seed(engine)
    with session_scope(engine) as s:
        done = explore(s, SETTINGS, now=NOW, period="2026-12-03")
        assert len(done.sampled) == 2  # 8 leads in the band at 25 %
        return [r.id or 0 for r in s.exec(select(ExplorationSample))]


def _labels(engine: Engine) -> tuple[int, dict[int, Decided]]:
    with session_scope(engine) as s:
        model = model_versions.parsed(model_versions.ensure_active(session=s, now=NOW))
        labels = labelled(s, model, LearningSettings(recycle_weight=0.5))
        by_at = {d.at: d for d in labels.decided}
        samples = list(s.exec(select(ExplorationSample)))
        return labels.from_exploration, {
            r.lead_id: by_at[r.answered_at] for r in samples if r.answered_at in by_at
        }


def test_an_answer_is_stored_once_and_moves_nothing(sqlite_engine: Engine) -> None:
    first, second = _sampled(sqlite_engine)
    at = NOW + timedelta(hours=1)
    done = answer(sqlite_engine, sample_id=first, answer="promote", actor="slack:U1", now=at)
    assert done.done and done.lead_id is not None
    late = answer(sqlite_engine, sample_id=first, answer="disqualify", actor="slack:U2", now=at)
    assert (late.done, late.problem, late.by, late.answer) == (
        False,
        "answered",
        "slack:U1",
        "promote",
    )
    gone = answer(sqlite_engine, sample_id=999, answer="promote", actor="slack:U1", now=at)
    assert (gone.done, gone.problem) == (False, "gone")
    with pytest.raises(ValueError, match="promote, recycle, disqualify"):
        answer(sqlite_engine, sample_id=second, answer="claim", actor="slack:U1", now=at)
    with session_scope(sqlite_engine) as s:
        row = s.get(ExplorationSample, second)
        assert row is not None
        moved = s.get(Lead, row.lead_id)
        assert moved is not None
        moved.status = "mql"  # it crossed the line since it was shown
        s.add(moved)
    late_mql = answer(sqlite_engine, sample_id=second, answer="promote", actor="slack:U1", now=at)
    assert (late_mql.done, late_mql.problem) == (False, "moved")
    with session_scope(sqlite_engine) as s:
        lead = s.get(Lead, done.lead_id)
        assert lead is not None and lead.status == "lead"
        assert s.exec(select(Decision)).first() is None
        assert s.exec(select(LifecycleTransition)).first() is None  # the funnel sees nothing
        updates = s.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "jobs.exploration_update")
        ).all()
        assert [u.payload["sample_id"] for u in updates] == [first]


def test_an_answer_is_a_label_weighed_by_the_inverse_share(sqlite_engine: Engine) -> None:
    decided_leads(sqlite_engine, NOW - timedelta(days=1), 40)
    first, second = _sampled(sqlite_engine)
    at = NOW + timedelta(hours=1)
    answer(sqlite_engine, sample_id=first, answer="promote", actor="slack:U1", now=at)
    later = at + timedelta(minutes=1)  # the labels are told apart by their moment
    answer(sqlite_engine, sample_id=second, answer="recycle", actor="slack:U1", now=later)
    with session_scope(sqlite_engine) as s:
        lead_of = {r.id: r.lead_id for r in s.exec(select(ExplorationSample))}
        # an event after the answer must not reach its features
        s.add(
            Event(
                lead_id=lead_of[first],
                type="webinar_registered",
                occurred_at=at + timedelta(minutes=5),
                properties={},
                idempotency_key=77_001,
                received_at=NOW,
            )
        )
    count, by_lead = _labels(sqlite_engine)
    assert count == 2
    promoted, recycled = by_lead[lead_of[first]], by_lead[lead_of[second]]
    assert (promoted.label, promoted.weight) == (True, 1 / SHARE)
    assert (recycled.label, recycled.weight) == (False, 0.5 / SHARE)
    assert all(e.occurred_at <= at for e in promoted.events)
    # calibration from the database counts it as the lead's decision, once
    assert labelled_examples(sqlite_engine).exploration == 2


def test_a_later_decision_or_a_crm_outcome_overrides_the_answer(sqlite_engine: Engine) -> None:
    first, second = _sampled(sqlite_engine)
    at = NOW + timedelta(hours=1)
    answer(sqlite_engine, sample_id=first, answer="disqualify", actor="slack:U1", now=at)
    answer(sqlite_engine, sample_id=second, answer="disqualify", actor="slack:U1", now=at)
    with session_scope(sqlite_engine) as s:
        lead_of = {r.id: r.lead_id for r in s.exec(select(ExplorationSample))}
        s.add(
            Decision(
                lead_id=lead_of[first],
                decision="promote",
                decided_by="slack:U1",
                decided_at=at + timedelta(days=2),
            )
        )
        s.add(
            Event(
                lead_id=lead_of[second],
                type="crm_won",
                occurred_at=at + timedelta(days=3),
                properties={},
                idempotency_key=77_002,
                received_at=NOW,
            )
        )
    with session_scope(sqlite_engine) as s:
        model = model_versions.parsed(model_versions.ensure_active(session=s, now=NOW))
        labels = labelled(s, model, LearningSettings())
    assert labels.from_exploration == 0 and labels.from_crm == 1
    assert sorted((d.label, d.weight) for d in labels.decided) == [(True, 1.0), (True, 1.0)]
