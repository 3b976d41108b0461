"""A recycled lead returns as an MQL only after an event that added points (docs/scoring.md):
an event that matches a positive rule but adds nothing to the score is no new engagement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scoring.engine import Event, apply_event, lead_facts, score, score_events
from scoring.lifecycle import Status, evaluate
from scoring.loader import default_model
from scoring.state import LeadState

MODEL = default_model()
FIT = lead_facts({"title": "CEO", "company_size": 120, "industry": "Hospitality"})
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
RECYCLED_AT = T0 + timedelta(hours=2)
AFTER = T0 + timedelta(hours=3)  # the same UTC day: no new distinct day for the visits rule


def page(url: str, at: datetime) -> Event:
    return Event("page_view", at, {"url": url})


# what the lead did before the SDR recycled it: an MQL on fit, two webinars and two product
# views (the product line at its cap of 30), a blog visit and two newsletter opens earlier
HISTORY = [
    Event("webinar_attended", T0),
    Event("webinar_attended", T0 + timedelta(minutes=5)),
    page("/product/pos", T0 + timedelta(minutes=10)),
    page("/product/pos", T0 + timedelta(minutes=20)),
]


def _after_recycle(extra: list[Event], *, before: tuple[Event, ...] = ()) -> Any:
    _, state = score_events(MODEL, FIT, [*before, *HISTORY], RECYCLED_AT)
    assert isinstance(state, LeadState)
    for event in extra:
        apply_event(MODEL, state, event)
    now = max(e.occurred_at for e in extra) + timedelta(minutes=1)
    result = score(MODEL, FIT, state, now)
    assert result.qualifies  # the old score is still high: only the new event may decide
    return evaluate(
        Status.RECYCLED,
        result,
        status_since=RECYCLED_AT,
        last_positive=state.last_positive,
        fast_track_at=state.fast_track[0].timestamp() if state.fast_track else None,
    )


@pytest.mark.parametrize(
    ("case", "event"),
    [
        ("a blog view below the 3-visit threshold", page("/blog/menu-pricing", AFTER)),
        ("a single newsletter open", Event("newsletter_open", AFTER)),
        ("a product view with the line at its cap", page("/product/pos", AFTER)),
        ("a careers-page view (-5)", page("/careers/sdr", AFTER)),
    ],
)
def test_events_that_add_nothing_do_not_re_mql(case: str, event: Event) -> None:
    assert _after_recycle([event]) is None, case


def test_an_event_that_adds_points_re_mqls() -> None:
    transition = _after_recycle([Event("content_download", AFTER, {"asset_type": "whitepaper"})])
    assert transition is not None and transition.cause == "re_mql"


def test_a_visit_that_reaches_the_threshold_adds_points_and_re_mqls() -> None:
    # visits on the day before and on the day of the product views, the third the day after
    earlier = (page("/blog/a", T0 - timedelta(days=1)),)
    transition = _after_recycle([page("/blog/c", AFTER + timedelta(days=1))], before=earlier)
    assert transition is not None and transition.cause == "re_mql"


def test_the_third_newsletter_open_adds_points() -> None:
    opens = tuple(Event("newsletter_open", T0 - timedelta(days=d)) for d in (3, 2))
    transition = _after_recycle([Event("newsletter_open", AFTER)], before=opens)
    assert transition is not None and transition.cause == "re_mql"
