"""The lifecycle of SPEC §2: allowed moves, SDR decisions and the automatic transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scoring.engine import Event, Score, lead_facts, score_events
from scoring.expiry import Expiry, is_stale
from scoring.lifecycle import (
    ALLOWED,
    Decision,
    Status,
    Transition,
    TransitionError,
    can_transition,
    decide,
    evaluate,
    require,
)
from scoring.loader import default_model
from scoring.state import LeadState

S = Status
T0 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
MODEL = default_model()
STRONG_FIT = {"title": "CEO", "company_size": 120, "industry": "Hospitality"}


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def lead_score(
    events: list[Event], now: datetime, standard: dict[str, Any] | None = None
) -> tuple[Score, LeadState]:
    return score_events(MODEL, lead_facts(standard or {}), events, now)


def auto(
    status: Status,
    events: list[Event],
    now: datetime,
    standard: dict[str, Any] | None = None,
    since: datetime | None = None,
    expiry: Expiry = Expiry(),
) -> Transition | None:
    """What the bot would do with a lead of `status` after scoring it at `now`."""
    sc, state = lead_score(events, now, standard)
    ft = state.fast_track
    facts = lead_facts(standard or {})
    return evaluate(
        status,
        sc,
        status_since=since,
        last_positive=state.last_positive,
        fast_track_at=ft[0] if ft else None,
        # as the daily expiry judges it, with no margin and no grace
        stale=status == S.MQL and is_stale(expiry, MODEL, facts, state, sc),
    )


QUALIFYING = [Event("webinar_attended", at(0)), Event("page_view", at(0), {"url": "/product"})]


# --- the transition table -------------------------------------------------------------------------

ALLOWED_MOVES = [
    (S.LEAD, S.MQL),
    (S.NURTURING, S.MQL),
    (S.RECYCLED, S.MQL),
    (S.MQL, S.SQL),
    (S.MQL, S.RECYCLED),
    (S.MQL, S.DISQUALIFIED),
    (S.MQL, S.NURTURING),
    (S.SQL, S.OPPORTUNITY),
    (S.OPPORTUNITY, S.WON),
    (S.OPPORTUNITY, S.LOST),
    (S.SQL, S.WON),
    (S.SQL, S.LOST),
    (S.LEAD, S.DISQUALIFIED),
    (S.DISQUALIFIED, S.LEAD),
    (S.LOST, S.RECYCLED),
]
FORBIDDEN_MOVES = [
    (S.LEAD, S.RECYCLED),
    (S.LEAD, S.NURTURING),
    (S.NURTURING, S.RECYCLED),
    (S.RECYCLED, S.RECYCLED),
    (S.MQL, S.MQL),
    (S.MQL, S.LEAD),
    (S.SQL, S.MQL),
    (S.SQL, S.LEAD),
    (S.OPPORTUNITY, S.MQL),
    (S.OPPORTUNITY, S.SQL),
    (S.DISQUALIFIED, S.MQL),
    (S.WON, S.LOST),
    (S.WON, S.LEAD),
    (S.LOST, S.MQL),
]


def test_every_status_has_a_row() -> None:
    assert set(ALLOWED) == set(Status)
    for targets in ALLOWED.values():
        assert targets <= set(Status)


@pytest.mark.parametrize("a,b", ALLOWED_MOVES)
def test_allowed_transitions(a: Status, b: Status) -> None:
    assert can_transition(a, b)
    require(a, b)


@pytest.mark.parametrize("a,b", FORBIDDEN_MOVES)
def test_forbidden_transitions_say_what_is_allowed(a: Status, b: Status) -> None:
    assert not can_transition(a, b)
    with pytest.raises(TransitionError) as info:
        require(a, b)
    message = str(info.value)
    assert f"'{a}'" in message and f"'{b}'" in message
    for allowed in ALLOWED[a]:
        assert allowed.value in message


def test_won_is_final() -> None:
    with pytest.raises(TransitionError, match="none \\(it is final\\)"):
        require(S.WON, S.LOST)


# --- decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decision,target",
    [
        (Decision.PROMOTE, S.SQL),
        (Decision.RECYCLE, S.RECYCLED),
        (Decision.DISQUALIFY, S.DISQUALIFIED),
    ],
)
def test_decide_on_an_mql(decision: Decision, target: Status) -> None:
    t = decide(S.MQL, decision, T0)
    assert t == Transition(S.MQL, target, f"decision:{decision.value}", T0)
    assert can_transition(t.from_status, t.to_status)


def test_decide_accepts_plain_strings() -> None:
    t = decide(Status("mql"), "recycle", T0)  # type: ignore[arg-type]
    assert (t.to_status, t.cause) == (S.RECYCLED, "decision:recycle")


@pytest.mark.parametrize("status", [s for s in Status if s is not S.MQL])
def test_decide_only_from_mql(status: Status) -> None:
    with pytest.raises(TransitionError) as info:
        decide(status, Decision.PROMOTE, T0)
    message = str(info.value)
    assert "only an MQL" in message and f"'{status}'" in message
    assert "promote, recycle, disqualify" in message


def test_unknown_decision_lists_the_decisions() -> None:
    with pytest.raises(TransitionError, match="promote, recycle, disqualify"):
        decide(S.MQL, "maybe", T0)  # type: ignore[arg-type]


# --- automatic transitions ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.LEAD, S.NURTURING])
def test_a_qualifying_score_makes_an_mql(status: Status) -> None:
    t = auto(status, QUALIFYING, at(0), STRONG_FIT)
    # a nurturing lead was an MQL that expired: it comes back as a re-MQL
    cause = "re_mql" if status == S.NURTURING else "score"
    assert t == Transition(status, S.MQL, cause, at(0))


def test_a_nurturing_lead_raising_a_hand_is_a_fast_tracked_re_mql() -> None:
    t = auto(S.NURTURING, [Event("demo_request", at(0))], at(0), {"title": "Student"})
    assert t is not None and t.cause == "re_mql:fast_track"


@pytest.mark.parametrize("status", [S.LEAD, S.NURTURING])
def test_a_low_score_stays(status: Status) -> None:
    assert auto(status, [Event("webinar_attended", at(0))], at(0), {"title": "Manager"}) is None


def test_seed_demo_request_moves_a_lead_to_mql_as_fast_track() -> None:
    t = auto(S.LEAD, [Event("demo_request", at(0))], at(0), {"title": "Student"})
    assert t is not None
    assert (t.from_status, t.to_status, t.cause) == (S.LEAD, S.MQL, "fast_track")


@pytest.mark.parametrize("status", [S.SQL, S.OPPORTUNITY, S.WON, S.LOST, S.DISQUALIFIED])
def test_no_automatic_moves_after_the_decision(status: Status) -> None:
    assert auto(status, QUALIFYING, at(0), STRONG_FIT) is None
    assert auto(status, [Event("demo_request", at(0))], at(0)) is None
    assert auto(status, [], at(400)) is None


def test_seed_recycled_lead_needs_new_engagement_after_the_recycle() -> None:
    recycled_at = at(1)
    # the old engagement still qualifies, but it is from before the recycle
    sc, _ = lead_score(QUALIFYING, at(2), STRONG_FIT)
    assert sc.qualifies
    assert auto(S.RECYCLED, QUALIFYING, at(2), STRONG_FIT, since=recycled_at) is None
    # a negative event afterwards is no engagement
    with_unsub = [*QUALIFYING, Event("unsubscribe", at(3))]
    assert auto(S.RECYCLED, with_unsub, at(3), STRONG_FIT, since=recycled_at) is None
    # an event after the recycle that happened before it (late delivery) does not count either
    late = [*QUALIFYING, Event("webinar_attended", at(0.5))]
    assert auto(S.RECYCLED, late, at(3), STRONG_FIT, since=recycled_at) is None
    # a new qualifying event does
    new = [*QUALIFYING, Event("webinar_attended", at(5))]
    t = auto(S.RECYCLED, new, at(5), STRONG_FIT, since=recycled_at)
    assert t == Transition(S.RECYCLED, S.MQL, "re_mql", at(5))


def test_recycled_lead_with_new_but_insufficient_engagement_stays() -> None:
    events = [Event("content_download", at(5), {"asset_type": "whitepaper"})]
    assert auto(S.RECYCLED, events, at(5), {"title": "Manager"}, since=at(1)) is None


def test_recycled_lead_raising_a_hand_again_is_fast_tracked() -> None:
    events = [Event("demo_request", at(0)), Event("contact_request", at(3))]
    t = auto(S.RECYCLED, events, at(3), {"title": "Student"}, since=at(1))
    assert t is not None and t.cause == "re_mql:fast_track"
    # the hand-raiser from before the recycle alone does not bring it back
    assert auto(S.RECYCLED, events[:1], at(3), {"title": "Student"}, since=at(1)) is None


def test_recycled_without_a_known_recycle_time_takes_any_engagement() -> None:
    t = auto(S.RECYCLED, QUALIFYING, at(0), STRONG_FIT, since=None)
    assert t is not None and t.cause == "re_mql"


def test_seed_stale_mql_expires_to_nurturing_once_its_score_decays() -> None:
    # engagement 55 at day 0 falls below the 20-point minimum after 90*log2(55/19.5) = 135 days
    assert auto(S.MQL, QUALIFYING, at(0), STRONG_FIT) is None
    assert auto(S.MQL, QUALIFYING, at(120), STRONG_FIT) is None
    t = auto(S.MQL, QUALIFYING, at(140), STRONG_FIT)
    assert t == Transition(S.MQL, S.NURTURING, "expired", at(140))
    assert can_transition(S.MQL, S.NURTURING)


def test_seed_fast_tracked_mql_does_not_expire_within_hold_days() -> None:
    events = [Event("demo_request", at(0))]
    hold = MODEL.fast_track.hold_days
    for day in (0, 1, 7, 13, hold):
        assert auto(S.MQL, events, at(day), {"title": "Student"}) is None, day
    t = auto(S.MQL, events, at(hold + 1), {"title": "Student"})
    assert t is not None and (t.to_status, t.cause) == (S.NURTURING, "expired")


def test_expired_lead_becomes_an_mql_again_with_new_engagement() -> None:
    events = [
        *QUALIFYING,
        Event("webinar_attended", at(150)),
        Event("page_view", at(150), {"url": "/product"}),
    ]
    assert auto(S.NURTURING, QUALIFYING, at(149), STRONG_FIT) is None
    t = auto(S.NURTURING, events, at(150), STRONG_FIT)
    assert t is not None and (t.to_status, t.cause) == (S.MQL, "re_mql")
