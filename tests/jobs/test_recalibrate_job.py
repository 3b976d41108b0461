"""The weekly recalibration job: Monday 07:00 by default (configurable), once per week; too
few decisions is a run that says what is missing, enough make one pending proposal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.jobs.catalog import job_named
from bot.jobs.recalibrate_job import RECALIBRATE, trigger
from bot.jobs.runner import run_job
from bot.learning_settings import LearningSettings
from storage.db import session_scope
from storage.tables import ModelProposal
from tests.jobs.helpers import SETTINGS
from tests.usecases.learning_data import decided_leads

MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_it_is_registered_and_fires_on_monday_at_seven_unless_configured() -> None:
    assert job_named("recalibrate") is RECALIBRATE
    fire = trigger(SETTINGS).get_next_fire_time(None, MONDAY - timedelta(days=2))
    assert fire is not None and (fire.weekday(), fire.hour, fire.minute) == (0, 7, 0)
    later = replace(SETTINGS, learning=LearningSettings(day="wed", time="06:30"))
    fire = trigger(later).get_next_fire_time(None, MONDAY)
    assert fire is not None and (fire.weekday(), fire.hour, fire.minute) == (2, 6, 30)
    assert RECALIBRATE.schedule(later) == "weekly, Wed 06:30"


def test_a_weekly_run_proposes_once(threaded_engine: Engine) -> None:
    few = run_job(threaded_engine, RECALIBRATE, now=MONDAY, settings=SETTINGS, holder="a")
    assert few.ran and "nothing proposed" in few.summary and "30 more decision" in few.summary
    decided_leads(threaded_engine, MONDAY, 120)
    again = run_job(threaded_engine, RECALIBRATE, now=MONDAY, settings=SETTINGS, holder="a")
    assert not again.ran  # the week ran already
    week = MONDAY + timedelta(days=7)
    done = run_job(threaded_engine, RECALIBRATE, now=week, settings=SETTINGS, holder="a")
    assert done.ran and "proposal #1 posted" in done.summary
    with session_scope(threaded_engine) as s:
        assert [r.status for r in s.exec(select(ModelProposal))] == ["pending"]
