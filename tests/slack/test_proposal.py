"""The recalibration proposal in Slack, through signed requests against the fake Slack: posted
to marketing ops with its evidence and buttons; a non-approver's click changes nothing and is
told who may; an approval makes model v2, updates the message in place and confirms in its
thread; a second approval, or one of a superseded proposal, changes nothing and says why; a
rejection asks for the reason in a modal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from sqlalchemy.engine import Engine

from bot.learning_settings import LearningSettings
from bot.slack.blocks.proposal import ACTION_APPROVE, ACTION_REJECT, REJECT_CALLBACK
from bot.slack.jobs_transport import JobsSender
from bot.slack.outbox import make_client
from bot.usecases.learning.recalibrate import recalibrate
from storage.db import session_scope
from storage.repositories import model_versions
from storage.repositories import proposals as repo
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ANNA, BEN, Clock
from tests.slack.harness import Bot, settings
from tests.slack.requests import TEAM, block_action
from tests.usecases.learning_data import decided_leads

OPS = "C0MANAGER1"
LEARNING = LearningSettings(channel=OPS, approvers=(ANNA,))


@pytest.fixture
def bot(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield Bot(sqlite_engine, fake, clock, learning=LEARNING)
    fake.assert_no_problems()


@pytest.fixture
def jobs(bot: Bot) -> JobsSender:
    client = make_client(bot.fake.token, bot.fake.base_url)
    return JobsSender(bot.engine, client, bot.clock)


def _propose(bot: Bot) -> int:
    done = recalibrate(bot.engine, settings(learning=LEARNING), now=bot.clock(), actor="job:test")
    assert done.proposal_id is not None
    return done.proposal_id


def _click(bot: Bot, action: str, proposal_id: int, user: str) -> None:
    body = block_action(action, proposal_id, user, channel=OPS, trigger_id=bot.fake.trigger_id())
    assert bot.send(body).status == 200


def _status(bot: Bot, proposal_id: int) -> str:
    with session_scope(bot.engine) as s:
        row = repo.get(s, proposal_id)
        assert row is not None
        return row.status


def _active(bot: Bot) -> int:
    with session_scope(bot.engine) as s:
        row = model_versions.get_active(session=s)
        assert row is not None and row.version is not None
        return row.version


def _post(bot: Bot) -> dict:  # type: ignore[type-arg]
    top = [m for m in bot.fake.messages(OPS) if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
    assert len(top) >= 1
    return top[-1]


def test_approve_only_by_marketing_ops_and_only_once(bot: Bot, jobs: JobsSender) -> None:
    decided_leads(bot.engine, bot.clock(), 150, open_leads=20)
    pid = _propose(bot)
    assert jobs.drain_once().sent == 1
    posted = _post(bot)
    actions = next(b for b in posted["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [ACTION_APPROVE, ACTION_REJECT]
    assert "MQL line" in json.dumps(posted["blocks"]) and "Backtest" in json.dumps(posted["blocks"])

    _click(bot, ACTION_APPROVE, pid, BEN)  # not marketing ops
    assert _status(bot, pid) == "pending" and _active(bot) == 1
    assert any("Only marketing ops" in t and f"<@{ANNA}>" in t for t in bot.ephemerals_for(BEN))

    _click(bot, ACTION_APPROVE, pid, ANNA)
    assert _status(bot, pid) == "approved" and _active(bot) == 2
    jobs.drain_once()
    updated = bot.fake.message(OPS, posted["ts"])
    assert updated is not None
    assert not [b for b in updated["blocks"] if b["type"] == "actions"]  # the buttons are gone
    assert f"Approved by <@{ANNA}>" in json.dumps(updated["blocks"])
    thread = [m for m in bot.fake.messages(OPS) if m.get("thread_ts") == posted["ts"]]
    assert any("Model v2 is active" in m["text"] for m in thread if m["ts"] != posted["ts"])

    _click(bot, ACTION_APPROVE, pid, ANNA)  # a second approval
    assert _active(bot) == 2
    assert any("approved already" in t for t in bot.ephemerals_for(ANNA))


def test_a_superseded_proposal_cannot_be_approved(bot: Bot, jobs: JobsSender) -> None:
    decided_leads(bot.engine, bot.clock(), 150)
    old = _propose(bot)
    jobs.drain_once()
    new = _propose(bot)
    jobs.drain_once()
    assert _status(bot, old) == "superseded"
    first = bot.fake.messages(OPS)[0]
    assert "Superseded" in json.dumps(first["blocks"])  # updated in place
    _click(bot, ACTION_APPROVE, old, ANNA)
    assert _active(bot) == 1 and _status(bot, new) == "pending"
    assert any(f"superseded by proposal #{new}" in t for t in bot.ephemerals_for(ANNA))


def _reject_submission(proposal_id: int, user: str, reason: str) -> str:
    payload = {
        "type": "view_submission",
        "team": TEAM,
        "api_app_id": "A0SDRBOT01",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "trigger_id": "1.3.def",
        "view": {
            "id": "V0MODAL002",
            "type": "modal",
            "callback_id": REJECT_CALLBACK,
            "private_metadata": str(proposal_id),
            "state": {
                "values": {"reason": {"reason": {"type": "plain_text_input", "value": reason}}}
            },
            "hash": "1.abc",
            "team_id": TEAM["id"],
        },
    }
    return urlencode({"payload": json.dumps(payload)})


def test_reject_asks_for_a_reason_and_keeps_it(bot: Bot, jobs: JobsSender) -> None:
    decided_leads(bot.engine, bot.clock(), 150)
    pid = _propose(bot)
    jobs.drain_once()
    _click(bot, ACTION_REJECT, pid, BEN)
    assert not bot.fake.views and _status(bot, pid) == "pending"
    _click(bot, ACTION_REJECT, pid, ANNA)
    opened = list(bot.fake.views.values())
    assert opened and opened[-1]["callback_id"] == REJECT_CALLBACK
    assert bot.send(_reject_submission(pid, BEN, "no")).status == 200
    assert _status(bot, pid) == "pending"  # a non-approver's submission changes nothing
    assert bot.send(_reject_submission(pid, ANNA, "Black Friday week")).status == 200
    assert _status(bot, pid) == "rejected" and _active(bot) == 1
    jobs.drain_once()
    texts = [m["text"] for m in bot.fake.messages(OPS)]
    assert any("Black Friday week" in t and f"<@{ANNA}>" in t for t in texts)


def test_with_no_approvers_configured_nobody_may_press(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = Bot(sqlite_engine, fake, clock, learning=replace(LEARNING, approvers=()))
    decided_leads(bot.engine, bot.clock(), 150)
    pid = _propose(bot)
    _click(bot, ACTION_APPROVE, pid, ANNA)
    assert _status(bot, pid) == "pending"
    assert any("[learning] approvers" in t for t in bot.ephemerals_for(ANNA))
