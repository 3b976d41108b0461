"""Properties of the engine over random models (variations of the default) and random events."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import (
    Event,
    Score,
    apply_event,
    fold_event,
    lead_facts,
    score,
    score_events,
    to_epoch,
)
from scoring.loader import default_model
from scoring.model import EngagementRule, ScoringModel
from scoring.state import LeadState

T0 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
DEFAULT = default_model()
PROPS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

URLS = [
    "https://acme.com/product/tour",
    "/products",
    "https://acme.com/careers",
    "/blog/x",
    "https://acme.com/pricing?plan=pro",
    "acme.com/product",
]
KINDS: list[tuple[str, dict[str, Any]]] = [
    *[("page_view", {"url": u}) for u in URLS],
    *[
        ("content_download", {"asset_type": a})
        for a in ("whitepaper", "ebook", "pricing_sheet", "case_study")
    ],
    *[
        (k, {})
        for k in (
            "webinar_attended",
            "webinar_registered",
            "newsletter_open",
            "unsubscribe",
            "email_open",
            "demo_request",
            "pricing_request",
            "chat_with_sales",
            "custom_event",
        )
    ],
]
# within 400 days before T0, often several on one day, sometimes at the very same second
OFFSETS = st.one_of(
    st.integers(0, 400 * 86400), st.integers(0, 3 * 86400), st.sampled_from([0, 3600, 86400])
)


@st.composite
def events(draw: st.DrawFn, max_size: int = 25) -> list[Event]:
    items = draw(st.lists(st.tuples(st.sampled_from(KINDS), OFFSETS), max_size=max_size))
    return [Event(kind, T0 - timedelta(seconds=off), props) for (kind, props), off in items]


facts = st.builds(
    lambda title, size, industry: lead_facts(
        {"title": title, "company_size": size, "industry": industry}
    ),
    st.sampled_from(
        [
            "CEO",
            "Managing Director & Founder Sales Manager",
            "Sales Manager",
            "Student",
            "",
            "Geschäftsführerin",
        ]
    ),
    st.sampled_from([None, 10, 50, 120, 200, 201, "120", "1,200", "n/a"]),
    st.sampled_from(["Hospitality", "gastronomie", "Software", None]),
)

# (min_count, distinct_days, cap) x window_days x half_life_days: every shape a rule can have
SHAPES = [
    (1, False, None),
    (1, False, None),
    (1, False, 10),
    (1, False, 45),
    (2, False, None),
    (3, True, None),
    (1, True, None),
    (4, False, None),
]
WINDOWS = [0, 0, 1, 2, 7, 30, 180]  # 0 (all time) keeps one decayed sum instead of day buckets
HALF_LIVES = [0, 0.001, 0.5, 1, 7, 13.3, 30, 90, 365]
RULE_SHAPES = [(*shape, w, h) for shape in SHAPES for w in WINDOWS for h in HALF_LIVES]


@st.composite
def models(draw: st.DrawFn, positive: bool = False) -> ScoringModel:
    """The default model with random points and random shapes of its rules."""
    fit = tuple(replace(r, points=draw(st.integers(-30, 50))) for r in DEFAULT.fit_rules)
    points = st.integers(1, 40) if positive else st.integers(-20, 40).filter(bool)
    eng: list[EngagementRule] = []
    for rule in DEFAULT.engagement_rules:
        min_count, distinct, cap, window, half_life = draw(st.sampled_from(RULE_SHAPES))
        eng.append(
            replace(
                rule,
                points=draw(points),
                min_count=min_count,
                distinct_days=distinct,
                cap=cap,
                window_days=window,
                half_life_days=half_life,
            )
        )
    return replace(DEFAULT, fit_rules=fit, engagement_rules=tuple(eng))


def fold(model: ScoringModel, evs: list[Event]) -> LeadState:
    state = LeadState()
    for e in evs:
        apply_event(model, state, e)
    return state


def json_round_trip(state: LeadState) -> LeadState:
    return LeadState.from_json(json.loads(json.dumps(state.to_json(), allow_nan=False)))


def assert_adds_up(s: Score) -> None:
    lines = [ln.points for ln in s.lines]
    assert round(sum(lines), 1) == s.total
    assert s.fit + s.engagement == s.total
    assert sum(ln.points for ln in s.lines if ln.dimension == "fit") == s.fit
    assert sum(ln.points for ln in s.lines if ln.dimension == "engagement") == s.engagement
    assert all(ln.points != 0 for ln in s.lines if ln.dimension == "engagement")


@PROPS
@given(models(), facts, events(), st.integers(0, 500 * 86400))
def test_breakdown_always_sums_to_the_score(
    model: ScoringModel, f: dict[str, Any], evs: list[Event], later: int
) -> None:
    for now in (T0, T0 + timedelta(seconds=later)):
        s, _ = score_events(model, f, evs, now)
        assert_adds_up(s)
        assert s.qualifies == (
            s.total >= model.thresholds.mql
            and s.fit >= model.thresholds.min_fit
            and s.engagement >= model.thresholds.min_engagement
        )


@PROPS
@given(
    models(positive=True),
    facts,
    events(),
    st.lists(st.integers(0, 120 * 86400), min_size=2, max_size=6),
)
def test_score_never_rises_without_new_events(
    model: ScoringModel, f: dict[str, Any], evs: list[Event], steps: list[int]
) -> None:
    state = fold(model, evs)
    now = T0
    previous = score(model, f, state, now)
    for step in steps:
        now += timedelta(seconds=step)
        current = score(model, f, state, now)
        assert current.engagement <= previous.engagement
        assert current.total <= previous.total
        assert current.fit == previous.fit
        previous = current


@PROPS
@given(models(), facts, events(max_size=15).flatmap(st.permutations), st.integers(0, 200 * 86400))
def test_event_order_does_not_matter(
    model: ScoringModel, f: dict[str, Any], shuffled: list[Event], later: int
) -> None:
    in_order = sorted(shuffled, key=lambda e: e.occurred_at)
    a = fold(model, in_order)
    b, late = LeadState(), False
    for e in shuffled:
        late |= fold_event(model, b, e.type, to_epoch(e.occurred_at), e.properties)
    for now in (T0, T0 + timedelta(seconds=later)):
        assert score(model, f, a, now) == score(model, f, b, now)
    # whether an event added points is judged in time order (docs/scoring.md): where the state
    # alone cannot tell, the engine says so and the lead's events are folded again in order,
    # as the ingest and the import do; otherwise what arrived out of order is right already
    if late:
        b = fold(model, sorted(shuffled, key=lambda e: e.occurred_at))
    assert (a.last_event, a.last_positive, a.fast_track) == (
        b.last_event,
        b.last_positive,
        b.fast_track,
    )


@PROPS
@given(models(), facts, events(), st.integers(0, 200 * 86400))
def test_state_survives_a_json_round_trip(
    model: ScoringModel, f: dict[str, Any], evs: list[Event], later: int
) -> None:
    state = fold(model, evs)
    restored = json_round_trip(state)
    assert restored.to_json() == state.to_json()
    for now in (T0, T0 + timedelta(seconds=later)):
        assert score(model, f, restored, now) == score(model, f, state, now)


@PROPS
@given(models(), facts, events(max_size=12))
def test_storing_the_state_after_every_event_changes_nothing(
    model: ScoringModel, f: dict[str, Any], evs: list[Event]
) -> None:
    # what the bot does in real time: load the state, fold one event in, store it again
    state = LeadState()
    for e in evs:
        state = json_round_trip(state)
        apply_event(model, state, e)
    assert score(model, f, state, T0) == score_events(model, f, evs, T0)[0]


def _visible(sc: Score) -> tuple[Any, ...]:
    return (sc.total, sc.band, sc.fast_track, [(ln.rule_id, ln.points) for ln in sc.lines])


@PROPS
@given(
    model=models(),
    evs=events(),
    lead=facts,
    fractions=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=6),
)
def test_nothing_changes_before_next_change_at(
    model: ScoringModel, evs: list[Event], lead: dict[str, Any], fractions: list[float]
) -> None:
    """A rescore may skip a lead until its next_change_at: the score is the same until then."""
    state = fold(model, evs)
    now = T0 + timedelta(hours=1)
    first = score(model, lead, state, now)
    horizon = first.next_change_at or now + timedelta(days=3 * 365)
    for f in fractions:
        moment = now + (horizon - now) * f
        assert _visible(score(model, lead, state, moment)) == _visible(first), (f, horizon)
