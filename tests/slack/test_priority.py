"""What an SDR triages by, end to end through signed requests and the fake Slack: hand-raisers
first (in the alert, the queue, App Home and a backlog), the SLA markers, a re-MQL's context,
and a /lead that leads somewhere (#31, ranked pick lists, buttons and a link on the card)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.usecases.lifecycle.recorder import Change, record
from storage.db import session_scope
from storage.tables import Event, LeadScore
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, BEN, Clock
from tests.slack.harness import Bot
from tests.slack.requests import command, event, view_submission

# NOW is Monday 12:00 UTC; the SLA is 4 working hours, 9:00–17:00 UTC on weekdays
OVERDUE = timedelta(days=2, hours=21)  # since Friday 15:00: 4 working hours by Monday 11:00
ESCALATED = timedelta(days=3, hours=2)  # since Friday 10:00: 8 working hours by Monday 10:00


@pytest.fixture
def bot(engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield Bot(engine, fake, clock)  # the priority orders are SQL: both databases
    fake.assert_no_problems()


def ask(bot: Bot, text: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(bot.send(command(text, ANNA)).body)
    assert body["response_type"] == "ephemeral"
    return body


def raise_hand(engine: Engine, lead_id: int, score: float) -> None:
    with session_scope(engine) as s:
        row = s.get(LeadScore, lead_id)
        assert row is not None
        row.score, row.fast_track, row.fit_grade, row.engagement_level = (
            score,
            "demo_request",
            "D",
            4,
        )
        at = row.computed_at - timedelta(hours=2)
        demo = Event(
            lead_id=lead_id,
            type="demo_request",
            occurred_at=at,
            properties={},
            idempotency_key=lead_id * 1000 + 7,
            received_at=at,
        )
        s.add(demo)


def rescore(engine: Engine, lead_id: int, score: float) -> None:
    with session_scope(engine) as s:
        row = s.get(LeadScore, lead_id)
        assert row is not None
        row.score = score


def triage_leads(bot: Bot, *, alert: bool = False) -> dict[str, int]:
    now = bot.clock()
    ids = {
        "high": make_mql(bot.engine, now, email="high@x.example", first_name="High", alert=alert),
        "late": make_mql(
            bot.engine, now - OVERDUE, email="late@x.example", first_name="Late", alert=alert
        ),
        "raised": make_mql(
            bot.engine, now, email="raised@x.example", first_name="Raised", alert=alert
        ),
    }
    rescore(bot.engine, ids["high"], 95)
    rescore(bot.engine, ids["late"], 60)
    raise_hand(bot.engine, ids["raised"], 15)  # a demo request at a low score
    return ids


def test_the_queue_puts_hand_raisers_first_then_the_overdue_then_the_score(bot: Bot) -> None:
    triage_leads(bot)
    make_mql(bot.engine, bot.clock() - ESCALATED, email="esc@x.example", first_name="Esc")
    text = ask(bot, "queue")["blocks"][0]["text"]["text"]
    names = [line.split("*")[1] for line in text.splitlines()[1:]]
    # past the SLA (escalated or overdue) before on time, and among those the higher score
    assert names == ["Raised Adler", "Esc Adler", "Late Adler", "High Adler"]
    lines = text.splitlines()[1:]
    assert lines[0].startswith("• ⚡ ") and lines[1].startswith("• 🚨 ")
    assert lines[2].startswith("• ⏰ ") and lines[3].startswith("• *High")


def test_a_backlog_after_downtime_goes_out_in_the_same_order(bot: Bot) -> None:
    triage_leads(bot, alert=True)  # created high, late, raised: oldest first would be that
    assert bot.sender.drain_once().sent == 3
    posted = [m["text"] for m in bot.fake.messages(ALERTS)]
    assert [t.split(":")[0] for t in posted] == ["Demo requested 2 h ago", "New MQL", "New MQL"]
    assert "Late Adler" in posted[1] and "High Adler" in posted[2]


def test_the_alert_of_a_hand_raiser_leads_with_it(bot: Bot) -> None:
    ids = triage_leads(bot, alert=True)
    bot.sender.drain_once()
    alert = bot.fake.messages(ALERTS)[0]
    assert alert["blocks"][0]["text"]["text"] == "Demo requested 2 h ago · Raised Adler"
    assert alert["text"].startswith("Demo requested 2 h ago: Raised Adler")
    assert f"Lead #{ids['raised']}" in json.dumps(alert["blocks"])


def test_app_home_orders_marks_and_counts(bot: Bot) -> None:
    ids = triage_leads(bot)
    for _ in range(16):
        make_mql(bot.engine, bot.clock(), email=f"n{_}@x.example", first_name="Filler")
    with session_scope(bot.engine) as s:  # how the lead became an MQL 40 minutes ago
        became = bot.clock() - timedelta(minutes=40)
        record(s, [Change(ids["high"], "lead", "mql", "score", "system", became, {})], now=became)
    bot.send(view_submission("recycle_submit", ids["high"], ANNA, {"reason": "Bad timing"}))
    bot.send(event("app_home_opened", ANNA, tab="home"), "application/json")
    home = bot.fake.home_view(ANNA)
    assert home is not None
    texts = [b.get("text", {}).get("text", "") for b in home["blocks"]]
    at = texts.index("*Unclaimed* (18)")
    assert texts[at + 1].startswith("• ⚡ *Raised") and texts[at + 3].startswith("• ⏰ *Late")
    shown = json.dumps(home, ensure_ascii=False)
    assert "3 more not shown here" in shown and "/lead queue" in shown
    assert "0 open leads of yours · 0 promoted · 1 recycled" in shown
    assert "Median time to first action this week: under 1 h" in shown


def test_a_re_mql_alert_quotes_the_earlier_decision_and_links_its_alert(bot: Bot) -> None:
    lead_id = make_mql(bot.engine, bot.clock(), alert=True)
    bot.sender.drain_once()
    [first] = bot.fake.messages(ALERTS)
    values = {"reason": "Bad timing", "notes": "call back in February"}
    assert bot.send(view_submission("recycle_submit", lead_id, BEN, values)).status == 200
    bot.sender.drain_once()
    bot.clock.advance(30 * 86400)
    with session_scope(bot.engine) as s:
        back = Change(lead_id, "recycled", "mql", "re_mql", "system", bot.clock(), {})
        record(s, [back], now=bot.clock())
    assert bot.sender.drain_once().sent == 1
    second = bot.fake.messages(ALERTS)[-1]
    assert second["ts"] != first["ts"] and second.get("thread_ts") in (None, second["ts"])
    text = json.dumps(second["blocks"], ensure_ascii=False)
    assert second["text"].startswith("Re-MQL: Anna Adler")
    assert f"*Earlier decision:* ↻ *Recycled* by <@{BEN}>" in text
    assert "*Reason:* Bad timing" in text and "*Notes:* call back in February" in text
    link = f"https://fake.slack.com/archives/{ALERTS}/p{first['ts'].replace('.', '')}"
    assert f"<{link}|Earlier alert>" in text


def test_a_german_team_reads_the_queue_and_the_alert_in_german(
    engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    german = Bot(engine, fake, clock, locale="de")
    triage_leads(german, alert=True)
    german.sender.drain_once()
    assert fake.messages(ALERTS)[0]["text"].startswith("Demo angefragt vor 2 Std.: Raised Adler")
    body = json.loads(german.send(command("queue", ANNA)).body)
    assert body["blocks"][0]["text"]["text"].startswith("*Offene MQLs* (3)")
    assert body["text"] == "3 offene MQLs"
    fake.assert_no_problems()


def test_lead_hash_number_opens_the_card_with_buttons_and_a_link_to_its_alert(bot: Bot) -> None:
    lead_id = make_mql(bot.engine, bot.clock() - OVERDUE, alert=True)
    bot.sender.drain_once()
    [alert] = bot.fake.messages(ALERTS)
    body = ask(bot, f"#{lead_id}")
    blocks = json.dumps(body["blocks"])
    actions = [b for b in body["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        "lead_claim",
        "lead_promote",
        "lead_recycle",
        "lead_disqualify",
        "lead_reassign",
    ]
    assert f"/p{alert['ts'].replace('.', '')}|Open the alert>" in blocks
    assert "Past its SLA" in blocks and f"Lead #{lead_id}" in blocks


def test_pick_lists_rank_exact_then_open_then_score_and_count_all(bot: Bot) -> None:
    now = bot.clock()
    cold = make_mql(bot.engine, now, email="c@r.example", last_name="Richterich", status="lead")
    for i in range(11):
        make_mql(bot.engine, now, email=f"m{i}@r.example", last_name=f"Richters{i}")
    rescore(bot.engine, cold, 99)
    exact = make_mql(bot.engine, now, email="r@r.example", last_name="Richter", status="lead")
    body = ask(bot, "richter")
    assert body["text"].startswith("13 leads match")
    picks = [int(b["accessory"]["value"]) for b in body["blocks"] if "accessory" in b]
    assert picks[0] == exact and cold not in picks and len(picks) == 10
    assert "3 more not shown" in json.dumps(body["blocks"])
