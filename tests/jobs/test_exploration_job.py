"""The exploration sample's daily job, with a fixed clock: off by default it shows nothing; on,
it picks the share of the contactable open leads just under the MQL line, seeded by the day,
once per day, and queues an exploration alert for each to its routed channel."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.jobs.catalog import job_named
from bot.jobs.exploration_job import EXPLORATION, trigger
from bot.jobs.runner import run_job
from bot.learning_settings import LearningSettings
from scoring.exploration import pick
from storage.db import session_scope
from storage.repositories import model_versions
from storage.tables import ExplorationSample, Lead, LeadScore, OutboxMessage
from tests.jobs.helpers import SETTINGS

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
ON = replace(SETTINGS, learning=LearningSettings(exploration_share=0.5, exploration_band=10))


def seed(engine: Engine) -> dict[str, list[int]]:
    """Leads by what the sample must make of them."""
    kinds: dict[str, list[tuple[float, str, bool]]] = {
        "band": [(61, "lead", True)] * 6 + [(69.5, "nurturing", True), (64, "recycled", True)],
        "above": [(70, "lead", True), (85, "lead", True)],
        "below": [(59.9, "lead", True), (20, "lead", True)],
        "not open": [(65, "mql", True), (66, "sql", True)],
        "anonymous": [(65, "lead", False)],
    }
    out: dict[str, list[int]] = {k: [] for k in kinds}
    with session_scope(engine) as s:
        version = model_versions.ensure_active(session=s, now=NOW - timedelta(days=9)).version
        assert version is not None
        n = 0
        for kind, leads in kinds.items():
            for score, status, known in leads:
                n += 1
                lead = Lead(
                    email=f"l{n}@x.example" if known else None,
                    external_id=None if known else f"anon:{n}",
                    first_name="Lead",
                    last_name=str(n),
                    status=status,
                    status_since=NOW - timedelta(days=3),
                    created_at=NOW - timedelta(days=5),
                    updated_at=NOW,
                )
                s.add(lead)
                s.flush()
                assert lead.id is not None
                s.add(
                    LeadScore(
                        lead_id=lead.id,
                        model_version=version,
                        score=score,
                        fit=score / 2,
                        engagement=score / 2,
                        fit_grade="B",
                        engagement_level=2,
                        band="nurture",
                        qualifies=score >= 70,
                        breakdown=[],
                        state={},
                        computed_at=NOW - timedelta(hours=1),
                    )
                )
                out[kind].append(lead.id)
    return out


def _samples(engine: Engine) -> list[ExplorationSample]:
    with session_scope(engine) as s:
        rows = list(s.exec(select(ExplorationSample).order_by(col(ExplorationSample.lead_id))))
        for r in rows:
            s.expunge(r)
        return rows


def _posts(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        rows = list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "jobs.exploration")))
        for r in rows:
            s.expunge(r)
        return rows


def test_it_is_registered_daily_and_off_by_default(threaded_engine: Engine) -> None:
    assert job_named("exploration") is EXPLORATION
    fire = trigger(SETTINGS).get_next_fire_time(None, NOW - timedelta(hours=2))
    assert fire is not None and (fire.hour, fire.minute) == (10, 0)
    assert "off" in EXPLORATION.schedule(SETTINGS) and "off" not in EXPLORATION.schedule(ON)
    seed(threaded_engine)
    run = run_job(threaded_engine, EXPLORATION, now=NOW, settings=SETTINGS, holder="a")
    assert run.ran and "exploration is off" in run.summary
    assert _samples(threaded_engine) == [] and _posts(threaded_engine) == []


def test_on_it_picks_the_share_of_the_band_once_per_day(threaded_engine: Engine) -> None:
    leads = seed(threaded_engine)
    run = run_job(threaded_engine, EXPLORATION, now=NOW, settings=ON, holder="a")
    assert run.ran and run.period == "2026-12-03"
    chosen = pick(leads["band"], 0.5, "2026-12-03")
    assert len(chosen) == 4 and f"4 of {len(leads['band'])} lead(s)" in run.summary
    samples = _samples(threaded_engine)
    assert [r.lead_id for r in samples] == chosen
    assert all((r.share, r.line, r.band, r.period) == (0.5, 70, 10, "2026-12-03") for r in samples)
    assert all(r.answer is None and r.channel == "#sdr-alerts" for r in samples)
    posts = _posts(threaded_engine)
    assert sorted(p.lead_id or 0 for p in posts) == chosen
    assert {p.payload["channel"] for p in posts} == {"#sdr-alerts"}
    # the same day again: not run again, nothing new queued
    again = run_job(
        threaded_engine, EXPLORATION, now=NOW + timedelta(hours=3), settings=ON, holder="b"
    )
    assert not again.ran and len(_posts(threaded_engine)) == 4
    # forced, the day's sample stands as it was
    forced = run_job(threaded_engine, EXPLORATION, now=NOW, settings=ON, holder="a", force=True)
    assert forced.ran and [r.lead_id for r in _samples(threaded_engine)] == chosen
    assert len(_posts(threaded_engine)) == 4
    # the next day draws again, among the band's leads whose alert is not open any more
    tomorrow = run_job(
        threaded_engine, EXPLORATION, now=NOW + timedelta(days=1), settings=ON, holder="a"
    )
    assert tomorrow.ran and tomorrow.period == "2026-12-04"
    open_ = set(chosen)
    fresh = [r.lead_id for r in _samples(threaded_engine) if r.period == "2026-12-04"]
    assert fresh == pick([i for i in leads["band"] if i not in open_], 0.5, "2026-12-04")
