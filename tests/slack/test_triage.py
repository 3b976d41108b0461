"""Ownership, the BANT gate, the AE's answer and notes typed too late, over signed requests
against the fake Slack, with the outbox sender delivering what the clicks queued."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.slack.blocks.alert import ACTION_CLAIM, ACTION_PROMOTE, ACTION_REASSIGN, ACTION_RECYCLE
from bot.slack.blocks.handover import ACTION_ACCEPT, ACTION_SEND_BACK
from bot.triage_settings import Triage
from bot.usecases.lifecycle.decisions import decide
from scoring.qualification import Gate
from storage.db import session_scope
from storage.tables import Decision, Event, HandoverReply, Lead, LifecycleTransition
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, BEN, HANDOVER, Clock
from tests.slack.harness import Bot
from tests.slack.requests import block_action, view_submission

MAX = "U0AEMAX001"  # an account executive
CARL = "U0SDRCARL1"
BANT = {
    "budget": "planned",
    "authority": "influencer",
    "need": "urgent",
    "timing": "quarter",
    "pain_points": "Excel breaks at 40 hotels",
    "notes": "Pilot in March",
}


def make_bot(engine: Engine, fake: FakeSlack, clock: Clock, **triage: Any) -> Bot:
    for user, name in ((MAX, "max"), (CARL, "carl")):
        fake.add_user(user, name, email=f"{name}@example.com")
    return Bot(engine, fake, clock, triage=replace(Triage(), **triage))


@pytest.fixture
def bot(sqlite_engine: Engine, fake: FakeSlack, clock: Clock) -> Iterator[Bot]:
    yield make_bot(sqlite_engine, fake, clock)
    fake.assert_no_problems()


def alerted(bot: Bot, **fields: Any) -> int:
    lead_id = make_mql(bot.engine, bot.clock(), alert=True, **fields)
    assert bot.sender.drain_once().sent == 1
    return lead_id


def errors(response: Any) -> dict[str, str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    return dict(body["errors"])


def thread(bot: Bot) -> str:
    alert = bot.fake.messages(ALERTS)[0]
    replies = [m for m in bot.fake.messages(ALERTS) if m.get("thread_ts") == alert["ts"]]
    return json.dumps([m["blocks"] for m in replies if m["ts"] != alert["ts"]])


def last_modal(bot: Bot) -> dict[str, Any]:
    return list(bot.fake.views.values())[-1]


# ownership -----------------------------------------------------------------------------------


def test_deciding_a_lead_someone_else_claimed_asks_to_take_it_over(bot: Bot) -> None:
    lead_id = alerted(bot)
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    bot.click(ACTION_PROMOTE, lead_id, BEN)
    modal = last_modal(bot)
    assert "take_over" in [b.get("block_id") for b in modal["blocks"]]
    assert f"<@{ANNA}>" in json.dumps(modal["blocks"])

    unticked = {**BANT, "take_over": None}
    problems = errors(bot.send(view_submission("promote_submit", lead_id, BEN, unticked)))
    assert list(problems) == ["take_over"] and "Tick the box" in problems["take_over"]
    assert bot.lead(lead_id).status == "mql" and bot.lead(lead_id).owner == ANNA

    ticked = {**BANT, "take_over": "yes"}
    response = bot.send(view_submission("promote_submit", lead_id, BEN, ticked))
    assert response.status == 200 and not response.body
    assert bot.lead(lead_id).status == "sql" and bot.lead(lead_id).owner == BEN
    bot.sender.drain_once()
    assert f"<@{BEN}> took this lead over from <@{ANNA}>" in thread(bot)
    # owner, qualifier and the handover's words agree
    [handover] = bot.fake.messages(HANDOVER)
    text = json.dumps(handover["blocks"])
    assert f"<@{BEN}> qualified this lead" in text and f"<@{ANNA}>" not in text


def test_the_owner_decides_without_being_asked(bot: Bot) -> None:
    lead_id = alerted(bot)
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    bot.click(ACTION_PROMOTE, lead_id, ANNA)
    assert "take_over" not in json.dumps(last_modal(bot)["blocks"])
    bot.send(view_submission("promote_submit", lead_id, ANNA, BANT))
    assert bot.lead(lead_id).status == "sql"


def test_policy_refuse_lets_only_the_owner_decide(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, ownership="refuse")
    lead_id = alerted(bot)
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    bot.click(ACTION_RECYCLE, lead_id, BEN)
    assert fake.views == {}
    assert "only the owner decide" in bot.ephemerals_for(BEN)[0]
    forged = {"reason": "Bad timing", "take_over": "yes"}
    problems = errors(bot.send(view_submission("recycle_submit", lead_id, BEN, forged)))
    assert "only the owner may decide" in problems["notes"]
    assert bot.lead(lead_id).status == "mql"


def test_policy_allow_takes_over_without_asking(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, ownership="allow")
    lead_id = alerted(bot)
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    bot.send(view_submission("recycle_submit", lead_id, BEN, {"reason": "Bad timing"}))
    assert bot.lead(lead_id).status == "recycled" and bot.lead(lead_id).owner == BEN
    bot.sender.drain_once()
    assert f"took this lead over from <@{ANNA}>" in thread(bot)


def test_the_owner_or_a_reassigner_reassigns_and_the_thread_is_told(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, reassigners=(CARL,))
    lead_id = alerted(bot)
    bot.click(ACTION_CLAIM, lead_id, ANNA)
    bot.click(ACTION_REASSIGN, lead_id, BEN)  # neither owner nor reassigner
    assert fake.views == {} and "reassigners" in bot.ephemerals_for(BEN)[0]
    forged = bot.send(view_submission("reassign_submit", lead_id, BEN, {"owner": BEN}))
    assert "configured reassigners" in errors(forged)["owner"]

    bot.click(ACTION_REASSIGN, lead_id, CARL)
    modal = last_modal(bot)
    assert modal["callback_id"] == "reassign_submit"
    bot.send(view_submission("reassign_submit", lead_id, CARL, {"owner": BEN}))
    assert bot.lead(lead_id).owner == BEN
    bot.sender.drain_once()
    assert f"<@{CARL}> gave this lead to <@{BEN}> (it was <@{ANNA}>" in thread(bot)
    assert f"<@{BEN}>" in json.dumps(fake.messages(ALERTS)[0]["blocks"])
    # the new owner decides without a confirmation
    bot.send(view_submission("recycle_submit", lead_id, BEN, {"reason": "Bad timing"}))
    assert bot.lead(lead_id).status == "recycled"


# the BANT gate and the reasons ----------------------------------------------------------------


def test_the_default_gate_wants_need_timing_and_pain_points(bot: Bot) -> None:
    lead_id = alerted(bot)
    vague = {"budget": "none", "authority": "user", "need": "unknown", "timing": "unknown"}
    problems = errors(bot.send(view_submission("promote_submit", lead_id, ANNA, vague)))
    assert set(problems) == {"need", "timing", "pain_points"}
    assert "pain points" in problems["pain_points"]
    empty = errors(bot.send(view_submission("promote_submit", lead_id, ANNA, {})))
    assert set(empty) == {"need", "timing", "pain_points"}
    assert bot.lead(lead_id).status == "mql"
    with session_scope(bot.engine) as s:
        assert s.exec(select(Decision)).all() == []


def test_a_stricter_gate_names_the_answers_below_the_bar(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    gate = Gate(required=("need",), must_meet=("budget",), min_met=3)
    bot = make_bot(sqlite_engine, fake, clock, gate=gate)
    lead_id = alerted(bot)
    answers = {"budget": "none", "authority": "user", "need": "urgent", "timing": "year"}
    problems = errors(bot.send(view_submission("promote_submit", lead_id, ANNA, answers)))
    assert set(problems) == {"budget", "authority", "timing"}
    assert "Budget confirmed, Planned or awaiting approval" in problems["budget"]
    assert "At least 3" in problems["timing"]
    assert bot.lead(lead_id).status == "mql"


def test_a_reason_outside_the_configured_list_is_refused(bot: Bot) -> None:
    lead_id = alerted(bot)
    forged = {"reason": "Because I said so"}
    problems = errors(bot.send(view_submission("recycle_submit", lead_id, ANNA, forged)))
    assert "Because I said so" in problems["reason"] and "list" in problems["reason"]
    assert "reason" in errors(bot.send(view_submission("disqualify_submit", lead_id, ANNA, {})))
    assert bot.lead(lead_id).status == "mql"


# the AE's answer ------------------------------------------------------------------------------


def handed_over(bot: Bot, **fields: Any) -> tuple[int, dict[str, Any]]:
    lead_id = alerted(bot, **fields)
    bot.send(view_submission("promote_submit", lead_id, ANNA, BANT))
    bot.sender.drain_once()
    [handover] = bot.fake.messages(HANDOVER)
    return lead_id, handover


def handover_click(bot: Bot, action_id: str, decision_id: int, user: str) -> None:
    body = block_action(
        action_id, decision_id, user, channel=HANDOVER, trigger_id=bot.fake.trigger_id()
    )
    assert bot.send(body).status == 200


def decision_id(bot: Bot) -> int:
    with session_scope(bot.engine) as s:
        [decision] = s.exec(select(Decision)).all()
        assert decision.id is not None
        return decision.id


def test_the_handover_carries_what_the_ae_needs_and_the_ae_accepts(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(
        sqlite_engine,
        fake,
        clock,
        crm_url="https://crm.example.com/lead/{crm_id}",
        attributes=("plan",),
    )
    lead_id, handover = handed_over(
        bot, company_size=250, source="webinar", external_id="CRM-77", attributes={"plan": "Pro"}
    )
    text = json.dumps(handover["blocks"])
    for expected in ("250 employees", "webinar", "<https://crm.example.com/lead/CRM-77|CRM-77>"):
        assert expected in text
    assert "*plan*\\nPro" in text and "Excel breaks at 40 hotels" in text
    assert "None recorded" not in text and "Need unknown" not in text
    assert ACTION_ACCEPT in text and ACTION_SEND_BACK in text

    handover_click(bot, ACTION_ACCEPT, decision_id(bot), ANNA)  # the SDR herself
    assert "You handed this lead over yourself" in bot.ephemerals_for(ANNA)[0]
    handover_click(bot, ACTION_ACCEPT, decision_id(bot), MAX)
    handover_click(bot, ACTION_ACCEPT, decision_id(bot), BEN)  # too late
    assert "answered this handover already" in bot.ephemerals_for(BEN)[0]
    assert bot.sender.drain_once().sent == 2  # the thread note and the handover in place
    assert f"<@{MAX}> accepted the handover of this lead. <@{ANNA}>" in thread(bot)
    updated = json.dumps(fake.messages(HANDOVER)[0]["blocks"])
    assert ACTION_ACCEPT not in updated and f"<@{MAX}> accepted this handover" in updated
    assert bot.lead(lead_id).status == "sql"


def test_a_send_back_recycles_the_lead_and_tells_the_sdr(bot: Bot) -> None:
    lead_id, _ = handed_over(bot)
    handover_click(bot, ACTION_SEND_BACK, decision_id(bot), MAX)
    modal = last_modal(bot)
    assert modal["callback_id"] == "send_back_submit"
    metadata = modal["private_metadata"]

    def submit(reason: str | None) -> Any:
        values = {"reason": reason}
        body = view_submission(
            "send_back_submit", lead_id, MAX, values, metadata=metadata, texts=("reason",)
        )
        return bot.send(body)

    assert "Write a reason" in errors(submit("  "))["reason"]
    response = submit("No project before 2028")
    assert response.status == 200 and not response.body
    assert bot.lead(lead_id).status == "recycled"
    with session_scope(bot.engine) as s:
        [reply] = s.exec(select(HandoverReply)).all()
        assert (reply.outcome, reply.reason, reply.replied_by) == (
            "sent_back",
            "No project before 2028",
            f"slack:{MAX}",
        )
        assert reply.score == 85
        moved = s.exec(
            select(LifecycleTransition).where(LifecycleTransition.to_status == "recycled")
        ).one()
        assert (moved.from_status, moved.cause) == ("sql", "handover:sent_back")
    bot.sender.drain_once()
    assert f"<@{MAX}> sent this lead back to <@{ANNA}>: No project before 2028" in thread(bot)
    assert ACTION_SEND_BACK not in json.dumps(bot.fake.messages(HANDOVER)[0]["blocks"])
    assert "answered this handover already" in errors(submit("again"))["reason"]


def test_only_the_configured_aes_answer(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    bot = make_bot(sqlite_engine, fake, clock, aes=(MAX,))
    handed_over(bot)
    handover_click(bot, ACTION_ACCEPT, decision_id(bot), CARL)
    handover_click(bot, ACTION_SEND_BACK, decision_id(bot), CARL)
    assert all("[handover] aes" in t for t in bot.ephemerals_for(CARL))
    assert len(bot.ephemerals_for(CARL)) == 2 and len(fake.views) == 0
    with session_scope(bot.engine) as s:
        assert s.exec(select(HandoverReply)).all() == []


# nothing typed is lost -------------------------------------------------------------------------


def test_notes_typed_after_someone_else_decided_go_to_the_thread(bot: Bot) -> None:
    lead_id = alerted(bot)
    bot.click(ACTION_PROMOTE, lead_id, ANNA)  # Anna opens the modal and types...
    bot.send(view_submission("disqualify_submit", lead_id, BEN, {"reason": "Spam"}))
    response = bot.send(view_submission("promote_submit", lead_id, ANNA, BANT))
    assert response.status == 200 and not response.body
    [told] = bot.ephemerals_for(ANNA)
    assert "already disqualified" in told and "in the alert's thread as a comment" in told
    bot.sender.drain_once()
    notes = thread(bot)
    assert f"<@{ANNA}> wrote, after the lead was decided" in notes
    assert "Excel breaks at 40 hotels" in notes and "Pilot in March" in notes
    # a loser who typed nothing gets no comment
    bot.send(view_submission("recycle_submit", lead_id, CARL, {"reason": "Bad timing"}))
    assert "as a comment" not in bot.ephemerals_for(CARL)[0]


def test_a_claim_while_the_modal_was_open_stops_the_decision_and_says_so(bot: Bot) -> None:
    lead_id = alerted(bot)
    bot.click(ACTION_PROMOTE, lead_id, ANNA)  # no owner yet: no take-over box
    assert "take_over" not in json.dumps(last_modal(bot)["blocks"])
    bot.click(ACTION_CLAIM, lead_id, BEN)
    problems = errors(bot.send(view_submission("promote_submit", lead_id, ANNA, BANT)))
    assert "claimed this lead while the modal was open" in problems["notes"]
    assert bot.lead(lead_id).status == "mql" and bot.lead(lead_id).owner == BEN


def test_a_forged_answer_is_stored_as_not_known_yet(bot: Bot) -> None:
    lead_id = alerted(bot)
    forged = {**BANT, "budget": "<!channel> a million"}
    bot.send(view_submission("promote_submit", lead_id, ANNA, forged))
    with session_scope(bot.engine) as s:
        [decision] = s.exec(select(Decision)).all()
        assert decision.bant["budget"] == "unknown" and decision.bant["need"] == "urgent"


def test_the_handover_quotes_earlier_decisions_and_groups_repeated_events(bot: Bot) -> None:
    lead_id = alerted(bot)
    now = bot.clock()
    earlier = now - timedelta(days=90)
    decide(
        bot.engine,
        lead_id=lead_id,
        outcome="recycle",
        actor=f"slack:{BEN}",
        now=earlier,
        reason="Bad timing",
        notes="Call back in February",
    )
    with session_scope(bot.engine) as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        lead.status = "mql"  # back with new engagement, as a re-MQL would be
        for day in range(6):
            s.add(
                Event(
                    lead_id=lead_id,
                    type="email_open",
                    occurred_at=now - timedelta(days=2 + day),
                    properties={},
                    idempotency_key=9000 + day,
                    received_at=now,
                )
            )
    assert bot.lead(lead_id).owner == BEN  # the SDR who recycled it keeps it
    taken = {**BANT, "take_over": "yes"}
    bot.send(view_submission("promote_submit", lead_id, ANNA, taken))
    bot.sender.drain_once()
    [handover] = bot.fake.messages(HANDOVER)
    text = json.dumps(handover["blocks"])
    assert "*Earlier decisions*" in text and f"Recycled by <@{BEN}>" in text
    assert "Bad timing" in text and "Call back in February" in text
    history = next(b["text"]["text"] for b in handover["blocks"] if "Interaction history" in str(b))
    assert "• 6 × E-mail opened (latest: 2 days ago)" in history
    assert "email_open" not in text
