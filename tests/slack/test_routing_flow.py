"""Routing and assignment as the outbox applies them, and `/lead ooo`."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.routing import Rep, Routing, Rule
from bot.slack.outbox import OutboxSender, make_client
from bot.usecases.lifecycle.assignment import set_out_of_office
from storage.db import session_scope
from storage.tables import Lead, OutboxMessage, SdrRep
from tests.factories import make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, BEN, HANDOVER, Clock
from tests.slack.harness import Bot
from tests.slack.requests import command

DACH = "C0DACH0001"
RULES = (Rule(DACH, country=frozenset({"de", "at", "ch"})),)


def sender(engine: Engine, fake: FakeSlack, clock: Clock, routing: Routing) -> OutboxSender:
    return OutboxSender(
        engine,
        make_client(fake.token, fake.base_url),
        clock,
        alert_channel=ALERTS,
        handover_channel=HANDOVER,
        pace=0,
        routing=routing,
    )


def owners(engine: Engine) -> dict[int, str | None]:
    with session_scope(engine) as s:
        return {lead.id or 0: lead.owner for lead in s.exec(select(Lead)).all()}


def test_alerts_go_to_the_channel_of_the_first_matching_rule(
    engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    fake.add_channel("sdr-dach", DACH)
    make_mql(engine, clock(), email="de@x.example", country="DE", alert=True)
    make_mql(engine, clock(), email="us@x.example", country="US", alert=True)
    assert sender(engine, fake, clock, Routing(ALERTS, RULES)).drain_once().sent == 2
    assert ["de@x.example" in json.dumps(m["blocks"]) for m in fake.messages(DACH)] == [True]
    assert ["us@x.example" in json.dumps(m["blocks"]) for m in fake.messages(ALERTS)] == [True]
    fake.assert_no_problems()


def test_a_retried_alert_keeps_its_channel(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    fake.add_channel("sdr-dach", DACH)
    make_mql(sqlite_engine, clock(), email="de@x.example", country="DE", alert=True)
    fake.fail_next("chat.postMessage", 500)
    s = sender(sqlite_engine, fake, clock, Routing(ALERTS, RULES))
    s.drain_once()
    with session_scope(sqlite_engine) as session:
        [row] = session.exec(select(OutboxMessage)).all()
        assert row.payload["channel"] == DACH
    clock.advance(5)
    # the rules changed in between (a restart with a new config): the alert stays put
    assert sender(sqlite_engine, fake, clock, Routing(ALERTS)).drain_once().sent == 1
    assert len(fake.messages(DACH)) == 1 and not fake.messages(ALERTS)


def test_assignment_follows_the_weights_and_shows_the_owner(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    for i in range(6):
        make_mql(sqlite_engine, clock(), email=f"l{i}@x.example", alert=True)
    routing = Routing(ALERTS, assign=True, reps=(Rep(ANNA, 2), Rep(BEN, 1)))
    assert sender(sqlite_engine, fake, clock, routing).drain_once().sent == 6
    assert Counter(owners(sqlite_engine).values()) == {ANNA: 4, BEN: 2}
    first = fake.messages(ALERTS)[0]
    assert f"<@{ANNA}>" in json.dumps(first["blocks"]) and "lead_claim" not in json.dumps(
        first["blocks"]
    )
    with session_scope(sqlite_engine) as s:
        assert {r.user_id: r.assigned for r in s.exec(select(SdrRep)).all()} == {ANNA: 4, BEN: 2}


def test_reps_out_of_office_get_nothing_and_no_rep_means_unassigned(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    set_out_of_office(sqlite_engine, user_id=BEN, away=True, now=clock())
    for i in range(3):
        make_mql(sqlite_engine, clock(), email=f"l{i}@x.example", alert=True)
    routing = Routing(
        ALERTS, assign=True, reps=(Rep(ANNA), Rep(BEN)), out_of_office=frozenset({ANNA})
    )
    sender(sqlite_engine, fake, clock, routing).drain_once()
    assert set(owners(sqlite_engine).values()) == {None}
    assert all("lead_claim" in json.dumps(m["blocks"]) for m in fake.messages(ALERTS))


def test_an_already_claimed_lead_is_not_reassigned(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    lead_id = make_mql(sqlite_engine, clock(), owner=BEN, alert=True)
    routing = Routing(ALERTS, assign=True, reps=(Rep(ANNA),))
    sender(sqlite_engine, fake, clock, routing).drain_once()
    assert owners(sqlite_engine) == {lead_id: BEN}


@pytest.mark.parametrize(
    ("text", "answer", "away"),
    [
        ("ooo on", "You are marked out of office. New MQLs are not assigned", True),
        ("OOO off", "Welcome back", False),
        ("ooo", "Use `/lead ooo on`", None),
        ("ooo maybe", "Use `/lead ooo on`", None),
    ],
)
def test_lead_ooo_sets_the_absence(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock, text: str, answer: str, away: bool | None
) -> None:
    bot = Bot(sqlite_engine, fake, clock)
    body = json.loads(bot.send(command(text, ANNA)).body)
    assert body["text"].startswith(answer)
    with session_scope(sqlite_engine) as s:
        rep = s.get(SdrRep, ANNA)
        assert (rep.out_of_office if rep else None) is away


def test_lead_ooo_says_the_others_take_over_only_when_assignment_is_on(
    sqlite_engine: Engine, fake: FakeSlack, clock: Clock
) -> None:
    assigning = Bot(sqlite_engine, fake, clock, assign=True, locale="de")
    body = json.loads(assigning.send(command("ooo on", ANNA)).body)
    assert body["text"].startswith("Du bist abwesend: neue MQLs gehen an die anderen.")
    body = json.loads(assigning.send(command("ooo off", ANNA)).body)
    assert body["text"].startswith("Willkommen zurück: neue MQLs werden dir wieder zugewiesen.")
