"""The engine with the default model: the seed cases of SPEC §3, groups, count rules, caps,
decay, windows, event order, state round trips, grades and thresholds."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from scoring.engine import (
    BreakdownLine,
    Event,
    Score,
    apply_event,
    lead_facts,
    round_points,
    score,
    score_events,
)
from scoring.loader import default_model, load_model
from scoring.model import Grades, ScoringModel
from scoring.state import LeadState

T0 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)  # a Monday, noon UTC
MODEL = default_model()
STRONG_FIT = {"title": "CEO", "company_size": 120, "industry": "Hospitality"}


def at(days: float = 0, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


def ev(kind: str, when: datetime, **props: Any) -> Event:
    return Event(kind, when, props)


def run(
    events: list[Event],
    now: datetime,
    standard: dict[str, Any] | None = None,
    model: ScoringModel = MODEL,
    attributes: dict[str, Any] | None = None,
) -> Score:
    facts = lead_facts(standard or {}, attributes)
    return score_events(model, facts, events, now)[0]


def points(s: Score) -> dict[str, float]:
    return {line.rule_id: line.points for line in s.lines}


def webinar(when: datetime) -> Event:
    return ev("webinar_attended", when, webinar="Digital Gastro 2024")


def visit(when: datetime, path: str = "/blog/post") -> Event:
    return ev("page_view", when, url=f"https://www.example.com{path}")


def download(when: datetime, asset_type: str) -> Event:
    return ev("content_download", when, asset_type=asset_type, asset="Guide")


def assert_adds_up(s: Score) -> None:
    assert s.fit == sum(ln.points for ln in s.lines if ln.dimension == "fit")
    assert s.engagement == sum(ln.points for ln in s.lines if ln.dimension == "engagement")
    assert s.fit + s.engagement == s.total
    assert round(sum(ln.points for ln in s.lines), 1) == s.total
    assert all(ln.points == int(ln.points) for ln in s.lines)


# --- seed acceptance cases ------------------------------------------------------------------------


def test_seed_ceo_hospitality_webinar_product_page_is_an_mql() -> None:
    events = [webinar(T0), visit(T0, "/product/tour")]
    s = run(events, T0, STRONG_FIT)  # at the time of the events: nothing has decayed yet
    assert [(ln.rule_id, ln.dimension, ln.points) for ln in s.lines] == [
        ("role_executive", "fit", 30),
        ("company_size_50_200", "fit", 25),
        ("target_industry", "fit", 20),
        ("webinar_attended", "engagement", 25),
        ("product_page", "engagement", 30),
    ]
    assert (s.fit, s.engagement, s.total) == (75, 55, 130)
    assert s.qualifies and s.band == "mql" and s.alertable
    assert s.fast_track is None
    assert s.grade == "A2"
    assert_adds_up(s)


def test_seed_breakdown_carries_the_evidence() -> None:
    s = run([webinar(at(-2)), visit(at(-1), "/product/tour")], at(-1), STRONG_FIT)
    by_rule = {ln.rule_id: ln for ln in s.lines}
    assert by_rule["role_executive"].evidence == {"field": "title", "value": "CEO"}
    assert by_rule["company_size_50_200"].evidence["value"] == 120
    product = by_rule["product_page"].evidence
    assert product["event"] == "page_view" and product["count"] == 1
    assert product["first"] == product["last"] == at(-1)
    # as every writer of a breakdown writes it: the time as ISO text
    stored = orjson.loads(orjson.dumps(s.breakdown_json()))
    line = next(d for d in stored if d["rule"] == "product_page")
    assert line["evidence"]["first"] == line["evidence"]["last"] == at(-1).isoformat()
    assert product["window_days"] == 180
    assert by_rule["webinar_attended"].label == "Webinar attended"


def test_seed_manager_with_one_whitepaper_scores_35_and_is_no_mql() -> None:
    s = run([download(T0, "whitepaper")], T0, {"title": "Marketing Manager"})
    assert points(s) == {"role_manager": 20, "whitepaper_download": 15}
    assert s.total == 35
    assert not s.qualifies and not s.alertable
    assert s.band == "nurture"
    assert s.grade == "C4"


@pytest.mark.parametrize("asset_type", ["ebook", "whitepaper"])
def test_seed_strong_fit_with_only_a_six_month_old_download_is_no_mql(asset_type: str) -> None:
    s = run([download(at(-183), asset_type)], T0, STRONG_FIT)
    assert s.fit == 75
    assert s.engagement == 0
    assert not s.qualifies and not s.alertable


def test_strong_fit_with_an_old_download_inside_the_window_fails_the_engagement_minimum() -> None:
    # 150 days: still inside the 180-day window, decayed to 15 * 2^(-150/90) = 4.7 -> 5
    s = run([download(at(-150), "whitepaper")], T0, STRONG_FIT)
    assert points(s)["whitepaper_download"] == 5
    assert s.total == 80 >= MODEL.thresholds.mql
    assert not s.qualifies  # 5 < 20 engagement points
    assert s.band == "nurture"


def test_seed_unsubscribe_and_careers_page_lower_the_score() -> None:
    base = [webinar(at(-1))]
    before = run(base, T0, STRONG_FIT)
    after_unsub = run([*base, ev("unsubscribe", T0)], T0, STRONG_FIT)
    after_careers = run([*base, visit(T0, "/careers/jobs")], T0, STRONG_FIT)
    after_both = run([*base, ev("unsubscribe", T0), visit(T0, "/careers")], T0, STRONG_FIT)
    assert before.total - after_unsub.total == 10
    assert before.total - after_careers.total == 5
    assert before.total - after_both.total == 15
    assert points(after_both)["unsubscribe"] == -10
    assert points(after_both)["careers_page"] == -5
    assert_adds_up(after_both)


def test_seed_demo_request_is_alertable_at_once_whatever_the_score() -> None:
    s = run([ev("demo_request", T0)], T0, {"title": "Student"})
    assert s.total == 0 and not s.qualifies
    assert s.alertable
    assert s.fast_track == (T0, "demo_request")


@pytest.mark.parametrize(
    "kind", ["demo_request", "pricing_request", "contact_request", "chat_with_sales"]
)
def test_every_default_hand_raiser_fast_tracks(kind: str) -> None:
    assert run([ev(kind, T0)], at(1)).fast_track == (T0, kind)


def test_fast_track_holds_for_hold_days_only() -> None:
    events = [ev("demo_request", T0)]
    assert run(events, at(14)).fast_track is not None
    assert run(events, at(14, hours=0.01)).fast_track is None
    assert not run(events, at(15)).alertable


def test_the_latest_hand_raiser_is_shown() -> None:
    s = run([ev("demo_request", at(-3)), ev("chat_with_sales", at(-1))], T0)
    assert s.fast_track == (at(-1), "chat_with_sales")


def test_simultaneous_hand_raisers_give_the_same_flag_in_any_order() -> None:
    a, b = ev("demo_request", T0), ev("pricing_request", T0)
    assert run([a, b], T0).fast_track == run([b, a], T0).fast_track


# --- groups ---------------------------------------------------------------------------------------


def test_group_gives_only_the_best_role_rule() -> None:
    s = run([], T0, {"title": "Managing Director & Founder Sales Manager"})
    assert points(s) == {"role_executive": 30}
    assert MODEL.fit_rules[1].condition.matches("Managing Director & Founder Sales Manager")


def test_manager_title_alone_gets_the_manager_points() -> None:
    assert points(run([], T0, {"title": "Sales Manager"})) == {"role_manager": 20}


def test_groups_pick_the_best_whatever_the_rule_order() -> None:
    text = """
[[fit]]
id = "low"
field = "title"
op = "contains"
value = "manager"
points = 5
group = "role"

[[fit]]
id = "high"
field = "title"
op = "contains"
value = "sales"
points = 15
group = "role"

[[fit]]
id = "other_group"
field = "title"
op = "contains"
value = "manager"
points = 3
group = "seniority"

[[fit]]
id = "ungrouped"
field = "title"
op = "is_set"
points = 1
"""
    s = run([], T0, {"title": "Sales Manager"}, load_model(text))
    assert points(s) == {"high": 15, "other_group": 3, "ungrouped": 1}
    assert [ln.rule_id for ln in s.lines] == ["high", "other_group", "ungrouped"]
    assert s.fit == 19


# --- count rules ----------------------------------------------------------------------------------

VISITS = "website_visits_3_days"


def test_three_visits_on_three_days_within_30_days_fire() -> None:
    events = [visit(at(0)), visit(at(12)), visit(at(29))]
    s = run(events, at(29))
    assert points(s) == {VISITS: 20}
    line = s.lines[0]
    assert line.evidence["count"] == 3 and line.evidence["window_days"] == 30
    assert line.evidence["first"] == at(0)
    assert line.evidence["last"] == at(29)
    assert line.nominal == 20


def test_three_visits_on_one_day_do_not_fire() -> None:
    events = [visit(at(0, hours=h)) for h in (-11, 0, 1, 5, 11)]
    assert VISITS not in points(run(events, at(0, hours=11)))


def test_two_days_are_not_enough() -> None:
    events = [visit(at(0)), visit(at(0, hours=2)), visit(at(3))]
    assert VISITS not in points(run(events, at(3)))


def test_visit_days_spanning_more_than_30_days_do_not_fire() -> None:
    events = [visit(at(0)), visit(at(15)), visit(at(30))]
    for now in (at(30), at(31), at(45)):
        assert VISITS not in points(run(events, now))


def test_count_rule_stops_firing_once_the_window_passes() -> None:
    events = [visit(at(0)), visit(at(1)), visit(at(2))]
    assert points(run(events, at(2)))[VISITS] == 20
    assert VISITS in points(run(events, at(29)))  # day 0 is still one of the last 30 days
    assert VISITS not in points(run(events, at(30)))


def test_count_rule_fades_from_the_latest_matching_visit() -> None:
    events = [visit(at(0)), visit(at(1)), visit(at(2))]
    # 20 points, 20 days after the last visit with a 90-day half-life: 20 * 2^(-20/90) = 17.1
    assert points(run(events, at(22)))[VISITS] == 17


def test_count_rule_fires_again_with_new_visits() -> None:
    old = [visit(at(0)), visit(at(1)), visit(at(2))]
    new = [visit(at(100)), visit(at(101)), visit(at(102))]
    assert VISITS not in points(run(old, at(99)))
    assert points(run(old + new, at(102)))[VISITS] == 20


def test_newsletter_opens_count_threshold() -> None:
    opens = [ev("newsletter_open", at(0, hours=h), campaign="c") for h in range(6)]
    assert "newsletter_opens_3" not in points(run(opens[:2], at(1)))
    three = run(opens[:3], at(0, hours=2))
    assert points(three)["newsletter_opens_3"] == 15  # the same day is fine: not distinct days
    assert three.lines[0].evidence["count"] == 3
    assert points(run(opens, at(0, hours=5)))["newsletter_opens_3"] == 15  # once, not per open


# --- caps -----------------------------------------------------------------------------------------


def test_positive_cap() -> None:
    s = run([webinar(at(0, hours=-h)) for h in range(3)], T0)
    line = s.lines[0]
    assert line.points == 50 and line.nominal == 50
    assert line.evidence["capped"] is True and line.evidence["count"] == 3
    assert points(run([download(T0, "whitepaper")] * 4, T0))["whitepaper_download"] == 30
    assert (
        points(run([visit(T0, "/product"), visit(at(1), "/products/x")], at(1)))["product_page"]
        == 30
    )


def test_negative_cap() -> None:
    s = run([visit(at(0, hours=-h), "/careers") for h in range(3)], T0)
    assert points(s)["careers_page"] == -5
    assert (
        points(run([ev("unsubscribe", T0), ev("unsubscribe", at(1))], at(1)))["unsubscribe"] == -10
    )


def test_cap_limits_the_decayed_sum() -> None:
    # three webinars 90 days ago: 3 * 25 / 2 = 37.5 is below the cap of 50 -> 38, not capped
    s = run([webinar(at(-90))] * 3, T0)
    line = s.lines[0]
    assert line.points == 38
    assert line.nominal == 50
    assert "capped" not in line.evidence


# --- decay ----------------------------------------------------------------------------------------


def test_points_halve_after_exactly_one_half_life() -> None:
    events = [visit(T0, "/product")]
    assert points(run(events, T0))["product_page"] == 30
    assert points(run(events, at(90)))["product_page"] == 15
    assert points(run([webinar(T0)], at(90)))["webinar_attended"] == 13  # 12.5, half up
    unwindowed = load_model(MODEL.source.replace("window_days = 180", "window_days = 0"))
    assert points(run(events, at(180), model=unwindowed))["product_page"] == 8  # 7.5
    assert points(run(events, at(270), model=unwindowed))["product_page"] == 4  # 3.75


def test_decay_within_one_day_is_exact() -> None:
    text = """
[[engagement_rule]]
id = "e"
event = "x"
points = 64
half_life_days = 0.25
window_days = 0
"""
    m = load_model(text)
    assert points(run([ev("x", T0)], at(0.5), model=m)) == {"e": 16}
    m2 = load_model(text.replace("window_days = 0", "window_days = 3"))
    assert points(run([ev("x", T0)], at(0.5), model=m2)) == {"e": 16}


@pytest.mark.parametrize("window", [0, 5000])
def test_half_life_zero_means_no_decay(window: int) -> None:
    m = load_model(f"""
[engagement]
half_life_days = 0
window_days = {window}

[[engagement_rule]]
id = "webinar"
event = "webinar_attended"
points = 25
""")
    for days in (0, 1, 90, 1000, 4000):
        assert points(run([webinar(T0)], at(days), model=m)) == {"webinar": 25}


def test_unsubscribe_neither_fades_nor_expires() -> None:
    assert points(run([ev("unsubscribe", T0)], at(400)))["unsubscribe"] == -10


def test_very_short_half_life_is_computed_without_overflow() -> None:
    m = load_model("""
[[engagement_rule]]
id = "e"
event = "x"
points = 10
half_life_days = 0.00001
window_days = 30
""")
    events = [ev("x", T0.replace(hour=23)), ev("x", T0.replace(hour=1))]
    assert points(run(events, T0.replace(hour=23), model=m)) == {"e": 10}
    assert run(events, at(1), model=m).engagement == 0


def test_negative_points_fade_too() -> None:
    events = [visit(T0, "/careers")]
    assert points(run(events, at(90)))["careers_page"] == -3  # -2.5 rounds away from zero
    assert "careers_page" not in points(run(events, at(300)))  # faded below half a point


# --- windows --------------------------------------------------------------------------------------


def test_default_window_is_180_whole_days() -> None:
    events = [webinar(T0)]
    assert "webinar_attended" in points(run(events, at(179)))
    assert "webinar_attended" not in points(run(events, at(180)))


def test_window_counts_whole_utc_days() -> None:
    m = load_model("""
[[engagement_rule]]
id = "today"
event = "x"
points = 10
window_days = 1
""")
    late = datetime(2024, 6, 3, 23, 30, tzinfo=UTC)
    early = datetime(2024, 6, 3, 0, 10, tzinfo=UTC)
    assert points(run([ev("x", early)], late, model=m)) == {"today": 10}
    assert points(run([ev("x", late)], late + timedelta(minutes=40), model=m)) == {}


def test_windowed_count_and_evidence_cover_only_the_window() -> None:
    events = [webinar(at(-200)), webinar(at(-10)), webinar(at(-5))]
    line = run(events, T0).lines[0]
    assert line.evidence["count"] == 2
    assert line.evidence["first"] == at(-10)
    assert line.nominal == 50


def test_windowed_state_stays_bounded() -> None:
    state = LeadState()
    for day in range(400):
        apply_event(MODEL, state, visit(at(day)))
    visits = state.rules[VISITS]
    assert visits.n == 400
    assert visits.days is not None and len(visits.days) <= 31
    assert "careers_page" not in state.rules
    assert points(score(MODEL, {}, state, at(399))) == {VISITS: 20}


# --- event order, state and JSON ------------------------------------------------------------------


def mixed_events() -> list[Event]:
    return [
        webinar(at(-40)),
        webinar(at(-3, hours=5)),
        visit(at(-20), "/product"),
        visit(at(-12)),
        visit(at(-7)),
        visit(at(-2), "/careers"),
        visit(at(-2, hours=1)),
        download(at(-60), "whitepaper"),
        download(at(-1), "pricing_sheet"),
        ev("newsletter_open", at(-30)),
        ev("newsletter_open", at(-15)),
        ev("newsletter_open", at(-15, hours=2)),
        ev("unsubscribe", at(-1, hours=3)),
        ev("contact_request", at(-4)),
        ev("custom_thing", at(-1)),
    ]


def fold(events: list[Event], model: ScoringModel = MODEL) -> LeadState:
    state = LeadState()
    for e in events:  # deliberately in the given order, not sorted
        apply_event(model, state, e)
    return state


def test_out_of_order_events_give_the_same_score() -> None:
    events = mixed_events()
    facts = lead_facts(STRONG_FIT)
    expected = score(MODEL, facts, fold(sorted(events, key=lambda e: e.occurred_at)), T0)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = events[:]
        rng.shuffle(shuffled)
        state = fold(shuffled)
        assert score(MODEL, facts, state, T0) == expected
        assert score(MODEL, facts, state, at(45)) == score(MODEL, facts, fold(events), at(45))
    assert expected.total == expected.fit + expected.engagement
    assert_adds_up(expected)


@pytest.mark.parametrize("window", [0, 30])
def test_out_of_order_events_of_a_decaying_rule(window: int) -> None:
    m = load_model(f"""
[[engagement_rule]]
id = "click"
event = "email_click"
points = 40
half_life_days = 10
window_days = {window}
""")
    events = [
        ev("email_click", at(-20)),
        ev("email_click", at(-10)),
        ev("email_click", at(-10)),
        ev("email_click", at(0, hours=-1)),
    ]
    expected = 40 * (2**-2 + 2 * 2**-1 + 2 ** (-1 / 240))  # 89.9
    for order in (events, events[::-1], [events[2], events[0], events[3], events[1]]):
        assert score(m, {}, fold(order, m), T0).engagement == round(expected) == 90


def test_state_json_round_trip_gives_an_identical_score() -> None:
    facts = lead_facts(STRONG_FIT)
    state = fold(mixed_events())
    raw = json.loads(json.dumps(state.to_json(), allow_nan=False))
    restored = LeadState.from_json(raw)
    for now in (T0, at(10), at(100)):
        assert score(MODEL, facts, restored, now) == score(MODEL, facts, state, now)
    assert restored.to_json() == state.to_json()
    assert (restored.last_event, restored.last_positive, restored.fast_track) == (
        state.last_event,
        state.last_positive,
        state.fast_track,
    )


def test_a_restored_state_keeps_accumulating() -> None:
    facts = lead_facts(STRONG_FIT)
    events = mixed_events()
    half = LeadState.from_json(json.loads(json.dumps(fold(events[:7]).to_json())))
    for e in events[7:]:
        apply_event(MODEL, half, e)
    assert score(MODEL, facts, half, T0) == score(MODEL, facts, fold(events), T0)


def test_empty_state_from_json() -> None:
    assert LeadState.from_json(None).rules == {}
    assert LeadState.from_json({}).to_json() == LeadState().to_json()


def test_apply_event_reports_matched_rules_and_tracks_times() -> None:
    state = LeadState()
    assert apply_event(MODEL, state, visit(T0, "/product/x")) == ["product_page", VISITS]
    assert state.last_positive == state.last_event == T0.timestamp()
    assert apply_event(MODEL, state, ev("unsubscribe", at(1))) == ["unsubscribe"]
    assert state.last_event == at(1).timestamp()
    assert state.last_positive == T0.timestamp()  # a penalty is not engagement
    assert apply_event(MODEL, state, ev("demo_request", at(2))) == []
    assert state.last_positive == at(2).timestamp()
    assert state.fast_track == (at(2).timestamp(), "demo_request")
    apply_event(MODEL, state, webinar(at(-5)))  # late delivery of an old event
    assert state.last_event == at(2).timestamp()


def test_event_property_names_ignore_case() -> None:
    s = run([Event("page_view", T0, {"URL": "https://x.io/Product"})], T0)
    assert points(s) == {"product_page": 30}


def test_naive_datetimes_are_utc() -> None:
    naive = T0.replace(tzinfo=None)
    s = run([Event("webinar_attended", naive)], naive)
    assert s.computed_at == T0
    assert s == run([webinar(T0)], T0)


# --- facts ----------------------------------------------------------------------------------------


def test_lead_facts() -> None:
    facts = lead_facts(
        {
            "email": "Jane@Acme.COM",
            "title": "CEO",
            "company": "",
            "industry": None,
            "not_standard": "ignored",
        },
        {"Industry": "Hospitality", "Company": "Attr Co", "Region": "DACH", "title": "x"},
    )
    assert facts["title"] == "CEO"  # the standard field wins
    assert facts["industry"] == "Hospitality"  # an empty standard field does not
    assert facts["company"] == "Attr Co"
    assert facts["region"] == facts["attributes.region"] == "DACH"
    assert facts["email_domain"] == "acme.com"
    assert "not_standard" not in facts


def test_fit_rules_read_custom_attributes_case_insensitively() -> None:
    m = load_model("""
[[fit]]
id = "dach"
field = "Region"
op = "in"
values = ["DACH", "Germany"]
points = 10

[[fit]]
id = "crm_tier"
field = "attributes.Tier"
value = "gold"
points = 5
""")
    s = run([], T0, {}, m, attributes={"REGION": "dach", "tier": "Gold"})
    assert points(s) == {"dach": 10, "crm_tier": 5}


# --- grades, levels, bands, minimums --------------------------------------------------------------


@pytest.mark.parametrize(
    "fit,letter",
    [
        (100, "A"),
        (60, "A"),
        (59, "B"),
        (40, "B"),
        (39, "C"),
        (20, "C"),
        (19, "D"),
        (0, "D"),
        (-10, "D"),
    ],
)
def test_fit_grade_boundaries(fit: float, letter: str) -> None:
    assert Grades().fit_grade(fit) == letter


@pytest.mark.parametrize(
    "eng,level", [(100, 1), (60, 1), (59, 2), (40, 2), (39, 3), (20, 3), (19, 4), (0, 4), (-10, 4)]
)
def test_engagement_level_boundaries(eng: float, level: int) -> None:
    assert Grades().engagement_level(eng) == level


BITS = (1, 2, 4, 8, 16, 32, 64)
BAND_MODEL = load_model(
    "[thresholds]\nmql = 70\nmin_fit = 20\nmin_engagement = 20\nnurture_min = 30\n"
    + "".join(f'[[fit]]\nid = "b{b}"\nfield = "b{b}"\nop = "is_set"\npoints = {b}\n' for b in BITS)
    + '[[engagement_rule]]\nid = "e"\nevent = "e"\npoints = 1\nhalf_life_days = 0\n'
)


def band_score(fit: int, eng: int) -> Score:
    facts = {f"b{b}": "x" for b in BITS if fit & b}
    return run(
        [ev("e", at(0, hours=-i / 10)) for i in range(eng)], T0, model=BAND_MODEL, attributes=facts
    )


@pytest.mark.parametrize(
    "fit,eng,qualifies,band,grade",
    [
        (50, 20, True, "mql", "B3"),
        (50, 19, False, "nurture", "B4"),
        (20, 50, True, "mql", "C2"),
        (19, 60, False, "nurture", "D1"),  # total 79, but below the fit minimum
        (60, 19, False, "nurture", "A4"),  # total 79, but below the engagement minimum
        (60, 60, True, "mql", "A1"),
        (20, 10, False, "nurture", "C4"),  # 30 is the bottom of the nurture band
        (19, 10, False, "cold", "D4"),
        (0, 0, False, "cold", "D4"),
    ],
)
def test_thresholds_band_minimums_and_grade(
    fit: int, eng: int, qualifies: bool, band: str, grade: str
) -> None:
    s = band_score(fit, eng)
    assert (s.fit, s.engagement, s.total) == (fit, eng, fit + eng)
    assert (s.qualifies, s.band, s.grade) == (qualifies, band, grade)
    assert s.alertable is qualifies


def test_without_minimums_the_total_decides() -> None:
    m = load_model(
        BAND_MODEL.source.replace("min_fit = 20", "min_fit = 0").replace(
            "min_engagement = 20", "min_engagement = 0"
        )
    )
    facts = {f"b{b}": "x" for b in (64, 4, 2)}
    assert run([], T0, model=m, attributes=facts).qualifies  # 70 fit, 0 engagement


# --- rounding and output --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,whole",
    [
        (12.5, 13),
        (12.49, 12),
        (-2.5, -3),
        (-2.4, -2),
        (0.4, 0),
        (-0.4, 0),
        (12.499999999999998, 13),
        (7.5, 8),
        (0, 0),
    ],
)
def test_round_points_half_away_from_zero(raw: float, whole: float) -> None:
    got = round_points(raw)
    assert got == whole
    assert math.copysign(1, got) == (1 if whole >= 0 else -1)  # never -0.0


def test_breakdown_json_round_trip() -> None:
    s = run([webinar(at(-2)), visit(at(-1), "/product")], T0, STRONG_FIT)
    stored = orjson.dumps(s.breakdown_json())  # as every writer of a breakdown writes it
    data = json.loads(stored)
    again = [BreakdownLine.from_dict(d).to_dict() for d in data]
    assert orjson.dumps(again) == stored
    visit_line = next(d for d in data if d["dim"] == "engagement" and d["evidence"]["count"] == 1)
    assert visit_line["evidence"]["last"] in (at(-2).isoformat(), at(-1).isoformat())
    assert data[0] == {
        "rule": "role_executive",
        "dim": "fit",
        "label": "CEO, managing director or founder",
        "points": 30.0,
        "nominal": 30.0,
        "evidence": {"field": "title", "value": "CEO"},
    }


def test_score_of_nothing() -> None:
    s = run([], T0)
    assert (s.total, s.fit, s.engagement, s.lines, s.band, s.grade) == (0, 0, 0, (), "cold", "D4")
