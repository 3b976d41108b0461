"""App Home's own buttons, over signed requests against the fake Slack: each listed MQL has the
alert's buttons, which open the same modals under the same checks (deciders, ownership policy,
BANT gate), and the tab is published again after a claim, decision or reassignment there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from slack_bolt import BoltResponse
from sqlalchemy.engine import Engine

from bot.slack.blocks.alert import (
    ACTION_CLAIM,
    ACTION_DISQUALIFY,
    ACTION_PROMOTE,
    ACTION_REASSIGN,
    ACTION_RECYCLE,
)
from bot.triage_settings import Triage
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, BEN, Clock
from tests.slack.harness import Bot
from tests.slack.requests import event, home_action, view_submission

BANT = {
    "budget": "planned",
    "authority": "influencer",
    "need": "urgent",
    "timing": "quarter",
    "pain_points": "Excel breaks at 40 hotels",
}


def make_bot(engine: Engine, fake: FakeSlack, clock: Clock, **changes: Any) -> Bot:
    triage = changes.pop("triage", {})
    return Bot(engine, fake, clock, triage=replace(Triage(), **triage), **changes)


@pytest.fixture
def bot(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield make_bot(sqlite_engine, fake, clock)
    fake.assert_no_problems()


def alerted(bot: Bot, name: str) -> int:
    lead_id = make_mql(
        bot.engine, bot.clock(), email=f"{name}@x.example", first_name=name, alert=True
    )
    bot.sender.drain_once()
    return lead_id


def open_home(bot: Bot, user: str) -> dict[str, Any]:
    bot.send(
        event("app_home_opened", user, f"Ev{len(bot.fake.calls)}", tab="home"), "application/json"
    )
    home = bot.fake.home_view(user)
    assert home is not None
    return home


def press(bot: Bot, home: dict[str, Any], action_id: str, lead_id: int, user: str) -> BoltResponse:
    body = home_action(action_id, lead_id, user, home, trigger_id=bot.fake.trigger_id())
    return bot.send(body)


def sections(home: dict[str, Any]) -> dict[str, dict[int, list[str]]]:
    """Each Home list ("mine", "unclaimed") as lead id -> the action ids of its buttons."""
    out: dict[str, dict[int, list[str]]] = {"mine": {}, "unclaimed": {}}
    current = ""
    for block in home["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if block["type"] == "section" and text.startswith(("*Claimed by you*", "*Von dir")):
            current = "mine"
        elif block["type"] == "section" and text.startswith(("*Unclaimed*", "*Nicht über")):
            current = "unclaimed"
        elif block["type"] == "actions" and current:
            lead_id = int(block["block_id"].removeprefix("home_lead_"))
            out[current][lead_id] = [e["action_id"] for e in block["elements"]]
    return out


def modals(bot: Bot) -> list[dict[str, Any]]:
    return [v for v in bot.fake.views.values() if v["type"] == "modal"]


def errors(response: BoltResponse) -> dict[str, str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    return dict(body["errors"])


def notice(home: dict[str, Any]) -> str:
    """The answer to a click shown on top of the tab (the block after the header)."""
    return str(home["blocks"][1]["text"]["text"])


def test_every_listed_mql_has_the_alerts_buttons_with_its_own_ids(bot: Bot) -> None:
    mine, free = alerted(bot, "Mine"), alerted(bot, "Free")
    bot.click(ACTION_CLAIM, mine, ANNA)
    listed = sections(open_home(bot, ANNA))
    assert listed["mine"] == {
        mine: [
            f"{a}:{mine}"
            for a in ("lead_promote", "lead_recycle", "lead_disqualify", "lead_reassign")
        ]
    }
    assert listed["unclaimed"][free][0] == f"lead_claim:{free}"
    assert len(listed["unclaimed"][free]) == 5


def test_promote_on_home_opens_the_same_gated_modal_and_the_lead_leaves_the_tab(bot: Bot) -> None:
    lead_id = alerted(bot, "Promo")
    home = open_home(bot, ANNA)
    assert press(bot, home, ACTION_PROMOTE, lead_id, ANNA).status == 200
    [modal] = modals(bot)
    assert modal["callback_id"] == "promote_submit"
    assert modal["private_metadata"] == f"{lead_id}:home"
    published = len(bot.fake.calls_to("views.publish"))
    # the BANT gate holds here too, and the tab stays as it is
    gated = view_submission("promote_submit", lead_id, ANNA, {}, metadata=f"{lead_id}:home")
    assert set(errors(bot.send(gated))) == {"need", "timing", "pain_points"}
    assert len(bot.fake.calls_to("views.publish")) == published
    passed = view_submission("promote_submit", lead_id, ANNA, BANT, metadata=f"{lead_id}:home")
    response = bot.send(passed)
    assert response.status == 200 and not response.body
    assert bot.lead(lead_id).status == "sql"
    assert len(bot.fake.calls_to("views.publish")) == published + 1
    after = bot.fake.home_view(ANNA)
    assert after is not None and lead_id not in sections(after)["unclaimed"]
    assert "Promo" not in json.dumps(after)
    # the alert is updated in place as after a click on it
    bot.sender.drain_once()
    assert "lead_promote" not in json.dumps(bot.fake.messages(ALERTS)[0]["blocks"])


def test_claim_on_home_moves_the_lead_to_mine(bot: Bot) -> None:
    lead_id = alerted(bot, "Claimy")
    press(bot, open_home(bot, ANNA), ACTION_CLAIM, lead_id, ANNA)
    assert bot.lead(lead_id).owner == ANNA
    after = bot.fake.home_view(ANNA)
    assert after is not None and lead_id in sections(after)["mine"]
    assert bot.fake.calls_to("chat.postEphemeral") == []


def test_a_lead_claimed_meanwhile_asks_to_take_over(bot: Bot) -> None:
    lead_id = alerted(bot, "Stale")
    home = open_home(bot, ANNA)
    bot.click(ACTION_CLAIM, lead_id, BEN)  # on the alert, after Anna's tab was drawn
    press(bot, home, ACTION_RECYCLE, lead_id, ANNA)
    [modal] = modals(bot)
    assert "take_over" in [b.get("block_id") for b in modal["blocks"]]
    meta = f"{lead_id}:home"
    unticked = view_submission(
        "recycle_submit", lead_id, ANNA, {"reason": "Bad timing", "take_over": None}, metadata=meta
    )
    assert list(errors(bot.send(unticked))) == ["take_over"]
    ticked = {"reason": "Bad timing", "take_over": "yes"}
    bot.send(view_submission("recycle_submit", lead_id, ANNA, ticked, metadata=meta))
    assert bot.lead(lead_id).status == "recycled" and bot.lead(lead_id).owner == ANNA


def test_refused_by_the_policy_the_tab_says_so(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, triage={"ownership": "refuse"})
    lead_id = alerted(bot, "Owned")
    home = open_home(bot, ANNA)
    bot.click(ACTION_CLAIM, lead_id, BEN)
    press(bot, home, ACTION_PROMOTE, lead_id, ANNA)
    assert modals(bot) == [] and fake.calls_to("chat.postEphemeral") == []
    after = fake.home_view(ANNA)
    assert after is not None
    assert "only the owner decide" in notice(after) and f"<@{BEN}>" in notice(after)
    assert lead_id not in sections(after)["unclaimed"]  # it is Ben's now
    fake.assert_no_problems()


def test_someone_who_may_not_decide_is_told_on_the_tab(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, deciders=(BEN,))
    lead_id = alerted(bot, "Guarded")
    home = open_home(bot, ANNA)
    for action in (ACTION_CLAIM, ACTION_DISQUALIFY, ACTION_REASSIGN):
        press(bot, home, action, lead_id, ANNA)
        after = fake.home_view(ANNA)
        assert after is not None and "may claim and decide" in notice(after)
    assert modals(bot) == [] and bot.lead(lead_id).owner is None
    assert fake.calls_to("chat.postEphemeral") == []
    fake.assert_no_problems()


def test_decided_meanwhile_the_tab_says_who_was_first(bot: Bot) -> None:
    lead_id = alerted(bot, "Gone")
    home = open_home(bot, ANNA)
    bot.send(view_submission("recycle_submit", lead_id, BEN, {"reason": "Bad timing"}))
    press(bot, home, ACTION_DISQUALIFY, lead_id, ANNA)
    after = bot.fake.home_view(ANNA)
    assert after is not None
    assert f"<@{BEN}>" in notice(after) and "recycled" in notice(after)
    assert lead_id not in sections(after)["unclaimed"]


def test_notes_typed_on_home_after_someone_decided_are_kept_and_told_on_the_tab(bot: Bot) -> None:
    lead_id = alerted(bot, "Race")
    press(bot, open_home(bot, ANNA), ACTION_RECYCLE, lead_id, ANNA)
    bot.send(view_submission("recycle_submit", lead_id, BEN, {"reason": "Bad timing"}))
    late = {"reason": "Bad timing", "notes": "Call back in March"}
    response = bot.send(
        view_submission("recycle_submit", lead_id, ANNA, late, metadata=f"{lead_id}:home")
    )
    assert response.status == 200 and not response.body
    after = bot.fake.home_view(ANNA)
    assert after is not None and "thread" in notice(after)
    bot.sender.drain_once()
    thread = [m for m in bot.fake.messages(ALERTS) if m.get("thread_ts")]
    assert "Call back in March" in json.dumps([m["blocks"] for m in thread])


def test_reassign_on_home_hands_the_lead_on_and_it_leaves_mine(bot: Bot) -> None:
    lead_id = alerted(bot, "Handed")
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    press(bot, open_home(bot, ANNA), ACTION_REASSIGN, lead_id, ANNA)
    [modal] = modals(bot)
    assert (
        modal["callback_id"] == "reassign_submit" and modal["private_metadata"] == f"{lead_id}:home"
    )
    bot.send(
        view_submission(
            "reassign_submit", lead_id, ANNA, {"owner": BEN}, metadata=f"{lead_id}:home"
        )
    )
    assert bot.lead(lead_id).owner == BEN
    after = bot.fake.home_view(ANNA)
    assert after is not None and lead_id not in sections(after)["mine"]


def test_a_german_team_gets_the_buttons_and_the_answers_in_german(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, locale="de")
    lead_id = alerted(bot, "Gerda")
    home = open_home(bot, ANNA)
    shown = json.dumps(home, ensure_ascii=False)
    assert "Übernehmen" in shown and "Claim" not in shown
    bot.send(view_submission("recycle_submit", lead_id, BEN, {"reason": "Bad timing"}))
    press(bot, home, ACTION_PROMOTE, lead_id, ANNA)
    after = fake.home_view(ANNA)
    assert after is not None and f"<@{BEN}>" in notice(after)
    assert "already" not in notice(after)
    fake.assert_no_problems()
