"""The exploration alert in Slack, through signed requests against the fake Slack: posted to
the SDR channel flagged as under the MQL line with the answer buttons; a click stores the
answer and updates the alert in place (no buttons left); a second click is told who answered."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.learning_settings import LearningSettings
from bot.slack.blocks.exploration import ACTIONS
from bot.slack.jobs_transport import JobsSender
from bot.slack.outbox import make_client
from bot.usecases.learning.exploration import explore
from storage.db import session_scope
from storage.tables import ExplorationSample
from tests.fakeslack import FakeSlack
from tests.jobs.test_exploration_job import seed
from tests.slack.conftest import ALERTS, ANNA, BEN, Clock
from tests.slack.harness import Bot
from tests.slack.requests import block_action

LEARNING = LearningSettings(exploration_share=0.25)


@pytest.fixture
def bot(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield Bot(sqlite_engine, fake, clock, learning=LEARNING)
    fake.assert_no_problems()


def test_an_exploration_alert_is_answered_once_in_slack(bot: Bot) -> None:
    jobs = JobsSender(bot.engine, make_client(bot.fake.token, bot.fake.base_url), bot.clock)
    seed(bot.engine)
    with session_scope(bot.engine) as s:
        done = explore(s, bot.settings, now=bot.clock(), period="2026-06-01")
    assert len(done.sampled) == 2
    assert jobs.drain_once().sent == 2
    posts = bot.fake.messages(ALERTS)
    assert len(posts) == 2
    blocks = json.dumps(posts[0]["blocks"])
    assert "below the MQL line" in blocks and "learn where the line should be" in blocks
    actions = next(b for b in posts[0]["blocks"] if b["type"] == "actions")
    assert tuple(e["action_id"] for e in actions["elements"]) == ACTIONS
    sample_id = int(actions["elements"][0]["value"])

    body = block_action("exploration_recycle", sample_id, ANNA, channel=ALERTS)
    assert bot.send(body).status == 200
    with session_scope(bot.engine) as s:
        row = s.exec(select(ExplorationSample).where(ExplorationSample.id == sample_id)).one()
        assert (row.answer, row.answered_by) == ("recycle", f"slack:{ANNA}")
    jobs.drain_once()
    updated = bot.fake.message(ALERTS, posts[0]["ts"])
    assert updated is not None
    assert not [b for b in updated["blocks"] if b["type"] == "actions"]
    assert "not sales-ready now" in json.dumps(updated["blocks"])

    body = block_action("exploration_promote", sample_id, BEN, channel=ALERTS)
    assert bot.send(body).status == 200
    assert any(f"<@{ANNA}> already answered" in t for t in bot.ephemerals_for(BEN))


def test_only_deciders_may_answer_and_a_lead_gone_is_said(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = Bot(sqlite_engine, fake, clock, learning=LEARNING, deciders=(BEN,))
    seed(bot.engine)
    with session_scope(bot.engine) as s:
        explore(s, bot.settings, now=bot.clock(), period="2026-06-01")
        first = s.exec(select(ExplorationSample)).first()
        assert first is not None and first.id is not None
        sample_id = first.id
    assert bot.send(block_action("exploration_promote", sample_id, ANNA)).status == 200
    assert any("Only the SDRs named" in t for t in bot.ephemerals_for(ANNA))
    with session_scope(bot.engine) as s:
        row = s.get(ExplorationSample, sample_id)
        assert row is not None and row.answer is None
    assert bot.send(block_action("exploration_promote", 999, BEN)).status == 200
    assert any("no longer exists" in t for t in bot.ephemerals_for(BEN))
    fake.assert_no_problems()
