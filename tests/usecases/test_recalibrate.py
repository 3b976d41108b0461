"""Recalibration from the stored decisions: the planted signal is recovered, nothing is
proposed below the minimum, events after a decision never reach its features, and a proposal
is stored (superseding the older pending one) and posted."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.learning_settings import LearningSettings
from bot.settings import Settings
from bot.usecases.learning.recalibrate import NotEnough, recalibrate
from scoring.loader import load_model
from storage.db import session_scope
from storage.tables import ModelProposal, OutboxMessage
from tests.conftest import NOW
from tests.usecases.learning_data import decided_leads

SETTINGS = Settings(digest_channel="#marketing-ops")


def _points(ev: dict, rule: str) -> tuple[int, int]:  # type: ignore[type-arg]
    found = next(r for r in ev["rules"] if r["id"] == rule)
    return found["old"], found["new"]


def test_the_planted_signal_is_recovered_from_stored_decisions(sqlite_engine: Engine) -> None:
    decided_leads(sqlite_engine, NOW, 240, open_leads=40)
    done = recalibrate(sqlite_engine, SETTINGS, now=NOW, actor="cli:test", dry_run=True)
    old, new = _points(done.evidence, "role_executive")
    assert new > old
    old, new = _points(done.evidence, "target_industry")
    assert new < old
    assert any(r["label"].casefold().startswith("segment") for r in done.evidence["new_rules"])
    assert done.proposal_id is None
    model = load_model(done.toml)
    # the German labels reach the proposal and the revised model: kept ones and new ones
    kept = next(r for r in done.evidence["rules"] if r["id"] == "role_executive")
    assert kept["labels"] == {"de": "Geschäftsführung, Inhaber oder Gründer"}
    german = model.rule_labels("de")
    assert german["role_executive"] == kept["labels"]["de"]
    for new_rule in done.evidence["new_rules"]:
        assert german[new_rule["id"]] == new_rule["labels"]["de"]
    assert model.thresholds.mql == done.evidence["threshold"]["new"]
    with session_scope(sqlite_engine) as s:
        assert s.exec(select(ModelProposal)).first() is None  # a dry run stores nothing


def test_below_the_minimum_nothing_is_proposed_and_the_answer_says_what_is_missing(
    sqlite_engine: Engine,
) -> None:
    decided_leads(sqlite_engine, NOW, 20)
    with pytest.raises(NotEnough, match=r"20 decision\(s\).*10 more decision"):
        recalibrate(sqlite_engine, SETTINGS, now=NOW, actor="cli:test")
    with session_scope(sqlite_engine) as s:
        assert s.exec(select(ModelProposal)).first() is None


def test_events_after_a_decision_never_reach_its_features(sqlite_engine: Engine) -> None:
    # every promoted lead registers for a webinar minutes after its decision
    decided_leads(sqlite_engine, NOW, 240, leak=True)
    done = recalibrate(sqlite_engine, SETTINGS, now=NOW, actor="cli:test", dry_run=True)
    assert not any("webinar registered" in r["label"] for r in done.evidence["new_rules"])
    assert "webinar_registered" not in done.toml


def test_a_proposal_is_stored_posted_and_supersedes_the_older_one(sqlite_engine: Engine) -> None:
    decided_leads(sqlite_engine, NOW, 120)
    first = recalibrate(sqlite_engine, SETTINGS, now=NOW, actor="cli:test")
    second = recalibrate(sqlite_engine, SETTINGS, now=NOW, actor="cli:test")
    assert second.superseded == [first.proposal_id]
    with session_scope(sqlite_engine) as s:
        rows = {r.id: r for r in s.exec(select(ModelProposal))}
        assert rows[first.proposal_id].status == "superseded"
        assert rows[first.proposal_id].superseded_by == second.proposal_id
        assert rows[second.proposal_id].status == "pending"
        posts = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "jobs.proposal")).all()
        assert [p.payload["channel"] for p in posts] == ["#marketing-ops"] * 2


def test_recycles_count_at_their_configured_weight(sqlite_engine: Engine) -> None:
    decided_leads(sqlite_engine, NOW, 120)
    ignoring = replace(SETTINGS, learning=LearningSettings(recycle_weight=0.0))
    full = recalibrate(sqlite_engine, SETTINGS, now=NOW, actor="t", dry_run=True)
    without = recalibrate(sqlite_engine, ignoring, now=NOW, actor="t", dry_run=True)
    assert without.evidence["decisions"] < full.evidence["decisions"]
    assert without.evidence["positives"] == full.evidence["positives"]
