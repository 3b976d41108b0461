"""App Home's median time to first action: from the alert to an SDR's first claim or decision
on that MQL, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.usecases.lifecycle.decisions import claim, decide, slack_actor
from bot.usecases.queries.first_action import first_action_waits
from bot.usecases.queries.queue import home
from storage.db import session_scope
from storage.repositories.claims import Acted
from storage.tables import LeadClaim
from tests.factories import alert_posted, became_mql, make_mql

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday
ANNA, BEN = "U0SDRANNA1", "U0SDRBEN01"
H = 3600.0


def mql(engine: Engine, name: str, at: datetime, *, alert_after: float | None = 0.0) -> int:
    lead_id = make_mql(engine, at, email=f"{name}@x.example", first_name=name)
    became_mql(engine, lead_id, at)
    if alert_after is not None:
        alert_posted(engine, lead_id, at + timedelta(seconds=alert_after))
    return lead_id


def recycle(engine: Engine, lead_id: int, by: str, at: datetime) -> None:
    done = decide(
        engine,
        lead_id=lead_id,
        outcome="recycle",
        actor=slack_actor(by),
        now=at,
        reason="Bad timing",
        ownership="allow",
    )
    assert done.won


def median_for(engine: Engine, user: str) -> float | None:
    return home(engine, user, now=NOW, limit=15).median_wait


def test_a_claim_is_stored_with_its_time(engine: Engine) -> None:
    lead_id = mql(engine, "claimed", NOW - timedelta(hours=2))
    assert claim(engine, lead_id=lead_id, user_id=ANNA, now=NOW).won
    assert claim(engine, lead_id=lead_id, user_id=BEN, now=NOW).won is False
    with session_scope(engine) as s:
        [row] = s.exec(select(LeadClaim)).all()
        assert (row.lead_id, row.claimed_by, row.claimed_at) == (lead_id, f"slack:{ANNA}", NOW)


def test_the_claim_counts_from_the_alert_not_the_later_decision(engine: Engine) -> None:
    start = NOW - timedelta(hours=6)
    lead_id = mql(engine, "a", start, alert_after=600)  # Slack showed it 10 minutes later
    claim(engine, lead_id=lead_id, user_id=ANNA, now=start + timedelta(hours=1))
    recycle(engine, lead_id, ANNA, start + timedelta(hours=5))
    assert median_for(engine, ANNA) == 50 * 60


def test_each_sdr_is_timed_by_their_own_first_action(engine: Engine) -> None:
    start = NOW - timedelta(hours=10)
    lead_id = mql(engine, "b", start)
    claim(engine, lead_id=lead_id, user_id=BEN, now=start + timedelta(hours=1))
    recycle(engine, lead_id, ANNA, start + timedelta(hours=3))  # takes it over and decides
    assert median_for(engine, BEN) == 1 * H
    assert median_for(engine, ANNA) == 3 * H


def test_the_median_of_claims_decisions_and_alerts_that_never_showed(engine: Engine) -> None:
    start = NOW - timedelta(days=1)
    claimed = mql(engine, "c", start)
    claim(engine, lead_id=claimed, user_id=ANNA, now=start + timedelta(hours=1))
    decided = mql(engine, "d", start)
    recycle(engine, decided, ANNA, start + timedelta(hours=4))
    unshown = mql(engine, "e", start, alert_after=None)  # no alert: from becoming an MQL
    recycle(engine, unshown, ANNA, start + timedelta(hours=2))
    assert median_for(engine, ANNA) == 2 * H


def test_a_first_action_last_week_is_not_this_weeks(engine: Engine) -> None:
    start = NOW - timedelta(days=9)
    lead_id = mql(engine, "f", start)
    claim(engine, lead_id=lead_id, user_id=ANNA, now=start + timedelta(days=1))
    recycle(engine, lead_id, ANNA, NOW - timedelta(hours=1))  # decided this week
    assert median_for(engine, ANNA) is None
    assert home(engine, ANNA, now=NOW, limit=15).week == {"recycle": 1}


def test_a_re_mql_is_a_new_round_timed_from_its_own_alert(engine: Engine) -> None:
    first = NOW - timedelta(days=20)
    lead_id = mql(engine, "g", first)
    claim(engine, lead_id=lead_id, user_id=ANNA, now=first + timedelta(hours=1))
    recycle(engine, lead_id, ANNA, first + timedelta(hours=2))
    again = NOW - timedelta(days=2)
    became_mql(engine, lead_id, again, old="recycled")
    alert_posted(engine, lead_id, again + timedelta(minutes=30))
    recycle(engine, lead_id, ANNA, again + timedelta(hours=4, minutes=30))  # owner since round 1
    assert median_for(engine, ANNA) == 4 * H


def test_without_any_action_there_is_no_median(engine: Engine) -> None:
    mql(engine, "h", NOW - timedelta(hours=3))
    assert median_for(engine, ANNA) is None


def test_an_action_before_any_known_start_is_not_timed() -> None:
    acted = Acted()
    acted.actions[1].append(NOW)
    acted.mql_since[1].append(NOW + timedelta(hours=1))
    assert first_action_waits(acted, since=NOW - timedelta(days=7)) == []
    naive = Acted()  # naive times are UTC, as everywhere in the project
    naive.actions[2].append(datetime(2026, 12, 3, 11, 0))
    naive.alerts[2].append(datetime(2026, 12, 3, 10, 0))
    assert first_action_waits(naive, since=NOW - timedelta(days=7)) == [H]
