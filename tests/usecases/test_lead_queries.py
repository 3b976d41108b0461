"""The lead queries behind the Slack door: lookups, a lead's card, decidable or not."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.usecases.lifecycle.decisions import Result, decide, slack_actor
from bot.usecases.queries.leads import (
    MATCHES,
    latest_alert,
    lead_card,
    lead_to_decide,
    look_up,
)
from bot.usecases.queries.queue import home, queue
from tests.conftest import NOW
from tests.factories import make_mql


def test_an_email_names_one_lead_and_its_card(sqlite_engine: Engine) -> None:
    lead_id = make_mql(sqlite_engine, NOW)
    found = look_up(sqlite_engine, "anna@hotel.example")
    assert found.lead_id == lead_id and not found.matches
    assert found.card is not None and found.card.facts.lead.id == lead_id
    assert [e.type for e in found.card.facts.events] == ["page_view", "webinar_attended"]


def test_a_part_of_a_name_offers_the_leads_to_pick_from(sqlite_engine: Engine) -> None:
    for i in range(MATCHES + 3):
        make_mql(sqlite_engine, NOW, email=f"a{i}@hotel.example")
    found = look_up(sqlite_engine, "hotel")
    assert found.lead_id is None and len(found.matches) == MATCHES and found.total == MATCHES + 3
    assert all(m.score is not None for m in found.matches)


def test_no_match_is_an_empty_lookup(sqlite_engine: Engine) -> None:
    found = look_up(sqlite_engine, "nobody")
    assert (found.lead_id, found.card, found.matches) == (None, None, [])


def test_a_gone_lead_has_no_card_and_cannot_be_decided(sqlite_engine: Engine) -> None:
    assert lead_card(sqlite_engine, 999) is None
    assert lead_to_decide(sqlite_engine, 999) is None
    assert latest_alert(sqlite_engine, 999) is None


def test_a_decided_lead_says_who_decided(sqlite_engine: Engine) -> None:
    lead_id = make_mql(sqlite_engine, NOW)
    open_lead = lead_to_decide(sqlite_engine, lead_id)
    assert not isinstance(open_lead, Result) and open_lead is not None
    decide(
        sqlite_engine,
        lead_id=lead_id,
        outcome="disqualify",
        actor=slack_actor("U0SDRBEN01"),
        now=NOW,
        reason="competitor",
    )
    late = lead_to_decide(sqlite_engine, lead_id)
    assert isinstance(late, Result) and not late.won and late.status == "disqualified"
    assert late.prior is not None and late.prior.by == slack_actor("U0SDRBEN01")
    card = lead_card(sqlite_engine, lead_id)
    assert card is not None and card.facts.decision is not None
    assert card.history[0].to_status == "disqualified"


def test_the_home_of_an_sdr(sqlite_engine: Engine) -> None:
    mine = make_mql(sqlite_engine, NOW, owner="U0SDRANNA1")
    other = make_mql(sqlite_engine, NOW, email="b@hotel.example")
    shown = home(sqlite_engine, "U0SDRANNA1", now=NOW, limit=5)
    assert [i.lead_id for i in shown.mine] == [mine]
    assert [i.lead_id for i in shown.unclaimed] == [other]
    assert shown.week == {}
    items, total = queue(sqlite_engine, now=NOW)
    assert total == 2 and {i.lead_id for i in items} == {mine, other}
