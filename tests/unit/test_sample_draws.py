"""The sample's draws: weighted picks, variants within their kind, CRM ids and companies."""

from __future__ import annotations

import numpy as np

from bot.sample import activity, people
from bot.sample.draws import pick
from bot.sample.events import make_events, variants
from bot.sample.leads import crm_id, draw_companies


def test_pick_follows_the_weights_and_never_draws_a_weight_of_zero() -> None:
    drawn = pick(np.random.default_rng(1), [1.0, 0.0, 3.0], 40_000)
    assert drawn.dtype == np.int64 and set(drawn.tolist()) == {0, 2}
    assert 0.72 < float(np.mean(drawn == 2)) < 0.78


def test_variants_stay_within_their_kind() -> None:
    kinds = np.repeat(np.arange(activity.KIND_SIZES.size, dtype=np.int64), 50)
    chosen = variants(np.random.default_rng(2), kinds)
    assert (chosen >= 0).all() and (chosen < activity.KIND_SIZES[kinds]).all()


def test_a_crm_id_is_the_same_for_the_same_person_in_any_sample() -> None:
    assert crm_id("anna@x.example") == crm_id("anna@x.example")
    assert crm_id("anna@x.example") != crm_id("anna@y.example")
    assert crm_id("anna@x.example").startswith("CRM-")


def test_companies_are_drawn_within_the_vocabulary() -> None:
    companies = draw_companies(np.random.default_rng(3), 1_000)
    assert companies.industry.max() < len(people.INDUSTRIES)
    assert companies.country.max() < len(people.COUNTRIES)
    assert companies.size.min() >= 1 and companies.size.max() <= 20_000
    assert (companies.revenue > 0).all()


def test_events_fall_inside_the_window_and_no_mail_is_opened_after_an_unsubscribe() -> None:
    propensity = np.random.default_rng(4).random(2_000)
    window = 30 * 86_400
    lead, kind, _, second = make_events(np.random.default_rng(5), propensity, 30, window)
    assert (second >= 0).all() and (second < window).all()
    assert (lead < propensity.size).all()
    quit_at = {
        int(i): int(s)
        for i, k, s in zip(lead, kind, second, strict=True)
        if k == activity.UNSUBSCRIBE
    }
    mail = np.isin(kind, activity.MAIL_KINDS)
    late = [
        (int(i), int(s))
        for i, s in zip(lead[mail], second[mail], strict=True)
        if int(i) in quit_at and s > quit_at[int(i)]
    ]
    assert quit_at and not late
