"""SLA reminders and escalations with a frozen clock, posted through the fake Slack.

The MQL is made at NOW (Monday 14:00 in Berlin); with 4 working hours from 09:00 to 17:00 the
reminder is due on Tuesday at 10:00 and the escalation (8 hours) on Tuesday at 14:00.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.jobs.runner import run_job
from bot.jobs.sla_job import SLA
from bot.routing import Rep
from bot.slack.jobs_transport import JobsSender
from bot.slack.outbox import OutboxSender, make_client
from bot.usecases.lifecycle.decisions import decide
from storage.db import session_scope
from storage.tables import Lead
from tests.conftest import NOW
from tests.fakeslack import FakeSlack, running_fake_slack
from tests.jobs.helpers import SETTINGS
from tests.jobs.test_expiry_job import _an_mql

ALERTS, MANAGERS = "C0ALERTS01", "C0MANAGER1"
CONFIG = replace(
    SETTINGS,
    alert_channel=ALERTS,
    manager_channel=MANAGERS,
    reps=(Rep("U0SDRANNA1"), Rep("U0SDRBEN01")),
)
REMINDER_AT = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)  # Tuesday 10:00 in Berlin
ESCALATION_AT = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)  # Tuesday 14:00 in Berlin


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack(channels={"sdr-alerts": ALERTS, "sdr-managers": MANAGERS}) as fake:
        yield fake


def _posted_alert(engine: Engine, fake: FakeSlack, tmp_path: Path) -> tuple[int, str]:
    _an_mql(engine, tmp_path)
    client = make_client(fake.token, fake.base_url)
    alerts = OutboxSender(
        engine, client, lambda: NOW, alert_channel=ALERTS, handover_channel=ALERTS, pace=0
    )
    assert alerts.drain_once().sent == 1
    with session_scope(engine) as s:
        lead_id = s.exec(select(Lead.id)).one()
    assert lead_id is not None
    return lead_id, fake.messages(ALERTS)[0]["ts"]


def _tick(engine: Engine, fake: FakeSlack, at: datetime) -> None:
    run_job(engine, SLA, now=at, settings=CONFIG, holder="a")
    JobsSender(engine, make_client(fake.token, fake.base_url), lambda: at).drain_once()


def test_a_reminder_then_an_escalation_each_once(
    threaded_engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    _, alert_ts = _posted_alert(threaded_engine, fake, tmp_path)
    _tick(threaded_engine, fake, REMINDER_AT - timedelta(minutes=5))
    assert len(fake.messages(ALERTS)) == 1  # not yet
    _tick(threaded_engine, fake, REMINDER_AT)
    _tick(threaded_engine, fake, REMINDER_AT + timedelta(minutes=5))  # no second reminder
    _, reminder = fake.messages(ALERTS)
    assert reminder["thread_ts"] == alert_ts
    assert "<@U0SDRANNA1> <@U0SDRBEN01>" in reminder["text"]  # unclaimed: the SDRs
    assert "has waited 4 working hours for a decision" in reminder["text"]
    assert fake.messages(MANAGERS) == []
    _tick(threaded_engine, fake, ESCALATION_AT)
    _tick(threaded_engine, fake, ESCALATION_AT + timedelta(hours=1))
    [escalation] = fake.messages(MANAGERS)
    assert "has waited 8 working hours for a decision, twice the SLA of 4" in escalation["text"]
    assert "|Open the alert>" in escalation["text"]
    assert len(fake.messages(ALERTS)) == 2
    fake.assert_no_problems()


def test_a_decision_stops_the_reminder_even_one_already_queued(
    threaded_engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    lead_id, _ = _posted_alert(threaded_engine, fake, tmp_path)
    run_job(threaded_engine, SLA, now=REMINDER_AT, settings=CONFIG, holder="a")  # queued
    decide(
        threaded_engine,
        lead_id=lead_id,
        outcome="disqualify",
        actor="slack:U0SDRANNA1",
        now=REMINDER_AT,
        reason="Spam",
    )
    client = make_client(fake.token, fake.base_url)
    JobsSender(threaded_engine, client, lambda: REMINDER_AT).drain_once()
    _tick(threaded_engine, fake, ESCALATION_AT)
    texts = [m.get("text", "") for m in fake.messages(ALERTS)]
    assert not any("working hours" in t for t in texts)
    assert fake.messages(MANAGERS) == []


def test_the_owner_is_named_in_german(
    threaded_engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    lead_id, _ = _posted_alert(threaded_engine, fake, tmp_path)
    with session_scope(threaded_engine) as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        lead.owner = "U0SDRBEN01"
    german = replace(CONFIG, locale="de")
    run_job(threaded_engine, SLA, now=REMINDER_AT, settings=german, holder="a")
    JobsSender(
        threaded_engine, make_client(fake.token, fake.base_url), lambda: REMINDER_AT
    ).drain_once()
    reminder = fake.messages(ALERTS)[-1]["text"]
    assert reminder.startswith(":alarm_clock: <@U0SDRBEN01> ") and "<@U0SDRANNA1>" not in reminder
    assert "Arbeitsstunden" in reminder


def test_old_slots_are_forgotten(threaded_engine: Engine) -> None:
    from storage.repositories import jobs as runs

    run_job(threaded_engine, SLA, now=NOW, settings=CONFIG, holder="a")
    run_job(threaded_engine, SLA, now=NOW + timedelta(days=6), settings=CONFIG, holder="a")
    with session_scope(threaded_engine) as s:
        assert runs.run_of(s, "sla", "2026-06-01T14:00") is not None
    run_job(threaded_engine, SLA, now=NOW + timedelta(days=8), settings=CONFIG, holder="a")
    with session_scope(threaded_engine) as s:
        assert runs.run_of(s, "sla", "2026-06-01T14:00") is None
        assert runs.run_of(s, "sla", "2026-06-07T14:00") is not None


def test_later_runs_queue_only_the_steps_not_queued_before(
    threaded_engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    _posted_alert(threaded_engine, fake, tmp_path)
    first = run_job(threaded_engine, SLA, now=REMINDER_AT, settings=CONFIG, holder="a")
    assert first.summary == "queued 1 new reminder and 0 new escalations"
    again = run_job(
        threaded_engine, SLA, now=REMINDER_AT + timedelta(minutes=5), settings=CONFIG, holder="a"
    )
    assert again.summary == "queued 0 new reminders and 0 new escalations"
    later = run_job(threaded_engine, SLA, now=ESCALATION_AT, settings=CONFIG, holder="a")
    assert later.summary == "queued 0 new reminders and 1 new escalation"
