"""Stale-MQL expiry with a margin and a grace (scoring/expiry.py), with a frozen clock: a score
hovering at the bar stays an MQL; one well below it for the grace expires; a fast-track hold and
new activity put the grace off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoring.engine import Event, lead_facts, score_events
from scoring.expiry import Expiry, is_stale
from scoring.loader import default_model

MODEL = default_model()  # MQL at 70, fit and engagement at least 20 each
T0 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
FIT = lead_facts({"title": "CEO", "company_size": 120, "industry": "Hospitality"})  # fit 75
# engagement 55 on day 0, decaying: 19 on day 140, 15 until day 174.5, 14 from day 175
ENGAGED = [Event("webinar_attended", T0), Event("page_view", T0, {"url": "/product"})]
DAY = 86400.0


def stale(days: float, expiry: Expiry, events: list[Event] = ENGAGED, facts: dict = FIT) -> bool:
    sc, state = score_events(MODEL, facts, events, T0 + timedelta(days=days))
    return is_stale(expiry, MODEL, facts, state, sc)


def test_without_margin_or_grace_an_mql_expires_as_soon_as_it_misses_a_bar() -> None:
    assert not stale(130, Expiry())  # engagement 20: still qualifies
    assert stale(140, Expiry())  # engagement 19


def test_a_score_within_the_margin_does_not_expire() -> None:
    margin = Expiry(margin=5)
    for day in (140, 150, 160, 170, 174):  # engagement 19 … 15: under 20, not under 15
        assert not stale(day, margin), day
    assert stale(175, margin)  # 14: more than 5 under the minimum


def test_the_grace_counts_from_the_moment_it_fell_below() -> None:
    graced = Expiry(margin=5, grace_seconds=DAY)
    assert not stale(175, graced)  # below since day 174.5 or so: not a day yet
    assert not stale(175.4, graced)
    assert stale(176, graced)


def test_new_activity_puts_the_grace_off_even_when_it_adds_nothing() -> None:
    graced = Expiry(margin=5, grace_seconds=DAY)
    opened = [*ENGAGED, Event("newsletter_open", T0 + timedelta(days=175.5))]  # adds no points
    assert not stale(176, graced, opened)
    assert stale(176.6, graced, opened)


def test_a_fast_track_hold_keeps_it_and_the_grace_starts_when_the_hold_ends() -> None:
    student = lead_facts({"title": "Student"})
    raised = [Event("demo_request", T0)]
    hold = MODEL.fast_track.hold_days
    for day in (0, 7, hold):
        assert not stale(day, Expiry(), raised, student), day
    assert stale(hold + 0.1, Expiry(), raised, student)
    graced = Expiry(grace_seconds=DAY)
    assert not stale(hold + 0.5, graced, raised, student)
    assert stale(hold + 1.1, graced, raised, student)
