"""Rounding and the schedule of the next change agree: whenever the displayed score would
change, a change is scheduled no later than that moment (no frozen scores)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring.engine import Event, lead_facts, round_points, score, score_events
from scoring.loader import default_model
from scoring.state import LeadState, RuleState

MODEL = default_model()
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
T_NOW = NOW.timestamp()
RULE = next(r for r in MODEL.engagement_rules if r.id == "webinar_attended")


def _state(raw: float) -> LeadState:
    """A lead whose webinar line is worth exactly `raw` points at NOW."""
    state = LeadState()
    rs = state.rules[RULE.id] = RuleState()
    rs.n, rs.acc, rs.ref, rs.first, rs.last = 1, raw, T_NOW, T_NOW, T_NOW
    return state


# raw values anywhere, and raw values within a few millionths of a rounding boundary, where the
# cut to six decimals and the schedule can disagree
near_boundary = st.builds(lambda p, d: p - 0.5 + d, st.integers(1, 50), st.floats(-2e-6, 2e-6))
raws = st.one_of(st.floats(0.5, 50.0), near_boundary)


@settings(max_examples=400, deadline=None)
@given(raw=raws)
@example(raw=24.4999996)
@example(raw=24.5 - 5e-7)
@example(raw=1.4999995)
def test_a_change_is_scheduled_no_later_than_the_display_changes(raw: float) -> None:
    state = _state(raw)
    now_score = score(MODEL, {}, state, NOW)
    shown = round_points(min(raw, float(RULE.cap or raw)))
    if shown == 0:
        return  # no line: nothing to change
    assert now_score.next_change_at is not None, f"raw {raw!r} shows {shown} and never changes"
    # the display decays monotonically: still unchanged at the scheduled moment means it
    # changed no earlier than that
    at_change = score(MODEL, {}, state, now_score.next_change_at)
    assert at_change.total == now_score.total
    # and it does change soon after: the schedule is not early by more than a little
    later = score(MODEL, {}, state, now_score.next_change_at + timedelta(seconds=2))
    assert later.total < now_score.total or now_score.next_change_at == NOW


def test_the_issue_reproduction_expires_instead_of_freezing() -> None:
    """A CEO lead with company size 100 and one webinar 2 d 14 h 57 min 22.167 s ago: the
    webinar line is worth 24.4999996 (shown 25), and its change must be scheduled."""
    facts = lead_facts({"title": "CEO", "company_size": 100})
    webinar = NOW - timedelta(days=2, hours=14, minutes=57, seconds=22.167)
    result, state = score_events(MODEL, facts, [Event("webinar_attended", webinar)], NOW)
    raw = RULE.points * 2 ** (-(NOW - webinar).total_seconds() / RULE.decay_seconds)
    assert 24.5 - 5e-7 <= raw < 24.5
    [line] = [ln for ln in result.lines if ln.rule_id == RULE.id]
    assert line.points == 25
    assert result.next_change_at is not None
    assert result.next_change_at - NOW < timedelta(days=1)  # not the window's end, months away
    after = score(MODEL, facts, state, result.next_change_at + timedelta(seconds=1))
    assert after.total == result.total - 1
