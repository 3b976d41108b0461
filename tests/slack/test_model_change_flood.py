"""A model change that makes many MQLs at once posts one summary instead of an alert each, and
a lead announced only there has no alert: deciding it later leaves no failed Slack row (no
update or thread note is queued for an alert that does not exist; its handover still goes).
With few new MQLs, each gets its own alert as usual."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.learning_settings import LearningSettings
from bot.slack.jobs_transport import JobsSender
from bot.slack.outbox import make_client
from bot.usecases.learning.proposals import approve
from bot.usecases.lifecycle.decisions import decide
from bot.usecases.lifecycle.rescore import rescore_all
from scoring.loader import default_model_text
from storage.db import session_scope
from storage.repositories import proposals as repo
from storage.tables import Lead, OutboxMessage
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, Clock
from tests.slack.harness import Bot, settings

OPS = "C0MANAGER1"


def _cold_leads(engine: Engine, clock: Clock, n: int) -> list[int]:
    """Leads with no points under the default model (no events, no fitting title)."""
    ids = []
    with session_scope(engine) as s:
        for i in range(n):
            lead = Lead(
                email=f"p{i}@shop{i}.example",
                first_name="Pat",
                last_name=str(i),
                company=f"Shop {i}",
                status="lead",
                status_since=clock(),
                created_at=clock(),
                updated_at=clock(),
            )
            s.add(lead)
            s.flush()
            assert lead.id is not None
            ids.append(lead.id)
    rescore_all(engine, now=clock(), actor="test")  # scored under v1: still leads
    return ids


def _generous_proposal(engine: Engine, clock: Clock) -> int:
    """A proposal under which every lead with an e-mail address is an MQL."""
    text = (
        default_model_text()
        .replace("min_fit = 20 ", "min_fit = 0 ")
        .replace("min_engagement = 20 ", "min_engagement = 0 ")
    )
    text += (
        '\n[[fit]]\nid = "has_email"\nlabel = "Has an e-mail address"\nfield = "email"\n'
        'op = "is_set"\npoints = 80\n'
    )
    evidence = {
        "decisions": 40,
        "positives": 12,
        "negatives": 28,
        "from_crm": 0,
        "recycle_weight": 0.5,
        "rules": [],
        "new_rules": [],
        "threshold": {"old": 70, "new": 70, "aim": 70, "expected_rate": 0.3, "target": 0.3},
        "backtest": {"train": 0, "test": 0, "before": None, "after": None, "skipped": "few"},
        "change": {"become_mql": 30, "qualify": 30, "looked_at": 30},
    }
    with session_scope(engine) as s:
        row, _ = repo.add(
            s,
            created_by="test",
            base_version=1,
            toml=text,
            headline="generous",
            evidence=evidence,
            now=clock(),
        )
        assert row.id is not None
        return row.id


@pytest.fixture
def many(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[tuple[Bot, JobsSender]]:
    learning = LearningSettings(channel=OPS, flood_limit=5)
    bot = Bot(sqlite_engine, fake, clock, learning=learning)
    yield bot, JobsSender(sqlite_engine, make_client(fake.token, fake.base_url), clock)
    fake.assert_no_problems()


def _kinds(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage.kind)))


def test_many_new_mqls_get_one_summary_and_no_failed_updates(
    many: tuple[Bot, JobsSender],
) -> None:
    bot, jobs = many
    ids = _cold_leads(bot.engine, bot.clock, 30)
    pid = _generous_proposal(bot.engine, bot.clock)
    learning = LearningSettings(channel=OPS, flood_limit=5)
    done = approve(bot.engine, settings(learning=learning), pid, by="slack:U1", now=bot.clock())
    assert done.new_mqls == 30 and done.summary
    assert bot.lead(ids[0]).status == "mql"
    kinds = _kinds(bot.engine)
    assert "slack.alert" not in kinds and kinds.count("jobs.mql_summary") == 1
    jobs.drain_once()
    summary = [m for m in bot.fake.messages(ALERTS) if "30" in m["text"]]
    assert len(summary) == 1 and "Pat 0 (Shop 0)" in summary[0]["text"]
    assert bot.sender.drain_once().sent == 0  # no alert of their own

    bot.clock.advance(60)
    decide(bot.engine, lead_id=ids[0], outcome="promote", actor="slack:U0SDRANNA1", now=bot.clock())
    decide(
        bot.engine, lead_id=ids[1], outcome="disqualify", actor="slack:U0SDRANNA1", now=bot.clock()
    )
    kinds = _kinds(bot.engine)
    assert "slack.update" not in kinds and "slack.thread" not in kinds
    assert "slack.handover" in kinds  # the promoted lead still goes to the AEs
    report = bot.sender.drain_once()
    assert report.failed == 0 and report.sent == 1


def test_a_few_new_mqls_are_alerted_one_by_one(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    learning = LearningSettings(channel=OPS, flood_limit=50)
    bot = Bot(sqlite_engine, fake, clock, learning=learning)
    ids = _cold_leads(bot.engine, bot.clock, 8)
    pid = _generous_proposal(bot.engine, bot.clock)
    done = approve(bot.engine, settings(learning=learning), pid, by="cli:ops", now=bot.clock())
    assert done.new_mqls == 8 and not done.summary
    assert _kinds(bot.engine).count("slack.alert") == 8
    assert bot.sender.drain_once().sent == 8
    bot.clock.advance(timedelta(minutes=1).total_seconds())
    decide(
        bot.engine, lead_id=ids[0], outcome="disqualify", actor="slack:U0SDRANNA1", now=bot.clock()
    )
    assert "slack.update" in _kinds(bot.engine)
    assert bot.sender.drain_once().failed == 0
    fake.assert_no_problems()
