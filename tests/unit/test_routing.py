"""Routing rules (first match wins) and the weighted round robin (fair over time)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.routing import (
    Rep,
    Routing,
    RoutingError,
    Rule,
    pick_rep,
    reps_from_config,
    rules_from_config,
)

DACH = Rule("C0DACH0001", country=frozenset({"de", "at", "ch"}))
BIG = Rule("C0ENTERP01", company_size_min=1000)
ROUTING = Routing("C0ALERTS01", (BIG, DACH))


@pytest.mark.parametrize(
    ("lead", "channel"),
    [
        ({"country": "DE", "company_size": 120}, "C0DACH0001"),
        ({"country": " at "}, "C0DACH0001"),
        ({"country": "DE", "company_size": 5000}, "C0ENTERP01"),  # the first matching rule wins
        ({"country": "US", "company_size": 999}, "C0ALERTS01"),
        ({"country": None, "company_size": None}, "C0ALERTS01"),
    ],
)
def test_the_first_matching_rule_picks_the_channel(lead: dict[str, object], channel: str) -> None:
    assert ROUTING.channel_for(lead) == channel


def test_size_ranges_are_inclusive_and_need_a_size() -> None:
    mid = Rule("C", company_size_min=50, company_size_max=200)
    assert mid.matches({"company_size": 50}) and mid.matches({"company_size": 200})
    assert not mid.matches({"company_size": 201}) and not mid.matches({})


def test_the_round_robin_follows_the_weights_over_time() -> None:
    reps = [Rep("U0ANNA", 2), Rep("U0BEN", 1)]
    counts: Counter[str] = Counter()
    for _ in range(300):
        rep = pick_rep(reps, "C", counts, ())
        assert rep is not None
        counts[rep.user] += 1
    assert counts == {"U0ANNA": 200, "U0BEN": 100}


def test_the_round_robin_catches_up_after_an_absence() -> None:
    reps = [Rep("U0ANNA"), Rep("U0BEN")]
    counts = Counter({"U0ANNA": 10, "U0BEN": 2})
    picks = [pick_rep(reps, "C", counts, ()) for _ in range(1)]
    assert [p.user for p in picks if p] == ["U0BEN"]


def test_absent_reps_and_reps_of_other_channels_are_skipped() -> None:
    reps = [Rep("U0ANNA"), Rep("U0BEN", channels=frozenset({"C0DACH0001"}))]
    assert pick_rep(reps, "C0US000001", {}, {"U0ANNA"}) is None
    rep = pick_rep(reps, "C0DACH0001", {"U0BEN": 5}, {"U0ANNA"})
    assert rep is not None and rep.user == "U0BEN"


def test_rules_and_reps_from_config() -> None:
    rules = rules_from_config([{"channel": "C1", "country": "DE", "company_size_min": 10}])
    assert rules == (Rule("C1", country=frozenset({"de"}), company_size_min=10),)
    reps = reps_from_config([{"user": "U1", "weight": 3, "channels": ["C1"]}])
    assert reps == (Rep("U1", 3.0, frozenset({"C1"})),)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({"channel": "C"}, "must be a list"),
        ([{"country": "DE"}], r"rules\[0\]: channel must be"),
        ([{"channel": "C", "cuntry": "DE"}], "unknown key cuntry"),
        ([{"channel": "C", "country": 49}], "country must be a string or a list"),
        ([{"channel": "C", "company_size_min": "50"}], "company_size_min must be a whole number"),
    ],
)
def test_rule_mistakes_are_named(items: object, message: str) -> None:
    with pytest.raises(RoutingError, match=message):
        rules_from_config(items)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"weight": 1}], r"reps\[0\] needs user"),
        ([{"user": "U1", "weight": 0}], "weight must be a positive number"),
        ([{"user": "U1", "channels": "C1"}], "channels must be a list"),
        ([{"user": "U1", "team": "x"}], "unknown key team"),
    ],
)
def test_rep_mistakes_are_named(items: object, message: str) -> None:
    with pytest.raises(RoutingError, match=message):
        reps_from_config(items)
