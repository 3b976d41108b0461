"""`/lead` and App Home: what an SDR sees when looking for a lead or at their queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.slack.listeners.events import SEEN_FOR, SeenEvents
from bot.usecases.lifecycle.decisions import claim, decide, slack_actor
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ANNA, BEN, Clock
from tests.slack.harness import Bot
from tests.slack.requests import block_action, command, event


@pytest.fixture
def bot(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield Bot(sqlite_engine, fake, clock)
    fake.assert_no_problems()


def ask(bot: Bot, text: str) -> dict[str, Any]:
    response = bot.send(command(text, ANNA))
    assert response.status == 200
    body: dict[str, Any] = json.loads(response.body)
    assert body["response_type"] == "ephemeral"
    return body


def leads(bot: Bot) -> dict[str, int]:
    start = bot.clock()
    ids = {
        "anna": make_mql(bot.engine, start - timedelta(hours=30), email="anna@adler.example"),
        "albert": make_mql(
            bot.engine,
            start - timedelta(minutes=20),
            email="al@adler.example",
            first_name="Albert",
            company="Adler Bau",
        ),
        "zoe": make_mql(
            bot.engine,
            start,
            email="zoe@zett.example",
            first_name="Zoe",
            last_name="Zett",
            company="Zett AG",
            status="lead",
        ),
    }
    return ids


@pytest.mark.parametrize("text", ["", "help", "HELP"])
def test_lead_without_a_query_explains_itself(bot: Bot, text: str) -> None:
    body = ask(bot, text)
    assert body["text"].startswith("*/lead* shows a lead only to you")
    # the queue's order as it is: hand-raisers, then past their SLA, then score
    assert "/lead queue` — the open MQLs: hand-raisers first" in body["text"]


def test_help_speaks_the_configured_locale(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    german = Bot(sqlite_engine, fake, clock, locale="de")
    text = ask(german, "help")["text"]
    assert text.startswith("*/lead* zeigt einen Lead nur dir")
    assert "/lead queue` — die offenen MQLs: wer die Hand hob zuerst" in text
    fake.assert_no_problems()


def test_an_email_shows_the_card(bot: Bot) -> None:
    ids = leads(bot)
    body = ask(bot, "anna@adler.example")
    assert "Anna Adler" in body["text"] and f"#{ids['anna']}" in json.dumps(body["blocks"])


def test_a_name_matching_several_leads_offers_a_pick_list(bot: Bot) -> None:
    ids = leads(bot)
    body = ask(bot, "adler")
    assert body["text"].startswith("2 leads match")
    action_ids = [b["accessory"]["action_id"] for b in body["blocks"] if "accessory" in b]
    assert action_ids == [f"lead_pick_{ids['anna']}", f"lead_pick_{ids['albert']}"]


def test_a_single_match_shows_its_card_at_once(bot: Bot) -> None:
    leads(bot)
    assert "Zoe Zett" in ask(bot, "zett ag")["text"]


def test_nothing_found_is_a_helpful_answer_and_escapes_the_query(bot: Bot) -> None:
    body = ask(bot, "<!channel> *bold*")
    assert body["text"].startswith("No lead matches") and "/lead help" in body["text"]
    assert "<!channel>" not in body["text"]


def test_picking_a_lead_replaces_the_list_with_its_card(bot: Bot) -> None:
    ids = leads(bot)
    body = block_action(
        f"lead_pick_{ids['albert']}",
        ids["albert"],
        ANNA,
        response_url=bot.fake.response_url("pick"),
    )
    assert bot.send(body).status == 200
    [answer] = bot.fake.responses
    assert answer["hook"] == "pick" and answer["replace_original"] is True
    assert "Albert Adler" in answer["text"]


def test_queue_lists_open_mqls_by_score_with_their_age(bot: Bot) -> None:
    ids = leads(bot)
    claim(bot.engine, lead_id=ids["albert"], user_id=BEN, now=bot.clock())
    body = ask(bot, "queue")
    text = body["blocks"][0]["text"]["text"]
    assert text.startswith("*Open MQLs* (2)")
    assert "open 30 h" in text and "open under 1 h" in text and f"<@{BEN}>" in text
    assert "Zoe" not in text


def test_an_empty_queue_says_so(bot: Bot) -> None:
    assert "No open MQLs" in json.dumps(ask(bot, "queue")["blocks"])


def test_app_home_shows_my_queue_the_unclaimed_and_my_week(bot: Bot) -> None:
    ids = leads(bot)
    claim(bot.engine, lead_id=ids["anna"], user_id=ANNA, now=bot.clock())
    extra = make_mql(bot.engine, bot.clock(), email="x@y.example", first_name="Xaver")
    decide(
        bot.engine,
        lead_id=extra,
        outcome="disqualify",
        actor=slack_actor(ANNA),
        now=bot.clock(),
        reason="Spam",
    )
    bot.send(event("app_home_opened", ANNA, tab="home"), "application/json")
    home = bot.fake.home_view(ANNA)
    assert home is not None
    shown = json.dumps(home)
    texts = [b["text"]["text"] for b in home["blocks"] if b["type"] == "section"]
    at_unclaimed = next(i for i, t in enumerate(texts) if t.startswith("*Unclaimed*"))
    mine, unclaimed = "\n".join(texts[:at_unclaimed]), "\n".join(texts[at_unclaimed:-1])
    week = texts[-1]
    assert "Anna Adler" in mine and "Albert" not in mine
    assert "Albert Adler" in unclaimed and "Anna" not in unclaimed
    assert "0 promoted · 0 recycled · 1 disqualified" in week
    assert "Xaver" not in shown


def test_the_messages_tab_publishes_nothing(bot: Bot) -> None:
    bot.send(event("app_home_opened", ANNA, tab="messages"), "application/json")
    assert bot.fake.home_view(ANNA) is None


def test_a_redelivered_event_is_handled_once(bot: Bot) -> None:
    for event_id in ("Ev1", "Ev1", "Ev2"):
        bot.send(event("app_home_opened", ANNA, event_id, tab="home"), "application/json")
    assert len(bot.fake.calls_to("views.publish")) == 2


def test_seen_events_are_forgotten_after_an_hour() -> None:
    now = [0.0]
    seen = SeenEvents(lambda: now[0])
    assert seen.first_time("Ev1") and not seen.first_time("Ev1") and seen.first_time(None)
    now[0] = SEEN_FOR + 1
    assert seen.first_time("Ev1")
