"""The Bolt app over Slack's request format: the factory, the manifest, clicks and modals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.settings import Settings, SettingsError
from bot.slack.app import build_app
from bot.slack.blocks.alert import (
    ACTION_CLAIM,
    ACTION_DISQUALIFY,
    ACTION_PROMOTE,
    ACTION_REASSIGN,
    ACTION_RECYCLE,
)
from bot.slack.blocks.exploration import ACTIONS as EXPLORATION_ACTIONS
from bot.slack.blocks.handover import ACTION_ACCEPT, ACTION_SEND_BACK
from bot.slack.listeners import actions, commands, events, views
from bot.slack.listeners.actions import proposal
from storage.db import session_scope
from storage.tables import Decision
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, BEN, HANDOVER, Clock
from tests.slack.harness import Bot, settings
from tests.slack.requests import view_submission

MANIFEST = Path(__file__).resolve().parents[2] / "bot" / "slack" / "manifest.yml"
BANT = {
    "budget": "confirmed",
    "authority": "decision_maker",
    "need": "urgent",
    "timing": "quarter",
    "pain_points": "spreadsheets break at 40 hotels",
    "notes": "pilot in Q3",
    "ae": None,
}


@pytest.fixture
def bot(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield Bot(sqlite_engine, fake, clock)
    fake.assert_no_problems()


@pytest.fixture
def alerted(bot: Bot) -> int:
    lead_id = make_mql(bot.engine, bot.clock(), alert=True)
    assert bot.sender.drain_once().sent == 1
    return lead_id


def test_building_the_app_touches_no_network(sqlite_engine: Engine, clock: Clock) -> None:
    nowhere = WebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/", timeout=0.2)
    assert isinstance(build_app(settings(), engine=sqlite_engine, client=nowhere, clock=clock), App)


def test_http_mode_needs_a_signing_secret(sqlite_engine: Engine, clock: Clock) -> None:
    client = WebClient(token="xoxb-x")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        build_app(Settings(), engine=sqlite_engine, client=client, clock=clock)
    build_app(Settings(), engine=sqlite_engine, client=client, clock=clock, socket_mode=True)


def test_the_manifest_and_the_listeners_agree(sqlite_engine: Engine, clock: Clock) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    manifest_commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert manifest_commands == set(commands.COMMANDS)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(events.EVENTS)
    assert set(actions.ACTIONS) == {
        ACTION_CLAIM,
        ACTION_PROMOTE,
        ACTION_RECYCLE,
        ACTION_DISQUALIFY,
        ACTION_REASSIGN,
        ACTION_ACCEPT,
        ACTION_SEND_BACK,
    }
    app = build_app(settings(), engine=sqlite_engine, client=WebClient("xoxb-x"), clock=clock)
    # the alert's and the handover's buttons, the pick list's Show buttons, a proposal's two
    # buttons and its reject modal, an exploration alert's three answers, the decision modals,
    # commands, events
    expected = (
        len(actions.ACTIONS)
        + 1
        + len(proposal.ACTIONS)
        + len(EXPLORATION_ACTIONS)
        + len(proposal.CALLBACKS)
        + len(views.CALLBACKS)
        + len(commands.COMMANDS)
        + len(events.EVENTS)
    )
    assert len(app._listeners) == expected
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_claim_assigns_the_sdr_and_updates_the_alert(bot: Bot, alerted: int) -> None:
    assert bot.click(ACTION_CLAIM, alerted, ANNA).status == 200
    assert bot.lead(alerted).owner == ANNA
    assert bot.sender.drain_once().sent == 2
    alert = bot.fake.messages(ALERTS)[0]
    assert f"<@{ANNA}>" in json.dumps(alert["blocks"])
    assert ACTION_CLAIM not in json.dumps(alert["blocks"])


def test_the_second_claimer_is_told_who_has_it(bot: Bot, alerted: int) -> None:
    bot.click(ACTION_CLAIM, alerted, ANNA)
    bot.click(ACTION_CLAIM, alerted, BEN)
    assert bot.lead(alerted).owner == ANNA
    [text] = bot.ephemerals_for(BEN)
    assert f"<@{ANNA}> already claimed this lead" in text


def test_a_claim_that_arrives_after_the_same_sdrs_own_decision_says_nothing(
    bot: Bot, alerted: int
) -> None:
    """Slack delivers a claim and a promote clicked quickly one after the other in any order;
    an SDR whose own decision came first is not told "too late" about it."""
    bot.click(ACTION_PROMOTE, alerted, ANNA)
    bot.send(view_submission("promote_submit", alerted, ANNA, BANT))
    assert bot.lead(alerted).status == "sql"
    bot.click(ACTION_CLAIM, alerted, ANNA)
    assert bot.ephemerals_for(ANNA) == []
    bot.click(ACTION_CLAIM, alerted, BEN)
    [text] = bot.ephemerals_for(BEN)
    assert "already promoted" in text and f"<@{ANNA}>" in text


def test_promote_opens_the_bant_modal_and_the_submission_hands_over(bot: Bot, alerted: int) -> None:
    bot.click(ACTION_PROMOTE, alerted, ANNA)
    [modal] = bot.fake.views.values()
    assert modal["callback_id"] == "promote_submit" and modal["private_metadata"] == str(alerted)
    response = bot.send(view_submission("promote_submit", alerted, ANNA, BANT))
    assert response.status == 200 and not response.body
    assert bot.lead(alerted).status == "sql"
    with session_scope(bot.engine) as s:
        [decision] = s.exec(select(Decision)).all()
        assert decision.bant == {k: v for k, v in BANT.items() if k not in ("notes", "ae")}
        assert decision.bant["pain_points"] == "spreadsheets break at 40 hotels"
        assert decision.notes == "pilot in Q3" and decision.decided_by == f"slack:{ANNA}"
    assert bot.sender.drain_once().sent == 3
    [handover] = bot.fake.messages(HANDOVER)
    assert "pilot in Q3" in json.dumps(handover["blocks"])


def test_a_named_account_executive_also_gets_the_handover_directly(bot: Bot, alerted: int) -> None:
    bot.send(view_submission("promote_submit", alerted, ANNA, {**BANT, "ae": BEN}))
    with session_scope(bot.engine) as s:
        [decision] = s.exec(select(Decision)).all()
        assert decision.bant["ae_slack_id"] == BEN
    assert bot.sender.drain_once().sent == 4
    [in_channel] = bot.fake.messages(HANDOVER)
    [direct] = bot.fake.messages(BEN)
    for message in (in_channel, direct):
        assert f"hands it over to <@{BEN}>" in json.dumps(message["blocks"])


@pytest.mark.parametrize(
    ("action", "callback", "status", "reasons"),
    [
        (ACTION_RECYCLE, "recycle_submit", "recycled", ("Bad timing", "Later")),
        (ACTION_DISQUALIFY, "disqualify_submit", "disqualified", ("Spam", "Student")),
    ],
)
def test_recycle_and_disqualify_ask_for_a_configured_reason(
    sqlite_engine: Engine,
    fake: FakeSlack,
    clock: Clock,
    action: str,
    callback: str,
    status: str,
    reasons: tuple[str, ...],
) -> None:
    bot = Bot(sqlite_engine, fake, clock, recycle_reasons=reasons, disqualify_reasons=reasons)
    lead_id = make_mql(sqlite_engine, clock(), alert=True)
    bot.sender.drain_once()
    bot.click(action, lead_id, BEN)
    [modal] = fake.views.values()
    options = modal["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == list(reasons)
    bot.send(view_submission(callback, lead_id, BEN, {"reason": reasons[1], "notes": None}))
    assert bot.lead(lead_id).status == status
    assert bot.sender.drain_once().sent == 2
    assert "actions" not in json.dumps(fake.messages(ALERTS)[0]["blocks"])
    fake.assert_no_problems()


def test_the_loser_of_a_race_gets_an_ephemeral_in_the_alert_thread(bot: Bot, alerted: int) -> None:
    bot.send(view_submission("disqualify_submit", alerted, BEN, {"reason": "Spam"}))
    response = bot.send(view_submission("promote_submit", alerted, ANNA, BANT))
    assert response.status == 200 and bot.lead(alerted).status == "disqualified"
    [text] = bot.ephemerals_for(ANNA)
    assert f"<@{BEN}> already disqualified this lead" in text and "Spam" in text
    [whisper] = bot.fake.ephemerals
    assert whisper["thread_ts"] == bot.fake.messages(ALERTS)[0]["ts"]


def test_clicking_a_decided_lead_opens_no_modal_and_says_why(bot: Bot, alerted: int) -> None:
    bot.send(view_submission("recycle_submit", alerted, BEN, {"reason": "Bad timing"}))
    bot.click(ACTION_PROMOTE, alerted, ANNA)
    assert bot.fake.views == {}
    assert "already recycled this lead" in bot.ephemerals_for(ANNA)[0]


def test_a_lost_race_without_a_known_alert_is_shown_in_the_modal(bot: Bot) -> None:
    lead_id = make_mql(bot.engine, bot.clock())
    bot.send(view_submission("disqualify_submit", lead_id, BEN, {"reason": "Spam"}))
    response = bot.send(view_submission("recycle_submit", lead_id, ANNA, {"reason": "Bad timing"}))
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    assert body["errors"]["notes"] == (
        f"Too late: {BEN} already disqualified on 2026-06-01 12:00 UTC. Nothing was changed."
    )


def test_only_configured_deciders_may_click_or_submit(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = Bot(sqlite_engine, fake, clock, deciders=(BEN,))
    lead_id = make_mql(sqlite_engine, clock(), alert=True)
    bot.sender.drain_once()
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    bot.click(ACTION_RECYCLE, lead_id, ANNA)
    assert bot.lead(lead_id).owner is None and fake.views == {}
    texts = bot.ephemerals_for(ANNA)
    assert len(texts) == 2 and all(ANNA in t and "[roles]" in t for t in texts)
    response = bot.send(view_submission("recycle_submit", lead_id, ANNA, {"reason": "x"}))
    errors = json.loads(response.body)["errors"]
    assert errors == {
        "notes": f"Only the SDRs in sdrbot's [roles] may decide MQLs. Your Slack id: {ANNA}."
    }
    assert bot.lead(lead_id).status == "mql"
    bot.click(ACTION_CLAIM, lead_id, BEN)
    assert bot.lead(lead_id).owner == BEN


def test_a_click_on_a_deleted_lead_is_explained(bot: Bot) -> None:
    bot.click(ACTION_CLAIM, 4242, ANNA)
    bot.click(ACTION_DISQUALIFY, 4242, ANNA)
    response = bot.send(view_submission("disqualify_submit", 4242, ANNA, {"reason": "Spam"}))
    assert all("#4242 does not exist" in t for t in bot.ephemerals_for(ANNA))
    assert len(bot.ephemerals_for(ANNA)) == 2
    assert "does not exist" in json.loads(response.body)["errors"]["notes"]


def test_members_of_a_decider_group_may_decide(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    fake.add_usergroup("S0SDRTEAM1", [ANNA])
    bot = Bot(sqlite_engine, fake, clock, decider_groups=("S0SDRTEAM1",))
    lead_id = make_mql(sqlite_engine, clock(), alert=True)
    bot.sender.drain_once()
    bot.click(ACTION_CLAIM, lead_id, BEN)
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    assert bot.lead(lead_id).owner == ANNA
    assert len(bot.ephemerals_for(BEN)) == 1 and not bot.ephemerals_for(ANNA)
