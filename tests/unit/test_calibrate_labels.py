"""The rules calibration creates carry their label in German as well as English, and the model
file it writes holds both, for marketing to reword."""

from __future__ import annotations

from scoring.calibrate.binning import Range
from scoring.calibrate.candidates import Candidate, Pool, _range_labels, fit_candidates
from scoring.calibrate.engagement import _event_rule, _path_rule
from scoring.calibrate.examples import Options
from scoring.calibrate.model_text import rule_table
from scoring.calibrate.phrases import _PHRASES, LOCALES, event_name, phrase
from scoring.calibrate.pipeline import calibrate
from scoring.loader import load_model
from scoring.model import CANONICAL_EVENT_TYPES
from tests.unit.test_calibrate import _planted


def test_every_phrase_is_there_in_every_language() -> None:
    for key, texts in _PHRASES.items():
        assert set(texts) == set(LOCALES), key


def test_numbers_take_their_languages_form() -> None:
    assert phrase("between", field="size", low=1000, high=2499.5) == {
        "en": "size 1,000–2,499.5",
        "de": "size 1.000–2.499,5",
    }


def test_range_labels() -> None:
    assert _range_labels("size", Range(None, 49.0))["de"] == "size bis 49"
    assert _range_labels("size", Range(200.0, None)) == {
        "en": "size 200 or more",
        "de": "size ab 200",
    }
    assert _range_labels("size", Range(3.0, 3.0)) == {"en": "size 3", "de": "size 3"}
    assert _range_labels("size", Range(50.0, 199.0))["en"] == "size 50–199"


def test_count_rules_are_worded_in_both_languages() -> None:
    _, labels, _ = _event_rule("webinar_attended")
    assert labels(1) == {
        "en": "webinar attended once or more",
        "de": "Webinar-Teilnahme mindestens einmal",
    }
    assert labels(3)["de"] == "Webinar-Teilnahme mindestens 3-mal"
    _, labels, _ = _path_rule("pricing")
    assert labels(5) == {
        "en": "/pricing visited 5+ times",
        "de": "/pricing mindestens 5-mal besucht",
    }


def test_every_canonical_event_has_a_german_name_and_others_keep_theirs() -> None:
    for event in CANONICAL_EVENT_TYPES:
        assert event_name(event)["de"] != event.replace("_", " "), event
    assert event_name("trial_started") == {"en": "trial started", "de": "trial started"}


def test_fit_candidates_carry_german_labels() -> None:
    columns = {"plan": ["pro"] * 5 + ["free"] * 5 + ["team"] * 5 + [None] * 5}
    by_id = {c.id: c for c in fit_candidates(columns, support=3).candidates}
    assert dict(by_id["plan_empty"].labels) == {"de": "plan nicht angegeben"}
    assert by_id["plan_empty"].label == "plan empty"
    assert dict(by_id["plan_pro"].labels) == {"de": "plan: pro"}


def test_a_pool_keeps_english_as_the_label_and_the_rest_as_labels() -> None:
    pool = Pool()
    pool.add(
        "x", {"en": "X given", "de": "X angegeben"}, "fit", {"field": "x", "op": "is_set"}, None
    )
    assert pool.candidates == [
        Candidate(
            "x", "X given", "fit", {"field": "x", "op": "is_set"}, None, (("de", "X angegeben"),)
        )
    ]


def test_a_rule_table_writes_the_german_label_and_none_without_one() -> None:
    spec = {"event": "page_view", "min_count": 1}
    german = rule_table(Candidate("a", "A", "engagement", spec, None, (("de", "Ä"),)), 10)
    assert 'labels = { de = "Ä" }' in german
    assert not any(
        line.startswith("labels")
        for line in rule_table(Candidate("a", "A", "engagement", spec), 10)
    )


def test_a_calibrated_model_file_carries_a_german_label_for_every_rule() -> None:
    cal = calibrate(_planted(), Options(target_rate=0.6))
    model = load_model(cal.text)
    rules = [*model.fit_rules, *model.engagement_rules]
    assert rules and all(dict(r.labels).get("de") for r in rules)
    german = model.rule_labels("de")
    assert german["page_pricing_1"] == "/pricing mindestens einmal besucht"
    assert model.rule_labels("en")["page_pricing_1"] == "/pricing visited once or more"
    sizes = [label for rid, label in german.items() if rid.startswith("company_size")]
    assert sizes and all(label.startswith("company_size ") for label in sizes)
